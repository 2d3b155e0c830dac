// All files' facts + discovered routes → findings. Which code runs on the event loop:
//   Python: every `async def` (like Ruff), plus handlers a framework calls on the loop
//   even when sync (aiohttp, Sanic: execution 'event-loop'). `def` handlers and `def`
//   dependencies of FastAPI/Starlette run in the threadpool and are not loop context;
//   nested `def`s are their own (sync) functions; module-level code is startup code.
//   WSGI handlers (execution 'worker') get EP201 for high-latency calls only.
//   Node: every route handler, the callbacks nested in it, and what they call.
// Calls into sync user functions anywhere in the workspace are followed (EP102).
import type { CatalogEntry } from './catalog/types';
import type { CallFact, CodeFacts, FunctionFact } from './facts';
import { makeSyncFix, preferredFix, suppressFix, toThreadFix } from './fixes';
import { Matcher, type AnalysisConfig } from './match';
import { loopMessage, NEVER_AWAITS, transitiveMessage, workerMessage } from './messages';
import type { Finding, Route, Severity, SourceRange } from '../model';
import type { WorkspaceFile } from '../workspace';

export type FileFacts = ReadonlyMap<string, { file: WorkspaceFile; facts: CodeFacts }>;

export const RULES = {
  EP101: 'blocking call on the event loop',
  EP102: 'blocking call reached through a sync helper on the event loop',
  EP103: 'FastAPI async handler never awaits but blocks: declare it def',
  EP201: 'blocking network/process call ties up a WSGI worker',
} as const;

const MAX_DEPTH = 8;

interface FnRef { path: string; facts: CodeFacts; index: number; fn: FunctionFact }
interface Step { label: string; loc: SourceRange }
interface Reach { entry: CatalogEntry; blocking: string; steps: Step[] }

const SEVERITY: Record<CatalogEntry['severity'], Severity> = { H: 'error', M: 'warning', C: 'warning' };
const matchers = new WeakMap<AnalysisConfig, Matcher>();
const DEFAULT_CONFIG: AnalysisConfig = {};

export function findBlockingCalls(files: FileFacts, routes: Route[], config: AnalysisConfig = DEFAULT_CONFIG): Finding[] {
  let matcher = matchers.get(config);
  if (!matcher) matchers.set(config, (matcher = new Matcher(config)));
  return new Linker(files, matcher).run(routes);
}

class Linker {
  private readonly registry = new Map<string, FnRef>();
  private readonly nested = new Map<CodeFacts, number[][]>();
  private readonly memo = new Map<FunctionFact, Reach | null>();
  private readonly out = new Map<string, Finding>();

  constructor(private readonly files: FileFacts, private readonly matcher: Matcher) {
    for (const [path, { facts }] of files) {
      facts.functions.forEach((fn, index) => {
        const ref = { path, facts, index, fn };
        for (const key of functionKeys(facts, fn)) if (!this.registry.has(key)) this.registry.set(key, ref);
      });
    }
  }

  run(routes: Route[]): Finding[] {
    const routeOf = new Map<FunctionFact, Route>();
    for (const route of routes) {
      const ref = this.routeFunction(route);
      if (!ref) continue;
      routeOf.set(ref.fn, route);
      if (ref.facts.language === 'node') for (const i of this.descendants(ref.facts, ref.index)) if (!routeOf.has(ref.facts.functions[i])) routeOf.set(ref.facts.functions[i], route);
    }
    for (const [path, { facts }] of this.files) {
      facts.functions.forEach((fn, index) => {
        const route = routeOf.get(fn);
        const ref = { path, facts, index, fn };
        if (facts.language === 'node') { if (route) this.check(ref, route, 'loop'); return; }
        if (route?.execution === 'worker') this.check(ref, route, 'worker');
        else if (fn.async || route?.execution === 'event-loop') this.check(ref, route, 'loop');
      });
    }
    return [...this.out.values()].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column));
  }

  private check(ref: FnRef, route: Route | undefined, mode: 'loop' | 'worker'): void {
    const { path, facts, fn } = ref;
    const handler = route?.handler ?? fn.qualname;
    let blocked = false;
    for (const call of fn.calls) {
      if (facts.language === 'python' && call.awaited) continue;
      const entry = this.matcher.match(facts.language, call);
      if (entry) {
        if (mode === 'worker' && entry.severity !== 'H') continue;
        const rule = mode === 'worker' ? 'EP201' : 'EP101';
        if (suppressed(facts, call.span.line, rule)) continue;
        const name = call.callee!.replace('#', '.');
        const fix = mode === 'loop' ? preferredFix(path, facts, fn, call, entry) : undefined;
        const alt = [mode === 'loop' && !fix ? toThreadFix(path, facts, fn, call) : undefined, suppressFix(path, facts, call, rule)].filter((f) => f !== undefined);
        this.add({
          file: path, ...call.span, rule, severity: mode === 'worker' ? 'info' : SEVERITY[entry.severity],
          message: mode === 'worker' ? workerMessage(name, route?.framework ?? 'WSGI') : loopMessage(name, entry.kind),
          handler, replacement: entry.replacement, ...(fix ? { fix } : {}), alternativeFixes: alt,
        });
        blocked = true;
        continue;
      }
      const target = this.target(ref, call);
      if (!target) continue;
      const reach = this.reach(target, 1, new Set([fn]));
      if (!reach || (mode === 'worker' && reach.entry.severity !== 'H')) continue;
      const rule = mode === 'worker' ? 'EP201' : 'EP102';
      if (suppressed(facts, call.span.line, rule)) continue;
      const label = `${target.fn.name}()`;
      this.add({
        file: path, ...call.span, rule, severity: mode === 'worker' ? 'info' : SEVERITY[reach.entry.severity],
        message: mode === 'worker' ? workerMessage(label.slice(0, -2), route?.framework ?? 'WSGI') : transitiveMessage(target.fn.name, reach.blocking, reach.entry.kind),
        handler, chain: [`${fn.name}()`, ...reach.steps.map((s) => s.label)], chainLocations: reach.steps.map((s) => s.loc),
        replacement: reach.entry.replacement,
        alternativeFixes: [mode === 'loop' ? toThreadFix(path, facts, fn, call) : undefined, suppressFix(path, facts, call, rule)].filter((f) => f !== undefined),
      });
      blocked = true;
    }
    if (blocked && mode === 'loop' && fn.async && !fn.hasAwait && route?.framework === 'fastapi' && !suppressed(facts, fn.defLine, 'EP103')) {
      const fix = makeSyncFix(path, fn);
      const at = fn.asyncKeyword ?? { line: fn.defLine, column: fn.span.column, endLine: fn.defLine, endColumn: fn.span.column + 1 };
      this.add({ file: path, ...at, rule: 'EP103', severity: 'warning', message: NEVER_AWAITS, handler, ...(fix ? { fix } : {}) });
    }
  }

  /** The first blocking call `ref` makes, directly or through the sync functions it calls. */
  private reach(ref: FnRef, depth: number, visiting: Set<FunctionFact>): Reach | null {
    const known = this.memo.get(ref.fn);
    if (known !== undefined) return known;
    if (depth > MAX_DEPTH || visiting.has(ref.fn)) return null;
    visiting.add(ref.fn);
    let found: Reach | null = null;
    const here: Step = { label: `${ref.fn.name}()`, loc: { file: ref.path, line: ref.fn.defLine, column: ref.fn.span.column, endLine: ref.fn.defLine, endColumn: ref.fn.span.column } };
    const fns = ref.facts.language === 'node' ? [ref.index, ...this.descendants(ref.facts, ref.index)].map((i) => ref.facts.functions[i]) : [ref.fn];
    outer: for (const fn of fns) {
      for (const call of fn.calls) {
        if (ref.facts.language === 'python' && call.awaited) continue;
        const entry = this.matcher.match(ref.facts.language, call);
        if (entry) {
          if (suppressed(ref.facts, call.span.line, 'EP101') || suppressed(ref.facts, call.span.line, 'EP102')) continue;
          const blocking = call.callee!.replace('#', '.');
          found = { entry, blocking, steps: [here, { label: `${blocking} (${ref.path}:${call.span.line})`, loc: { file: ref.path, ...call.span } }] };
          break outer;
        }
        const target = this.target({ ...ref, fn, index: ref.facts.functions.indexOf(fn) }, call);
        const sub = target && this.reach(target, depth + 1, visiting);
        if (sub) {
          found = { ...sub, steps: [here, ...sub.steps] };
          break outer;
        }
      }
    }
    visiting.delete(ref.fn);
    this.memo.set(ref.fn, found);
    return found;
  }

  /** The user function a call lands in, when it is one the analysis follows. */
  private target(from: FnRef, call: CallFact): FnRef | undefined {
    if (!call.callee) return undefined;
    const target = this.registry.get(call.callee);
    if (!target || target.fn === from.fn) return undefined;
    // An async Python function called from the loop is its own loop context, checked on its own.
    if (target.facts.language === 'python' && target.fn.async) return undefined;
    return target;
  }

  private routeFunction(route: Route): FnRef | undefined {
    const entry = this.files.get(route.file);
    if (!entry) return undefined;
    const fns = entry.facts.functions;
    const short = route.handler.split('.').pop();
    let index = fns.findIndex((f) => f.defLine === route.line && (f.name === short || f.qualname === route.handler));
    if (index < 0) index = fns.findIndex((f) => f.defLine === route.line);
    if (index < 0) index = fns.findIndex((f) => f.qualname === route.handler);
    return index < 0 ? undefined : { path: route.file, facts: entry.facts, index, fn: fns[index] };
  }

  private descendants(facts: CodeFacts, index: number): number[] {
    let kids = this.nested.get(facts);
    if (!kids) {
      kids = facts.functions.map(() => []);
      facts.functions.forEach((f, i) => { if (f.parent !== undefined) kids![f.parent].push(i); });
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

  private add(f: Finding): void {
    const key = `${f.file}:${f.line}:${f.column}:${f.endLine}:${f.endColumn}:${f.rule}`;
    if (!this.out.has(key)) this.out.set(key, f);
  }
}

/** Names other files (and the same file) use to call a function. */
function functionKeys(facts: CodeFacts, fn: FunctionFact): string[] {
  const keys = [`${facts.module}.${fn.qualname}`];
  if (facts.language === 'python' && facts.module.startsWith('src.')) keys.push(`${facts.module.slice(4)}.${fn.qualname}`);
  if (facts.language === 'node' && facts.module.endsWith('/index')) keys.push(`${facts.module.slice(0, -6)}.${fn.qualname}`);
  return keys;
}

function suppressed(facts: CodeFacts, line: number, rule: string): boolean {
  const s = facts.suppressions[line];
  return !!s && (s.includes('*') || s.includes(rule));
}
