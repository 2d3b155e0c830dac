// Route discovery in two steps, so one edit re-parses one file:
//   1. extractRouteFacts: one file's tree → plain data (decorators, router objects, imports, prefixes)
//   2. linkRoutes: all files' facts → routes with every router/blueprint/mount prefix applied
import type { Route } from '../model';
import type { Node } from '../parsing/parser';
import type { WorkspaceFile } from '../workspace';
import { extractPythonRouteFacts, PythonLinkCache, type PythonRouteFacts } from './python';
import { extractNodeRouteFacts, linkNodeRoutes, type NodeRouteFacts } from './node';
import type { PathAliases } from '../nodeImports/tsconfig';
import { Memo } from '../incremental/memo';
import { Tracked, Tracker } from '../incremental/tracker';

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

type NodeFiles = ReadonlyArray<{ file: WorkspaceFile; facts: NodeRouteFacts }>;

/**
 * Links repeatedly as files change: Python linking keeps per-module results (see PythonLinkCache),
 * Node linking is one memoised computation that reads every Node file (it runs again when one changes).
 */
export class RouteLinker {
  private readonly python = new PythonLinkCache();
  private readonly tracker = new Tracker();
  private nodeFiles: NodeFiles = [];
  private nodeFacts = new Map<string, NodeRouteFacts>();
  private aliases: readonly PathAliases[] = [];
  /** What the Node link reads: the list of Node files, each one's facts, the `paths` aliases. */
  private readonly nodeView = {
    paths: new Tracked(this.tracker, () => this.nodeFiles.map(({ file }) => file.path).join('\n')),
    facts: new Tracked(this.tracker, (path: string) => this.nodeFacts.get(path)),
    aliases: new Tracked(this.tracker, () => this.aliases),
  };
  private readonly nodeRoutes = Memo.byKey<null, Route[]>(this.tracker);

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
    this.tracker.advance();
    this.nodeFiles = node;
    this.nodeFacts = new Map(node.map(({ file, facts }) => [file.path, facts]));
    this.aliases = aliases;
    const nodeRoutes = this.nodeRoutes.get(null, () => this.linkNode());
    return byFileThenLine([...this.python.link(python), ...nodeRoutes]);
  }

  /** Files whose registrations the last link read only in part, with why (routes there may be missing). */
  notes(): ReadonlyArray<{ path: string; problem: string }> {
    return this.python.notes();
  }

  private linkNode(): Route[] {
    const view = this.nodeView;
    view.paths.get(null);
    for (const { file } of this.nodeFiles) view.facts.get(file.path);
    return linkNodeRoutes(this.nodeFiles, view.aliases.get(null));
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
