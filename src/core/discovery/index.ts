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
  private readonly order = new FileThenLine();
  /** Each input's Python part, made once per input object (ProjectIndex passes the same ones while a file is unchanged). */
  private readonly pythonInputs = new WeakMap<object, { file: WorkspaceFile; facts: PythonRouteFacts }>();

  /** `aliases`: tsconfig/jsconfig `paths` of the workspace, for Node imports that are not relative. */
  link(
    files: ReadonlyArray<{ file: WorkspaceFile; facts: RouteFacts }>,
    aliases: readonly PathAliases[] = [],
  ): Route[] {
    const python: Array<{ file: WorkspaceFile; facts: PythonRouteFacts }> = [];
    const node: Array<{ file: WorkspaceFile; facts: NodeRouteFacts }> = [];
    for (const input of files) {
      const { file, facts } = input;
      if (facts.kind === 'python') {
        let mine = this.pythonInputs.get(input);
        if (!mine || mine.file !== file) this.pythonInputs.set(input, (mine = { file, facts: facts.facts }));
        python.push(mine);
      } else node.push({ file, facts: facts.facts });
    }
    this.tracker.advance();
    this.nodeFiles = node;
    this.nodeFacts = new Map(node.map(({ file, facts }) => [file.path, facts]));
    this.aliases = aliases;
    const nodeRoutes = this.nodeRoutes.get(null, () => this.linkNode());
    return this.order.sort([...this.python.link(python), ...nodeRoutes]);
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

/**
 * A stable sort by (file, line), by buckets: much cheaper than one comparator sort over 20,000 routes. The files'
 * order is kept while the set of files with routes is the same (after an edit, nearly always), and a bucket
 * already in line order is not sorted.
 */
export class FileThenLine {
  private files: string[] = [];
  /** The last input and output, and where each route of the input went in the output. */
  private last: { input: Route[]; output: Route[]; at: Map<Route, number> } | undefined;

  /** A new array each time: callers may keep or change it. */
  sort(routes: Route[]): Route[] {
    return (this.again(routes) ?? this.sortAll(routes)).slice();
  }

  /**
   * The last output with the routes replaced that are new at their place in the input, when each stands
   * where the one it replaces stood (same file and line: a changed path or prefix): the order is the same.
   */
  private again(routes: Route[]): Route[] | undefined {
    const last = this.last;
    if (!last || last.input.length !== routes.length) return undefined;
    let output: Route[] | undefined;
    for (let i = 0; i < routes.length; i++) {
      const [was, now] = [last.input[i], routes[i]];
      if (was === now) continue;
      // A kept route at another place in the input (one handler on routers of two modules, reordered): its
      // place in `at` would be overwritten below, so the next edit would miss it. Sort again instead.
      if (was.file !== now.file || was.line !== now.line || last.at.has(now)) return undefined;
      const slot = last.at.get(was);
      if (slot === undefined) return undefined;
      output ??= last.output.slice();
      output[slot] = now;
    }
    if (!output) return last.output;
    const at = last.at;
    for (let i = 0; i < routes.length; i++)
      if (last.input[i] !== routes[i]) {
        at.set(routes[i], at.get(last.input[i])!);
        at.delete(last.input[i]);
      }
    this.last = { input: routes, output, at };
    return output;
  }

  private sortAll(routes: Route[]): Route[] {
    const byFile = new Map<string, Route[]>();
    for (const r of routes) {
      const bucket = byFile.get(r.file);
      if (bucket) bucket.push(r);
      else byFile.set(r.file, [r]);
    }
    if (byFile.size !== this.files.length || !this.files.every((f) => byFile.has(f)))
      this.files = [...byFile.keys()].sort();
    const out: Route[] = [];
    for (const file of this.files) {
      const bucket = byFile.get(file)!;
      if (!inLineOrder(bucket)) bucket.sort((a, b) => a.line - b.line);
      for (const r of bucket) out.push(r);
    }
    // A route listed twice (not made by the linkers, which build one object per emission) leaves `again` off
    const at = new Map(out.map((r, i) => [r, i]));
    this.last = at.size === out.length ? { input: routes, output: out, at } : undefined;
    return out;
  }
}

function inLineOrder(routes: readonly Route[]): boolean {
  for (let i = 1; i < routes.length; i++) if (routes[i - 1].line > routes[i].line) return false;
  return true;
}
