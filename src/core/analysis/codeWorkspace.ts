// Every file's code facts as the analysis reads them: a tracked view (incremental/tracker.ts). Each getter
// records what it answered into the computation running (a file's findings, a function's reach, its call
// edges), so the one memo of findings.ts can keep a result until an answer it got changes. The analysis
// asks only this view; what it read is never its business.
import type { CodeFacts, FunctionFact } from './facts';
import { Tracked, type Tracker } from '../incremental/tracker';
import { dotBefore, reexported } from './resolve';
import { resolveSpecifier } from '../nodeImports/specifier';
import type { PathAliases } from '../nodeImports/tsconfig';
import type { Route } from '../model';
import type { WorkspaceFile } from '../workspace';
import { PythonSourceRoots } from '../lang/python/modules';

/**
 * A Python function's placement when it is not plainly per request: 'once' (tests, start-up, commands, import
 * time and what only they reach), 'unreached' (the workspace has per-request roots and none reaches it), or how
 * it may be reached ('possibly reached from GET /x via `obj.name()` (receiver unresolved)'): by the name of a call
 * whose receiver is not resolved. Strings, so an unchanged placement answers the same (Object.is).
 */
export type Placement = 'once' | 'unreached' | `possibly ${string}`;

export type FileFacts = ReadonlyMap<string, { file: WorkspaceFile; facts: CodeFacts }>;

export interface FnRef {
  path: string;
  facts: CodeFacts;
  index: number;
  fn: FunctionFact;
  /**
   * Python: the class of the instance a method runs on, when it is a subclass of the class defining it (a base
   * class's `process()` called on a `Hasher`): `self.save()` in it is the subclass's override.
   */
  self?: string;
}

export interface SubclassRef {
  path: string;
  facts: CodeFacts;
  qual: string;
}

const NO_ALIASES: readonly PathAliases[] = [];
const NO_HOOKS: ReadonlySet<number> = new Set();

export class CodeWorkspace {
  private files: FileFacts = new Map();
  private aliases: readonly PathAliases[] = NO_ALIASES;
  /** Functions by every name calls use for them, in path then definition order: the first is the one called. */
  private readonly registry = new Map<string, FnRef[]>();
  private readonly modules = new PythonModules();
  /** Node middleware registrations from every file: function name → how many registrations. */
  private readonly middlewareRefs = new Map<string, number>();
  /** Python functions not checked as per-request code, or checked as possibly reached (see findings.ts place()). */
  private placement = new Map<FunctionFact, Placement>();
  /** Per file, the indexes of its functions some file registers as start-up hooks or lifespans. */
  private hooks = new Map<string, ReadonlySet<number>>();
  /** Per file, the indexes of its functions another file registers as Sanic middleware. */
  private loopHooks = new Map<string, ReadonlySet<number>>();
  /** Each file's routes as the rules read them (see routeSignature). */
  private routeSigs = new Map<string, string>();
  private routesSeen: ReadonlyMap<string, Route[]> = new Map();
  /** Direct workspace subclasses by workspace class ('path:qual'); undefined: files changed since it was built. */
  private subclassIndex: Map<string, SubclassRef[]> | undefined;
  private previousSubclasses = new Map<string, SubclassRef[]>();
  /** Workspace classes implementing each workspace Protocol by shape ('path:qual'); undefined: files changed since. */
  private structuralIndex: Map<string, SubclassRef[]> | undefined;
  private previousStructural = new Map<string, SubclassRef[]>();

  private readonly factsQ: Tracked<string, CodeFacts | undefined>;
  private readonly functionQ: Tracked<string, FnRef | undefined>;
  private readonly moduleQ: Tracked<string, string | undefined>;
  private readonly segmentQ: Tracked<string, boolean>;
  private readonly middlewareQ: Tracked<string, boolean>;
  private readonly placementQ: Tracked<FunctionFact, Placement | undefined>;
  private readonly hooksQ: Tracked<string, ReadonlySet<number>>;
  private readonly loopHooksQ: Tracked<string, ReadonlySet<number>>;
  private readonly specifierQ: Tracked<string, string | undefined>;
  private readonly subclassesQ: Tracked<string, SubclassRef[] | undefined>;
  private readonly implementersQ: Tracked<string, SubclassRef[] | undefined>;
  private readonly routesQ: Tracked<string, string>;
  private readonly aliasesQ: Tracked<null, boolean>;

  /**
   * Every question is `logged`: update() and the setters note each answer that may have changed (by key, or all
   * of a question's when the set of files or the aliases change), so a memo checks only what an edit touched.
   */
  constructor(readonly tracker: Tracker) {
    this.factsQ = new Tracked(tracker, (path) => this.files.get(path)?.facts, false, true);
    this.functionQ = new Tracked(tracker, (name) => this.registry.get(name)?.[0], false, true);
    this.moduleQ = new Tracked(
      tracker,
      (key) => {
        const cut = key.indexOf('\n');
        return this.modules.find(key.slice(cut + 1), key.slice(0, cut));
      },
      false,
      true,
    );
    this.segmentQ = new Tracked(tracker, (segment) => this.modules.hasSegment(segment), false, true);
    this.middlewareQ = new Tracked(tracker, (name) => this.middlewareRefs.has(name), false, true);
    this.placementQ = new Tracked(tracker, (fn) => this.placement.get(fn), false, true);
    this.hooksQ = new Tracked(tracker, (path) => this.hooks.get(path) ?? NO_HOOKS, false, true);
    this.loopHooksQ = new Tracked(tracker, (path) => this.loopHooks.get(path) ?? NO_HOOKS, false, true);
    this.specifierQ = new Tracked(
      tracker,
      (key) => {
        const cut = key.indexOf('\n');
        return resolveSpecifier(key.slice(0, cut), key.slice(cut + 1), this.files, this.aliases);
      },
      false,
      true,
    );
    // Building the index asks the view (classAt): those questions are the index's, not the asker's
    this.subclassesQ = new Tracked(
      tracker,
      (cls) => this.tracker.untracked(() => this.subclassMap()).get(cls),
      true,
      true,
    );
    this.implementersQ = new Tracked(
      tracker,
      (cls) => this.tracker.untracked(() => this.structuralMap()).get(cls),
      true,
      true,
    );
    this.routesQ = new Tracked(tracker, (path) => this.routeSigs.get(path) ?? '', false, true);
    this.aliasesQ = new Tracked(tracker, () => this.aliases.length > 0, false, true);
  }

  /**
   * Takes the workspace's facts as they are now; returns the paths whose facts changed, came or went. `only`: the
   * paths where `files` may differ from the last files taken (the caller knows; the rest is not compared).
   */
  update(files: FileFacts, aliases: readonly PathAliases[], only?: ReadonlySet<string>): Set<string> {
    const changed = new Set<string>();
    let pathsChanged = false;
    const was = (path: string) => this.files.get(path)?.facts;
    for (const path of only ?? this.files.keys()) {
      const facts = was(path);
      if (facts && files.get(path)?.facts !== facts) {
        if (!files.has(path)) {
          pathsChanged = true;
          if (facts.language === 'python') this.modules.remove(path);
        }
        this.forget(facts);
        changed.add(path);
      }
    }
    for (const path of only ?? files.keys()) {
      const facts = files.get(path)?.facts;
      if (facts && was(path) !== facts) {
        if (!this.files.has(path)) {
          pathsChanged = true;
          if (facts.language === 'python') this.modules.add(files.get(path)!.file, facts.module);
        }
        this.learn(path, facts);
        changed.add(path);
      }
    }
    for (const path of changed) this.factsQ.changed(path);
    // Module names, segments and specifiers answer from the set of paths (and the aliases)
    if (pathsChanged || aliases !== this.aliases) {
      this.moduleQ.changedAll();
      this.segmentQ.changedAll();
      this.specifierQ.changedAll();
      this.aliasesQ.changedAll();
    }
    this.files = files;
    this.aliases = aliases;
    if (changed.size) {
      this.subclassIndex = undefined;
      this.subclassesQ.changedAll();
      this.structuralIndex = undefined;
      this.implementersQ.changedAll();
    }
    return changed;
  }

  /** Each file's routes, for the findings that depend on them. */
  setRoutes(byFile: ReadonlyMap<string, Route[]>): void {
    const sigs = new Map<string, string>();
    for (const [path, routes] of byFile) {
      // Discovery hands back the same Route objects for unchanged routes: then the file's signature is kept
      const before = this.routesSeen.get(path);
      const same = before?.length === routes.length && before.every((r, i) => r === routes[i]);
      sigs.set(path, same ? this.routeSigs.get(path)! : routes.map(routeSignature).join(';'));
    }
    for (const [path, sig] of sigs) if (this.routeSigs.get(path) !== sig) this.routesQ.changed(path);
    for (const path of this.routeSigs.keys()) if (!sigs.has(path)) this.routesQ.changed(path);
    this.routeSigs = sigs;
    this.routesSeen = byFile;
  }

  /** setRoutes when only `paths` may have other routes (`byFile` holds every file's, as setRoutes takes it). */
  setRoutesOf(paths: ReadonlySet<string>, byFile: ReadonlyMap<string, Route[]>): void {
    for (const path of paths) {
      const routes = byFile.get(path);
      const sig = routes ? routes.map(routeSignature).join(';') : undefined;
      if (this.routeSigs.get(path) === sig) continue;
      if (sig === undefined) this.routeSigs.delete(path);
      else this.routeSigs.set(path, sig);
      this.routesQ.changed(path);
    }
    this.routesSeen = byFile;
  }

  /** Takes `placement` as the answers (kept as given: updatePlacement changes that map in place). */
  setPlacement(placement: Map<FunctionFact, Placement>): void {
    for (const [fn, p] of placement) if (this.placement.get(fn) !== p) this.placementQ.changed(fn);
    for (const fn of this.placement.keys()) if (!placement.has(fn)) this.placementQ.changed(fn);
    this.placement = placement;
  }

  /** Changes the placement of the functions in `changes` only (undefined: none); what stays is not looked at. */
  updatePlacement(changes: ReadonlyMap<FunctionFact, Placement | undefined>): void {
    for (const [fn, p] of changes) {
      if (this.placement.get(fn) === p) continue;
      if (p === undefined) this.placement.delete(fn);
      else this.placement.set(fn, p);
      this.placementQ.changed(fn);
    }
  }

  /** The functions every file registers as start-up hooks or lifespans, as function indexes by path. */
  setStartupHooks(byPath: ReadonlyMap<string, ReadonlySet<number>>): void {
    this.hooks = replaceIndexes(this.hooks, byPath, this.hooksQ);
  }

  /** The functions files register as Sanic middleware from another file (CodeFacts.loopHooks), by path. */
  setLoopHooks(byPath: ReadonlyMap<string, ReadonlySet<number>>): void {
    this.loopHooks = replaceIndexes(this.loopHooks, byPath, this.loopHooksQ);
  }

  /** Every file and its facts, untracked: for whole-workspace walks that are not memoised (placement). */
  all(): FileFacts {
    return this.files;
  }

  facts(path: string): CodeFacts | undefined {
    return this.factsQ.get(path);
  }

  /** A function by a name a call resolved to ('app.db.load', 'src/util.readConfig', 'Users.list'). */
  function(name: string): FnRef | undefined {
    return this.functionQ.get(name);
  }

  /** The file a Python module name means from `fromModule` (see PythonModules.find). */
  module(name: string, fromModule: string): string | undefined {
    return this.moduleQ.get(`${fromModule}\n${name}`);
  }

  /** Whether any Python module name has this dotted segment (a cheap "could this be a workspace name"). */
  hasSegment(segment: string): boolean {
    return this.segmentQ.get(segment);
  }

  /** Whether some file registers a function of this name as Node middleware. */
  isMiddleware(name: string): boolean {
    return this.middlewareQ.get(name);
  }

  /** Where placement put a Python function; undefined: per request, or nothing known against it. */
  placed(fn: FunctionFact): Placement | undefined {
    return this.placementQ.get(fn);
  }

  /** The indexes of a file's functions that some file registers as start-up hooks or lifespans. */
  startupHooks(path: string): ReadonlySet<number> {
    return this.hooksQ.get(path);
  }

  /** The indexes of a file's functions another file registers as Sanic middleware (see CodeFacts.loopHooks). */
  loopHooksIn(path: string): ReadonlySet<number> {
    return this.loopHooksQ.get(path);
  }

  /** The workspace file a Node import specifier in `from` means (relative, or through tsconfig `paths`). */
  specifier(from: string, spec: string): string | undefined {
    return this.specifierQ.get(`${from}\n${spec}`);
  }

  /** Whether the workspace has tsconfig/jsconfig `paths` aliases at all. */
  hasAliases(): boolean {
    return this.aliasesQ.get(null);
  }

  /** Direct workspace subclasses of a workspace Python class ('path:qual'). */
  subclasses(cls: string): SubclassRef[] | undefined {
    return this.subclassesQ.get(cls);
  }

  /**
   * Workspace classes that implement a workspace `typing.Protocol` ('path:qual') by shape: they define every
   * method the protocol declares, without deriving from it. Undefined when the class is no protocol or none does.
   */
  implementers(protocol: string): SubclassRef[] | undefined {
    return this.implementersQ.get(protocol);
  }

  /** The routes of a file as the rules read them, as one string (compared, never parsed). */
  routesOf(path: string): string {
    return this.routesQ.get(path);
  }

  /** A workspace Python class by a resolved name: its file, facts and qualname. */
  classAt(name: string, fromModule: string, depth = 0): SubclassRef | undefined {
    const first = name.indexOf('.');
    if (depth > 4 || first < 0 || !this.hasSegment(name.slice(0, first))) return undefined;
    for (let dot = name.lastIndexOf('.'); dot >= 0; dot = dotBefore(name, dot)) {
      const path = this.module(name.slice(0, dot), fromModule);
      if (path === undefined) continue;
      const facts = this.facts(path);
      const qual = name.slice(dot + 1);
      if (facts?.classes?.[qual]) return { path, facts, qual };
      for (const target of facts ? reexported(facts, qual) : []) {
        const found = this.classAt(target, facts!.module, depth + 1);
        if (found) return found;
      }
      return undefined;
    }
    return undefined;
  }

  private learn(path: string, facts: CodeFacts): void {
    facts.functions.forEach((fn, index) => {
      for (const key of functionKeys(facts, fn)) {
        this.functionQ.changed(key);
        const refs = this.registry.get(key) ?? this.registry.set(key, []).get(key)!;
        const at = refs.findIndex((r) => r.path > path || (r.path === path && r.index > index));
        refs.splice(at < 0 ? refs.length : at, 0, { path, facts, index, fn });
      }
    });
    for (const name of facts.middleware ?? []) {
      this.middlewareRefs.set(name, (this.middlewareRefs.get(name) ?? 0) + 1);
      this.middlewareQ.changed(name);
    }
  }

  private forget(facts: CodeFacts): void {
    for (const fn of facts.functions)
      for (const key of functionKeys(facts, fn)) {
        this.functionQ.changed(key);
        const refs = this.registry.get(key)?.filter((r) => r.facts !== facts);
        if (refs?.length) this.registry.set(key, refs);
        else this.registry.delete(key);
      }
    for (const name of facts.middleware ?? []) {
      const n = (this.middlewareRefs.get(name) ?? 1) - 1;
      if (n) this.middlewareRefs.set(name, n);
      else this.middlewareRefs.delete(name);
      this.middlewareQ.changed(name);
    }
  }

  /**
   * The structural index, rebuilt after files changed: for each workspace Protocol declaring at least one method
   * (dunder methods aside), every other workspace class defining all of those methods itself. A class deriving
   * from the protocol is its subclass already and is not listed again.
   */
  private structuralMap(): Map<string, SubclassRef[]> {
    if (this.structuralIndex) return this.structuralIndex;
    const python = [...this.files].filter(([, { facts }]) => facts.language === 'python' && facts.classes);
    const methods = new Map(python.map(([path, { facts }]) => [path, methodsByClass(facts)]));
    // The classes defining each method name, in file then class order: a protocol's candidates are those of one
    // of its methods, not every class of the workspace
    let byMethod: Map<string, Array<{ path: string; facts: CodeFacts; qual: string; own: Set<string> }>> | undefined;
    const definingAll = () => {
      if (byMethod) return byMethod;
      byMethod = new Map();
      for (const [path, { facts }] of python)
        for (const [qual, own] of methods.get(path)!) {
          if (!facts.classes![qual]) continue;
          for (const m of own) (byMethod.get(m) ?? byMethod.set(m, []).get(m)!).push({ path, facts, qual, own });
        }
      return byMethod;
    };
    const index = new Map<string, SubclassRef[]>();
    for (const [path, { facts }] of python)
      for (const [qual, bases] of Object.entries(facts.classes!)) {
        if (!bases.some((b) => PROTOCOL_BASE.test(b))) continue;
        const wanted = [...(methods.get(path)!.get(qual) ?? [])].filter((m) => !/^__\w+__$/.test(m));
        if (!wanted.length) continue;
        const key = `${path}:${qual}`;
        const subclasses = this.subclassMap().get(key) ?? [];
        const found: SubclassRef[] = [];
        for (const other of definingAll().get(wanted[0]) ?? []) {
          if (other.path === path && other.qual === qual) continue;
          if (subclasses.some((s) => s.path === other.path && s.qual === other.qual)) continue;
          if (wanted.every((m) => other.own.has(m)))
            found.push({ path: other.path, facts: other.facts, qual: other.qual });
        }
        if (found.length) index.set(key, found);
      }
    for (const [key, list] of index) {
      const old = this.previousStructural.get(key);
      const same =
        old?.length === list.length &&
        old.every((o, i) => o.path === list[i].path && o.facts === list[i].facts && o.qual === list[i].qual);
      if (same) index.set(key, old);
    }
    this.previousStructural = index;
    this.structuralIndex = index;
    return index;
  }

  /** The subclass index, rebuilt after files changed; a class's list keeps its identity while its content is the same. */
  private subclassMap(): Map<string, SubclassRef[]> {
    if (this.subclassIndex) return this.subclassIndex;
    const index = new Map<string, SubclassRef[]>();
    for (const [path, { facts }] of this.files) {
      if (facts.language !== 'python') continue;
      for (const [qual, bases] of Object.entries(facts.classes ?? {}))
        for (const b of bases) {
          const at = this.classAt(b, facts.module);
          if (!at) continue;
          const key = `${at.path}:${at.qual}`;
          (index.get(key) ?? index.set(key, []).get(key)!).push({ path, facts, qual });
        }
    }
    for (const [key, list] of index) {
      const old = this.previousSubclasses.get(key);
      const same =
        old?.length === list.length &&
        old.every((o, i) => o.path === list[i].path && o.facts === list[i].facts && o.qual === list[i].qual);
      if (same) index.set(key, old);
    }
    this.previousSubclasses = index;
    this.subclassIndex = index;
    return index;
  }
}

/**
 * `byPath` as the new answers of `q`, noting the paths whose answer changed: an unchanged answer keeps its object,
 * so what read it stays valid.
 */
function replaceIndexes(
  before: ReadonlyMap<string, ReadonlySet<number>>,
  byPath: ReadonlyMap<string, ReadonlySet<number>>,
  q: Tracked<string, ReadonlySet<number>>,
): Map<string, ReadonlySet<number>> {
  const next = new Map<string, ReadonlySet<number>>();
  for (const [path, indexes] of byPath) {
    const old = before.get(path);
    const same = old?.size === indexes.size && [...indexes].every((i) => old.has(i));
    next.set(path, same ? old : indexes);
    if (!same) q.changed(path);
  }
  for (const path of before.keys()) if (!next.has(path)) q.changed(path);
  return next;
}

/** A Protocol class's base, as resolved names give it (`typing.Protocol`, `typing_extensions.Protocol`). */
export const PROTOCOL_BASE = /^(?:typing|typing_extensions)\.Protocol$/;

/** Each class's own method names in a file (qualname → names), methods of nested classes under their own class. */
function methodsByClass(facts: CodeFacts): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const fn of facts.functions) {
    if (!fn.method) continue;
    const cls = fn.qualname.slice(0, fn.qualname.lastIndexOf('.'));
    (out.get(cls) ?? out.set(cls, new Set()).get(cls)!).add(fn.name);
  }
  return out;
}

/** What the rules read of a route: a change to any of these changes the file's findings. */
function routeSignature(r: Route): string {
  return `${r.line}|${r.handler}|${r.execution}|${r.framework}|${r.methods.join(',')}|${r.path}`;
}

/** Names other files (and the same file) use to call a function. */
export function functionKeys(facts: CodeFacts, fn: FunctionFact): string[] {
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

/**
 * Python modules by name and by the names other source roots give them (PythonSourceRoots), like discovery's
 * module index: a project below the workspace root (backend/app/main.py importing `app.helpers`), a src layout,
 * a root that is a package itself. Those names depend on every path: rebuilt when asked after a file came or went.
 */
class PythonModules {
  private readonly files = new Map<string, { file: WorkspaceFile; module: string }>();
  private built:
    { byName: Map<string, string[]>; byOtherName: Map<string, Candidate[]>; segments: Set<string> } | undefined;

  add(file: WorkspaceFile, module: string): void {
    this.files.set(file.path, { file, module });
    this.built = undefined;
  }

  remove(path: string): void {
    this.files.delete(path);
    this.built = undefined;
  }

  hasSegment(segment: string): boolean {
    return this.index().segments.has(segment);
  }

  /**
   * The file a module name means from `fromModule`: a module of that exact name; else the only
   * module another source root gives that name; else, among several, the one under the source root nearest to
   * `fromModule` (`svc_a.app.helpers` for a caller in svc_a). Ambiguous: none, never a guess.
   */
  find(name: string, fromModule: string): string | undefined {
    const { byName, byOtherName } = this.index();
    const exact = byName.get(name);
    if (exact) return exact[0];
    const candidates = byOtherName.get(name);
    if (!candidates) return undefined;
    if (candidates.length === 1) return candidates[0].path;
    let best: string | undefined;
    let bestLen = -1;
    let tie = false;
    for (const { path, root } of candidates) {
      if (root && fromModule !== root && !fromModule.startsWith(`${root}.`)) continue;
      if (root.length > bestLen) [best, bestLen, tie] = [path, root.length, false];
      else if (root.length === bestLen) tie = true;
    }
    return tie ? undefined : best;
  }

  private index(): NonNullable<PythonModules['built']> {
    if (this.built) return this.built;
    const built = {
      byName: new Map<string, string[]>(),
      byOtherName: new Map<string, Candidate[]>(),
      segments: new Set<string>(),
    };
    const roots = new PythonSourceRoots([...this.files.values()].map((f) => f.file));
    for (const [path, { module }] of [...this.files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      (built.byName.get(module) ?? built.byName.set(module, []).get(module)!).push(path);
      for (const seg of module.split('.')) built.segments.add(seg);
      for (const name of roots.otherNames(module)) {
        // a shorter name is the module's below the folder it starts after; a longer one is from the root's parent
        const root = name.length < module.length ? module.slice(0, module.length - name.length - 1) : '';
        (built.byOtherName.get(name) ?? built.byOtherName.set(name, []).get(name)!).push({ path, root });
        for (const seg of name.split('.')) built.segments.add(seg);
      }
    }
    return (this.built = built);
  }
}

/** A module another source root names so, and that root's module name ('' for the root's parent). */
interface Candidate {
  path: string;
  root: string;
}
