// Which Python functions run per request, by reachability from the workspace's per-request roots (route
// handlers, their dependencies, router-level dependencies, handlers registered on a framework object, tasks
// started beside the server). Rule-independent: findings.ts place() gives the roots and the call graph.
//
// A call whose receiver is not resolved (`client.read_flow()` on a parameter without a type) may land in any
// workspace function of that name: such functions are "possibly" per request, and say so, rather than being
// dropped (blind) or reported as plainly reached (confidently wrong).
import type { CodeFacts, FunctionFact } from './facts';
import type { FnRef } from './codeWorkspace';

export interface RequestGraph {
  /**
   * What runs as part of a function: the workspace functions its calls resolve to (calls, dependencies,
   * background tasks), then the functions run inside it without a call edge (nested functions, the wrappers
   * of its decorators).
   */
  next(ref: FnRef): readonly FnRef[];
  /**
   * Where its calls on a typing.Protocol's methods land by shape only (classes defining the methods without
   * deriving from it). Followed from code reached by resolved calls, not from code reached by a name guess: there,
   * on prefect, a guess (`session.execute()` → a runner's `execute`) dispatched a protocol call into the runner's
   * whole engine.
   */
  shaped(ref: FnRef): readonly FnRef[];
  /** Its method calls whose receiver is not resolved: the method's name and the call as written. */
  unresolved(ref: FnRef): ReadonlyArray<{ name: string; written: string }>;
  /** Async workspace functions with this name (functions and methods). */
  named(name: string): readonly FnRef[];
}

export interface RequestReach {
  /** Reached from a root through resolved calls: the index of the first root that reaches it. */
  request: Map<FunctionFact, number>;
  /**
   * Reached only through a call by name on an unresolved receiver: the root whose per-request code makes that
   * call, and the call as written (see possiblyFrom). Indexes, not labels: a root's label (its route's path) can
   * change while what it reaches does not.
   */
  possibly: Map<FunctionFact, { root: number; written: string }>;
}

/** How a possibly reached function is reached: 'GET /x via `obj.name()`'. */
export function possiblyFrom(roots: ReadonlyArray<{ label: string }>, how: { root: number; written: string }): string {
  return `${roots[how.root].label} via \`${how.written}()\``;
}

/**
 * One Python file's roots as its own facts tell them (function indexes): `hooks` are the functions other
 * files register as start-up hooks or lifespans (resolved by the caller). Kept per file, so a change costs
 * the files it touched rather than a scan of every function.
 */
export interface FileRoots {
  /** Start-up/shutdown hooks and lifespans, with the functions nested in them: one-time. */
  boot: number[];
  /** Command-line commands: one-time. */
  commands: number[];
  /** Functions a framework calls per event without a call in the workspace, with how findings name them. */
  registered: Array<{ index: number; label: string }>;
}

/** A workspace class by a resolved name, as seen from a module (CodeWorkspace.classAt): its facts and qualname. */
export type ClassLookup = (name: string, fromModule: string) => { facts: CodeFacts; qual: string } | undefined;

/** `classAt` finds the bases defined in other files (a `dispatch` whose BaseHTTPMiddleware base is imported). */
export function fileRoots(facts: CodeFacts, hooks: ReadonlySet<number>, classAt: ClassLookup): FileRoots {
  const out: FileRoots = { boot: [], commands: [], registered: [] };
  const startup = new Set<number>();
  facts.functions.forEach((fn, index) => {
    // A function's parent comes before it, so a lifespan's nested functions follow it into start-up
    const nestedInStartup = fn.parent !== undefined && startup.has(fn.parent);
    if (fn.startup || hooks.has(index) || nestedInStartup) startup.add(index);
    if (startup.has(index)) out.boot.push(index);
    else if (fn.cli) out.commands.push(index);
    else if (fn.parent === undefined && !fn.memoised && fn.decorators.some(isHandlerRegistration))
      out.registered.push({ index, label: `${fn.decorators.find(isHandlerRegistration)!.split('(')[0]} handler` });
    else if (fn.method && fn.async && isServedMethod(fn, facts, classAt))
      out.registered.push({ index, label: `${fn.qualname} (called by the framework)` });
  });
  return out;
}

/** How many async workspace functions a name may match for a call by that name to count as reaching them. */
const MAX_NAME_CANDIDATES = 3;

/** Walks from `roots` through resolved calls, then by name. */
export function reachFromRoots(roots: ReadonlyArray<{ ref: FnRef }>, graph: RequestGraph): RequestReach {
  const request = walk(
    roots.map(({ ref }, root) => ({ ref, how: root })),
    graph,
    new Map(),
    true,
  );
  // Names called on unresolved receivers in per-request code, each with the first call seen. One step only:
  // names called on unresolved receivers inside possibly reached code are not chased again (each step by name
  // multiplies the guesses; on prefect that chase pulled the SDK's runner and worker back in)
  const byName = new Map<string, { root: number; written: string }>();
  for (const [ref, root] of request.refs)
    for (const { name, written } of graph.unresolved(ref)) if (!byName.has(name)) byName.set(name, { root, written });
  const seeds: Array<{ ref: FnRef; how: { root: number; written: string } }> = [];
  for (const [name, how] of byName) {
    const candidates = graph.named(name);
    // A name many async functions share (`run`, `execute`) says nothing about which one runs: guessing them all
    // is noise (on prefect, `call.run()` in a concurrency helper pulled a worker's `run` among 7 in)
    if (candidates.length > MAX_NAME_CANDIDATES) continue;
    for (const ref of candidates) if (!request.labels.has(ref.fn)) seeds.push({ ref, how });
  }
  // What a possibly reached function calls (resolved) is possibly reached too, by the same note
  const possibly = walk(seeds, graph, request.labels, false).labels;
  return { request: request.labels, possibly };
}

function walk<H>(
  roots: ReadonlyArray<{ ref: FnRef; how: H }>,
  graph: RequestGraph,
  seen: ReadonlyMap<FunctionFact, unknown>,
  byShape: boolean,
): { labels: Map<FunctionFact, H>; refs: Array<[FnRef, H]> } {
  const labels = new Map<FunctionFact, H>();
  const refs: Array<[FnRef, H]> = [];
  const stack: Array<[FnRef, H]> = [];
  for (let i = roots.length - 1; i >= 0; i--) stack.push([roots[i].ref, roots[i].how]);
  while (stack.length) {
    const [ref, how] = stack.pop()!;
    if (labels.has(ref.fn) || seen.has(ref.fn)) continue;
    labels.set(ref.fn, how);
    refs.push([ref, how]);
    for (const t of graph.next(ref)) if (!labels.has(t.fn) && !seen.has(t.fn)) stack.push([t, how]);
    if (byShape) for (const t of graph.shaped(ref)) if (!labels.has(t.fn) && !seen.has(t.fn)) stack.push([t, how]);
  }
  return { labels, refs };
}

/**
 * `@sio.on("msg")`, `@bolt.command("/x")`, `@app.middleware("http")`, `@app.exception_handler(E)`: a function
 * handed to a framework object by a decorator is called by that framework, per event. Decorators of the language
 * and its libraries (`functools.wraps`, `x.setter`, `pytest.fixture`, Celery's `app.task`, which runs in a worker
 * process) are not registrations; commands and start-up hooks are placed before this is asked.
 */
function isHandlerRegistration(decorator: string): boolean {
  const name = /^[\w.]+/.exec(decorator)?.[0] ?? '';
  return name.includes('.') && !NOT_A_REGISTRATION.test(name);
}

/**
 * Methods a framework calls per request without a call in the workspace: an async `__call__` (ASGI middleware and
 * apps, callable dependencies `Depends(Checker())`) and a Starlette `BaseHTTPMiddleware` subclass's `dispatch`.
 */
function isServedMethod(fn: FunctionFact, facts: CodeFacts, classAt: ClassLookup): boolean {
  if (fn.name === '__call__') return true;
  if (fn.name !== 'dispatch') return false;
  return derivesFromMiddleware(fn.qualname.slice(0, fn.qualname.lastIndexOf('.')), facts, classAt, 0);
}

/** Whether a class derives from BaseHTTPMiddleware, directly or through workspace classes (of any file). */
function derivesFromMiddleware(cls: string, facts: CodeFacts, classAt: ClassLookup, depth: number): boolean {
  if (depth > 8) return false;
  return (facts.classes?.[cls] ?? []).some((b) => {
    if (/(^|\.)BaseHTTPMiddleware$/.test(b)) return true;
    if (b.startsWith(`${facts.module}.`))
      return derivesFromMiddleware(b.slice(facts.module.length + 1), facts, classAt, depth + 1);
    const at = classAt(b, facts.module);
    return at !== undefined && derivesFromMiddleware(at.qual, at.facts, classAt, depth + 1);
  });
}

const NOT_A_REGISTRATION =
  /^(functools|contextlib|abc|typing|typing_extensions|pytest|unittest|dataclasses|asyncio|enum|pydantic)\.|\.(setter|getter|deleter|fixture|wraps|overload|abstractmethod|cache|lru_cache|cached_property|task|shared_task|register|validator|field_validator|model_validator|root_validator)$/;
