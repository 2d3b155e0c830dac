// Runs real Node route discovery (tree-sitter parse → facts → link) over in-memory files.
import { extractRouteFacts, linkRoutes } from '../../src/core/discovery';
import type { Route } from '../../src/core/model';
import { languageOf, Parsers } from '../../src/core/parsing/parser';
import type { WorkspaceFile } from '../../src/core/workspace';

let parsers: Promise<Parsers> | undefined;

export async function discoverNode(files: Record<string, string>): Promise<Route[]> {
  const p = await (parsers ??= Parsers.load());
  const facts = Object.entries(files).map(([path, source]) => {
    const file: WorkspaceFile = { path, absPath: `/ws/${path}`, language: languageOf(path)! };
    const tree = p.parse(file.language, source);
    try {
      return { file, facts: extractRouteFacts(file, tree.rootNode) };
    } finally {
      tree.delete();
    }
  });
  return linkRoutes(facts);
}

/** `METHODS path handler file:line async` per route, sorted: one line each for readable diffs. */
export function summary(routes: Route[]): string[] {
  return routes
    .map(
      (r) =>
        `${r.framework} ${r.methods.join(',')} ${r.path} ${r.handler} ${r.file}:${r.line}${r.async ? ' async' : ''}`,
    )
    .sort();
}
