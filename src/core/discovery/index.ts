// Route discovery in two steps, so one edit re-parses one file:
//   1. extractRouteFacts: one file's tree → plain data (decorators, router objects, imports, prefixes)
//   2. linkRoutes: all files' facts → routes with every router/blueprint/mount prefix applied
import type { Route } from '../model';
import type { Node } from '../parsing/parser';
import type { WorkspaceFile } from '../workspace';
import { extractPythonRouteFacts, PythonLinkCache, type PythonRouteFacts } from './python';
import { extractNodeRouteFacts, linkNodeRoutes, type NodeRouteFacts } from './node';
import type { PathAliases } from '../nodeImports/tsconfig';

export type RouteFacts = { kind: 'python'; facts: PythonRouteFacts } | { kind: 'node'; facts: NodeRouteFacts };

export function extractRouteFacts(file: WorkspaceFile, root: Node): RouteFacts {
  return file.language === 'python'
    ? { kind: 'python', facts: extractPythonRouteFacts(file, root) }
    : { kind: 'node', facts: extractNodeRouteFacts(file, root) };
}

export function linkRoutes(
  files: ReadonlyArray<{ file: WorkspaceFile; facts: RouteFacts }>,
  aliases: readonly PathAliases[] = [],
): Route[] {
  return new RouteLinker().link(files, aliases);
}

/**
 * Links repeatedly as files change: Python linking keeps per-module results (see PythonLinkCache),
 * Node linking runs again only when a Node file's facts changed.
 */
export class RouteLinker {
  private readonly python = new PythonLinkCache();
  private node:
    | {
        files: ReadonlyArray<{ file: WorkspaceFile; facts: NodeRouteFacts }>;
        aliases: readonly PathAliases[];
        routes: Route[];
      }
    | undefined;

  /** `aliases`: tsconfig/jsconfig `paths` of the workspace, for Node imports that are not relative. */
  link(
    files: ReadonlyArray<{ file: WorkspaceFile; facts: RouteFacts }>,
    aliases: readonly PathAliases[] = [],
  ): Route[] {
    const python: Array<{ file: WorkspaceFile; facts: PythonRouteFacts }> = [];
    const node: Array<{ file: WorkspaceFile; facts: NodeRouteFacts }> = [];
    for (const { file, facts } of files) {
      if (facts.kind === 'python') python.push({ file, facts: facts.facts });
      else node.push({ file, facts: facts.facts });
    }
    const kept = this.node;
    const sameNode =
      kept !== undefined &&
      kept.aliases === aliases &&
      kept.files.length === node.length &&
      node.every(({ file, facts }, i) => kept.files[i].file.path === file.path && kept.files[i].facts === facts);
    if (!sameNode) this.node = { files: node, aliases, routes: linkNodeRoutes(node, aliases) };
    return byFileThenLine([...this.python.link(python), ...this.node!.routes]);
  }
}

/** A stable sort by (file, line), by buckets: much cheaper than one comparator sort over 20,000 routes. */
function byFileThenLine(routes: Route[]): Route[] {
  const byFile = new Map<string, Route[]>();
  for (const r of routes) {
    const bucket = byFile.get(r.file);
    if (bucket) bucket.push(r);
    else byFile.set(r.file, [r]);
  }
  const out: Route[] = [];
  for (const file of [...byFile.keys()].sort())
    for (const r of byFile.get(file)!.sort((a, b) => a.line - b.line)) out.push(r);
  return out;
}
