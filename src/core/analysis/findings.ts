// All files' facts + discovered routes → findings. Which code runs on the event loop:
//   Python: every `async def` a per-request root reaches (every one, like Ruff, when there are no routes;
//   see place()), plus handlers a framework calls on the loop
//   even when sync (aiohttp, Sanic: execution 'event-loop'). `def` handlers and `def`
//   dependencies of FastAPI/Starlette run in the threadpool and are not loop context;
//   nested `def`s are their own (sync) functions; module-level code is startup code, and so
//   are startup/shutdown hooks and lifespans (run before the server accepts requests or after it
//   stops: a blocking call there delays startup, it serialises no request, so it is not flagged), and
//   so are commands, import-time calls and what only these reach (see place()). Test files never get here:
//   the workspace scan leaves them out (workspace.ts, isTestFile).
//   WSGI handlers (execution 'worker') get EP201 for high-latency calls only.
//   Node: every route handler (socket.io event handlers included) and middleware, the callbacks nested in
//   them, and what they call.
// Calls into sync user functions anywhere in the workspace are followed (EP102).
import type { CatalogEntry } from './catalog/types';
import type { CallFact, CodeFacts, FunctionFact } from './facts';
import { Matcher, type AnalysisConfig } from './match';
import { PYTHON_RETURNS } from './catalog/python';
import { dotBefore, instanceOf, member, reexported } from './resolve';
import { RULES } from './rules';
import type { Checked, Execution, Reach, Report, Rule, RuleId, Step } from './rules/types';
import type { Finding, Route } from '../model';
import type { PathAliases } from '../nodeImports/tsconfig';
import { nodeModule } from '../lang/node/modules';
import {
  CodeWorkspace,
  functionKeys,
  PROTOCOL_BASE,
  type FileFacts,
  type FnRef,
  type Placement,
} from './codeWorkspace';
import { fileRoots, possiblyFrom, reachFromRoots } from './placement';
import { Memo } from '../incremental/memo';
import { Tracker } from '../incremental/tracker';

export type { FileFacts } from './codeWorkspace';

/** Where a call's files differ from an earlier call's (see findBlockingCalls). */
export interface FileChanges {
  from: FileFacts;
  paths: ReadonlySet<string>;
}

const MAX_DEPTH = 8;

const DEFAULT_CONFIG: AnalysisConfig = {};

/**
 * `aliases`: the workspace's tsconfig/jsconfig `paths`, for Node imports that are not relative (`@server/util`).
 * `changes`: `files` differs from `from` (the files of an earlier call) only at `paths`, so the analysis compares
 * only those when `from` is what it last saw (else every file).
 */
export function findBlockingCalls(
  files: FileFacts,
  routes: Route[],
  config: AnalysisConfig = DEFAULT_CONFIG,
  aliases: readonly PathAliases[] = NO_ALIASES,
  changes?: FileChanges,
): Finding[] {
  let state = states.get(config);
  if (!state) states.set(config, (state = new Analysis(new Matcher(config))));
  return state.run(files, routes, aliases, changes);
}

/**
 * How often the analyses with `config` (the default: none given) asked a file's findings entry and computed one,
 * summed over their runs: an edit's cost in files, for tests and benches.
 */
export function fileResultCounts(config: AnalysisConfig = DEFAULT_CONFIG): { asked: number; computed: number } {
  return states.get(config)?.fileResultCounts() ?? { asked: 0, computed: 0 };
}

const NO_ALIASES: readonly PathAliases[] = [];

const NO_ROUTES: Route[] = [];

const states = new WeakMap<AnalysisConfig, Analysis>();

/**
 * Keeps results between calls so one edited file costs one file's work: per-file findings, per-function
 * reach summaries and call edges live in memos (incremental/memo.ts) and are reused while everything they
 * read through the tracked view of the workspace (codeWorkspace.ts) answers the same. Facts objects are
 * compared by identity; ProjectIndex keeps them for unchanged files.
 */
class Analysis {
  private readonly tracker = new Tracker();
  private readonly code = new CodeWorkspace(this.tracker);
  private readonly nested = new WeakMap<CodeFacts, number[][]>();
  /** The first blocking call each function reaches (null: none), see reach(). */
  private readonly reaches = Memo.byObject<FunctionFact, Reach | null>(this.tracker);
  /** Each file's findings. */
  private readonly results = Memo.byKey<string, Finding[]>(this.tracker);
  /** Each Python file's roots and call edges as placement reads them (see placedFile). */
  private readonly placedFiles = Memo.byKey<string, PlacedFile>(this.tracker);
  /** The routes the last placement read, each with its Python handler and label (see place()). */
  private routeRoots: RouteRoots | undefined;
  /** What the last placement read and found: kept while an edit changes neither its graph nor its roots. */
  private lastPlacement: LastPlacement | undefined;
  /** The routes placement was computed with; undefined: files changed since. */
  private placedRoutes: Route[] | undefined;
  private readonly qualnames = new WeakMap<CodeFacts, Map<string, number>>();
  /** Each route's handler, with the facts it was found in. */
  private readonly handlers = new WeakMap<
    Route,
    { facts: CodeFacts; line: number; handler: string; ref: FnRef | undefined }
  >();
  private readonly defLines = new WeakMap<CodeFacts, Map<number, number[]>>();
  /** Counts searches cut short by a cycle or the depth limit: a "nothing found" under a cut is not final. */
  private cuts = 0;
  /** File paths in output order; recomputed only when the set of files changed. */
  private order: string[] | undefined;
  /** Each file's findings as last asked (see collectFindings), where they start in `lastOut`, and the list. */
  private perFile = new Map<string, Finding[]>();
  private offsets = new Map<string, number>();
  private lastOut: Finding[] = [];
  /** The routes of the run, by file. */
  private byFile = new Map<string, Route[]>();
  /**
   * The running memo computation's resolutions by callee (see resolveCall): a file names the same callees again
   * and again, and placement resolves each call twice (its edges, its unresolved names). One set per
   * computation, never shared: a resolution's reads were recorded into the computation that first made it, so it
   * is reused only there; outside any computation nothing is kept.
   */
  private resolved: Resolutions | undefined;
  /** Where each file's routes are in `routesSeen`. */
  private positions = new Map<string, number[]>();
  /** The routes `byFile` was made from. */
  private routesSeen: readonly Route[] | undefined;

  constructor(private readonly matcher: Matcher) {}

  fileResultCounts(): { asked: number; computed: number } {
    return { asked: this.results.asked, computed: this.results.computed };
  }

  run(files: FileFacts, routes: Route[], aliases: readonly PathAliases[], changes?: FileChanges): Finding[] {
    this.tracker.advance();
    const before = this.code.all();
    const changed = this.code.update(files, aliases, changes?.from === before ? changes.paths : undefined);
    for (const path of changed) {
      // A replaced file's functions are never asked again: their reach entries go (and what used them is asked)
      for (const fn of before.get(path)?.facts.functions ?? []) this.reaches.delete(fn);
      if (!files.has(path)) {
        this.order = undefined;
        this.results.delete(path);
        this.placedFiles.delete(path);
      } else if (this.order && !this.perFile.has(path)) this.order = undefined;
    }
    if (changed.size) {
      this.placedRoutes = undefined;
      this.syncCrossFileHooks();
    }
    if (!sameList(this.placedRoutes, routes)) {
      const again = this.routesAgain(routes);
      if (again) this.code.setRoutesOf(again.files, this.byFile);
      else {
        this.byFile = new Map();
        this.positions = new Map();
        routes.forEach((r, i) => {
          (this.byFile.get(r.file) ?? this.byFile.set(r.file, []).get(r.file)!).push(r);
          (this.positions.get(r.file) ?? this.positions.set(r.file, []).get(r.file)!).push(i);
        });
        this.code.setRoutes(this.byFile);
      }
      this.routesSeen = routes;
      this.place(routes, changed, again?.at);
    }
    return this.collectFindings(files).slice();
  }

  /**
   * Every file's findings, in path order. After an edit only the files whose entries it may have made invalid
   * are asked (`Memo.touchedKeys`: what their reads or the reach entries they used, however indirectly, noted
   * as changed), and the last list is patched where their findings changed; after a change of the set of files
   * (or when the memo cannot tell), every file is asked.
   */
  private collectFindings(files: FileFacts): Finding[] {
    const touched = this.order && this.results.touchedKeys();
    if (!touched) return this.collectAll(files);
    const changed: string[] = [];
    let sameCounts = true;
    for (const path of touched) {
      const last = this.perFile.get(path);
      if (!last) continue; // not a file of this run (a new file resets the order: collectAll)
      const now = this.results.get(
        path,
        this.computing(() => this.checkFile(path)),
      );
      if (now === last) continue;
      this.perFile.set(path, now);
      changed.push(path);
      sameCounts &&= now.length === last.length;
    }
    if (!changed.length) return this.lastOut;
    if (!sameCounts) return this.concatenate();
    const out = this.lastOut.slice();
    for (const path of changed) {
      const at = this.offsets.get(path)!;
      const now = this.perFile.get(path)!;
      for (let i = 0; i < now.length; i++) out[at + i] = now[i];
    }
    return (this.lastOut = out);
  }

  /** Asks every file's entry. */
  private collectAll(files: FileFacts): Finding[] {
    this.order ??= [...files.keys()].sort();
    this.perFile = new Map();
    for (const path of this.order)
      this.perFile.set(
        path,
        this.results.get(
          path,
          this.computing(() => this.checkFile(path)),
        ),
      );
    return this.concatenate();
  }

  /** The files' findings in path order, as one list, with where each file's start. */
  private concatenate(): Finding[] {
    const out: Finding[] = [];
    this.offsets = new Map();
    for (const path of this.order!) {
      this.offsets.set(path, out.length);
      for (const f of this.perFile.get(path)!) out.push(f);
    }
    return (this.lastOut = out);
  }

  /** `compute` as a memo computation: with resolutions of its own, the caller's again after it. */
  private computing<T>(compute: () => T): () => T {
    return () => {
      const outer = this.resolved;
      this.resolved = { from: undefined, byCallee: new Map() };
      try {
        return compute();
      } finally {
        this.resolved = outer;
      }
    };
  }

  /**
   * After an edit that kept the number of routes (a path, a prefix, a handler's line): the files whose routes
   * are other objects than in the last run, with `byFile` brought up to date for them. Undefined when the count
   * changed: then every file's routes are gathered again.
   */
  private routesAgain(routes: readonly Route[]): { files: Set<string>; at: number[] } | undefined {
    const last = this.routesSeen;
    if (!last || last.length !== routes.length) return undefined;
    const files = new Set<string>();
    const changedAt: number[] = [];
    for (let i = 0; i < routes.length; i++)
      if (routes[i] !== last[i]) {
        changedAt.push(i);
        files.add(routes[i].file);
        files.add(last[i].file);
      }
    for (const file of files) {
      // Its routes kept at their places, and the new ones there, in list order
      const at = (this.positions.get(file) ?? []).filter((i) => routes[i] === last[i]);
      for (const i of changedAt) if (routes[i].file === file) at.push(i);
      at.sort((a, b) => a - b);
      if (at.length) {
        this.positions.set(file, at);
        this.byFile.set(
          file,
          at.map((i) => routes[i]),
        );
      } else {
        this.positions.delete(file);
        this.byFile.delete(file);
      }
    }
    return { files, at: changedAt };
  }

  private checkFile(path: string): Finding[] {
    const facts = this.code.facts(path)!;
    this.code.routesOf(path);
    const routes = this.byFile.get(path) ?? NO_ROUTES;
    const routeOf = new Map<FunctionFact, Route>();
    for (const route of routes) {
      const ref = this.routeFunction(route);
      if (!ref) continue;
      routeOf.set(ref.fn, route);
      if (facts.language === 'node')
        for (const i of this.descendants(facts, ref.index))
          if (!routeOf.has(facts.functions[i])) routeOf.set(facts.functions[i], route);
    }
    const found = new Map<string, Finding>();
    const middleware = facts.language === 'node' ? this.middlewareIn(facts) : undefined;
    facts.functions.forEach((fn, index) => {
      const route = routeOf.get(fn);
      const ref = { path, facts, index, fn };
      if (facts.language === 'node') {
        if (route) this.check(ref, route, 'loop', found);
        else if (middleware?.has(index))
          this.check(ref, undefined, 'loop', found, {
            root: fn.name.startsWith('<') ? `middleware (line ${fn.defLine})` : labelOf(fn),
          });
        return;
      }
      // Start-up/shutdown hooks, commands, import-time work, code the server never runs: not per request
      const placed = route ? undefined : this.code.placed(fn);
      if (placed === 'once' || placed === 'unreached') return;
      if (route?.execution === 'worker') this.check(ref, route, 'worker', found);
      else if (fn.async || route?.execution === 'event-loop' || this.loopHook(ref))
        this.check(ref, route, 'loop', found, { possibly: placed });
    });
    return [...found.values()].sort((a, b) => a.line - b.line || a.column - b.column || (a.rule < b.rule ? -1 : 1));
  }

  /**
   * A plain def Sanic calls on its loop: middleware registered in its own file (loopHook) or from another
   * (CodeFacts.loopHooks); module-level functions only, as in its own file.
   */
  private loopHook({ path, index, fn }: FnRef): boolean {
    if (fn.loopHook) return true;
    return !fn.async && !fn.method && fn.parent === undefined && this.code.loopHooksIn(path).has(index);
  }

  /** Resolves every file's startup-hook and imported Sanic middleware registrations again (a handful per workspace). */
  private syncCrossFileHooks(): void {
    const startup = new Map<string, Set<number>>();
    const loop = new Map<string, Set<number>>();
    const add = (into: Map<string, Set<number>>, target: FnRef | undefined) => {
      if (target) (into.get(target.path) ?? into.set(target.path, new Set()).get(target.path)!).add(target.index);
    };
    for (const { facts } of this.code.all().values()) {
      for (const name of facts.startup ?? []) add(startup, this.userFunction(name, facts));
      for (const name of facts.loopHooks ?? []) add(loop, this.userFunction(name, facts));
    }
    this.code.setStartupHooks(startup);
    this.code.setLoopHooks(loop);
  }

  /**
   * Which Python functions run per request, which only once, and which the server never runs. Once: start-up hooks and lifespans (with the functions nested in them, a combinator's composed lifespan);
   * command-line commands; calls at import time or in a `__main__` block — and what these reach, except
   * coroutines handed to a task spawner. Test files are not indexed at all (the scan leaves them out). Per request (placement.ts): what route handlers, router-level dependencies, handlers registered
   * on a framework object (`@sio.on(…)`, `@app.middleware(…)`), middleware `dispatch` and async `__call__`
   * methods (isServedMethod) and tasks started beside the server at start-up reach through calls, dependencies,
   * background tasks, nested functions and their decorators' wrappers, and through a call on a typing.Protocol's
   * method to the classes implementing it by shape (not from code reached only by a name guess). A function reached both ways is per
   * request. When the workspace has Python routes, an async function reached neither way is not checked (an
   * SDK's or a worker's code), unless a call on an unresolved receiver in per-request code has its name and it
   * is not known to be one-time: then it is checked and its findings say "possibly reached". Without routes
   * nothing tells what runs per request, so every async function stays loop code, as in Ruff.
   *
   * Each file's roots and call edges are a memo entry (placedFile), so after an edit only the files whose
   * answers changed are read again; what remains per change is the walk over those kept edges.
   */
  private place(routes: Route[], changed: ReadonlySet<string>, changedAt?: readonly number[]): void {
    this.placedRoutes = routes;
    const last = this.lastPlacement;
    const touched = last && this.touchedPlacedFiles(last, changed);
    // After an edit, the last placement's files are brought up to date in place: a copy per edit was 5,000 entries
    const files = touched ? (last.files as Map<string, PlacedFile>) : new Map<string, PlacedFile>();
    /** The functions of files read again, each from its last version's (for keepPlacement). */
    const moved = new Map<FunctionFact, FunctionFact>();
    let sameGraph = last !== undefined;
    for (const path of touched ?? this.pythonPaths()) {
      const placed = this.computing(() => this.placedFile(path));
      const file = this.placedFiles.get(path, placed);
      const before = last?.files.get(path);
      files.set(path, file);
      if (before && file !== before && before.functions.length === file.functions.length)
        file.functions.forEach(({ fn }, i) => {
          if (before.functions[i].fn !== fn) moved.set(before.functions[i].fn, fn);
        });
      if (sameGraph)
        sameGraph = !file.outside && (file === before || (before !== undefined && shapeOf(file) === shapeOf(before)));
    }
    sameGraph &&= files.size === last!.files.size;
    const roots = this.rootsAgain(routes, changed, changedAt) ?? this.allRoots(routes, changed);
    this.routeRoots = roots;
    if (sameGraph && roots.same !== false && (roots.same || sameRoots(last!, roots.python)))
      this.keepPlacement(last!, moved, roots.changed);
    else this.placeAgain(files, roots.python);
  }

  /** Every route's Python handler and label (a route in a file no change since the last placement touched: as then). */
  private allRoots(
    routes: Route[],
    changed: ReadonlySet<string>,
  ): RouteRoots & { same?: undefined; changed?: undefined } {
    const before = this.routeRoots;
    const roots: Array<Root | undefined> = [];
    const python: Root[] = [];
    const pyAt: number[] = [];
    for (let i = 0; i < routes.length; i++) {
      const r = routes[i];
      // The same route object in the same place, in a file no change since the last placement touched: same handler
      let root = before?.routes[i] === r && !changed.has(r.file) ? before.roots[i] : undefined;
      root ??= this.rootOf(r);
      roots.push(root);
      pyAt.push(root ? python.length : -1);
      if (root) python.push(root);
    }
    return { routes, roots, python, pyAt };
  }

  /**
   * The last placement's roots with the routes an edit replaced (`changedAt`, when their count is the same) and
   * those of files whose facts changed read again, in place: what else stands where it stood has the same
   * handler. `same`: whether each Python route's handler is the last placement's; `changed`: the Python roots
   * replaced, by their index. Undefined when not known, or when a route became or stopped being a Python
   * handler's (the roots' indexes would move): then every route is read.
   */
  private rootsAgain(
    routes: Route[],
    changed: ReadonlySet<string>,
    changedAt: readonly number[] | undefined,
  ): (RouteRoots & { same: boolean; changed: Array<{ at: number; root: Root }> }) | undefined {
    const before = this.routeRoots;
    if (!before || !changedAt || before.routes.length !== routes.length) return undefined;
    const positions = new Set(changedAt);
    for (const path of changed) for (const i of this.positions.get(path) ?? []) positions.add(i);
    const replaced: Array<{ i: number; root: Root | undefined }> = [];
    let same = true;
    for (const i of positions) {
      const root = this.rootOf(routes[i]);
      const was = before.roots[i];
      if (!root !== !was) return undefined;
      if (root && (root.ref.index !== was!.ref.index || root.ref.path !== was!.ref.path)) same = false;
      replaced.push({ i, root });
    }
    const python: Array<{ at: number; root: Root }> = [];
    for (const { i, root } of replaced) {
      before.roots[i] = root;
      if (root) {
        before.python[before.pyAt[i]] = root;
        python.push({ at: before.pyAt[i], root });
      }
    }
    before.routes = routes;
    return { ...before, same, changed: python };
  }

  /** A route's Python handler with the route's label; undefined for a route of another language or without one. */
  private rootOf(route: Route): Root | undefined {
    const ref = this.routeFunction(route);
    return ref?.facts.language === 'python' ? { ref, label: routeLabel(route) } : undefined;
  }

  /**
   * The Python files whose placed entries an edit may have touched, when the set of Python files is the last
   * placement's: every other file's entry is valid and is the last placement's. Undefined when not known.
   */
  private touchedPlacedFiles(last: LastPlacement, changed: ReadonlySet<string>): Set<string> | undefined {
    for (const path of changed) if (last.files.has(path) !== this.isPython(path)) return undefined;
    const keys = this.placedFiles.touchedKeys();
    if (!keys) return undefined;
    const touched = new Set<string>();
    for (const path of [...keys, ...changed]) if (last.files.has(path)) touched.add(path);
    return touched;
  }

  private isPython(path: string): boolean {
    return this.code.all().get(path)?.facts.language === 'python';
  }

  private *pythonPaths(): Iterable<string> {
    for (const [path, { facts }] of this.code.all()) if (facts.language === 'python') yield path;
  }

  /** The whole walk, over each file's kept roots and edges. */
  private placeAgain(files: Map<string, PlacedFile>, pythonRoutes: Array<{ ref: FnRef; label: string }>): void {
    const byFacts = new Map<CodeFacts, PlacedFile>();
    const boot: FnRef[] = [];
    const commands: FnRef[] = [];
    const deps: Array<{ ref: FnRef; label: string }> = [];
    const registered: Array<{ ref: FnRef; label: string }> = [];
    for (const file of files.values()) {
      if (file.functions.length) byFacts.set(file.functions[0].facts, file);
      boot.push(...file.boot);
      commands.push(...file.commands);
      deps.push(...file.deps);
      registered.push(...file.registered);
    }
    const targets = (ref: FnRef) => byFacts.get(ref.facts)?.targets[ref.index] ?? this.resolveTargets(ref);
    // A task spawned at start-up runs beside the server, not once; one a handler spawns runs per request
    const started = new Map<FunctionFact, FnRef>();
    spread(boot, started, targets);
    const once = new Map(started);
    spread(commands, once, targets);
    const roots = [...pythonRoutes, ...deps, ...registered];
    // Coroutines the start-up code hands to a task spawner run on the server's loop, beside every request
    for (const [fn, ref] of started)
      for (const t of targets(ref))
        if (t.spawned) roots.push({ ref: t.ref, label: `task started at start-up (${labelOf(fn)})` });
    let byName: Map<string, FnRef[]> | undefined;
    const reach = reachFromRoots(roots, {
      next: (ref) => byFacts.get(ref.facts)?.next[ref.index] ?? this.next(ref),
      shaped: (ref) => byFacts.get(ref.facts)?.shaped[ref.index] ?? NO_REFS,
      unresolved: (ref) => byFacts.get(ref.facts)?.unresolved[ref.index] ?? this.unresolvedCalls(ref),
      named: (name) => (byName ??= asyncByName(files.values())).get(name) ?? NO_REFS,
    });
    const now = new Map<FunctionFact, Placement>();
    const possibly = new Map<FunctionFact, { root: number; written: string }>();
    // Known one-time (a command, start-up) outweighs a guess by name
    for (const fn of once.keys()) if (!reach.request.has(fn)) now.set(fn, 'once');
    if (pythonRoutes.length)
      for (const file of files.values())
        for (const { fn } of file.functions) {
          if (now.has(fn) || reach.request.has(fn)) continue;
          const how = reach.possibly.get(fn);
          if (how) possibly.set(fn, how);
          now.set(fn, how ? possiblyReached(roots, how) : 'unreached');
        }
    this.code.setPlacement(now);
    this.lastPlacement = { files, roots, routes: pythonRoutes.length, placement: now, possibly };
  }

  /**
   * The graph and the roots are the last placement's, function for function (an edit that changed a route's
   * path, or a line inside a function): so is what the walk would find. Only the functions of files read again
   * are new objects (`moved`), and a "possibly reached from GET /x" quotes the route as it is now. Updated in
   * place, so an edit costs the functions it moved and the possibly reached ones, not every placed function.
   * `changed`: the Python routes' roots replaced (undefined: any may be; each is taken from `pythonRoutes`).
   */
  private keepPlacement(
    last: LastPlacement,
    moved: ReadonlyMap<FunctionFact, FunctionFact>,
    changed: ReadonlyArray<{ at: number; root: Root }> | undefined,
  ): void {
    const roots = last.roots as Root[];
    if (changed) for (const { at, root } of changed) roots[at] = root;
    else {
      const python = this.routeRoots!.python;
      for (let i = 0; i < python.length; i++) roots[i] = python[i];
    }
    const placement = new Map<FunctionFact, Placement | undefined>();
    const possibly = last.possibly as Map<FunctionFact, { root: number; written: string }>;
    for (const [from, to] of moved) {
      const was = last.placement.get(from);
      if (was === undefined) continue;
      placement.set(from, undefined);
      placement.set(to, was);
      const how = possibly.get(from);
      if (how) {
        possibly.delete(from);
        possibly.set(to, how);
      }
    }
    for (const [fn, how] of possibly) {
      const now = possiblyReached(roots, how);
      if ((placement.get(fn) ?? last.placement.get(fn)) !== now) placement.set(fn, now);
    }
    // The map the workspace answers from is last.placement itself (setPlacement): changed there in place
    this.code.updatePlacement(placement);
  }

  /** One Python file as placement reads it: its roots (see fileRoots) and each function's edges, resolved. */
  private placedFile(path: string): PlacedFile {
    const facts = this.code.facts(path)!;
    const refs = facts.functions.map((fn, index) => ({ path, facts, index, fn }));
    const roots = fileRoots(facts, this.code.startupHooks(path), (name, from) => this.code.classAt(name, from));
    const deps: Array<{ ref: FnRef; label: string }> = [];
    for (const name of facts.requestDeps ?? []) {
      const target = this.userFunction(name, facts);
      if (target) deps.push({ ref: target, label: `dependency ${name}` });
    }
    // Resolved here rather than through memo entries per function: the file's entry is the unit kept
    const shaped = refs.map((): FnRef[] => []);
    const targets = refs.map((ref, i) => this.resolveTargets(ref, shaped[i]));
    const file: PlacedFile = {
      functions: refs,
      boot: roots.boot.map((i) => refs[i]),
      commands: [...roots.commands.map((i) => refs[i]), ...this.entryRoots(facts)],
      registered: roots.registered.map(({ index, label }) => ({ ref: refs[index], label })),
      deps,
      targets,
      next: refs.map((ref, i) => this.next(ref, targets[i])),
      shaped,
      unresolved: refs.map((ref) => this.unresolvedCalls(ref)),
      outside: false,
    };
    const edges = [file.commands, file.deps.map((d) => d.ref), ...file.next, ...file.shaped];
    file.outside = edges.some((refs) => refs.some((ref) => ref.facts.language !== 'python'));
    return file;
  }

  /** What runs as part of `ref` (see RequestGraph.next): its calls' targets, its nested functions, its decorators' wrappers. */
  private next(ref: FnRef, targets = this.resolveTargets(ref)): FnRef[] {
    return [
      ...targets.map((t) => t.ref),
      ...this.descendants(ref.facts, ref.index).map((i) => ({ ...ref, index: i, fn: ref.facts.functions[i] })),
      ...this.decoratorWrappers(ref),
    ];
  }

  /** The functions nested in a workspace decorator applied to `ref` (`@retry(3)`'s wrapper): they run when it does. */
  private decoratorWrappers(ref: FnRef): FnRef[] {
    const out: FnRef[] = [];
    for (const d of ref.fn.decorators) {
      const m = /^([\w.]+)/.exec(d);
      const deco = m ? this.resolveDecorator(m[1], ref.facts) : undefined;
      if (deco && deco.fn !== ref.fn)
        for (const i of this.descendants(deco.facts, deco.index))
          out.push({ path: deco.path, facts: deco.facts, index: i, fn: deco.facts.functions[i] });
    }
    return out;
  }

  /** A decorator name as written in `ref`'s file, resolved to a workspace function (through the file's imports). */
  private resolveDecorator(written: string, facts: CodeFacts): FnRef | undefined {
    // Decorators are kept as written; the file's own calls of that name tell what it resolves to
    const callee = calleesByWritten(facts).get(written);
    return this.userFunction(callee ?? `${facts.module}.${written}`, facts);
  }

  /** Method calls in `ref` that resolve to nothing: no catalog entry, no workspace function, receiver not known. */
  private unresolvedCalls(ref: FnRef): Array<{ name: string; written: string }> {
    const out: Array<{ name: string; written: string }> = [];
    for (const call of ref.fn.calls) {
      const m = /\.\s*(\w+)$/.exec(call.written);
      if (!m) continue;
      if (call.callee !== undefined) {
        // A library's name (`json.dumps`, `httpx.AsyncClient#get`) is resolved: a receiver the file does not
        // bind, or a workspace one whose member linking could not follow, is not
        const head = /^[^.#(]+/.exec(call.callee)![0];
        if (!call.loose && !this.code.hasSegment(head)) continue;
        if (this.matcher.match('python', call) || this.resolveCall(ref, call, () => true)) continue;
      }
      out.push({ name: m[1], written: call.written });
    }
    return out;
  }

  /** The workspace functions a file calls at import time or from its `__main__` block. */
  private entryRoots(facts: CodeFacts): FnRef[] {
    return (facts.entries ?? []).map((name) => this.userFunction(name, facts)).filter((r) => r !== undefined);
  }

  /** A `Depends` target: the function, or the functions an `Annotated[…, Depends(f)]` alias of that name declares. */
  private dependency(name: string, from: CodeFacts): FnRef[] {
    const fn = this.userFunction(name, from);
    if (fn) return [fn];
    const cut = name.lastIndexOf('.');
    const path = cut > 0 ? this.code.module(name.slice(0, cut), from.module) : undefined;
    const aliasFacts = path === undefined ? undefined : this.code.facts(path);
    const declared = aliasFacts?.dependsAliases?.[name.slice(cut + 1)] ?? [];
    return declared.map((d) => this.userFunction(d, aliasFacts!)).filter((t) => t !== undefined);
  }

  /**
   * The workspace functions a Python function's calls resolve to. A call on a typing.Protocol's method lands in
   * the classes implementing it by shape too: those go to `shaped` instead (see RequestGraph.shaped), and the
   * targets are what they would be without them (the subclasses' methods, else the protocol's own).
   */
  private resolveTargets(ref: FnRef, shaped?: FnRef[]): Array<{ ref: FnRef; spawned: boolean }> {
    const targets: Array<{ ref: FnRef; spawned: boolean }> = [];
    for (const call of ref.fn.calls) {
      const t = call.callee === undefined ? undefined : this.resolveCall(ref, call, (x) => x.fn !== ref.fn);
      if (!t || !('target' in t)) continue;
      const all = [t.target, ...(t.others ?? [])];
      const byShape = t.byShape ?? 0;
      if (byShape) shaped?.push(...all.slice(all.length - byShape));
      const plain = byShape === 0 ? all : byShape < all.length ? all.slice(0, all.length - byShape) : [t.declared!];
      for (const ref of plain) targets.push({ ref, spawned: !!call.spawned });
    }
    // Background tasks it registers run after its response
    for (const name of ref.fn.tasks ?? []) {
      const t = this.userFunction(name, ref.facts);
      if (t) targets.push({ ref: t, spawned: false });
    }
    // FastAPI runs a function's dependencies before it, for each request it serves
    for (const dep of ref.fn.depends)
      for (const t of this.dependency(dep, ref.facts)) targets.push({ ref: t, spawned: false });
    return targets;
  }

  /** Node functions run per request besides handlers: registered as middleware here or in any file, and the callbacks inside them. */
  private middlewareIn(facts: CodeFacts): Set<number> {
    const out = new Set<number>();
    facts.functions.forEach((fn, i) => {
      if (out.has(i) || !(fn.middleware || functionKeys(facts, fn).some((k) => this.code.isMiddleware(k)))) return;
      out.add(i);
      for (const d of this.descendants(facts, i)) out.add(d);
    });
    return out;
  }

  /**
   * Runs the rules over one per-request function: each direct catalog call and each call that
   * reaches one, then the function-level rules. `root`: how findings name a function that is no
   * route handler (middleware).
   */
  private check(
    ref: FnRef,
    route: Route | undefined,
    runs: Execution,
    out: Map<string, Finding>,
    how: { root?: string; possibly?: string } = {},
  ): void {
    const { path, facts, fn } = ref;
    const { root, possibly } = how;
    const handler = route?.handler ?? root ?? fn.qualname;
    const anonymous = fn.name.startsWith('<');
    const checked: Checked = {
      path,
      facts,
      fn,
      route,
      runs,
      chainStart:
        anonymous && route ? `${route.methods.join('|')} ${route.path}` : anonymous && root ? root : `${labelOf(fn)}()`,
    };
    /** Adds a rule's report unless suppressed on its line; returns whether it did. */
    const add = (rule: Rule, report: Report | undefined): boolean => {
      if (!report || suppressed(facts, report.line, rule.id)) return false;
      const { line, column, endLine, endColumn, severity, message, ...rest } = report;
      const f: Finding = {
        file: path,
        line,
        column,
        endLine,
        endColumn,
        rule: rule.id,
        severity,
        message: withNote(message, possibly),
        handler,
        ...rest,
      };
      const key = `${f.line}:${f.column}:${f.endLine}:${f.endColumn}:${f.rule}`;
      if (!out.has(key)) out.set(key, f);
      return true;
    };
    let blocked = false;
    for (const call of fn.calls) {
      // One-time work behind `if _x is None:` runs the first time only
      if ((facts.language === 'python' && call.awaited) || call.once) continue;
      const what = this.classify(ref, call);
      if (!what) continue;
      if ('entry' in what) {
        const hit = { call, entry: what.entry, name: what.name };
        for (const rule of RULES) if (rule.onCall && add(rule, rule.onCall(checked, hit))) blocked = true;
        continue;
      }
      const found = this.firstReach(what, 1, new Set([fn]));
      if (!found) continue;
      const hit = {
        call,
        helper: labelOf(found.helper.fn),
        reach: found.reach,
        ...(what.declared
          ? { dispatch: { declared: labelOf(what.declared.fn), implementations: 1 + (what.others?.length ?? 0) } }
          : {}),
      };
      for (const rule of RULES) if (rule.onChain && add(rule, rule.onChain(checked, hit))) blocked = true;
    }
    for (const rule of RULES) if (rule.onFunction) add(rule, rule.onFunction(checked, blocked));
  }

  /** The first of a call's targets (several for an abstract method) that reaches a blocking call, with that reach. */
  private firstReach(
    what: { target: FnRef; others?: FnRef[] },
    depth: number,
    visiting: Set<FunctionFact>,
  ): { helper: FnRef; reach: Reach } | undefined {
    for (const helper of [what.target, ...(what.others ?? [])]) {
      const reach = this.reach(helper, depth, visiting);
      if (reach) return { helper, reach };
    }
    return undefined;
  }

  /** The first blocking call `ref` makes, directly or through the sync functions it calls. */
  private reach(ref: FnRef, depth: number, visiting: Set<FunctionFact>): Reach | null {
    // on a subclass's instance the method's `self.m()` calls may land elsewhere: not the function's own answer
    if (ref.self) return this.computing(() => this.search(ref, depth, visiting))();
    const cutsBefore = this.cuts;
    return this.reaches.get(
      ref.fn,
      this.computing(() => this.search(ref, depth, visiting)),
      // A "nothing found" under a cut is not final: asked again from elsewhere it may find something
      (found) => found !== null || this.cuts === cutsBefore,
    );
  }

  private search(ref: FnRef, depth: number, visiting: Set<FunctionFact>): Reach | null {
    if (depth > MAX_DEPTH || visiting.has(ref.fn)) {
      this.cuts++;
      return null;
    }
    // Memoised one-time work (`@lru_cache def get_settings()`): its body runs once, not per request
    if (ref.fn.memoised) return null;
    visiting.add(ref.fn);
    let found: Reach | null = null;
    const here: Step = {
      label: `${labelOf(ref.fn)}()`,
      loc: {
        file: ref.path,
        line: ref.fn.defLine,
        column: ref.fn.span.column,
        endLine: ref.fn.defLine,
        endColumn: ref.fn.span.column,
      },
    };
    const indexes =
      ref.facts.language === 'node' ? [ref.index, ...this.descendants(ref.facts, ref.index)] : [ref.index];
    outer: for (const index of indexes) {
      const fn = ref.facts.functions[index];
      for (const call of fn.calls) {
        if ((ref.facts.language === 'python' && call.awaited) || call.once) continue;
        const what = this.classify(index === ref.index ? ref : { ...ref, fn, index }, call);
        if (!what) continue;
        if ('entry' in what) {
          // Suppressed where it is made, for the rule that would report it: not reported through callers either
          const rules: RuleId[] = what.entry.kind === 'inference' ? ['EP104'] : ['EP101', 'EP102'];
          if (rules.some((rule) => suppressed(ref.facts, call.span.line, rule))) continue;
          const blocking = what.name;
          found = {
            entry: what.entry,
            blocking,
            steps: [
              here,
              { label: `${blocking} (${ref.path}:${call.span.line})`, loc: { file: ref.path, ...call.span } },
            ],
          };
          break outer;
        }
        const sub = this.firstReach(what, depth + 1, visiting)?.reach;
        if (sub) {
          found = { ...sub, steps: [here, ...sub.steps] };
          break outer;
        }
      }
    }
    visiting.delete(ref.fn);
    return found;
  }

  /**
   * What a call is: a blocking call from the catalog (with the name to report), a user function
   * the analysis follows, or nothing it knows. Python names that reach another module's
   * module-level instance (`from .clients import http; http.get(u)`) are read as calls on it;
   * `Class#method` (a call on an instance) lands in the method when Class is a workspace class.
   */
  private classify(from: FnRef, call: CallFact): Classified | undefined {
    const entry = this.matcher.match(from.facts.language, call);
    if (entry) return { entry, name: callName(call.callee!) };
    if (!call.callee) return undefined;
    const own = this.onSelf(from, call);
    if (own !== undefined) return own ?? undefined;
    return this.resolveCall(from, call, (t) => this.followable(from, t) !== undefined);
  }

  /**
   * `self.save()` in a method running on a subclass's instance (`from.self`): the method that class resolves
   * (its override, else the inherited one), still on that instance; null when it is not followed (an async
   * override); undefined when this is no such call.
   */
  private onSelf(from: FnRef, call: CallFact): Classified | null | undefined {
    if (!from.self || from.facts.language !== 'python') return undefined;
    const name = /^(?:self|cls)\.(\w+)$/.exec(call.written)?.[1];
    const target = name ? this.pythonMethod(from.self, name, from.facts.module, 0) : undefined;
    if (!target) return undefined;
    return this.followable(from, target) ? { target: { ...target, self: from.self } } : null;
  }

  /**
   * A method found for a call on an instance of `receiver` (`app.Hasher#process`), on that instance: when a base
   * class defines it, with `self` the receiver's class, so the calls it makes on self reach the subclass's overrides.
   */
  private onInstance(method: FnRef, receiver: string): FnRef {
    const dot = method.fn.qualname.lastIndexOf('.');
    const defining = `${method.facts.module}.${method.fn.qualname.slice(0, dot)}`;
    return dot > 0 && receiver !== defining && method.facts.language === 'python'
      ? { ...method, self: receiver }
      : method;
  }

  /** The workspace function `accept`ed that a call lands in, or the catalog call it makes on an imported instance. */
  private resolveCall(from: FnRef, call: CallFact, accept: (target: FnRef) => boolean): Classified | undefined {
    const language = from.facts.language;
    const r = this.resolution(from, call.callee!);
    if (r.found && accept(r.found)) return { target: r.found };
    const x = (r.expanded ??= this.expanded(from, r.callee));
    // A Python name resolved further (an imported instance, a return type, an attribute) may be a catalog call
    if (language === 'python' && x.callee !== call.callee) {
      const hit = this.matcher.matchName(language, x.callee, call.argCount, call.args, call.argValue);
      if (hit) return { entry: hit, name: callName(x.callee) };
    }
    if (x.method === undefined) x.method = this.method(language, x.callee, x.context) ?? null;
    const method = x.method ?? undefined;
    if (method && accept(method)) {
      // A method without a body of its own (abstract, a protocol's): every workspace implementation
      const found = method.fn.abstract
        ? (x.implementations ??= this.implementations(x.callee, x.context))
        : NO_IMPLEMENTATIONS;
      const impls = found.refs.filter(accept);
      const hash = x.callee.indexOf('#');
      if (!impls.length) return { target: hash > 0 ? this.onInstance(method, x.callee.slice(0, hash)) : method };
      const byShape = found.refs.slice(found.subclasses).filter(accept).length;
      return { target: impls[0], others: impls.slice(1), declared: method, ...(byShape ? { byShape } : {}) };
    }
    if (language === 'python' && !method) {
      // A workspace class deriving from a library client (`class OAuth2Session(requests.Session)`)
      const byArgs = (x.library ??= new Map<number, Classified | null>());
      let inherited = byArgs.get(call.argCount);
      if (inherited === undefined)
        byArgs.set(call.argCount, (inherited = this.libraryCall(call.argCount, x.callee, x.context) ?? null));
      if (inherited) return inherited;
    }
    return undefined;
  }

  /** How `callee` resolves from `from`'s file: kept in the running computation's resolutions (see `resolved`). */
  private resolution(from: FnRef, callee: string): Resolution {
    const cache = this.resolved;
    if (cache) cache.from ??= from;
    const kept = cache?.from?.facts === from.facts && cache.from.path === from.path ? cache : undefined;
    let r = kept?.byCallee.get(callee);
    if (!r) {
      const name = from.facts.language === 'node' ? this.unaliased(callee, from) : callee;
      r = { callee: name, found: this.userFunction(name, from.facts) };
      kept?.byCallee.set(callee, r);
    }
    return r;
  }

  /** A callee as far as Python linking follows it (imported instances, aliases, return types, attributes). */
  private expanded(from: FnRef, name: string): Expansion {
    let callee = name;
    let context = from.facts.module;
    if (from.facts.language === 'python') {
      const inst = this.importedInstance(callee, context) ?? this.aliasedInstance(callee, context);
      if (inst) [callee, context] = [inst.callee, inst.module];
      // What a workspace function returns, what a workspace class's attribute holds
      const typed = this.expand(callee, from.facts, context);
      if (typed !== undefined) callee = typed;
    }
    return { callee, context };
  }

  /**
   * Resolves what linking knows in a Python name: `app.db.get_session()#query` (a workspace function's
   * result, by its `returns`) and `app.settings.Settings#datasource.load` (a workspace class's attribute,
   * by its annotation or assignment), step by step. A `with Db() as db` (`Db#__enter__()#`) whose class
   * defines no `__enter__` of its own is the instance itself (what the usual base class returns).
   * undefined: a step is not known — the name then resolves to nothing, never to a guess.
   */
  private expand(name: string, from: CodeFacts, context: string): string | undefined {
    let out = name;
    for (let step = 0; step < 8; step++) {
      const call = out.indexOf('()#');
      const attr = /^([^#]+)#(\w+)\.(.+)$/.exec(out);
      // The leftmost step first: a call's result (`f()#`, `X#m()#`) or an attribute (`X#a.`)
      if (call >= 0 && (out.indexOf('#') === call + 2 || !attr)) {
        const head = out.slice(0, call);
        const rest = out.slice(call + 3);
        const fn =
          (head.includes('#') ? undefined : this.userFunction(head, from)) ?? this.method('python', head, context);
        let returns = fn?.fn.returnsSelf ? (receiverInstance(head) ?? fn.fn.returns) : fn?.fn.returns;
        if (!fn && /#__a?enter__$/.test(head)) returns = head.slice(0, head.lastIndexOf('#') + 1);
        if (!returns) return undefined;
        out = returns + rest;
        continue;
      }
      if (!attr) return out;
      const held = this.attributeType(attr[1], attr[2], context, 0);
      if (!held) return out;
      out = held + attr[3];
    }
    return undefined;
  }

  /** The instance a workspace class's attribute holds, looking through its workspace bases. */
  private attributeType(cls: string, attr: string, fromModule: string, depth: number): string | undefined {
    const at = depth > 4 ? undefined : this.code.classAt(cls, fromModule);
    if (!at) return undefined;
    const held = at.facts.attributes?.[at.qual]?.[attr];
    if (held) return held;
    for (const base of at.facts.classes![at.qual]) {
      const t = this.attributeType(base, attr, at.facts.module, depth + 1);
      if (t) return t;
    }
    return undefined;
  }

  /**
   * `X#m` where X is a workspace class defining no `m` and some base of it (through workspace bases) is a
   * library type: the catalog's verdict on that type's `m` (`requests.Session#get`).
   */
  private libraryCall(argCount: number, callee: string, context: string): Classified | undefined {
    const hash = callee.indexOf('#');
    if (hash <= 0 || callee.indexOf('#', hash + 1) >= 0) return undefined;
    const rest = callee.slice(hash + 1);
    const seen = new Set<string>();
    const visit = (cls: string, module: string, depth: number): Classified | undefined => {
      if (depth > 4 || seen.has(cls)) return undefined;
      seen.add(cls);
      const at = this.code.classAt(cls, module);
      if (!at) {
        if (depth === 0) return undefined;
        const lib = member(instanceOf(cls, PYTHON_RETURNS) ?? `${cls}#`, rest);
        const hit = this.matcher.matchName('python', lib, argCount);
        return hit ? { entry: hit, name: callName(lib) } : undefined;
      }
      for (const base of at.facts.classes![at.qual]) {
        const found = visit(base, at.facts.module, depth + 1);
        if (found) return found;
      }
      return undefined;
    };
    return visit(callee.slice(0, hash), context, 0);
  }

  /**
   * Every workspace class deriving (through workspace classes) from the one in `X#m` or `X.m` whose own `m`
   * has a body: where a call on the base (abstract, or a protocol) can land; then a typing.Protocol's structural
   * implementers (see CodeWorkspace.implementers). At most 16, in file order; `subclasses`: how many come first
   * by derivation.
   */
  private implementations(callee: string, context: string): { refs: FnRef[]; subclasses: number } {
    const cut = callee.includes('#') ? callee.indexOf('#') : callee.lastIndexOf('.');
    const base = this.code.classAt(callee.slice(0, cut), context);
    const name = callee.slice(cut + 1);
    if (!base) return NO_IMPLEMENTATIONS;
    const out: FnRef[] = [];
    const queue = [`${base.path}:${base.qual}`];
    const seen = new Set(queue);
    while (queue.length && out.length < 16) {
      for (const sub of this.code.subclasses(queue.shift()!) ?? []) {
        const key = `${sub.path}:${sub.qual}`;
        if (seen.has(key)) continue;
        seen.add(key);
        queue.push(key);
        const index = this.qualnameIndex(sub.facts).get(`${sub.qual}.${name}`);
        const fn = index === undefined ? undefined : sub.facts.functions[index];
        if (fn?.method && !fn.abstract) out.push({ path: sub.path, facts: sub.facts, index: index!, fn });
      }
    }
    const subclasses = out.length;
    // A typing.Protocol is implemented by shape too: classes defining all its methods without deriving from it
    const protocol = base.facts.classes![base.qual].some((b) => PROTOCOL_BASE.test(b));
    for (const impl of protocol ? (this.code.implementers(`${base.path}:${base.qual}`) ?? []) : []) {
      if (out.length >= 16) break;
      const index = this.qualnameIndex(impl.facts).get(`${impl.qual}.${name}`);
      const fn = index === undefined ? undefined : impl.facts.functions[index];
      if (fn?.method && !fn.abstract) out.push({ path: impl.path, facts: impl.facts, index: index!, fn });
    }
    return { refs: out, subclasses };
  }

  /** 'app.clients.http.get' → 'requests.Session#get' when app/clients.py binds `http = requests.Session()`. */
  private importedInstance(
    name: string,
    fromModule: string,
    depth = 0,
  ): { callee: string; module: string } | undefined {
    const first = name.indexOf('.');
    const last = name.lastIndexOf('.');
    if (depth > 4 || first === last || name.includes('#') || !this.code.hasSegment(name.slice(0, first)))
      return undefined;
    // Each module prefix from the longest that leaves a name and an attribute after it
    for (let next = last, dot = dotBefore(name, last); dot >= 0; next = dot, dot = dotBefore(name, dot)) {
      const path = this.code.module(name.slice(0, dot), fromModule);
      if (path === undefined) continue;
      const facts = this.code.facts(path);
      const instance = facts?.instances?.[name.slice(dot + 1, next)];
      if (instance)
        return {
          callee: name
            .slice(next + 1)
            .split('.')
            .reduce(member, instance),
          module: facts.module,
        };
      for (const target of facts ? reexported(facts, name.slice(dot + 1)) : []) {
        const found = this.importedInstance(target, facts!.module, depth + 1);
        if (found) return found;
      }
      return undefined;
    }
    return undefined;
  }

  /** 'app.deps.Http#get' → 'requests.Session#get' when app/deps.py declares `Http = Annotated[requests.Session, …]`. */
  private aliasedInstance(name: string, fromModule: string, depth = 0): { callee: string; module: string } | undefined {
    const hash = name.indexOf('#');
    const last = hash > 0 ? name.lastIndexOf('.', hash) : -1;
    if (depth > 4 || last < 0 || !this.code.hasSegment(name.slice(0, name.indexOf('.')))) return undefined;
    const path = this.code.module(name.slice(0, last), fromModule);
    const facts = path === undefined ? undefined : this.code.facts(path);
    const declared = facts?.typeAliases?.[name.slice(last + 1, hash)];
    if (declared && facts) return { callee: declared + name.slice(hash + 1), module: facts.module };
    for (const target of facts ? reexported(facts, name.slice(last + 1, hash)) : []) {
      const found = this.aliasedInstance(target + name.slice(hash), facts!.module, depth + 1);
      if (found) return found;
    }
    return undefined;
  }

  /**
   * Node: a name that starts with a package-like import (`@server.util.readConfig`, from `@server/util`) as the
   * workspace module a `paths` alias maps it to names it (`src/server/util.readConfig`); else the name unchanged.
   */
  private unaliased(name: string, from: FnRef): string {
    const specs = from.facts.specifiers;
    if (!specs || !this.code.hasAliases()) return name;
    // The longest module name first: `@a.b` (from '@a/b') before `@a`
    for (let end = name.length; end > 0; end = name.lastIndexOf('.', end - 1)) {
      const spec = Object.hasOwn(specs, name.slice(0, end)) ? specs[name.slice(0, end)] : undefined;
      if (spec === undefined) continue;
      const file = this.code.specifier(from.path, spec);
      return file === undefined ? name : nodeModule(file) + name.slice(end);
    }
    return name;
  }

  /** A function by the name a call resolved to: the registry, else (Python) under the source roots. */
  private userFunction(name: string, from: CodeFacts): FnRef | undefined {
    return (
      this.code.function(name) ?? (from.language === 'python' ? this.pythonFunction(name, from.module) : undefined)
    );
  }

  /** Whether the analysis follows a call from `from` into `target`. */
  private followable(from: FnRef, target: FnRef | undefined): FnRef | undefined {
    if (!target || target.fn === from.fn) return undefined;
    // An async Python function called from the loop is its own loop context, checked on its own.
    if (target.facts.language === 'python' && target.fn.async) return undefined;
    return target;
  }

  /**
   * `Class#method` (a call on an instance) or, in Python, `Class.method` that is no function of
   * its own (`self.fetch()` inherited): the method when Class is a workspace class defining it or,
   * in Python, a workspace base class does (lexically, from the class statements). Never a guess.
   */
  private method(language: 'python' | 'node', callee: string, context: string): FnRef | undefined {
    const hash = callee.indexOf('#');
    const cut = hash >= 0 ? hash : language === 'python' ? callee.lastIndexOf('.') : -1;
    if (cut <= 0) return undefined;
    const cls = callee.slice(0, cut);
    const name = callee.slice(cut + 1);
    if (!name || name.includes('.') || name.includes('#')) return undefined;
    if (language === 'node') {
      const key = `${cls}.${name}`;
      const ref = this.code.function(key);
      return ref?.fn.method ? ref : undefined;
    }
    return this.pythonMethod(cls, name, context, 0);
  }

  private pythonMethod(cls: string, name: string, fromModule: string, depth: number): FnRef | undefined {
    const first = cls.indexOf('.');
    if (depth > 4 || first < 0 || !this.code.hasSegment(cls.slice(0, first))) return undefined;
    for (let dot = cls.lastIndexOf('.'); dot >= 0; dot = dotBefore(cls, dot)) {
      const path = this.code.module(cls.slice(0, dot), fromModule);
      if (path === undefined) continue;
      const facts = this.code.facts(path);
      const qual = cls.slice(dot + 1);
      const bases = facts?.classes?.[qual];
      if (facts && !bases)
        for (const target of reexported(facts, qual)) {
          const found = this.pythonMethod(target, name, facts.module, depth + 1);
          if (found) return found;
        }
      if (!facts || !bases) return undefined;
      const index = this.qualnameIndex(facts).get(`${qual}.${name}`);
      if (index !== undefined && facts.functions[index].method)
        return { path, facts, index, fn: facts.functions[index] };
      for (const base of bases) {
        const inherited = this.pythonMethod(base, name, facts.module, depth + 1);
        if (inherited) return inherited;
      }
      return undefined;
    }
    return undefined;
  }

  /**
   * A dotted name that is no workspace module's own name, resolved under the source roots
   * (`app.helpers.load` in backend/app/main.py is backend/app/helpers.py's `load`): the longest
   * module prefix the index knows, then the function in that file.
   */
  private pythonFunction(name: string, fromModule: string, depth = 0): FnRef | undefined {
    // A name ending in an instance's attribute (`app.db.Session#get`) is no qualname: nothing to ask the view
    if (name.lastIndexOf('#') > name.lastIndexOf('.')) return undefined;
    const first = name.indexOf('.');
    if (depth > 4 || first < 0 || !this.code.hasSegment(name.slice(0, first))) return undefined;
    for (let dot = name.lastIndexOf('.'); dot >= 0; dot = dotBefore(name, dot)) {
      const path = this.code.module(name.slice(0, dot), fromModule);
      if (path === undefined) continue;
      const facts = this.code.facts(path);
      const index = facts && this.qualnameIndex(facts).get(name.slice(dot + 1));
      if (facts && index !== undefined) return { path, facts, index, fn: facts.functions[index] };
      for (const target of facts ? reexported(facts, name.slice(dot + 1)) : []) {
        const found = this.code.function(target) ?? this.pythonFunction(target, facts!.module, depth + 1);
        if (found) return found;
      }
      return undefined;
    }
    return undefined;
  }

  private qualnameIndex(facts: CodeFacts): Map<string, number> {
    let m = this.qualnames.get(facts);
    if (!m) {
      m = new Map();
      for (let i = facts.functions.length - 1; i >= 0; i--) m.set(facts.functions[i].qualname, i); // the first definition wins, as in the registry
      this.qualnames.set(facts, m);
    }
    return m;
  }

  private routeFunction(route: Route): FnRef | undefined {
    if (route.library) return undefined; // library code: no workspace function answers
    const facts = this.code.facts(route.file);
    if (!facts) return undefined;
    // Discovery keeps a route's object while it is unchanged: its handler is found again only when its file changed
    const known = this.handlers.get(route);
    if (known?.facts === facts && known.line === route.line && known.handler === route.handler) return known.ref;
    const ref = this.findHandler(route, facts);
    this.handlers.set(route, { facts, line: route.line, handler: route.handler, ref });
    return ref;
  }

  private findHandler(route: Route, facts: CodeFacts): FnRef | undefined {
    const fns = facts.functions;
    const short = route.handler.split('.').pop();
    // Indexed lookups: a scan of the file's functions per route made a 20k-route file quadratic.
    const atLine = this.defLineIndex(facts).get(route.line) ?? [];
    const index =
      atLine.find((i) => fns[i].name === short || fns[i].qualname === route.handler) ??
      atLine[0] ??
      this.qualnameIndex(facts).get(route.handler);
    return index === undefined ? undefined : { path: route.file, facts, index, fn: fns[index] };
  }

  /** Function indexes by the line of their `def`/`function`, in file order. */
  private defLineIndex(facts: CodeFacts): Map<number, number[]> {
    let m = this.defLines.get(facts);
    if (!m) {
      m = new Map();
      for (let i = 0; i < facts.functions.length; i++) {
        const line = facts.functions[i].defLine;
        (m.get(line) ?? m.set(line, []).get(line)!).push(i);
      }
      this.defLines.set(facts, m);
    }
    return m;
  }

  private descendants(facts: CodeFacts, index: number): number[] {
    let kids = this.nested.get(facts);
    if (!kids) {
      kids = facts.functions.map(() => []);
      facts.functions.forEach((f, i) => {
        if (f.parent !== undefined) kids![f.parent].push(i);
      });
      this.nested.set(facts, kids);
    }
    const out: number[] = [];
    const stack = [...kids[index]];
    while (stack.length) {
      const i = stack.pop()!;
      out.push(i);
      stack.push(...kids[i]);
    }
    return out;
  }
}

/**
 * The instance a `-> Self` method called as `head` gives: `app.q.SlowQueue#for_key` → `app.q.SlowQueue#`,
 * and `app.q.SlowQueue.for_key` (a classmethod called on the class) the same.
 */
function receiverInstance(head: string): string | undefined {
  const cut = head.includes('#') ? head.lastIndexOf('#') : head.lastIndexOf('.');
  return cut > 0 ? `${head.slice(0, cut)}#` : undefined;
}

/** A resolved callee as messages name it: 'requests.Session.get'; calling an instance is its `__call__`. */
function callName(callee: string): string {
  return callee.endsWith('#') ? `${callee.slice(0, -1)}.__call__` : callee.replace('#', '.');
}

/** A function as chains and messages name it: methods with their class ('UserService.load'). */
function labelOf(fn: FunctionFact): string {
  return fn.method ? fn.qualname : fn.name;
}

/** A call as the analysis reads it: a catalog call, or workspace function(s) it lands in (`others`: more implementations). */
type Classified =
  | { entry: CatalogEntry; name: string }
  | {
      target: FnRef;
      others?: FnRef[];
      declared?: FnRef;
      /** How many of [target, ...others], at the end, implement the declared protocol method by shape only. */
      byShape?: number;
    };

/**
 * How one callee resolves from one file, each step worked out when a call first needs it, in resolveCall's order
 * (so a computation reads what it read before); what depends on the call (`accept`, its argument count) is applied
 * per call.
 */
interface Resolution {
  /** The name looked up: the callee, a Node one through a `paths` alias. */
  callee: string;
  /** The workspace function of that name. */
  found: FnRef | undefined;
  expanded?: Expansion;
}

/** Past the function of the callee's own name (see resolveCall), each step once. */
interface Expansion {
  callee: string;
  /** The module names are resolved from: the file's, or an imported instance's module. */
  context: string;
  /** null: not a workspace method. */
  method?: FnRef | null;
  implementations?: { refs: FnRef[]; subclasses: number };
  /** A library base's catalog call by argument count (null: none). */
  library?: Map<number, Classified | null>;
}

/** The resolutions of one memo computation: of the calls of one function (`from`'s file), by callee. */
interface Resolutions {
  from: FnRef | undefined;
  byCallee: Map<string, Resolution>;
}

/** Reached only by the name of a call on an unresolved receiver: said in the message, not asserted. */
function withNote(message: string, possibly: string | undefined): string {
  return possibly ? `${message} — ${possibly}` : message;
}

function sameList<T>(a: readonly T[] | undefined, b: readonly T[]): boolean {
  return a !== undefined && a.length === b.length && a.every((x, i) => x === b[i]);
}

function suppressed(facts: CodeFacts, line: number, rule: RuleId): boolean {
  const s = facts.suppressions[line];
  return !!s && (s.includes('*') || s.includes(rule) || s.some((id) => FOREIGN_CODES.get(id.slice(0, 6))?.has(rule)));
}

/**
 * Other linters' codes for the same problem, honoured as suppressions: Ruff / flake8-async's ASYNC2xx
 * (`# noqa: ASYNC210`, blocking HTTP, process, file and sleep calls in async functions) silence our
 * event-loop rules on that line, so a call a project already reviewed is not flagged again.
 */
const FOREIGN_CODES = new Map<string, ReadonlySet<RuleId>>(
  ['ASYNC2'].map((prefix) => [prefix, new Set<RuleId>(['EP101', 'EP102', 'EP103'])]),
);

/** One Python file as placement reads it, by function index where per function. */
interface PlacedFile {
  functions: FnRef[];
  /** An edge leaves the Python files: no shape holds that file's edges, so a change always walks again. */
  outside: boolean;
  /** See shapeOf: made when first compared. */
  shape?: string;
  boot: FnRef[];
  commands: FnRef[];
  registered: Array<{ ref: FnRef; label: string }>;
  /** Router-level dependencies it declares (`APIRouter(dependencies=[Depends(f)])`), resolved. */
  deps: Array<{ ref: FnRef; label: string }>;
  targets: Array<Array<{ ref: FnRef; spawned: boolean }>>;
  next: FnRef[][];
  /** Where its calls on a typing.Protocol's methods land by shape only (see RequestGraph.shaped). */
  shaped: FnRef[][];
  unresolved: Array<Array<{ name: string; written: string }>>;
}

const NO_REFS: FnRef[] = [];

const NO_IMPLEMENTATIONS = { refs: NO_REFS, subclasses: 0 };

/** Adds to `into` every function reached from `stack` through calls and FastAPI dependencies, not spawned tasks. */
function spread(
  stack: FnRef[],
  into: Map<FunctionFact, FnRef>,
  targets: (ref: FnRef) => ReadonlyArray<{ ref: FnRef; spawned: boolean }>,
): void {
  while (stack.length) {
    const ref = stack.pop()!;
    if (into.has(ref.fn)) continue;
    into.set(ref.fn, ref);
    for (const { ref: t, spawned } of targets(ref)) if (!spawned && !into.has(t.fn)) stack.push(t);
  }
}

/** The async functions of these files by name, in file then definition order (a call by name on an unresolved receiver). */
function asyncByName(files: Iterable<PlacedFile>): Map<string, FnRef[]> {
  const out = new Map<string, FnRef[]>();
  for (const file of files)
    for (const ref of file.functions)
      if (ref.fn.async) (out.get(ref.fn.name) ?? out.set(ref.fn.name, []).get(ref.fn.name)!).push(ref);
  return out;
}

/** A per-request root: a function and how findings name what it reaches from it. */
interface Root {
  ref: FnRef;
  label: string;
}

/**
 * The routes the last placement read: each one's Python handler and label (`roots`, by route), those that are
 * Python handlers in order (`python`: the first roots of the walk), and each route's index there (`pyAt`, -1: none).
 */
interface RouteRoots {
  routes: Route[];
  roots: Array<Root | undefined>;
  python: Root[];
  pyAt: number[];
}

/** The last placement: what it read (each file, the roots in walk order, Python routes' handlers first) and found. */
interface LastPlacement {
  files: ReadonlyMap<string, PlacedFile>;
  roots: ReadonlyArray<Root>;
  /** How many of `roots` are Python routes' handlers. */
  routes: number;
  placement: ReadonlyMap<FunctionFact, Placement>;
  possibly: ReadonlyMap<FunctionFact, { root: number; written: string }>;
}

function possiblyReached(roots: ReadonlyArray<{ label: string }>, how: { root: number; written: string }): Placement {
  return `possibly reached from ${possiblyFrom(roots, how)} (receiver unresolved)`;
}

/** Whether the Python routes lead to the same functions (by path and index) as the last placement's. */
function sameRoots(last: LastPlacement, routes: ReadonlyArray<{ ref: FnRef }>): boolean {
  if (last.routes !== routes.length) return false;
  for (let i = 0; i < routes.length; i++) {
    const a = last.roots[i].ref;
    const b = routes[i].ref;
    if (a.index !== b.index || a.path !== b.path) return false;
  }
  return true;
}

/**
 * A PlacedFile as one string of function positions (path and index), flags and labels: two versions of a file
 * with the same shape place the same (its facts and function objects aside).
 */
function shapeOf(file: PlacedFile): string {
  if (file.shape !== undefined) return file.shape;
  const at = (ref: FnRef) => `${ref.index}@${ref.path}`;
  const parts = [
    file.boot.map(at).join(','),
    file.commands.map(at).join(','),
    file.registered.map((r) => `${at(r.ref)}=${r.label}`).join('\t'),
    file.deps.map((r) => `${at(r.ref)}=${r.label}`).join('\t'),
  ];
  file.functions.forEach(({ fn }, i) => {
    parts.push(
      `${fn.async ? 'async ' : ''}${fn.name} ${labelOf(fn)}`,
      file.targets[i].map((t) => (t.spawned ? `&${at(t.ref)}` : at(t.ref))).join(','),
      file.next[i].map(at).join(','),
      file.shaped[i].map(at).join(','),
      file.unresolved[i].map((u) => `${u.name}=${u.written}`).join('\t'),
    );
  });
  return (file.shape = parts.join('\n'));
}

const routeLabels = new WeakMap<Route, string>();

/** How placement names a route ('GET|HEAD /items'), once per route object: routes are not changed after linking. */
function routeLabel(route: Route): string {
  let label = routeLabels.get(route);
  if (label === undefined) routeLabels.set(route, (label = `${route.methods.join('|')} ${route.path}`));
  return label;
}

const calleesOfFile = new WeakMap<CodeFacts, Map<string, string>>();

/**
 * Each call text of a file to what its first resolved call of that text calls, built once per file's facts: a
 * search of every call per decorator made a file of n routes cost n² (10k routes: 3 s of 4 s in findings()).
 */
function calleesByWritten(facts: CodeFacts): Map<string, string> {
  let callees = calleesOfFile.get(facts);
  if (!callees) {
    callees = new Map();
    for (const fn of facts.functions)
      for (const call of fn.calls)
        if (call.callee && !callees.has(call.written)) callees.set(call.written, call.callee);
    calleesOfFile.set(facts, callees);
  }
  return callees;
}
