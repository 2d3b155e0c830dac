// All files' facts + discovered routes → findings. Which code runs on the event loop:
//   Python: every `async def` (like Ruff), plus handlers a framework calls on the loop
//   even when sync (aiohttp, Sanic: execution 'event-loop'). `def` handlers and `def`
//   dependencies of FastAPI/Starlette run in the threadpool and are not loop context;
//   nested `def`s are their own (sync) functions; module-level code is startup code, and so
//   are startup/shutdown hooks and lifespans (run before the server accepts requests or after it
//   stops: a blocking call there delays startup, it serialises no request, so it is not flagged), and
//   so are tests, commands, import-time calls and what only these reach (see place()).
//   WSGI handlers (execution 'worker') get EP201 for high-latency calls only.
//   Node: every route handler (socket.io event handlers included) and middleware, the callbacks nested in
//   them, and what they call.
// Calls into sync user functions anywhere in the workspace are followed (EP102).
import type { CatalogEntry } from './catalog/types';
import type { CallFact, CodeFacts, FunctionFact } from './facts';
import { Matcher, type AnalysisConfig } from './match';
import { PYTHON_RETURNS } from './catalog/python';
import { instanceOf, member } from './resolve';
import { RULES } from './rules';
import type { Checked, Execution, Reach, Report, Rule, RuleId, Step } from './rules/types';
import type { Finding, Route } from '../model';
import { isTestFile, type WorkspaceFile } from '../workspace';
import { resolveSpecifier } from '../nodeImports/specifier';
import type { PathAliases } from '../nodeImports/tsconfig';
import { nodeModule } from './node-facts';

export type FileFacts = ReadonlyMap<string, { file: WorkspaceFile; facts: CodeFacts }>;

const MAX_DEPTH = 8;

interface FnRef {
  path: string;
  facts: CodeFacts;
  index: number;
  fn: FunctionFact;
}
const DEFAULT_CONFIG: AnalysisConfig = {};

/** `aliases`: the workspace's tsconfig/jsconfig `paths`, for Node imports that are not relative (`@server/util`). */
export function findBlockingCalls(
  files: FileFacts,
  routes: Route[],
  config: AnalysisConfig = DEFAULT_CONFIG,
  aliases: readonly PathAliases[] = NO_ALIASES,
): Finding[] {
  let state = states.get(config);
  if (!state) states.set(config, (state = new Analysis(new Matcher(config))));
  return state.run(files, routes, aliases);
}

const NO_ALIASES: readonly PathAliases[] = [];

/** What a result was computed from, beyond its own file: files visited and function names looked up. */
interface Deps {
  files: Set<string>;
  keys: Set<string>;
}
interface FileResult {
  facts: CodeFacts;
  routes: Route[];
  routeSig: string;
  findings: Finding[];
  deps: Deps;
}

const NO_ROUTES: Route[] = [];

const states = new WeakMap<AnalysisConfig, Analysis>();

/**
 * Keeps results between calls so one edited file costs one file's work: per-file findings and
 * per-function reach summaries are reused until a file they depend on (or a name they looked up)
 * changes. Facts objects are compared by identity; ProjectIndex keeps them for unchanged files.
 */
class Analysis {
  private readonly seen = new Map<string, CodeFacts>();
  private readonly registry = new Map<string, FnRef>();
  private readonly nested = new WeakMap<CodeFacts, number[][]>();
  private readonly memo = new Map<FunctionFact, { reach: Reach | null; deps: Deps }>();
  private readonly results = new Map<string, FileResult>();
  private readonly modules = new PythonModules();
  /** Python functions some file registers as a startup/shutdown hook or lifespan, with their files. */
  private startupFns = new Map<FunctionFact, string>();
  /**
   * Python functions that never run per request, with their files: test code, and what start-up hooks,
   * command-line entry points and import-time calls reach without a route reaching it too.
   */
  private oneTime = new Map<FunctionFact, string>();
  /** The workspace functions each Python function's calls resolve to (any, async too), with what that read. */
  private readonly edges = new Map<FunctionFact, { targets: Array<{ ref: FnRef; spawned: boolean }>; deps: Deps }>();
  /** Each file's import-time and `__main__` callees, resolved, with what that read. */
  private readonly entries = new Map<CodeFacts, { refs: FnRef[]; deps: Deps }>();
  /** Direct subclasses by workspace class; undefined: files changed since it was built. */
  private subclasses: Map<string, Array<{ path: string; facts: CodeFacts; qual: string }>> | undefined;
  /** The routes `oneTime` was computed with; undefined: files changed since. */
  private placedRoutes: Route[] | undefined;
  /** Node middleware registrations from every file: function name → how many registrations. */
  private readonly middlewareRefs = new Map<string, number>();
  private readonly qualnames = new WeakMap<CodeFacts, Map<string, number>>();
  private readonly defLines = new WeakMap<CodeFacts, Map<number, number[]>>();
  private tracking: Deps[] = [];
  /** Counts searches cut short by a cycle or the depth limit: a "nothing found" under a cut is not final. */
  private cuts = 0;
  /** File paths in output order; recomputed only when some file changed. */
  private order: string[] | undefined;
  private files: FileFacts = new Map();
  private aliases: readonly PathAliases[] = NO_ALIASES;

  constructor(private readonly matcher: Matcher) {}

  run(files: FileFacts, routes: Route[], aliases: readonly PathAliases[]): Finding[] {
    this.files = files;
    if (aliases !== this.aliases) {
      // Other aliases (a config edited): what any import resolved to may differ; rare, so start over
      this.aliases = aliases;
      this.memo.clear();
      this.edges.clear();
      this.entries.clear();
      this.results.clear();
    }
    this.sync(files);
    if (!sameList(this.placedRoutes, routes)) this.place(routes);
    const byFile = new Map<string, Route[]>();
    for (const r of routes) (byFile.get(r.file) ?? byFile.set(r.file, []).get(r.file)!).push(r);
    const out: Finding[] = [];
    this.order ??= [...files.keys()].sort();
    for (const path of this.order) {
      const { facts } = files.get(path)!;
      const fileRoutes = byFile.get(path) ?? NO_ROUTES;
      let result = this.results.get(path);
      // Discovery hands back the same Route objects for unchanged routes: then no signature is needed
      const sameRoutes =
        result !== undefined &&
        result.routes.length === fileRoutes.length &&
        result.routes.every((r, i) => r === fileRoutes[i]);
      if (!result || result.facts !== facts || !sameRoutes) {
        const routeSig = fileRoutes.map((r) => `${r.line}|${r.handler}|${r.execution}|${r.framework}`).join(';');
        if (!result || result.facts !== facts || result.routeSig !== routeSig)
          result = this.checkFile(path, facts, fileRoutes, routeSig);
        else result = { ...result, routes: fileRoutes };
        this.results.set(path, result);
      }
      out.push(...result.findings);
    }
    return out;
  }

  /** Brings the function registry up to date and drops what the changed files invalidate. */
  private sync(files: FileFacts): void {
    const changedFiles = new Set<string>();
    const changedKeys = new Set<string>();
    const changedMiddleware = new Set<string>();
    const drop = (path: string, facts: CodeFacts) => {
      if (facts.classes) changedKeys.add(SUBCLASSES);
      for (const fn of facts.functions)
        for (const key of functionKeys(facts, fn)) {
          if (this.registry.get(key)?.path === path) this.registry.delete(key);
          changedKeys.add(key);
        }
      for (const name of facts.middleware ?? []) {
        const n = (this.middlewareRefs.get(name) ?? 1) - 1;
        if (n) this.middlewareRefs.set(name, n);
        else this.middlewareRefs.delete(name);
        changedMiddleware.add(name);
      }
    };
    for (const [path, facts] of this.seen) {
      if (files.get(path)?.facts === facts) continue;
      if (!files.has(path)) {
        this.order = undefined;
        changedKeys.add(MODULE_FILES);
        if (facts.language === 'python') this.modules.remove(path, facts.module, changedKeys);
      }
      drop(path, facts);
      changedFiles.add(path);
      this.seen.delete(path);
      this.results.delete(path);
    }
    for (const [path, { facts }] of files) {
      if (this.seen.get(path) === facts) continue;
      if (!changedFiles.has(path)) {
        this.order = undefined; // a new path
        changedKeys.add(MODULE_FILES);
        if (facts.language === 'python') this.modules.add(path, facts.module, changedKeys);
      }
      this.seen.set(path, facts);
      changedFiles.add(path);
      if (facts.classes) changedKeys.add(SUBCLASSES);
      facts.functions.forEach((fn, index) => {
        for (const key of functionKeys(facts, fn)) {
          changedKeys.add(key);
          if (!this.registry.has(key)) this.registry.set(key, { path, facts, index, fn });
        }
      });
      for (const name of facts.middleware ?? []) {
        this.middlewareRefs.set(name, (this.middlewareRefs.get(name) ?? 0) + 1);
        changedMiddleware.add(name);
      }
    }
    if (!changedFiles.size) return;
    this.placedRoutes = undefined;
    this.subclasses = undefined;
    this.syncStartup();
    // A function registered (or no longer) as middleware elsewhere: its own file is checked again
    for (const name of changedMiddleware) {
      const defined = this.registry.get(name)?.path;
      if (defined !== undefined) this.results.delete(defined);
    }
    const stale = (d: Deps) => {
      for (const f of d.files) if (changedFiles.has(f)) return true;
      for (const k of d.keys) if (changedKeys.has(k)) return true;
      return false;
    };
    for (const [fn, entry] of this.memo) if (stale(entry.deps)) this.memo.delete(fn);
    for (const [fn, entry] of this.edges) if (stale(entry.deps)) this.edges.delete(fn);
    for (const [facts, entry] of this.entries) if (stale(entry.deps)) this.entries.delete(facts);
    for (const [path, result] of this.results) if (stale(result.deps)) this.results.delete(path);
  }

  private checkFile(path: string, facts: CodeFacts, routes: Route[], routeSig: string): FileResult {
    const routeOf = new Map<FunctionFact, Route>();
    for (const route of routes) {
      const ref = this.routeFunction(route);
      if (!ref) continue;
      routeOf.set(ref.fn, route);
      if (facts.language === 'node')
        for (const i of this.descendants(facts, ref.index))
          if (!routeOf.has(facts.functions[i])) routeOf.set(facts.functions[i], route);
    }
    const deps: Deps = { files: new Set(), keys: new Set() };
    this.tracking = [deps];
    const found = new Map<string, Finding>();
    const middleware = facts.language === 'node' ? this.middlewareIn(facts) : undefined;
    facts.functions.forEach((fn, index) => {
      const route = routeOf.get(fn);
      const ref = { path, facts, index, fn };
      if (facts.language === 'node') {
        if (route) this.check(ref, route, 'loop', found);
        else if (middleware?.has(index))
          this.check(
            ref,
            undefined,
            'loop',
            found,
            fn.name.startsWith('<') ? `middleware (line ${fn.defLine})` : labelOf(fn),
          );
        return;
      }
      // Tests, start-up/shutdown hooks, commands and import-time work: not per request
      if (!route && this.oneTime.has(fn)) return;
      if (route?.execution === 'worker') this.check(ref, route, 'worker', found);
      else if (fn.async || route?.execution === 'event-loop') this.check(ref, route, 'loop', found);
    });
    this.tracking = [];
    const findings = [...found.values()].sort(
      (a, b) => a.line - b.line || a.column - b.column || (a.rule < b.rule ? -1 : 1),
    );
    return { facts, routes, routeSig, findings, deps };
  }

  /**
   * Resolves every file's startup-hook registrations again (a handful per workspace); a function
   * that became or stopped being one has its file checked again.
   */
  private syncStartup(): void {
    const now = new Map<FunctionFact, string>();
    for (const facts of this.seen.values()) {
      if (!facts.startup) continue;
      for (const name of facts.startup) {
        const target = this.userFunction(name, facts, undefined);
        if (target) now.set(target.fn, target.path);
      }
    }
    for (const [fn, path] of now) if (!this.startupFns.has(fn)) this.results.delete(path);
    for (const [fn, path] of this.startupFns) if (!now.has(fn)) this.results.delete(path);
    this.startupFns = now;
  }

  /**
   * Which Python functions run per request and which only once. Per request: what the route handlers (and
   * their FastAPI dependencies and background tasks) reach through calls. Once: test files' functions; start-up hooks and
   * lifespans (with the functions nested in them, a combinator's composed lifespan); command-line
   * commands; calls at import time or in a `__main__` block — and what these reach, except coroutines
   * handed to a task spawner (they run beside the server). Tests' calls are not followed: app code they
   * call is not known to be test-only. A function reached both ways is per request; one reached
   * neither way stays loop code when async, as in Ruff (a call whose receiver is not known may reach it).
   */
  private place(routes: Route[]): void {
    this.placedRoutes = routes;
    const once = new Map<FunctionFact, string>();
    const roots: FnRef[] = [];
    const tests = new Map<FunctionFact, string>();
    for (const [path, { facts }] of this.files) {
      if (facts.language !== 'python') continue;
      if (isTestFile(path)) {
        for (const fn of facts.functions) tests.set(fn, path);
        continue;
      }
      const startup = new Set<number>();
      facts.functions.forEach((fn, index) => {
        const nestedInStartup = fn.parent !== undefined && startup.has(fn.parent);
        if (fn.startup || this.startupFns.has(fn) || nestedInStartup) startup.add(index);
        if (startup.has(index) || fn.cli) roots.push({ path, facts, index, fn });
      });
      roots.push(...this.entryRoots(path, facts));
    }
    // A task spawned at start-up runs beside the server, not once; one a handler spawns runs per request
    this.spread(roots, once, true);
    // What routes reach matters only when something is one-time (the call graph walk costs most here)
    const request = new Map<FunctionFact, string>();
    if (once.size) {
      const perRequest = routes
        .map((r) => this.routeFunction(r))
        .filter((r) => r?.facts.language === 'python') as FnRef[];
      for (const { facts } of this.files.values())
        for (const name of facts.requestDeps ?? []) {
          const target = this.userFunction(name, facts, undefined);
          if (target) perRequest.push(target);
        }
      this.spread(perRequest, request);
    }
    const now = new Map<FunctionFact, string>(tests);
    for (const [fn, path] of once) if (!request.has(fn)) now.set(fn, path);
    for (const [fn, path] of now) if (!this.oneTime.has(fn)) this.results.delete(path);
    for (const [fn, path] of this.oneTime) if (!now.has(fn)) this.results.delete(path);
    this.oneTime = now;
  }

  /** The workspace functions a file calls at import time or from its `__main__` block, kept until what they read changes. */
  private entryRoots(path: string, facts: CodeFacts): FnRef[] {
    const known = this.entries.get(facts);
    if (known) return known.refs;
    const deps: Deps = { files: new Set([path]), keys: new Set() };
    const refs = (facts.entries ?? [])
      .map((name) => this.userFunction(name, facts, deps))
      .filter((r) => r !== undefined);
    this.entries.set(facts, { refs, deps });
    return refs;
  }

  /** Adds to `into` every function reached from `stack` through calls and FastAPI dependencies (not spawned tasks, if told). */
  private spread(stack: FnRef[], into: Map<FunctionFact, string>, skipSpawned = false): void {
    while (stack.length) {
      const ref = stack.pop()!;
      if (into.has(ref.fn)) continue;
      into.set(ref.fn, ref.path);
      for (const { ref: t, spawned } of this.targets(ref))
        if (!(spawned && skipSpawned) && !into.has(t.fn)) stack.push(t);
    }
  }

  /** A `Depends` target: the function, or the functions an `Annotated[…, Depends(f)]` alias of that name declares. */
  private dependency(name: string, from: CodeFacts, deps: Deps): FnRef[] {
    const fn = this.userFunction(name, from, deps);
    if (fn) return [fn];
    const cut = name.lastIndexOf('.');
    const path = cut > 0 ? this.modules.find(name.slice(0, cut), from.module, deps) : undefined;
    if (path !== undefined) deps.files.add(path);
    const aliasFacts = path === undefined ? undefined : this.files.get(path)?.facts;
    const declared = aliasFacts?.dependsAliases?.[name.slice(cut + 1)] ?? [];
    return declared.map((d) => this.userFunction(d, aliasFacts!, deps)).filter((t) => t !== undefined);
  }

  /** The workspace functions a Python function's calls resolve to, kept until a file or name they read changes. */
  private targets(ref: FnRef): Array<{ ref: FnRef; spawned: boolean }> {
    const known = this.edges.get(ref.fn);
    if (known) return known.targets;
    const deps: Deps = { files: new Set([ref.path]), keys: new Set() };
    this.tracking.push(deps);
    const targets: Array<{ ref: FnRef; spawned: boolean }> = [];
    for (const call of ref.fn.calls) {
      const t = call.callee === undefined ? undefined : this.resolveCall(ref, call, (x) => x.fn !== ref.fn);
      if (t && 'target' in t)
        for (const ref of [t.target, ...(t.others ?? [])]) targets.push({ ref, spawned: !!call.spawned });
    }
    // Background tasks it registers run after its response
    for (const name of ref.fn.tasks ?? []) {
      const t = this.userFunction(name, ref.facts, deps);
      if (t) targets.push({ ref: t, spawned: false });
    }
    // FastAPI runs a function's dependencies before it, for each request it serves
    for (const dep of ref.fn.depends)
      for (const t of this.dependency(dep, ref.facts, deps)) targets.push({ ref: t, spawned: false });
    this.tracking.pop();
    this.edges.set(ref.fn, { targets, deps });
    return targets;
  }

  /** Node functions run per request besides handlers: registered as middleware here or in any file, and the callbacks inside them. */
  private middlewareIn(facts: CodeFacts): Set<number> {
    const out = new Set<number>();
    facts.functions.forEach((fn, i) => {
      if (out.has(i) || !(fn.middleware || functionKeys(facts, fn).some((k) => this.middlewareRefs.has(k)))) return;
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
  private check(ref: FnRef, route: Route | undefined, runs: Execution, out: Map<string, Finding>, root?: string): void {
    const { path, facts, fn } = ref;
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
        message,
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
    const top = this.tracking[this.tracking.length - 1];
    const known = this.memo.get(ref.fn);
    if (known) {
      if (top) merge(top, known.deps);
      return known.reach;
    }
    if (depth > MAX_DEPTH || visiting.has(ref.fn)) {
      this.cuts++;
      return null;
    }
    // Memoised one-time work (`@lru_cache def get_settings()`): its body runs once, not per request
    if (ref.fn.memoised) return null;
    const cutsBefore = this.cuts;
    visiting.add(ref.fn);
    const deps: Deps = { files: new Set([ref.path]), keys: new Set() };
    this.tracking.push(deps);
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
    this.tracking.pop();
    if (top) merge(top, deps);
    if (found || this.cuts === cutsBefore) this.memo.set(ref.fn, { reach: found, deps });
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
    return this.resolveCall(from, call, (t) => this.followable(from, t) !== undefined);
  }

  /** The workspace function `accept`ed that a call lands in, or the catalog call it makes on an imported instance. */
  private resolveCall(from: FnRef, call: CallFact, accept: (target: FnRef) => boolean): Classified | undefined {
    const language = from.facts.language;
    const deps = this.tracking[this.tracking.length - 1];
    let callee = language === 'node' ? this.unaliased(call.callee!, from, deps) : call.callee!;
    let context = from.facts.module;
    const found = this.userFunction(callee, from.facts, deps);
    if (found && accept(found)) return { target: found };
    if (language === 'python') {
      const inst = this.importedInstance(callee, context, deps);
      if (inst) [callee, context] = [inst.callee, inst.module];
      // What a workspace function returns, what a workspace class's attribute holds
      const typed = this.expand(callee, from.facts, context, deps);
      if (typed !== undefined) callee = typed;
      if (callee !== call.callee) {
        const hit = this.matcher.match(language, { ...call, callee });
        if (hit) return { entry: hit, name: callName(callee) };
      }
    }
    const method = this.method(language, callee, context, deps);
    if (method && accept(method)) {
      // A method without a body of its own (abstract, a protocol's): every workspace implementation
      const impls = method.fn.abstract ? this.implementations(callee, context, deps).filter(accept) : [];
      return impls.length ? { target: impls[0], others: impls.slice(1), declared: method } : { target: method };
    }
    if (language === 'python' && !method) {
      // A workspace class deriving from a library client (`class OAuth2Session(requests.Session)`)
      const inherited = this.libraryCall(call, callee, context, deps);
      if (inherited) return inherited;
    }
    return undefined;
  }

  /**
   * Resolves what linking knows in a Python name: `app.db.get_session()#query` (a workspace function's
   * result, by its `returns`) and `app.settings.Settings#datasource.load` (a workspace class's attribute,
   * by its annotation or assignment), step by step. A `with Db() as db` (`Db#__enter__()#`) whose class
   * defines no `__enter__` of its own is the instance itself (what the usual base class returns).
   * undefined: a step is not known — the name then resolves to nothing, never to a guess.
   */
  private expand(name: string, from: CodeFacts, context: string, deps: Deps | undefined): string | undefined {
    let out = name;
    for (let step = 0; step < 8; step++) {
      const call = out.indexOf('()#');
      const attr = /^([^#]+)#(\w+)\.(.+)$/.exec(out);
      // The leftmost step first: a call's result (`f()#`, `X#m()#`) or an attribute (`X#a.`)
      if (call >= 0 && (out.indexOf('#') === call + 2 || !attr)) {
        const head = out.slice(0, call);
        const rest = out.slice(call + 3);
        const fn =
          (head.includes('#') ? undefined : this.userFunction(head, from, deps)) ??
          this.method('python', head, context, deps);
        let returns = fn?.fn.returns;
        if (!fn && /#__a?enter__$/.test(head)) returns = head.slice(0, head.lastIndexOf('#') + 1);
        if (!returns) return undefined;
        out = returns + rest;
        continue;
      }
      if (!attr) return out;
      const held = this.attributeType(attr[1], attr[2], context, deps, 0);
      if (!held) return out;
      out = held + attr[3];
    }
    return undefined;
  }

  /** A workspace Python class by a resolved name: its file, facts and qualname. */
  private classAt(
    name: string,
    fromModule: string,
    deps: Deps | undefined,
  ): { path: string; facts: CodeFacts; qual: string } | undefined {
    const parts = name.split('.');
    if (parts.length < 2 || !this.modules.hasSegment(parts[0], deps)) return undefined;
    for (let k = parts.length - 1; k >= 1; k--) {
      const path = this.modules.find(parts.slice(0, k).join('.'), fromModule, deps);
      if (path === undefined) continue;
      deps?.files.add(path);
      const facts = this.files.get(path)?.facts;
      const qual = parts.slice(k).join('.');
      return facts?.classes?.[qual] ? { path, facts, qual } : undefined;
    }
    return undefined;
  }

  /** The instance a workspace class's attribute holds, looking through its workspace bases. */
  private attributeType(
    cls: string,
    attr: string,
    fromModule: string,
    deps: Deps | undefined,
    depth: number,
  ): string | undefined {
    const at = depth > 4 ? undefined : this.classAt(cls, fromModule, deps);
    if (!at) return undefined;
    const held = at.facts.attributes?.[at.qual]?.[attr];
    if (held) return held;
    for (const base of at.facts.classes![at.qual]) {
      const t = this.attributeType(base, attr, at.facts.module, deps, depth + 1);
      if (t) return t;
    }
    return undefined;
  }

  /**
   * `X#m` where X is a workspace class defining no `m` and some base of it (through workspace bases) is a
   * library type: the catalog's verdict on that type's `m` (`requests.Session#get`).
   */
  private libraryCall(call: CallFact, callee: string, context: string, deps: Deps | undefined): Classified | undefined {
    const hash = callee.indexOf('#');
    if (hash <= 0 || callee.indexOf('#', hash + 1) >= 0) return undefined;
    const rest = callee.slice(hash + 1);
    const seen = new Set<string>();
    const visit = (cls: string, module: string, depth: number): Classified | undefined => {
      if (depth > 4 || seen.has(cls)) return undefined;
      seen.add(cls);
      const at = this.classAt(cls, module, deps);
      if (!at) {
        if (depth === 0) return undefined;
        const lib = member(instanceOf(cls, PYTHON_RETURNS) ?? `${cls}#`, rest);
        const hit = this.matcher.match('python', { ...call, callee: lib });
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
   * has a body: where a call on the base (abstract, or a protocol) can land. At most 16, in file order.
   */
  private implementations(callee: string, context: string, deps: Deps | undefined): FnRef[] {
    const cut = callee.includes('#') ? callee.indexOf('#') : callee.lastIndexOf('.');
    const base = this.classAt(callee.slice(0, cut), context, deps);
    const name = callee.slice(cut + 1);
    if (!base) return [];
    deps?.keys.add(SUBCLASSES); // a class added or edited anywhere may derive from it
    const subclasses = this.subclassIndex();
    const out: FnRef[] = [];
    const queue = [`${base.path}:${base.qual}`];
    const seen = new Set(queue);
    while (queue.length && out.length < 16) {
      for (const sub of subclasses.get(queue.shift()!) ?? []) {
        const key = `${sub.path}:${sub.qual}`;
        if (seen.has(key)) continue;
        seen.add(key);
        deps?.files.add(sub.path);
        queue.push(key);
        const index = this.qualnameIndex(sub.facts).get(`${sub.qual}.${name}`);
        const fn = index === undefined ? undefined : sub.facts.functions[index];
        if (fn?.method && !fn.abstract) out.push({ path: sub.path, facts: sub.facts, index: index!, fn });
      }
    }
    return out;
  }

  /** Direct workspace subclasses of each workspace Python class ('path:qual'), rebuilt after files change. */
  private subclassIndex(): Map<string, Array<{ path: string; facts: CodeFacts; qual: string }>> {
    if (this.subclasses) return this.subclasses;
    const index = new Map<string, Array<{ path: string; facts: CodeFacts; qual: string }>>();
    for (const [path, { facts }] of this.files) {
      if (facts.language !== 'python') continue;
      for (const [qual, bases] of Object.entries(facts.classes ?? {}))
        for (const b of bases) {
          const at = this.classAt(b, facts.module, undefined);
          if (!at) continue;
          const key = `${at.path}:${at.qual}`;
          (index.get(key) ?? index.set(key, []).get(key)!).push({ path, facts, qual });
        }
    }
    this.subclasses = index;
    return index;
  }

  /** 'app.clients.http.get' → 'requests.Session#get' when app/clients.py binds `http = requests.Session()`. */
  private importedInstance(
    name: string,
    fromModule: string,
    deps: Deps | undefined,
  ): { callee: string; module: string } | undefined {
    const parts = name.split('.');
    if (parts.length < 3 || name.includes('#') || !this.modules.hasSegment(parts[0], deps)) return undefined;
    for (let k = parts.length - 2; k >= 1; k--) {
      const path = this.modules.find(parts.slice(0, k).join('.'), fromModule, deps);
      if (path === undefined) continue;
      deps?.files.add(path);
      const facts = this.files.get(path)?.facts;
      const instance = facts?.instances?.[parts[k]];
      return instance ? { callee: parts.slice(k + 1).reduce(member, instance), module: facts.module } : undefined;
    }
    return undefined;
  }

  /**
   * Node: a name that starts with a package-like import (`@server.util.readConfig`, from `@server/util`) as the
   * workspace module a `paths` alias maps it to names it (`src/server/util.readConfig`); else the name unchanged.
   */
  private unaliased(name: string, from: FnRef, deps: Deps | undefined): string {
    const specs = from.facts.specifiers;
    if (!specs || !this.aliases.length) return name;
    // The longest module name first: `@a.b` (from '@a/b') before `@a`
    for (let end = name.length; end > 0; end = name.lastIndexOf('.', end - 1)) {
      const spec = Object.hasOwn(specs, name.slice(0, end)) ? specs[name.slice(0, end)] : undefined;
      if (spec === undefined) continue;
      deps?.keys.add(MODULE_FILES); // a file added or removed may change what the alias finds
      const file = resolveSpecifier(from.path, spec, this.files, this.aliases);
      return file === undefined ? name : nodeModule(file) + name.slice(end);
    }
    return name;
  }

  /** A function by the name a call resolved to: the registry, else (Python) under the source roots. */
  private userFunction(name: string, from: CodeFacts, deps: Deps | undefined): FnRef | undefined {
    deps?.keys.add(name);
    return (
      this.registry.get(name) ?? (from.language === 'python' ? this.pythonFunction(name, from.module, deps) : undefined)
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
  private method(
    language: 'python' | 'node',
    callee: string,
    context: string,
    deps: Deps | undefined,
  ): FnRef | undefined {
    const hash = callee.indexOf('#');
    const cut = hash >= 0 ? hash : language === 'python' ? callee.lastIndexOf('.') : -1;
    if (cut <= 0) return undefined;
    const cls = callee.slice(0, cut);
    const name = callee.slice(cut + 1);
    if (!name || name.includes('.') || name.includes('#')) return undefined;
    if (language === 'node') {
      const key = `${cls}.${name}`;
      deps?.keys.add(key);
      const ref = this.registry.get(key);
      return ref?.fn.method ? ref : undefined;
    }
    return this.pythonMethod(cls, name, context, deps, 0);
  }

  private pythonMethod(
    cls: string,
    name: string,
    fromModule: string,
    deps: Deps | undefined,
    depth: number,
  ): FnRef | undefined {
    const parts = cls.split('.');
    if (depth > 4 || parts.length < 2 || !this.modules.hasSegment(parts[0], deps)) return undefined;
    for (let k = parts.length - 1; k >= 1; k--) {
      const path = this.modules.find(parts.slice(0, k).join('.'), fromModule, deps);
      if (path === undefined) continue;
      deps?.files.add(path);
      const facts = this.files.get(path)?.facts;
      const qual = parts.slice(k).join('.');
      const bases = facts?.classes?.[qual];
      if (!facts || !bases) return undefined;
      const index = this.qualnameIndex(facts).get(`${qual}.${name}`);
      if (index !== undefined && facts.functions[index].method)
        return { path, facts, index, fn: facts.functions[index] };
      for (const base of bases) {
        const inherited = this.pythonMethod(base, name, facts.module, deps, depth + 1);
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
  private pythonFunction(name: string, fromModule: string, deps: Deps | undefined): FnRef | undefined {
    const parts = name.split('.');
    if (parts.length < 2 || !this.modules.hasSegment(parts[0], deps)) return undefined;
    for (let k = parts.length - 1; k >= 1; k--) {
      const path = this.modules.find(parts.slice(0, k).join('.'), fromModule, deps);
      if (path === undefined) continue;
      deps?.files.add(path); // the function may appear in it later
      const facts = this.files.get(path)?.facts;
      const index = facts && this.qualnameIndex(facts).get(parts.slice(k).join('.'));
      return facts && index !== undefined ? { path, facts, index, fn: facts.functions[index] } : undefined;
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
    const entry = this.files.get(route.file);
    if (!entry) return undefined;
    const fns = entry.facts.functions;
    const short = route.handler.split('.').pop();
    // Indexed lookups: a scan of the file's functions per route made a 20k-route file quadratic.
    const atLine = this.defLineIndex(entry.facts).get(route.line) ?? [];
    const index =
      atLine.find((i) => fns[i].name === short || fns[i].qualname === route.handler) ??
      atLine[0] ??
      this.qualnameIndex(entry.facts).get(route.handler);
    return index === undefined ? undefined : { path: route.file, facts: entry.facts, index, fn: fns[index] };
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
 * Python modules by name and by every dotted suffix, like discovery's module index: a project
 * below the workspace root (backend/app/main.py importing `app.helpers`) or a src layout. Lookups
 * record `mod:NAME` (or `seg:FIRST` when no module name has that segment); adding or removing a
 * module changes the keys of all its suffixes and segments.
 */
class PythonModules {
  private readonly byName = new Map<string, string[]>();
  private readonly bySuffix = new Map<string, string[]>();
  private readonly segments = new Map<string, number>();
  private readonly moduleOf = new Map<string, string>();

  add(path: string, module: string, changed: Set<string>): void {
    this.moduleOf.set(path, module);
    this.each(module, changed, (map, key) => insertSorted(map.get(key) ?? (map.set(key, []), map.get(key)!), path));
    for (const seg of module.split('.')) this.segments.set(seg, (this.segments.get(seg) ?? 0) + 1);
  }

  remove(path: string, module: string, changed: Set<string>): void {
    this.moduleOf.delete(path);
    this.each(module, changed, (map, key) => {
      const list = map.get(key)?.filter((p) => p !== path);
      if (list?.length) map.set(key, list);
      else map.delete(key);
    });
    for (const seg of module.split('.')) {
      const n = (this.segments.get(seg) ?? 1) - 1;
      if (n) this.segments.set(seg, n);
      else this.segments.delete(seg);
    }
  }

  hasSegment(segment: string, deps: Deps | undefined): boolean {
    const has = this.segments.has(segment);
    if (!has) deps?.keys.add(`seg:${segment}`);
    return has;
  }

  /**
   * The file a module name means from `fromModule`: a module of that exact name; else the only
   * module it is a suffix of; else, among several, the one under the source root nearest to
   * `fromModule` (`svc_a.app.helpers` for a caller in svc_a). Ambiguous: none, never a guess.
   */
  find(name: string, fromModule: string, deps: Deps | undefined): string | undefined {
    deps?.keys.add(`mod:${name}`);
    const exact = this.byName.get(name);
    if (exact) return exact[0];
    const candidates = this.bySuffix.get(name);
    if (!candidates) return undefined;
    if (candidates.length === 1) return candidates[0];
    let best: string | undefined;
    let bestLen = -1;
    let tie = false;
    for (const path of candidates) {
      const module = this.moduleOf.get(path)!;
      const root = module.slice(0, module.length - name.length - 1);
      if (fromModule !== root && !fromModule.startsWith(`${root}.`)) continue;
      if (root.length > bestLen) [best, bestLen, tie] = [path, root.length, false];
      else if (root.length === bestLen) tie = true;
    }
    return tie ? undefined : best;
  }

  private each(module: string, changed: Set<string>, update: (map: Map<string, string[]>, key: string) => void): void {
    update(this.byName, module);
    changed.add(`mod:${module}`);
    const parts = module.split('.');
    for (let i = 1; i < parts.length; i++) {
      const suffix = parts.slice(i).join('.');
      update(this.bySuffix, suffix);
      changed.add(`mod:${suffix}`);
    }
    for (const seg of parts) changed.add(`seg:${seg}`);
  }
}

function insertSorted(list: string[], path: string): void {
  if (list.includes(path)) return;
  list.push(path);
  list.sort();
}

/** A resolved callee as messages name it: 'requests.Session.get'; calling an instance is its `__call__`. */
function callName(callee: string): string {
  return callee.endsWith('#') ? `${callee.slice(0, -1)}.__call__` : callee.replace('#', '.');
}

/** A function as chains and messages name it: methods with their class ('UserService.load'). */
function labelOf(fn: FunctionFact): string {
  return fn.method ? fn.qualname : fn.name;
}

/** The dependency key of every use of the subclass index: any file's classes changing invalidates it. */
const SUBCLASSES = 'subclasses:';
/** A dependency key: the set of file paths (what a Node import alias resolves to depends on it). */
const MODULE_FILES = 'module-files:';

/** A call as the analysis reads it: a catalog call, or workspace function(s) it lands in (`others`: more implementations). */
type Classified = { entry: CatalogEntry; name: string } | { target: FnRef; others?: FnRef[]; declared?: FnRef };

function sameList<T>(a: readonly T[] | undefined, b: readonly T[]): boolean {
  return a !== undefined && a.length === b.length && a.every((x, i) => x === b[i]);
}

function merge(into: Deps, from: Deps): void {
  for (const f of from.files) into.files.add(f);
  for (const k of from.keys) into.keys.add(k);
}

/** Names other files (and the same file) use to call a function. */
function functionKeys(facts: CodeFacts, fn: FunctionFact): string[] {
  const keys = [`${facts.module}.${fn.qualname}`];
  if (facts.language === 'python' && facts.module.startsWith('src.'))
    keys.push(`${facts.module.slice(4)}.${fn.qualname}`);
  if (facts.language === 'node' && facts.module.endsWith('/index'))
    keys.push(`${facts.module.slice(0, -6)}.${fn.qualname}`);
  // A default import binds the module itself: `import readConfig from './util'; readConfig()` calls 'src/util'
  if (facts.language === 'node' && fn.parent === undefined && fn.qualname === facts.defaultExport) {
    keys.push(facts.module);
    if (facts.module.endsWith('/index')) keys.push(facts.module.slice(0, -6));
  }
  return keys;
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
