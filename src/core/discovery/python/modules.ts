// Module names of workspace files and name resolution across them: absolute and
// relative imports, packages (__init__.py), submodules reached as attributes
// (`from .routes import items` then `items.router`), `from .views import *`, aliases and app factories.
import { absoluteModule, pythonModuleName, type PythonSourceRoots } from '../../lang/python/modules';
import type { Tracked } from '../../incremental/tracker';
import type { WorkspaceFile } from '../../workspace';
import type { PyAssignment, PyClass, PyExpr, PyFunction, PyImport, PythonRouteFacts } from './facts';

export interface ModuleFile {
  file: WorkspaceFile;
  facts: PythonRouteFacts;
  module: string; // dotted module name from the workspace root
  isPackage: boolean;
}

export type Resolved =
  | { k: 'module'; mod: ModuleFile }
  | { k: 'value'; mod: ModuleFile; scope: string; name: string; value: PyExpr }
  | { k: 'func'; mod: ModuleFile; fn: PyFunction }
  | { k: 'class'; mod: ModuleFile; cls: PyClass }
  | { k: 'extern'; qual: string }; // something imported from outside the workspace (fastapi.FastAPI)

const MAX_HOPS = 30;

/** What linking reads, each read recorded into the running pass (incremental/tracker.ts): stable across graphs. */
export interface LinkReads {
  /** A module's facts, by path. */
  facts: Tracked<string, PythonRouteFacts | undefined>;
  /** The file a module name means. */
  names: Tracked<string, string | undefined>;
}

export class ModuleGraph {
  private readonly byName = new Map<string, ModuleFile>();
  /** Modules by the names Python could import them by from other source roots (`src/app/x.py` as `app.x`). */
  private readonly byOtherName = new Map<string, ModuleFile>();

  constructor(
    readonly mods: ModuleFile[],
    roots: PythonSourceRoots,
    private readonly reads?: LinkReads,
  ) {
    for (const m of mods) {
      if (!this.byName.has(m.module)) this.byName.set(m.module, m);
      for (const name of roots.otherNames(m.module)) if (!this.byOtherName.has(name)) this.byOtherName.set(name, m);
    }
  }

  static moduleName(path: string): { module: string; isPackage: boolean } {
    return pythonModuleName(path);
  }

  /** A module by absolute name, from the workspace root or another source root (`src/app/…` imported as `app`). */
  findModule(name: string): ModuleFile | undefined {
    const found = this.byName.get(name) ?? this.byOtherName.get(name);
    this.reads?.names.saw(name, found?.file.path);
    if (found) this.touch(found);
    return found;
  }

  /** findModule without recording a read (for checking recorded ones). */
  peekModule(name: string): ModuleFile | undefined {
    return this.byName.get(name) ?? this.byOtherName.get(name);
  }

  /** Records that `mod`'s facts are being read. */
  touch(mod: ModuleFile): void {
    this.reads?.facts.saw(mod.file.path, mod.facts);
  }

  /** Resolves a dotted name as seen from `scope` of `mod`. */
  resolve(mod: ModuleFile, scope: string, dotted: string, hops = 0): Resolved | undefined {
    if (hops > MAX_HOPS) return undefined;
    this.touch(mod);
    const firstDot = dotted.indexOf('.');
    if (firstDot < 0) return this.lookup(mod, scope, dotted, hops);
    // `import a.b` binds the full dotted name too; prefer the longest imported prefix (by its dots: a
    // split and a join per prefix were most of this function's cost)
    const names = namesOf(mod.facts);
    for (let end = dotted.length; end > firstDot; end = dotted.lastIndexOf('.', end - 1)) {
      const head = end === dotted.length ? dotted : dotted.slice(0, end);
      const imp =
        (scope ? names.lastPlainImport.get(scope)?.get(head) : undefined) ?? names.firstModulePlainImport.get(head);
      if (imp) {
        const base = this.resolveImport(mod, imp.module, undefined, imp.level, hops);
        return base && this.member(base, end === dotted.length ? [] : dotted.slice(end + 1).split('.'), hops);
      }
    }
    const first = this.lookup(mod, scope, dotted.slice(0, firstDot), hops);
    return first && this.member(first, dotted.slice(firstDot + 1).split('.'), hops);
  }

  private lookup(mod: ModuleFile, scope: string, name: string, hops: number): Resolved | undefined {
    if (hops > MAX_HOPS) return undefined;
    this.touch(mod);
    const names = namesOf(mod.facts);
    for (const s of scope ? [scope, ''] : ['']) {
      const assignment = names.lastAssignment.get(s)?.get(name);
      if (assignment) {
        const v = assignment.value;
        // `X = Y` aliasing: follow it (`router = api.router`), but keep calls/strings/lists as values
        if (v.k === 'ref' && v.name !== name)
          return this.resolve(mod, s, v.name, hops + 1) ?? { k: 'value', mod, scope: s, name, value: v };
        return { k: 'value', mod, scope: s, name, value: v };
      }
      const fn = names.firstFunction.get(s)?.get(name);
      if (fn) return { k: 'func', mod, fn };
      if (s) {
        // a class defined inside the function (a class factory's), then an import inside it: both shadow the module's names
        const cls = names.firstClass.get(s)?.get(name);
        if (cls) return { k: 'class', mod, cls };
        const local = names.lastImport.get(s)?.get(name);
        if (local) return this.resolveImport(mod, local.module, local.name, local.level, hops);
      }
    }
    const cls = names.firstClass.get(MODULE_LEVEL)?.get(name);
    if (cls) return { k: 'class', mod, cls };
    const imp = names.lastImport.get(MODULE_LEVEL)?.get(name);
    if (imp) return this.resolveImport(mod, imp.module, imp.name, imp.level, hops);
    return this.starLookup(mod, name, hops, new Set([mod]));
  }

  /**
   * A name no statement of `mod` binds, taken from its `from x import *` modules, the last first (the one Python
   * bound last): a public name (no leading '_') that module binds, its `__all__` permitting. `seen`: modules already
   * asked, so star imports in a cycle end.
   */
  private starLookup(mod: ModuleFile, name: string, hops: number, seen: Set<ModuleFile>): Resolved | undefined {
    const stars = mod.facts.stars;
    if (!stars || name.startsWith('_') || hops > MAX_HOPS) return undefined;
    for (let i = stars.length - 1; i >= 0; i--) {
      const absolute = absoluteModule(mod.module, mod.isPackage, stars[i].module, stars[i].level);
      const from = absolute ? this.findModule(absolute) : undefined;
      if (!from || seen.has(from) || !exported(from, name)) continue;
      seen.add(from);
      this.touch(from);
      const names = namesOf(from.facts);
      const bound =
        names.lastAssignment.get('')?.has(name) ||
        names.firstFunction.get('')?.has(name) ||
        names.firstClass.get(MODULE_LEVEL)?.has(name) ||
        names.lastImport.get(MODULE_LEVEL)?.has(name);
      const found = bound ? this.lookup(from, '', name, hops + 1) : this.starLookup(from, name, hops + 1, seen);
      if (found) return found;
    }
    return undefined;
  }

  private resolveImport(
    mod: ModuleFile,
    module: string,
    name: string | undefined,
    level: number,
    hops: number,
  ): Resolved | undefined {
    const absolute = absoluteModule(mod.module, mod.isPackage, module, level);
    const target = absolute ? this.findModule(absolute) : undefined;
    if (!target) {
      if (name && (level > 0 || absolute)) {
        // `from . import items`, `from routers import users`: a package without __init__.py (a namespace package)
        const sub = this.findModule(absolute ? `${absolute}.${name}` : name);
        if (sub) return { k: 'module', mod: sub };
      }
      return level === 0 ? { k: 'extern', qual: name ? `${absolute}.${name}` : absolute } : undefined;
    }
    if (!name) return { k: 'module', mod: target };
    // `from . import items` in the package's own __init__.py: the import binds the submodule (the
    // package has no such attribute yet); looking the name up in the package would find this import again
    if (target === mod) return this.subModule(mod, name) ?? undefined;
    return this.member({ k: 'module', mod: target }, [name], hops + 1);
  }

  private member(base: Resolved, rest: string[], hops: number): Resolved | undefined {
    let cur: Resolved | undefined = base;
    for (const part of rest) {
      if (!cur) return undefined;
      if (cur.k === 'extern') cur = { k: 'extern', qual: `${cur.qual}.${part}` };
      else if (cur.k === 'module') {
        const mod: ModuleFile = cur.mod;
        cur = this.lookup(mod, '', part, hops + 1) ?? this.subModule(mod, part);
      } else if (cur.k === 'value' && part === 'router') {
        // aiohttp `app.router`, Starlette `app.router`: the app's own router
        continue;
      } else if (cur.k === 'class') {
        cur = this.classAttribute(cur.mod, cur.cls, part);
      } else if (cur.k === 'value' && cur.value.k === 'call' && cur.value.fn.k === 'ref') {
        // `settings = Settings()` then `settings.API_V1_STR`: the class attribute's default;
        // `settings = get_settings()`: the class the function is annotated to return, or returns
        const cls = this.instanceClass(this.resolve(cur.mod, cur.scope, cur.value.fn.name, hops + 1), hops + 1);
        cur = cls ? this.classAttribute(cls.mod, cls.cls, part, hops + 1) : undefined;
      } else return undefined;
    }
    return cur;
  }

  /**
   * The class of the object a callee's call returns: the class itself, or for a function its return
   * annotation (`def get_settings() -> Settings`) or the class it returns a call of (`return Settings()`).
   */
  instanceClass(callee: Resolved | undefined, hops: number): { mod: ModuleFile; cls: PyClass } | undefined {
    if (!callee || hops > MAX_HOPS) return undefined;
    if (callee.k === 'class') return { mod: callee.mod, cls: callee.cls };
    if (callee.k !== 'func') return undefined;
    const { mod, fn } = callee;
    if (fn.returnType) {
      const t = this.resolve(mod, fn.scope, fn.returnType, hops + 1);
      if (t?.k === 'class') return { mod: t.mod, cls: t.cls };
    }
    for (const ret of fn.returns) {
      const r = this.resolve(mod, fn.name, ret, hops + 1);
      if (r?.k === 'class') continue; // `return Settings` is the class, not an instance
      if (r?.k === 'value' && r.value.k === 'call' && r.value.fn.k === 'ref') {
        const inner = this.instanceClass(this.resolve(r.mod, r.scope, r.value.fn.name, hops + 1), hops + 1);
        if (inner) return inner;
      }
    }
    return undefined;
  }

  /** `get_settings().api_prefix`: the attribute of the object a call of the name `fn` returns. */
  attributeOfCall(mod: ModuleFile, scope: string, fn: string, name: string): Resolved | undefined {
    const cls = this.instanceClass(this.resolve(mod, scope, fn), 0);
    return cls ? this.classAttribute(cls.mod, cls.cls, name) : undefined;
  }

  /** A class attribute's value, from the class or (in order) its workspace bases. */
  private classAttribute(mod: ModuleFile, cls: PyClass, name: string, hops = 0): Resolved | undefined {
    const value = cls.attributes[name];
    if (value) return { k: 'value', mod, scope: '', name: `${cls.name}.${name}`, value };
    if (hops > MAX_HOPS) return undefined;
    for (const base of cls.bases) {
      const b = base.k === 'ref' ? this.resolve(mod, cls.scope ?? '', base.name, hops + 1) : undefined;
      const found = b?.k === 'class' ? this.classAttribute(b.mod, b.cls, name, hops + 1) : undefined;
      if (found) return found;
    }
    return undefined;
  }

  private subModule(mod: ModuleFile, name: string): Resolved | undefined {
    // the root's own __init__.py is module '': its submodules are top-level
    const sub = this.findModule(mod.module ? `${mod.module}.${name}` : name);
    return sub ? { k: 'module', mod: sub } : undefined;
  }
}

/** Whether `from mod import *` binds `name`: `__all__` written out as a list or tuple of strings decides. */
function exported(mod: ModuleFile, name: string): boolean {
  const all = namesOf(mod.facts).lastAssignment.get('')?.get('__all__')?.value;
  if (all?.k !== 'seq' || !all.items.every((x) => x.k === 'str')) return true;
  // `__all__ += [...]` adds names not read here
  if (mod.facts.assignments.some((a) => a.scope === '' && a.name === '__all__' && a.augmented)) return true;
  return all.items.some((x) => x.k === 'str' && x.v === name);
}

/**
 * A module's names by scope and name, built once per facts object (facts are immutable while their file is
 * unchanged): lookups ran a linear search of the module's imports, assignments, functions and classes per name
 * segment, most of `resolve`'s cost in a large module. Each map keeps the binding the search found (the
 * last assignment or import, the first function or class), so the answers are the same.
 */
interface ModuleNames {
  /** scope → name → its last assignment that is not augmented */
  lastAssignment: Map<string, Map<string, PyAssignment>>;
  /** scope → name → its first function */
  firstFunction: Map<string, Map<string, PyFunction>>;
  /** scope (MODULE_LEVEL at module level) → name → its first class */
  firstClass: Map<string, Map<string, PyClass>>;
  /** scope (MODULE_LEVEL at module level) → local name → its last import */
  lastImport: Map<string, Map<string, PyImport>>;
  /** scope → local name → its last `import a.b` (an import binding no `name`) */
  lastPlainImport: Map<string, Map<string, PyImport>>;
  /** local name → the first module-level `import a.b` */
  firstModulePlainImport: Map<string, PyImport>;
}

/** The key of module level for classes and imports, whose `scope` is absent there (no function is named so). */
const MODULE_LEVEL = '\0';

const moduleNames = new WeakMap<PythonRouteFacts, ModuleNames>();

function namesOf(facts: PythonRouteFacts): ModuleNames {
  let names = moduleNames.get(facts);
  if (names) return names;
  names = {
    lastAssignment: new Map(),
    firstFunction: new Map(),
    firstClass: new Map(),
    lastImport: new Map(),
    lastPlainImport: new Map(),
    firstModulePlainImport: new Map(),
  };
  for (const a of facts.assignments) if (!a.augmented) inScope(names.lastAssignment, a.scope).set(a.name, a);
  for (const f of facts.functions) {
    const byName = inScope(names.firstFunction, f.scope);
    if (!byName.has(f.name)) byName.set(f.name, f);
  }
  for (const c of facts.classes) {
    const byName = inScope(names.firstClass, c.scope ?? MODULE_LEVEL);
    if (!byName.has(c.name)) byName.set(c.name, c);
  }
  for (const x of facts.imports) {
    const scope = x.scope ?? MODULE_LEVEL;
    inScope(names.lastImport, scope).set(x.local, x);
    if (x.name) continue;
    inScope(names.lastPlainImport, scope).set(x.local, x);
    if (x.scope === undefined && !names.firstModulePlainImport.has(x.local))
      names.firstModulePlainImport.set(x.local, x);
  }
  moduleNames.set(facts, names);
  return names;
}

function inScope<T>(maps: Map<string, Map<string, T>>, scope: string): Map<string, T> {
  let byName = maps.get(scope);
  if (!byName) maps.set(scope, (byName = new Map<string, T>()));
  return byName;
}
