// All files' facts → routes. Router objects (apps, routers, blueprints, route tables,
// Django urlconfs) become nodes; include_router/register_blueprint/mount/include()
// become edges carrying prefixes; routes are emitted by walking from every object
// nothing includes, so a router included nowhere is still reported with its own prefix,
// then from objects only include cycles reach (one per cycle nothing outside includes).
import type { Framework, Route, RouteParam } from '../../model';
import type { WorkspaceFile } from '../../workspace';
import { PythonSourceRoots } from '../../lang/python/modules';
import {
  lineRange,
  mapChildren,
  type PyClass,
  type PyComprehension,
  type PyExpr,
  type PyFunction,
  type PyLoop,
  type PyMethod,
  type PyParam,
  type PythonRouteFacts,
  refName,
} from './facts';
import { BodyTemplates } from './body';
import {
  HTTP_METHODS,
  kindOfConstructor,
  methodHandler,
  pythonFramework,
  PYTHON_FRAMEWORKS,
  type CallExpr,
  type Handler,
  type Kind,
  type Linker,
  type RouterDef,
} from './frameworks';
import { ModuleGraph, type LinkReads, type ModuleFile, type Resolved } from './modules';
import { Memo } from '../../incremental/memo';
import { Tracked, Tracker } from '../../incremental/tracker';
import { placeholder, UNKNOWN_MOUNT, unresolvedFields } from '../unresolved';

interface LocalRoute {
  methods: string[];
  path: string;
  handler: Handler;
  /** POST/PUT/PATCH routes of frameworks with body templates: the request body's JSON example (Route.bodyTemplate), when one is derived. */
  bodyTemplate?: string;
}

/** Methods whose requests carry a body the editor asks for (as profileModel's hasBody). */
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/** A router object as one module's link sees it; routes and edges are events in the log. */
type ObjDef = RouterDef;

/** What one pass of linking one module does, in order. */
type LinkEvent =
  | { e: 'def'; obj: ObjDef }
  | { e: 'route'; key: string; route: LocalRoute }
  | { e: 'edge'; parent: string; child: string; prefix?: string }
  | { e: 'included'; key: string } // documented, never served (FastAPI callbacks)
  /** Reading stopped at a limit: routes may be missing, and the user is told (PythonLinkCache.notes). */
  | { e: 'cut'; path: string; problem: string };

/** One pass over one module: its events (what it read is the memo's business, see PythonLinkCache). */
interface PassResult {
  events: LinkEvent[];
  failed: boolean;
}

/**
 * What one module's pass reads besides module facts and names (modules.ts): the router objects earlier
 * passes had or had not created at that point (by key: `kind` or null), and the call sites of a function
 * name (a version, bumped when a module calling that name changes, comes or goes).
 */
interface PassReads extends LinkReads {
  objects: Tracked<string, string | null>;
  callSites: Tracked<string, number>;
}

interface RouterObj extends ObjDef {
  routes: LocalRoute[];
  edges: Array<{ child: RouterObj; prefix?: string }>;
  included: boolean;
  /** A callback router: neither it nor what only it includes is served. */
  suppressed: boolean;
  /** Emission: on the include path being walked (include cycles stop there), emitted at least once. */
  onPath: boolean;
  reached: boolean;
}

const MAX_DEPTH = 25;
/** Items of a `for` loop's list read one by one; longer lists are read once, as written. */
const MAX_LOOP_ITEMS = 1000;
/** Functions a router object is followed through as a parameter (`create_app` → `init_app(app)` → `setup(app)`). */
const MAX_PARAM_HOPS = 8;
/** Call sites of one helper a registration inside it is read for. */
const MAX_CALL_SITES = 500;
/** Routes one link emits at most: include graphs that multiply paths (a router included twice by each of 25 nested routers) stop here. */
const MAX_ROUTES = 200_000;
/**
 * Evaluation steps one statement, and one pass over one module, may take: far above what real
 * code needs (a 2,000-pattern urls.py takes a few thousand), they stop definitions that blow up
 * without a cycle (ten Mounts of the list before, twelve times over). A statement over budget
 * contributes nothing; a module over budget, nothing more in that pass.
 */
const STATEMENT_BUDGET = 100_000;
const MODULE_BUDGET = 1_000_000;

class BudgetExceeded extends Error {}
/** The whole-workspace passes, in order: router objects from assignments, from module conventions (Django urlconfs), decorators and calls. */
const PASSES = 3;

export function linkPythonRoutes(files: ReadonlyArray<{ file: WorkspaceFile; facts: PythonRouteFacts }>): Route[] {
  return new PythonLinkCache().link(files);
}

/**
 * Links a workspace pass by pass, module by module, keeping each module's result of each pass in one
 * memo. A kept result is replayed instead of recomputed while everything it read answers the same
 * (the facts of the modules it read, the module names and router objects it looked up, the call sites
 * of the functions it followed), so after one edit only the edited module and those that read it are
 * linked again — and the result equals a whole-workspace link, which runs the same passes in the same order.
 */
export class PythonLinkCache {
  private graph: ModuleGraph | undefined;
  private readonly byPath = new Map<string, ModuleFile>();
  private readonly tracker = new Tracker();
  private readonly results = Memo.byKey<string, PassResult>(this.tracker);
  /** The router objects of the link running, as of the module pass running (what `reads.objects` answers from). */
  private objs: ObjectLookup = new Map<string, RouterObj>();
  /** The last linkAll's router objects, with where each is defined and routed: what linkInPlace updates. */
  private kept: KeptObjects | undefined;
  /** Per called function name, bumped when a module calling it changes, comes or goes. */
  private readonly callVersions = new Map<string, number>();
  /** Every change of an answer is noted (`logged`), so checking a kept result asks only what changed. */
  private readonly reads: PassReads = {
    facts: new Tracked(this.tracker, (path) => this.byPath.get(path)?.facts, false, true),
    names: new Tracked(this.tracker, (name) => this.graph?.peekModule(name)?.file.path, false, true),
    objects: new Tracked(this.tracker, (key) => kindName(this.objs.get(key)), false, true),
    callSites: new Tracked(this.tracker, (name) => this.callVersions.get(name) ?? 0, false, true),
  };
  /**
   * Each module's memo key per pass (`pass:path`), in the graph's order: made once per module graph, as the
   * same string each link, so the three look-ups per module (kept result, last result) do not build and hash new strings.
   */
  private passKeys: string[][] = [];
  /** Each memo key's position in a link (pass × modules + module index). */
  private positionOf = new Map<string, number>();
  /** Each pass result of the last link, by memo key: a recomputed one's router objects (old and new) changed. */
  private readonly lastResults = new Map<string, PassResult>();
  /** Every object emission of the last link, in walk order (what emitAgain replays); undefined after a walk cut at MAX_ROUTES. */
  private visits: Visit[] | undefined;
  /** What the last link could not read in full (see `cut` events), by file. */
  private cuts: Array<{ path: string; problem: string }> = [];

  /** Files whose registrations the last link read only in part, with why: routes there may be missing. */
  notes(): ReadonlyArray<{ path: string; problem: string }> {
    return this.cuts;
  }

  link(files: ReadonlyArray<{ file: WorkspaceFile; facts: PythonRouteFacts }>): Route[] {
    this.tracker.advance();
    const graph = this.sync(files);
    const kept = this.kept;
    if (kept?.graph === graph && kept.oneDefEach) {
      const routes = this.linkInPlace(graph, kept);
      if (routes) return routes;
    }
    return this.linkAll(graph);
  }

  /** Every pass result replayed into new router objects, then every root emitted. */
  private linkAll(graph: ModuleGraph): Route[] {
    const objs = new Map<string, RouterObj>();
    this.objs = objs;
    const linker = new ModuleLinker(graph, objs, this.reads);
    const link = (mod: ModuleFile, key: string, pass: number): PassResult => {
      const result = this.results.get(key, () => linker.pass(mod, pass));
      const before = this.lastResults.get(key);
      if (before !== result) {
        // Recomputed: the objects either result defines may be looked up differently by later passes
        for (const r of [before, result])
          for (const ev of r?.events ?? []) if (ev.e === 'def') this.reads.objects.changed(ev.obj.key);
        this.lastResults.set(key, result);
      }
      return result;
    };
    const cuts = new Map<string, { path: string; problem: string }>();
    const keys = this.passKeys;
    const kept: KeptObjects = { graph, objs, defAt: new Map(), routeSources: new Map(), oneDefEach: true };
    const n = graph.mods.length;
    for (let pass = 0; pass < PASSES; pass++)
      for (let i = 0; i < n; i++) {
        const { events } = link(graph.mods[i], keys[i][pass], pass);
        replay(events, objs);
        keepPositions(kept, events, pass * n + i);
        for (const ev of events) if (ev.e === 'cut') cuts.set(`${ev.path}\0${ev.problem}`, ev);
      }
    this.cuts = [...cuts.values()].map(({ path, problem }) => ({ path, problem }));
    this.kept = kept;
    return this.emitAll(objs);
  }

  /**
   * The link when every pass result recomputed since the last link defines, includes and cuts exactly what
   * its last result did (an edit that changed routes, a prefix or a display name, not which objects exist or
   * how they include each other): the last link's router objects are kept, only the routes and prefixes of
   * the objects those results touch are replaced, and no result is replayed. Each module's pass sees the
   * objects defined before its position, as in linkAll (`ObjectsAsOf`). Undefined as soon as a recomputed
   * result differs in more: linkAll then runs, reusing every result checked or recomputed here.
   */
  private linkInPlace(graph: ModuleGraph, kept: KeptObjects): Route[] | undefined {
    const view = new ObjectsAsOf(kept);
    this.objs = view;
    const linker = new ModuleLinker(graph, view, this.reads);
    const keys = this.passKeys;
    const n = graph.mods.length;
    const changed: Array<{ pos: number; key: string; before: PassResult; result: PassResult }> = [];
    // Only the results something they read changed for can differ (no view notes a change while this runs)
    const touchedKeys = this.results.touchedKeys();
    if (!touchedKeys) return undefined;
    const positions = touchedKeys
      .map((key) => this.positionOf.get(key))
      .filter((pos) => pos !== undefined)
      .sort((a, b) => a - b);
    for (const pos of positions) {
      const i = pos % n;
      const pass = Math.floor(pos / n);
      const key = keys[i][pass];
      view.at = pos;
      const result = this.results.get(key, () => linker.pass(graph.mods[i], pass));
      const before = this.lastResults.get(key);
      if (before === result) continue;
      if (!before || !sameStructure(before, result)) return undefined;
      changed.push({ pos, key, before, result });
    }
    const touched = new Set<string>();
    /** Objects whose routes, prefix or display name may differ: their emissions are built again. */
    const dirty = new Set<RouterObj>();
    for (const { pos, key, before, result } of changed) {
      this.lastResults.set(key, result);
      // Same objects in the same order (sameStructure): their prefixes and display names may be new
      for (const ev of result.events)
        if (ev.e === 'def') {
          const obj = kept.objs.get(ev.obj.key)!;
          if (obj.display !== ev.obj.display || obj.ownPrefix !== ev.obj.ownPrefix) dirty.add(obj);
          obj.display = ev.obj.display;
          obj.ownPrefix = ev.obj.ownPrefix;
        }
      const had = routeKeys(before);
      const has = routeKeys(result);
      for (const k of had) if (!has.has(k)) removeSorted(kept.routeSources.get(k)!, pos);
      for (const k of has) if (!had.has(k)) insertSorted(kept.routeSources, k, pos);
      for (const k of [...had, ...has]) touched.add(k);
    }
    // A touched object's routes, gathered again from the results that add to it, in link order
    for (const k of touched) {
      const routes: LocalRoute[] = [];
      for (const pos of kept.routeSources.get(k) ?? [])
        for (const ev of this.lastResults.get(keys[pos % n][Math.floor(pos / n)])!.events)
          if (ev.e === 'route' && ev.key === k) routes.push(ev.route);
      const obj = kept.objs.get(k)!;
      obj.routes = routes;
      dirty.add(obj);
    }
    const again = this.visits && emitAgain(this.visits, dirty);
    if (again) {
      this.visits = again.visits;
      return again.out;
    }
    for (const obj of kept.objs.values()) obj.reached = false;
    return this.emitAll(kept.objs);
  }

  /** Routes from every object nothing includes, then from objects only include cycles reach. */
  private emitAll(objs: ReadonlyMap<string, RouterObj>): Route[] {
    const ctx: EmitContext = {
      out: [],
      memo: { prev: tableOf(this.visits ?? []), next: emitTable() },
      reached: 0,
      visits: [],
    };
    for (const obj of objs.values())
      if (!obj.included) emit(obj, rootPrefix(obj), obj.ownPrefix, [], '', ctx, ROOT_VISIT);
    // Objects only include cycles reach (`app.include_router(rb)` and `rb.include_router(app.router)`)
    if (ctx.reached < objs.size)
      for (const root of cycleRoots(objs)) emit(root, rootPrefix(root), root.ownPrefix, [], '', ctx, ROOT_VISIT);
    // A walk cut at the routes' limit is no list of every visit: the next link walks again
    this.visits = ctx.out.length < MAX_ROUTES ? ctx.visits : undefined;
    return ctx.out;
  }

  /**
   * Brings the module graph up to date: facts swapped in place while the set of files is the same, the
   * graph rebuilt when it changes. Names called in changed, added or removed modules get new call-site versions.
   */
  private sync(files: ReadonlyArray<{ file: WorkspaceFile; facts: PythonRouteFacts }>): ModuleGraph {
    const bump = (facts: PythonRouteFacts) => {
      for (const n of calledNames(facts)) {
        this.callVersions.set(n, (this.callVersions.get(n) ?? 0) + 1);
        this.reads.callSites.changed(n);
      }
    };
    const graph = this.graph;
    if (
      graph &&
      files.length === graph.mods.length &&
      files.every(({ file }, i) => graph.mods[i].file.path === file.path)
    ) {
      files.forEach(({ file, facts }, i) => {
        const mod = graph.mods[i];
        if (mod.facts !== facts) {
          [mod.facts, facts].forEach(bump);
          this.reads.facts.changed(file.path);
        }
        mod.file = file;
        mod.facts = facts;
      });
      return graph;
    }
    const mods = files.map(({ file, facts }) => ({ file, facts, ...ModuleGraph.moduleName(file.path) }));
    const before = new Map(this.byPath);
    // The first link: no result kept yet read a call site's version, so none needs bumping (a walk of every
    // expression of every module, and a note per name)
    const first = before.size === 0;
    this.byPath.clear();
    for (const m of mods) {
      this.byPath.set(m.file.path, m);
      const old = before.get(m.file.path);
      if (!first && old?.facts !== m.facts) [old?.facts, m.facts].forEach((f) => f && bump(f));
    }
    for (const [path, old] of before)
      if (!this.byPath.has(path)) {
        bump(old.facts);
        for (let pass = 0; pass < PASSES; pass++) {
          this.results.delete(`${pass}:${path}`);
          this.lastResults.delete(`${pass}:${path}`);
        }
      }
    // Another set of modules: names resolve anew, and every module's pass runs at another position
    this.reads.facts.changedAll();
    this.reads.names.changedAll();
    this.reads.objects.changedAll();
    this.passKeys = mods.map((m) => Array.from({ length: PASSES }, (_, pass) => `${pass}:${m.file.path}`));
    this.positionOf = new Map(
      this.passKeys.flatMap((perPass, i) => perPass.map((key, pass) => [key, pass * mods.length + i] as const)),
    );
    const roots = new PythonSourceRoots(mods.map((m) => m.file));
    return (this.graph = new ModuleGraph(mods, roots, this.reads));
  }
}

/** Where a root object's routes start: '' for an app; an unknown prefix for a router that serves nothing until included. */
function rootPrefix(obj: RouterObj): string {
  return pythonFramework(obj.kind.framework).includedToServe?.includes(obj.kind.role) ? ORPHAN_PREFIX : '';
}

/** The prefix of a router included nowhere discovery can follow. */
const ORPHAN_PREFIX = placeholder(UNKNOWN_MOUNT);

function shortName(mod: ModuleFile): string {
  return mod.module.split('.').pop() || mod.module;
}

function kindName(obj: ObjDef | undefined): string | null {
  if (!obj) return null;
  let name = kindNames.get(obj.kind);
  if (name === undefined) kindNames.set(obj.kind, (name = `${obj.kind.framework}/${obj.kind.role}`));
  return name;
}

/** Kind names by kind object: asked for every router object a kept pass result read, on every link. */
const kindNames = new WeakMap<Kind, string>();

/** The router objects a module's pass may look up: those defined by the passes before it. */
interface ObjectLookup {
  get(key: string): RouterObj | undefined;
}

/**
 * The router objects of the last linkAll, each defined once (`oneDefEach`; an object defined again replaces
 * the first for later passes only, which linkInPlace does not model), with the position (pass × modules +
 * module index) of its definition and of the results that add routes to it.
 */
interface KeptObjects {
  graph: ModuleGraph;
  objs: Map<string, RouterObj>;
  defAt: Map<string, number>;
  routeSources: Map<string, number[]>;
  oneDefEach: boolean;
}

/** The kept objects as a module's pass at position `at` sees them: only those defined before it. */
class ObjectsAsOf implements ObjectLookup {
  at = 0;
  constructor(private readonly kept: KeptObjects) {}

  get(key: string): RouterObj | undefined {
    const defined = this.kept.defAt.get(key);
    return defined !== undefined && defined < this.at ? this.kept.objs.get(key) : undefined;
  }
}

/** Notes where one pass result (at `pos`) defines objects and adds routes. */
function keepPositions(kept: KeptObjects, events: readonly LinkEvent[], pos: number): void {
  for (const ev of events)
    if (ev.e === 'def') {
      if (kept.defAt.has(ev.obj.key)) kept.oneDefEach = false;
      else kept.defAt.set(ev.obj.key, pos);
    } else if (ev.e === 'route') {
      const sources = kept.routeSources.get(ev.key);
      if (!sources) kept.routeSources.set(ev.key, [pos]);
      else if (sources[sources.length - 1] !== pos) sources.push(pos);
    }
}

/**
 * Whether two results of one module's pass define the same objects (key and kind), in the same order, and
 * add the same include edges, inclusions and cuts: they may differ in routes and in objects' prefixes and names.
 */
function sameStructure(a: PassResult, b: PassResult): boolean {
  if (a.failed !== b.failed) return false;
  const x = a.events.filter((ev) => ev.e !== 'route');
  const y = b.events.filter((ev) => ev.e !== 'route');
  if (x.length !== y.length) return false;
  return x.every((ev, i) => {
    const other = y[i];
    switch (ev.e) {
      case 'def':
        return other.e === 'def' && other.obj.key === ev.obj.key && kindName(other.obj) === kindName(ev.obj);
      case 'edge':
        return (
          other.e === 'edge' && other.parent === ev.parent && other.child === ev.child && other.prefix === ev.prefix
        );
      case 'included':
        return other.e === 'included' && other.key === ev.key;
      case 'cut':
        return other.e === 'cut' && other.path === ev.path && other.problem === ev.problem;
      default:
        return false;
    }
  });
}

/** The objects a pass result adds routes to. */
function routeKeys(result: PassResult): Set<string> {
  const keys = new Set<string>();
  for (const ev of result.events) if (ev.e === 'route') keys.add(ev.key);
  return keys;
}

function insertSorted(into: Map<string, number[]>, key: string, pos: number): void {
  const list = into.get(key);
  if (!list) return void into.set(key, [pos]);
  let i = list.length;
  while (i > 0 && list[i - 1] > pos) i--;
  list.splice(i, 0, pos);
}

function removeSorted(list: number[], pos: number): void {
  const i = list.indexOf(pos);
  if (i >= 0) list.splice(i, 1);
}

/** Applies one pass result to the workspace's router objects. */
function replay(events: LinkEvent[], objs: Map<string, RouterObj>): void {
  for (const ev of events) {
    switch (ev.e) {
      case 'def':
        objs.set(ev.obj.key, {
          key: ev.obj.key,
          kind: ev.obj.kind,
          display: ev.obj.display,
          ownPrefix: ev.obj.ownPrefix,
          routes: [],
          edges: [],
          included: false,
          suppressed: false,
          onPath: false,
          reached: false,
        });
        break;
      case 'route':
        objs.get(ev.key)!.routes.push(ev.route);
        break;
      case 'edge': {
        const child = objs.get(ev.child)!;
        objs.get(ev.parent)!.edges.push({ child, prefix: ev.prefix });
        child.included = true;
        break;
      }
      case 'included': {
        const obj = objs.get(ev.key)!;
        obj.included = true;
        obj.suppressed = true;
        break;
      }
      case 'cut':
        break;
    }
  }
}

/**
 * Runs one pass over one module against the objects earlier passes created, recording what it
 * does. Framework knowledge comes from the units in ./frameworks/, which read registrations
 * through the `Linker` methods.
 */
class ModuleLinker implements Linker {
  private created = new Map<string, ObjDef>();
  private log: LinkEvent[] = [];
  /** The router object each function parameter stands for, in this pass (null: none, or being looked up). */
  private paramObjects = new Map<string, ObjDef | null>();
  /** The router attributes of each controller instance read in this pass, by the instance's key. */
  private instances = new Map<string, Map<string, ObjDef>>();
  /** Values being evaluated (cycle guard: `M = N`, `N = M`), and the steps taken in this pass. */
  private readonly active = new Set<PyExpr>();
  private steps = 0;
  private moduleSteps = 0;
  /** The module and pass running: an instance assigned in that module is run in full in its pass 0 (`Instance.owner`). */
  private running: { mod: ModuleFile | undefined; pass: number } = { mod: undefined, pass: -1 };
  /** Request-body templates, computed in this pass (so the models they read are its dependencies). */
  private bodies: BodyTemplates;
  /** Where each handler of this pass is defined: its body template's names resolve there. */
  private readonly origins = new Map<Handler, { mod: ModuleFile; scope: string }>();

  constructor(
    readonly graph: ModuleGraph,
    private readonly objs: ObjectLookup,
    private readonly reads: PassReads,
  ) {
    this.bodies = new BodyTemplates(graph);
  }

  pass(mod: ModuleFile, pass: number): PassResult {
    const result: PassResult = { events: [], failed: false };
    this.created = new Map();
    this.log = result.events;
    this.paramObjects = new Map();
    this.instances = new Map();
    this.active.clear();
    this.moduleSteps = 0;
    this.bodies = new BodyTemplates(this.graph);
    this.origins.clear();
    this.running = { mod, pass };
    // Each statement on its own: odd code costs the routes of that statement (or, past the
    // module's budget, of the rest of this module in this pass), never other modules' routes.
    this.graph.touch(mod);
    if (pass === 0) {
      for (const a of mod.facts.assignments)
        if (!a.augmented && !a.returned)
          this.statement(result, () => {
            const r: Resolved = { k: 'value', mod, scope: a.scope, name: a.name, value: a.value };
            // A method's locals and attribute targets (`self.server = Server(api)`) only as instances of
            // workspace classes: a router made there is read where it is used, its registrations being unread
            if (a.name.includes('.') || a.scope.includes('.')) this.instanceOf(r);
            else this.objectOf(r);
          });
    } else if (pass === 1) {
      for (const fw of PYTHON_FRAMEWORKS) if (fw.readModule) this.statement(result, () => fw.readModule!(this, mod));
    } else this.registrations(mod, result);
    return result;
  }

  /** Runs one statement's evaluation; if it fails, its events are undone and the module goes on. */
  private statement(result: PassResult, f: () => void): void {
    const mark = this.begin();
    try {
      f();
    } catch {
      this.undo(result, mark);
    }
  }

  /** The last pass: route decorators (on functions, classes and methods) and registration calls. */
  private registrations(mod: ModuleFile, result: PassResult): void {
    for (const fn of mod.facts.functions) {
      if (fn.decorators.length === 0) continue;
      const handler: Handler = {
        name: fn.name,
        file: mod.file.path,
        range: fn.range,
        async: fn.async,
        params: fn.params,
      };
      this.origins.set(handler, { mod, scope: fn.scope });
      for (const deco of fn.decorators) this.statement(result, () => this.decorator(mod, fn.scope, deco, handler));
    }
    for (const cls of mod.facts.classes) {
      const scope = cls.scope ?? '';
      // Class-based resources registered by a class decorator (flask-restx `@ns.route('/x')` on a Resource)
      const handlers = cls.decorators.length > 0 ? classHandlers(mod, cls) : [];
      for (const deco of handlers.length > 0 ? cls.decorators : [])
        this.statement(result, () => {
          for (const h of handlers) this.decorator(mod, scope, deco, h);
        });
      // Methods decorated with a router's verbs inside a class body (fastapi-utils `@cbv(router)`, a plain
      // class): the decorator runs when the class body does and registers the method then
      // names the class body defines (`router = APIRouter(...)` then `@router.get`) are the class's attributes there
      const own = new Map<string, PyExpr>(
        cls.scope === undefined
          ? Object.keys(cls.attributes).map((a): [string, PyExpr] => [a, { k: 'ref', name: `${cls.name}.${a}` }])
          : [],
      );
      for (const m of cls.methods) {
        if (m.decorators.length === 0) continue;
        const handler = methodHandler(cls.name, mod.file.path, m);
        this.origins.set(handler, { mod, scope });
        for (const deco of m.decorators)
          this.statement(result, () => this.decorator(mod, scope, own.size ? substitute(deco, own) : deco, handler));
      }
    }
    mod.facts.calls.forEach(({ scope, call, loop }, i) =>
      this.statement(result, () => {
        // In a `for` over a list written out, the call once per item, the loop's names replaced by it
        const each = loop !== undefined ? this.loopBindings(mod, mod.facts.loops[loop]) : undefined;
        if (each) {
          for (const bound of each) this.call(mod, scope, substitute(call, bound), i);
          return;
        }
        // `router = app.router` then `router.add_get(...)` in a helper given the app: read as `app.router.add_get(...)`
        call = inlineAliases(mod, scope, call);
        const sites = this.perCallSite(mod, scope, call, loop !== undefined ? mod.facts.loops[loop] : undefined);
        if (sites) for (const site of sites) this.call(mod, scope, site.call, i, site.obj);
        else this.call(mod, scope, call, i);
      }),
    );
  }

  /**
   * What each iteration of `loop` binds its names to, when it iterates over a list or tuple written out
   * (in place, or a name for one in the same module): `for bp in [a.bp, b.bp]`, `for p, r in (("/a", a.r), …)`.
   * Undefined for anything else (`for plugin in plugins()`): the calls in it are then read once, as written.
   */
  private loopBindings(mod: ModuleFile, loop: PyLoop | undefined): Array<Map<string, PyExpr>> | undefined {
    return loop && this.itemBindings(mod, loop.scope, loop.iter, loop.targets);
  }

  /**
   * What each iteration of a `for` over `list` binds `targets` to (each item through `wrap`), when `list` is a
   * list or tuple written out, in place or as a name for one in `mod` itself (items written in another module
   * would resolve differently here). Undefined for anything else, or an item that does not fit the targets.
   */
  private itemBindings(
    mod: ModuleFile,
    scope: string,
    list: PyExpr | undefined,
    targets: string[],
    wrap: (item: PyExpr) => PyExpr = (item) => item,
  ): Array<Map<string, PyExpr>> | undefined {
    if (list?.k === 'ref') {
      const r = this.graph.resolve(mod, scope, list.name);
      list = r?.k === 'value' && r.mod === mod ? r.value : undefined;
    }
    if (list?.k !== 'seq' || list.items.length > MAX_LOOP_ITEMS) return undefined;
    const out: Array<Map<string, PyExpr>> = [];
    for (const item of list.items) {
      this.step();
      if (targets.length === 1) out.push(new Map([[targets[0], wrap(item)]]));
      else if (item.k === 'seq' && item.items.length === targets.length)
        out.push(new Map(targets.map((t, j) => [t, wrap(item.items[j])])));
      else return undefined;
    }
    return out;
  }

  /**
   * The items a list comprehension stands for (`[path(p, v) for p, v in [...]]`): its element once per item of
   * the list or tuple written out it iterates over (itemBindings), or undefined (it filters, or iterates over
   * anything else).
   */
  comprehension(mod: ModuleFile, scope: string, comp: PyComprehension): PyExpr[] | undefined {
    if (comp.filtered && !comp.conds) return undefined;
    const items = this.itemBindings(mod, scope, comp.iter, comp.targets);
    if (!items) return undefined;
    const out: PyExpr[] = [];
    for (const each of items) {
      // an item an `if` is known to leave out is none; one whose condition is not known is kept, as a pattern added
      // under an `if` block is (it is in the table: the code serves it unless that condition says otherwise)
      if (comp.conds?.some((c) => this.truth(mod, scope, substitute(c, each)) === false)) continue;
      out.push(substitute(comp.elt, each));
    }
    return out;
  }

  /**
   * Python's truth of a condition when it is a value written out or a name for one: a string (empty or not), a list
   * or tuple, `None`, `True`, `False`. Undefined for anything else (a comparison, a call, `not x`).
   */
  private truth(mod: ModuleFile, scope: string, e: PyExpr, depth = 0): boolean | undefined {
    if (depth > MAX_DEPTH) return undefined;
    this.step();
    const b = boundOf(e);
    if (b) return this.truth(b.mod, b.scope, b.e, depth + 1);
    switch (e.k) {
      case 'seq':
        return e.items.some((x) => x.k === 'other' && x.spread) ? undefined : e.items.length > 0;
      case 'str':
      case 'fstr':
      case 'add': {
        const v = this.str(mod, scope, e, depth + 1);
        return v === undefined ? undefined : v !== '';
      }
      case 'ref': {
        const r = this.graph.resolve(mod, scope, e.name);
        if (r?.k !== 'value') return undefined;
        return this.within(r.value, undefined, () => this.truth(r.mod, r.scope, r.value, depth + 1));
      }
      case 'other':
        return e.text === 'True' ? true : e.text === 'None' || e.text === 'False' ? false : undefined;
      default:
        return undefined;
    }
  }

  /**
   * What a call of a workspace function returns (the calls and lists it returns), each read in the function's
   * scope with its parameters standing for the call's arguments; a parameter the body rebinds is read from there,
   * one the call leaves out is its string default or an unevaluated `{name?}`. Undefined: no workspace function.
   */
  returnedValues(
    mod: ModuleFile,
    scope: string,
    call: CallExpr,
  ): Array<{ mod: ModuleFile; scope: string; value: PyExpr }> | undefined {
    const callee = this.resolveExpr(mod, scope, call.fn);
    if (callee?.k !== 'func') return undefined;
    const { fn } = callee;
    const rebound = assignedIn(callee.mod, fn.name);
    const site: CallSite = { mod, scope, call };
    const given = new Map<string, PyExpr>();
    for (const p of fn.params) {
      const name = p.name.replace(/^\*+/, '');
      const arg = argumentOf(call, fn, p.name);
      given.set(name, arg ? bindTo(site, arg) : (literalDefault(fn, p.name) ?? { k: 'other', text: name }));
    }
    const bound = new Map([...given].filter(([name]) => !rebound?.has(name)));
    const again = rebindings(callee.mod, fn);
    const out: Array<{ mod: ModuleFile; scope: string; value: PyExpr }> = [];
    for (const ret of fn.returns) {
      const r = this.graph.resolve(callee.mod, fn.name, ret);
      if (r?.k !== 'value') continue;
      // `prefix = prefix.rstrip("/")` before the return: the caller's argument through that expression
      let here = bound;
      if (again.size > 0 && r.mod === callee.mod && r.scope === fn.name) {
        const returnedAt = lastAssignment(callee.mod, fn.name, r.name);
        here = new Map(bound);
        for (const [name, { value, at }] of again) {
          const arg = given.get(name);
          if (arg) here.set(name, at < returnedAt ? substitute(value, new Map([...bound, [name, arg]])) : arg);
        }
      }
      out.push({ mod: r.mod, scope: r.scope, value: substitute(r.value, here) });
    }
    return out;
  }

  /**
   * What each iteration of `loop` (over a parameter of `fn`) binds its names to at one call site: the items of
   * the list that site passes, written out there or as a name for one in the site's own module (for `*paths`,
   * the site's remaining positional arguments), each bound to where the site is written. Undefined when the
   * site passes anything else.
   */
  private siteLoopBindings(site: CallSite, fn: PyFunction, loop: PyLoop): Array<Map<string, PyExpr>> | undefined {
    const name = (loop.iter as { name: string }).name;
    const star = fn.params.findIndex((p) => p.name === `*${name}`);
    // `*paths`: the site's positional arguments from there on, unless one of them is itself `*something`
    const list: PyExpr | undefined =
      star >= 0
        ? splats(site.call)
          ? undefined
          : { k: 'seq', items: site.call.args.slice(star) }
        : argumentOf(site.call, fn, name);
    return this.itemBindings(site.mod, site.scope, list, loop.targets, (item) => bindTo(site, item));
  }

  /** Starts a statement: a fresh step budget, and the log position to undo to. */
  private begin(): number {
    this.steps = 0;
    return this.log.length;
  }

  /** A statement failed: its events are undone, with the objects it defined. */
  private undo(result: PassResult, mark: number): void {
    result.failed = true;
    this.active.clear();
    this.paramObjects.clear(); // it may hold objects the failed statement defined
    this.instances.clear();
    for (let i = mark; i < this.log.length; i++) {
      const ev = this.log[i];
      if (ev.e === 'def') this.created.delete(ev.obj.key);
    }
    this.log.length = mark;
  }

  /** Counts one evaluation step; past a budget, the statement fails. */
  step(): void {
    if (++this.steps > STATEMENT_BUDGET || ++this.moduleSteps > MODULE_BUDGET)
      throw new BudgetExceeded('route discovery step budget exceeded');
  }

  /** Evaluates `value` unless it is already being evaluated further up (a definition cycle): then `cyclic`. */
  within<T>(value: PyExpr, cyclic: T, f: () => T): T {
    if (this.active.has(value)) return cyclic;
    this.active.add(value);
    try {
      return f();
    } finally {
      this.active.delete(value);
    }
  }

  /** The object with this key if this pass or an earlier one created it (a dependency either way). */
  known(key: string): ObjDef | undefined {
    const local = this.created.get(key);
    if (local) return local;
    const global = this.objs.get(key);
    this.reads.objects.saw(key, kindName(global));
    return global;
  }

  define(obj: ObjDef): void {
    this.created.set(obj.key, obj);
    this.log.push({ e: 'def', obj });
  }

  // ------------------------------------------------------------ objects

  /** The router object a resolved name stands for, creating it on first sight. */
  private objectOf(r: Resolved | undefined, depth = 0): ObjDef | undefined {
    if (!r || r.k !== 'value' || depth > MAX_DEPTH) return undefined;
    this.step();
    const key = `${r.mod.file.path}:${r.scope}:${r.name}`;
    const known = this.known(key);
    if (known) return known;
    const v = r.value;
    // `app = server.app`, the attribute of a controller instance
    if (v.k === 'ref') return this.instanceAttribute(r.mod, r.scope, v.name);
    if (v.k !== 'call') return undefined;
    const callee = this.resolveExpr(r.mod, r.scope, v.fn);
    const kind = this.kindOf(callee);
    if (kind) return this.construct(r.mod, r.scope, v, kind, key, `${shortName(r.mod)}.${r.name}`, depth);
    // an instance of a workspace class: the routers its `__init__` builds on it are created (and filled) now
    const made = this.instanceMade(r.mod, r.scope, v, callee);
    if (made) {
      this.instanceRouters(r, made.cls, depth + 1, made.singleton);
      return undefined;
    }
    // An app factory: `app = create_app()` → the object the factory returns
    if (callee?.k === 'func') return this.factoryProduct(r.mod, r.scope, v, callee, depth);
    return this.libraryApp(r.mod, r.scope, v, callee, depth);
  }

  /** Runs `__init__` of the workspace class `r` is an instance of (`server = Server(api)`), if it is one. */
  private instanceOf(r: Extract<Resolved, { k: 'value' }>): void {
    if (r.value.k !== 'call') return;
    this.step();
    const made = this.instanceMade(r.mod, r.scope, r.value);
    if (!made) return;
    // `cls._instance = cls()` in a method of a class with a singleton accessor: that one instance, made once
    const own = r.mod === made.cls.mod && r.scope.startsWith(`${made.cls.cls.name}.`);
    const singleton = made.singleton || (own && made.cls.cls.methods.some((m) => m.instanceAccessor));
    this.instanceRouters(r, made.cls, 1, singleton);
  }

  /**
   * The workspace class a call makes an instance of: `Server(…)`, or `Server.get_instance()` where that is a
   * singleton accessor (`PyMethod.instanceAccessor`), whose one instance every call of it gives (`singleton`).
   */
  private instanceMade(
    mod: ModuleFile,
    scope: string,
    call: CallExpr,
    callee = this.resolveExpr(mod, scope, call.fn),
  ): { cls: Extract<Resolved, { k: 'class' }>; singleton: boolean } | undefined {
    if (callee?.k === 'class') return { cls: callee, singleton: false };
    const name = refName(call.fn);
    const dot = name?.lastIndexOf('.') ?? -1;
    if (callee || !name || dot <= 0) return undefined;
    const cls = this.graph.resolve(mod, scope, name.slice(0, dot));
    if (cls?.k !== 'class') return undefined;
    const accessor = cls.cls.methods.find((m) => m.name === name.slice(dot + 1));
    return accessor?.instanceAccessor ? { cls, singleton: true } : undefined;
  }

  /** The router object a library call stands for, per the framework units (`WSGIMiddleware(flask_app)`). */
  private libraryApp(mod: ModuleFile, scope: string, call: CallExpr, callee: Resolved | undefined, depth: number) {
    if (callee?.k !== 'extern') return undefined;
    for (const fw of PYTHON_FRAMEWORKS) {
      const obj = fw.appOf?.({ l: this, mod, scope }, call, callee.qual, depth + 1);
      if (obj) return obj;
    }
    return undefined;
  }

  /**
   * The router object a factory call returns. A router the factory builds from its parameters
   * (`def login_router(provider): router = APIRouter(prefix=f"/{provider}")`) is one object per
   * call passing arguments, its prefix and the registrations on it in the factory's body read with
   * each parameter standing for that call's argument; otherwise the one object the factory's body defines.
   */
  private factoryProduct(
    mod: ModuleFile,
    scope: string,
    call: CallExpr,
    callee: Extract<Resolved, { k: 'func' }>,
    depth: number,
  ): ObjDef | undefined {
    // `def include_routers(router): router.include_router(…); return router`: the call's value is the object it
    // is handed (what the helper registers on it is made per call site, `perCallSite`); a parameter the helper
    // rebinds is read below as its local value, and a mix of returns is not known
    const { fn, mod: fmod } = callee;
    const handed = fn.returns.filter((ret) => isParam(fn, ret) && !assignedIn(fmod, fn.name)?.has(ret));
    if (handed.length > 0)
      return handed.length === fn.returns.length && handed.every((ret) => ret === handed[0])
        ? this.argumentObject({ mod, scope, call }, fn, handed[0], 0)
        : undefined;
    for (const ret of callee.fn.returns) {
      const r = this.graph.resolve(callee.mod, callee.fn.name, ret);
      if (!r) continue;
      // Evaluated once: a factory returning another factory's product nests, and a second evaluation of a
      // return that is no router object doubled the work at every level (most of polar's link).
      const template = this.objectOf(r, depth + 1);
      if (template) return this.factoryInstance({ mod, scope, call }, callee, r, template, depth) ?? template;
    }
    return undefined;
  }

  /** The object one call of a factory makes, when the factory builds it from its parameters (else undefined). */
  private factoryInstance(
    site: CallSite,
    callee: Extract<Resolved, { k: 'func' }>,
    r: Resolved,
    template: ObjDef,
    depth: number,
  ): ObjDef | undefined {
    const { fn, mod: fmod } = callee;
    if (r.k !== 'value' || r.mod !== fmod || r.scope !== fn.name || r.value.k !== 'call') return undefined;
    const kind = template.kind;
    const onObj = (e: PyExpr) => isCallOn(e, r.name);
    // parameters the factory rebinds (`prefix = prefix.rstrip('/')`) are not the caller's values any more
    const bound = new Map<string, PyExpr>();
    for (const p of fn.params) {
      if (p.name.startsWith('*') || fmod.facts.assignments.some((a) => a.scope === fn.name && a.name === p.name))
        continue;
      const arg = argumentOf(site.call, fn, p.name);
      // `f(**options)` / `f(*args)` may give any parameter: its default is not known to apply
      const value = arg ? bindTo(site, arg) : splats(site.call) ? undefined : literalDefault(fn, p.name);
      if (value) bound.set(p.name, value);
    }
    if (!variesWith(fmod, fn, r.name, r.value, bound)) return undefined;
    const key = `${template.key}@${site.mod.file.path}:${site.scope}:${fullText(site.call)}`;
    // the factory's own object is served only through the instances calls make
    this.notServed(template);
    const known = this.known(key);
    if (known) return known;
    const obj = this.construct(
      fmod,
      fn.name,
      substitute(r.value, bound) as CallExpr,
      kind,
      key,
      template.display,
      depth,
    );
    this.graph.touch(fmod);
    const unit = pythonFramework(kind.framework);
    for (const d of fmod.facts.functions) {
      if (d.scope !== fn.name || d.decorators.length === 0) continue;
      const handler: Handler = { name: d.name, file: fmod.file.path, range: d.range, async: d.async, params: d.params };
      this.origins.set(handler, { mod: fmod, scope: d.scope });
      for (const deco of d.decorators) {
        if (!onObj(deco) || deco.k !== 'call' || deco.fn.k !== 'ref') continue;
        const method = deco.fn.name.slice(r.name.length + 1);
        unit.decorators?.[method]?.(
          { l: this, mod: fmod, scope: fn.name, obj },
          substitute(deco, bound) as CallExpr,
          handler,
        );
      }
    }
    fmod.facts.calls.forEach((c, i) => {
      if (c.scope === fn.name && isCallOrAppliedOn(c.call, r.name))
        this.call(fmod, fn.name, substitute(c.call, bound), i, obj);
    });
    return obj;
  }

  /** A router object built by a constructor call `v` (`APIRouter(prefix=…)`, `Router(routes=[…])`). */
  private construct(
    mod: ModuleFile,
    scope: string,
    v: Extract<PyExpr, { k: 'call' }>,
    kind: Kind,
    key: string,
    display: string,
    depth: number,
  ): ObjDef {
    const obj: ObjDef = { key, kind, display, ownPrefix: '' };
    this.define(obj);
    obj.ownPrefix =
      pythonFramework(kind.framework).ownPrefix?.({ l: this, mod, scope }, kind, v) ??
      this.path(mod, scope, v.kw['prefix'] ?? v.kw['url_prefix']) ??
      '';
    // `Blueprint.group(bp_a, *bps, [bp_b, bp_c])`: every member, lists unpacked
    if (kind.role === 'group')
      for (const a of v.args) for (const m of this.members(mod, scope, a, depth + 1)) this.edge(obj, m);
    // `Api(app)` / `Api(bp)`: the app or blueprint the new object registers its routes on
    const host = pythonFramework(kind.framework).attachTo?.(kind.role, v);
    const parent = host ? this.objFromExpr(mod, scope, host, depth + 1) : undefined;
    if (parent) this.edge(parent, obj);
    const routes = v.kw['routes'] ?? pythonFramework(kind.framework).positionalRoutes?.(kind.role, v);
    if (routes) this.routeList(mod, scope, obj, routes, '', depth + 1);
    return obj;
  }

  /**
   * The router object an expression stands for: a name, a factory call, or — given `inline`, the
   * key and label it gets — a constructor call written in place (`Mount('/r', app=Router(routes=[...]))`).
   */
  objFromExpr(
    mod: ModuleFile,
    scope: string,
    e: PyExpr,
    depth = 0,
    inline?: { key: string; label: string },
  ): ObjDef | undefined {
    if (depth > MAX_DEPTH) return undefined;
    this.step();
    const held = heldOf(e);
    if (held) return held;
    const b = boundOf(e);
    if (b) return this.objFromExpr(b.mod, b.scope, b.e, depth + 1, inline);
    if (e.k === 'ref')
      return this.objectOf(this.graph.resolve(mod, scope, e.name), depth) ?? this.instanceAttribute(mod, scope, e.name);
    if (e.k === 'call') {
      // `app.include_router(items.get_router())`, `app.mount('/v1', create_v1())`
      const callee = this.resolveExpr(mod, scope, e.fn);
      if (inline) {
        const kind = this.kindOf(callee);
        if (kind)
          return (
            this.known(inline.key) ??
            this.construct(mod, scope, e, kind, inline.key, `${shortName(mod)}.${inline.label}`, depth)
          );
      }
      if (callee?.k === 'func') return this.factoryProduct(mod, scope, e, callee, depth);
      return this.libraryApp(mod, scope, e, callee, depth);
    }
    return undefined;
  }

  /**
   * What a mount serves: the app `e` stands for, else the app a call no framework unit knows wraps
   * (`app.mount("/x", SomeMiddleware(inner))`, `Mount("/x", app=wrap(inner))`, a workspace ASGI middleware
   * class): the first positional argument, or `app=`, when it is a whole app (not a router), wrappers nested.
   * Without this the wrapped app looked included nowhere and was served at '/': a confident wrong URL.
   */
  mountedApp(
    mod: ModuleFile,
    scope: string,
    e: PyExpr,
    depth = 0,
    inline?: { key: string; label: string },
  ): ObjDef | undefined {
    const direct = this.objFromExpr(mod, scope, e, depth, inline);
    if (direct || depth > MAX_DEPTH) return direct;
    const b = boundOf(e);
    if (b) return this.mountedApp(b.mod, b.scope, b.e, depth + 1);
    if (e.k === 'ref') {
      // `wrapped = SomeMiddleware(inner)` then `app.mount("/x", wrapped)`
      const r = this.graph.resolve(mod, scope, e.name);
      return r?.k === 'value' && r.value.k === 'call'
        ? this.within(r.value, undefined, () => this.mountedApp(r.mod, r.scope, r.value, depth + 1))
        : undefined;
    }
    if (e.k !== 'call') return undefined;
    const inner = e.args[0] ?? e.kw['app'];
    if (!inner || (inner.k === 'other' && inner.spread)) return undefined;
    const callee = this.resolveExpr(mod, scope, e.fn);
    if (this.kindOf(callee)) return undefined; // a framework's constructor: objFromExpr read it
    const app = this.mountedApp(mod, scope, inner, depth + 1);
    return app?.kind.role === 'app' ? app : undefined;
  }

  private kindOf(r: Resolved | undefined, depth = 0): Kind | undefined {
    if (!r || depth > MAX_DEPTH) return undefined;
    this.step();
    if (r.k === 'extern') return kindOfConstructor(r.qual);
    if (r.k === 'class') {
      // a workspace subclass of FastAPI/APIRouter/Flask/…
      for (const base of r.cls.bases) {
        const k = this.kindOf(this.resolveExpr(r.mod, r.cls.scope ?? '', base), depth + 1);
        if (k) return k;
      }
    }
    // A class factory: `APIRouter = make_router_class(MyRoute)`, the function returning a class it
    // defines (`class R(APIRouter): …; return R`) or a router class it names
    if (r.k === 'value' && r.value.k === 'call') {
      const factory = this.resolveExpr(r.mod, r.scope, r.value.fn);
      if (factory?.k === 'func')
        for (const ret of factory.fn.returns) {
          const cls = this.graph.resolve(factory.mod, factory.fn.name, ret);
          if (cls?.k !== 'class' && cls?.k !== 'extern') continue; // an instance, not a class
          const k = this.within(r.value, undefined, () => this.kindOf(cls, depth + 1));
          if (k) return k;
        }
    }
    return undefined;
  }

  resolveExpr(mod: ModuleFile, scope: string, e: PyExpr): Resolved | undefined {
    const b = boundOf(e);
    if (b) return this.resolveExpr(b.mod, b.scope, b.e);
    return e.k === 'ref' ? this.graph.resolve(mod, scope, e.name) : undefined;
  }

  edge(parent: ObjDef, child: ObjDef | undefined, prefix?: string): void {
    if (!child || child.key === parent.key) return;
    this.log.push({ e: 'edge', parent: parent.key, child: child.key, prefix });
  }

  notServed(obj: ObjDef): void {
    this.log.push({ e: 'included', key: obj.key });
  }

  // ------------------------------------------------------------ strings

  str(mod: ModuleFile, scope: string, e: PyExpr | undefined, depth = 0): string | undefined {
    if (!e || depth > MAX_DEPTH) return undefined;
    this.step();
    const b = boundOf(e);
    if (b) return this.str(b.mod, b.scope, b.e, depth + 1);
    switch (e.k) {
      case 'str':
        return e.v;
      case 'fstr': {
        let s = '';
        for (const p of e.parts) {
          const v = typeof p === 'string' ? p : this.str(mod, scope, p, depth + 1);
          if (v === undefined) return undefined;
          s += v;
        }
        return s;
      }
      case 'add': {
        const l = this.str(mod, scope, e.l, depth + 1);
        const r = this.str(mod, scope, e.r, depth + 1);
        return l !== undefined && r !== undefined ? l + r : undefined;
      }
      case 'ref': {
        const given = this.defaultEveryCallerKeeps(mod, scope, e.name);
        if (given) return given.v;
        const r = this.graph.resolve(mod, scope, e.name);
        if (r?.k === 'extern') return this.settingStr(r.qual, depth);
        return r?.k === 'value'
          ? this.within(r.value, undefined, () => this.str(r.mod, r.scope, r.value, depth + 1))
          : undefined;
      }
      case 'call':
        return this.stringMethod(mod, scope, e, depth);
      case 'attr': {
        // `get_settings().api_prefix`
        if (e.obj.k !== 'call' || e.obj.fn.k !== 'ref') return undefined;
        const r = this.graph.attributeOfCall(mod, scope, e.obj.fn.name, e.name);
        return r?.k === 'value'
          ? this.within(r.value, undefined, () => this.str(r.mod, r.scope, r.value, depth + 1))
          : undefined;
      }
      default:
        return undefined;
    }
  }

  /**
   * A pure string method called on a string with string arguments (`prefix.rstrip("/")`, `base.lower()`,
   * `name.replace("_", "-")`): its result, as Python computes it. Undefined for any other call, or arguments not
   * all known (`strip()` with no argument strips whitespace; a count given to `replace` is not read).
   */
  private stringMethod(mod: ModuleFile, scope: string, e: CallExpr, depth: number): string | undefined {
    if (Object.keys(e.kw).length > 0) return undefined;
    let method: string;
    let on: PyExpr;
    if (e.fn.k === 'attr') {
      method = e.fn.name;
      on = e.fn.obj;
    } else if (e.fn.k === 'ref' && e.fn.name.includes('.')) {
      const dot = e.fn.name.lastIndexOf('.');
      method = e.fn.name.slice(dot + 1);
      on = { k: 'ref', name: e.fn.name.slice(0, dot) };
    } else return undefined;
    const arity = STRING_METHODS[method];
    if (arity === undefined || e.args.length < arity[0] || e.args.length > arity[1]) return undefined;
    const args: string[] = [];
    for (const a of e.args) {
      const v = this.str(mod, scope, a, depth + 1);
      if (v === undefined) return undefined;
      args.push(v);
    }
    const s = this.str(mod, scope, on, depth + 1);
    return s === undefined ? undefined : applyStringMethod(s, method, args);
  }

  /**
   * A framework setting read through the framework (`django.conf.settings.ADMIN_URL`, per the units' `setting`):
   * its value when every module that sets it sets the same string (`ADMIN_URL = "admin/"`); undefined when one
   * sets it from the environment or two disagree (base and production settings), as the running server may.
   */
  private settingStr(qual: string, depth: number): string | undefined {
    let name: string | undefined;
    for (const unit of PYTHON_FRAMEWORKS) name ??= unit.setting?.(qual);
    if (name === undefined) return undefined;
    let value: string | undefined;
    for (const s of this.settingValues(name)) {
      const v = this.within(s.value, undefined, () => this.str(s.mod, '', s.value, depth + 1));
      if (v === undefined || (value !== undefined && v !== value)) return undefined;
      value = v;
    }
    return value;
  }

  /**
   * A parameter of the function `scope` with a string default (`health_check_path: str = "/health"`) that
   * every call site in the workspace leaves out (at least one call site, none passing `*args`/`**kwargs`):
   * the value it has when the function runs. A parameter any caller gives stays unevaluated.
   */
  private defaultEveryCallerKeeps(mod: ModuleFile, scope: string, name: string): { k: 'str'; v: string } | undefined {
    const fn = moduleFunction(mod, scope);
    if (!fn || !fn.params.some((p) => p.name === name)) return undefined;
    if (mod.facts.assignments.some((a) => a.scope === scope && a.name === name)) return undefined;
    const fallback = literalDefault(fn, name);
    if (fallback?.k !== 'str') return undefined;
    let sites = 0;
    for (const site of this.callSites(fn)) {
      sites++;
      const splat = site.call.args.some((a) => a.k === 'other' && a.text?.startsWith('*'));
      if (splat || site.call.kw['**'] || argumentOf(site.call, fn, name) !== undefined) return undefined;
    }
    return sites > 0 && !this.usedOtherwise(fn.name) ? fallback : undefined;
  }

  /** Functions named elsewhere than as a call statement's callee, by name (see namesUsedOtherwise), once per link. */
  private otherUses: Set<string> | undefined;

  /** Whether a function of this name is used anywhere but as the callee of a call statement (a caller that may give any parameter). */
  private usedOtherwise(name: string): boolean {
    if (!this.otherUses) {
      this.otherUses = new Set();
      for (const m of this.graph.mods) for (const n of namesUsedOtherwise(m.facts)) this.otherUses.add(n);
    }
    return this.otherUses.has(name);
  }

  /**
   * A path or prefix: its value, with each part that cannot be evaluated written as a placeholder
   * (`{settings.API_PREFIX?}`) rather than dropped; undefined only when there is no expression.
   */
  path(mod: ModuleFile, scope: string, e: PyExpr | undefined, depth = 0): string | undefined {
    if (!e) return undefined;
    const known = this.str(mod, scope, e);
    if (known !== undefined || depth > MAX_DEPTH) return known ?? placeholder(exprText(e));
    if (e.k === 'fstr')
      return e.parts.map((p) => (typeof p === 'string' ? p : this.path(mod, scope, p, depth + 1))).join('');
    if (e.k === 'add') return `${this.path(mod, scope, e.l, depth + 1)}${this.path(mod, scope, e.r, depth + 1)}`;
    return placeholder(exprText(e));
  }

  methodsOf(mod: ModuleFile, scope: string, e: PyExpr | undefined, depth = 0): string[] | undefined {
    if (!e || depth > MAX_DEPTH) return undefined;
    this.step();
    const b = boundOf(e);
    if (b) return this.methodsOf(b.mod, b.scope, b.e, depth + 1);
    if (e.k === 'ref') {
      const r = this.graph.resolve(mod, scope, e.name);
      if (r?.k === 'value')
        return this.within(r.value, undefined, () => this.methodsOf(r.mod, r.scope, r.value, depth + 1));
    }
    if (e.k === 'str') return [e.v.toUpperCase()];
    if (e.k !== 'seq') return undefined;
    const out: string[] = [];
    for (const item of e.items) {
      const s = this.str(mod, scope, item, depth + 1);
      if (s !== undefined) out.push(s.toUpperCase());
    }
    // none known (`methods=[method]`, a name not evaluated): the framework's default, as for any unknown methods
    return out.length > 0 || e.items.length === 0 ? out : undefined;
  }

  // ------------------------------------------------------------ handlers

  /**
   * The handler(s) an endpoint expression names: a function, or a class-based view's methods; given the
   * registration call `site` (in `mod`), the library code it names when it names no workspace handler.
   */
  handlers(mod: ModuleFile, scope: string, e: PyExpr | undefined, site?: CallExpr): Handler[] {
    const own = this.workspaceHandlers(mod, scope, e);
    if (own.length > 0 || !site?.line) return own;
    const lib = this.libraryHandler(mod, scope, e, 0);
    if (!lib) return [];
    // the class's first line only: a range over its body would take its methods' findings for this route's
    const range = lineRange(lib.cls?.cls.range.line ?? site.line);
    return [
      {
        name: lib.cls?.cls.name ?? lib.qual,
        file: (lib.cls?.mod ?? mod).file.path,
        range,
        async: false,
        params: [],
        library: lib.qual,
      },
    ];
  }

  private workspaceHandlers(mod: ModuleFile, scope: string, e: PyExpr | undefined): Handler[] {
    if (!e) return [];
    const b = boundOf(e);
    if (b) return this.workspaceHandlers(b.mod, b.scope, b.e);
    // `handler.timeline` in a helper given `handler`: the method of what the call site passes
    const on = e.k === 'attr' ? boundOf(e.obj) : undefined;
    if (on?.e.k === 'ref' && e.k === 'attr')
      return this.workspaceHandlers(on.mod, on.scope, { k: 'ref', name: `${on.e.name}.${e.name}` });
    const method = methodOf(e);
    if (method) {
      this.origins.set(method.handler, { mod: method.mod, scope: '' });
      return [method.handler];
    }
    let target: Resolved | undefined;
    if (e.k === 'ref') target = this.graph.resolve(mod, scope, e.name);
    else if (e.k === 'call' && e.fn.k === 'ref' && e.fn.name.endsWith('.as_view'))
      target = this.graph.resolve(mod, scope, e.fn.name.slice(0, -'.as_view'.length));
    // `add_api_route("/openapi.json", make_endpoint(version))`: the function the factory returns
    if (e.k === 'call' && target === undefined) {
      const factory = this.resolveExpr(mod, scope, e.fn);
      if (factory?.k === 'func')
        for (const ret of factory.fn.returns) {
          const t = this.graph.resolve(factory.mod, factory.fn.name, ret);
          if (t?.k === 'func') target = t;
        }
    }
    if (target?.k === 'func') {
      const handler: Handler = {
        name: target.fn.name,
        file: target.mod.file.path,
        range: target.fn.range,
        async: target.fn.async,
        params: target.fn.params,
      };
      this.origins.set(handler, { mod: target.mod, scope: target.fn.scope });
      return [handler];
    }
    if (target?.k === 'class') return this.viewHandlers(target.mod, target.cls);
    if (target === undefined && e.k === 'ref') return this.instanceMethodHandler(mod, scope, e.name);
    // `login_required(views.dashboard)`, `cache_page(60)(views.feed)`: a library decorator applied by hand
    if (e.k === 'call' && e.args.length > 0 && this.isExternCallee(mod, scope, e.fn))
      return this.workspaceHandlers(mod, scope, e.args[0]);
    return [];
  }

  /**
   * A class-based view's handlers, named by the class the route registers (`Custom.get` for a `get` defined on
   * `Base`): the first definer of each HTTP-method method in resolution order through workspace bases, else the
   * first `dispatch`/`dispatch_request`, which answers every method.
   */
  private viewHandlers(mod: ModuleFile, cls: PyClass): Handler[] {
    const { classes } = this.classWalk(mod, cls);
    const handler = (c: { mod: ModuleFile }, m: PyMethod, method?: string) =>
      methodHandler(cls.name, c.mod.file.path, m, method);
    const byMethod = new Map<string, Handler>();
    for (const c of classes)
      for (const m of c.cls.methods)
        if (HTTP_METHODS.includes(m.name) && !byMethod.has(m.name))
          byMethod.set(m.name, handler(c, m, m.name.toUpperCase()));
    if (byMethod.size > 0) return [...byMethod.values()];
    for (const c of classes) {
      const dispatch = c.cls.methods.find((m) => DISPATCH_METHODS.has(m.name));
      if (dispatch) return [handler(c, dispatch)];
    }
    return [];
  }

  /**
   * A class and its workspace bases in resolution order (depth first, left to right, each once: exact for the
   * usual chains), the library classes met on the way in that order, and whether some base is not resolved.
   */
  private classWalk(
    mod: ModuleFile,
    cls: PyClass,
  ): { classes: Array<{ mod: ModuleFile; cls: PyClass }>; libs: string[]; unresolved: boolean } {
    const classes: Array<{ mod: ModuleFile; cls: PyClass }> = [];
    const libs: string[] = [];
    const seen = new Set<PyClass>();
    let unresolved = false;
    const visit = (m: ModuleFile, c: PyClass): void => {
      if (seen.has(c)) return;
      if (seen.size >= MAX_CLASS_WALK) {
        unresolved = true;
        return;
      }
      seen.add(c);
      this.step();
      classes.push({ mod: m, cls: c });
      for (const base of c.bases) {
        const r = this.resolveExpr(m, c.scope ?? '', base);
        if (r?.k === 'class') visit(r.mod, r.cls);
        else if (r?.k === 'extern' && this.isLibrary(r.qual)) libs.push(r.qual);
        else unresolved = true;
      }
    };
    visit(mod, cls);
    return { classes, libs, unresolved };
  }

  /** `f` or `f(…)` where `f` is imported from outside the workspace. */
  private isExternCallee(mod: ModuleFile, scope: string, fn: PyExpr): boolean {
    const callee = fn.k === 'call' ? fn.fn : fn;
    return callee.k !== 'call' && this.resolveExpr(mod, scope, callee)?.k === 'extern';
  }

  /**
   * The library code an endpoint expression hands requests to: an imported function or view
   * (`handle_metrics`, `auth_views.LoginView.as_view()`, `GraphQLView(schema)`), what a workspace factory returns
   * of them, or a workspace class that only configures a library view (`class Login(LoginView): template_name = …`,
   * `cls` then). Undefined when the name is not known to be a library's (a workspace module not found).
   */
  private libraryHandler(
    mod: ModuleFile,
    scope: string,
    e: PyExpr | undefined,
    depth: number,
  ): { qual: string; cls?: { mod: ModuleFile; cls: PyClass } } | undefined {
    if (!e || depth > MAX_LIBRARY_HOPS) return undefined;
    const b = boundOf(e);
    if (b) return this.libraryHandler(b.mod, b.scope, b.e, depth + 1);
    let r: Resolved | undefined;
    if (e.k === 'call') {
      // `csrf_exempt(GraphQLView.as_view())`: what a library decorator wraps names the library code (a workspace
      // callable given a library object, `MetricsEndpoint(REGISTRY)`, is no such wrapper)
      const wrapped =
        e.args.length > 0 && this.isExternCallee(mod, scope, e.fn)
          ? this.libraryHandler(mod, scope, e.args[0], depth + 1)
          : undefined;
      if (wrapped) return wrapped;
      const fn =
        e.fn.k === 'ref' && e.fn.name.endsWith('.as_view')
          ? { k: 'ref' as const, name: e.fn.name.slice(0, -'.as_view'.length) }
          : e.fn;
      r = fn.k === 'call' ? undefined : this.resolveExpr(mod, scope, fn);
      if (r?.k === 'func') {
        // `GQL()` where `def GQL(): view = GraphQLView(…); return view`
        for (const ret of r.fn.returns) {
          const found = this.libraryHandler(r.mod, r.fn.name, { k: 'ref', name: ret }, depth + 1);
          if (found) return found;
        }
        return undefined;
      }
    } else if (e.k === 'ref') {
      r = this.graph.resolve(mod, scope, e.name);
      if (r?.k === 'value') return this.libraryHandler(r.mod, r.scope, r.value, depth + 1);
    } else return undefined;
    if (r?.k === 'extern') return this.isLibrary(r.qual) ? { qual: r.qual } : undefined;
    if (r?.k === 'class') {
      const qual = this.libraryBase(r.mod, r.cls);
      return qual ? { qual, cls: { mod: r.mod, cls: r.cls } } : undefined;
    }
    return undefined;
  }

  /**
   * The library class a workspace view class inherits its request handling from: the last library view among its
   * bases, through workspace bases (mixins come first: `class Preview(PermissionRequiredMixin, DetailView)`; a
   * `…Mixin` is no view). Undefined when a workspace class on the way handles requests itself (an HTTP-method
   * method, `dispatch`, `__call__`), a base is not resolved, or no library view is among them: then what answers is
   * not known to be library code.
   */
  private libraryBase(mod: ModuleFile, cls: PyClass): string | undefined {
    const { classes, libs, unresolved } = this.classWalk(mod, cls);
    const handles = (m: PyMethod) =>
      HTTP_METHODS.includes(m.name) || DISPATCH_METHODS.has(m.name) || m.name === '__call__';
    if (unresolved || classes.some((c) => c.cls.methods.some(handles))) return undefined;
    return libs.filter((q) => !q.endsWith('Mixin')).at(-1);
  }

  /** A qualified name outside the workspace whose top package is not a workspace module either (not one unresolved). */
  private isLibrary(qual: string): boolean {
    const top = qual.split('.')[0];
    return top !== '' && this.graph.findModule(top) === undefined;
  }

  /**
   * `handler.timeline` where `handler = SiteHandler(db)` (a workspace class's instance, the name assigned once in
   * scope): that class's method (or its bases'), as a handler named `SiteHandler.timeline`.
   */
  private instanceMethodHandler(mod: ModuleFile, scope: string, name: string): Handler[] {
    const dot = name.lastIndexOf('.');
    if (dot <= 0) return [];
    const inst = this.graph.resolve(mod, scope, name.slice(0, dot));
    if (inst?.k !== 'value' || inst.value.k !== 'call') return [];
    const cls = this.resolveExpr(inst.mod, inst.scope, inst.value.fn);
    const found = cls?.k === 'class' ? this.findMethod(cls, name.slice(dot + 1)) : undefined;
    if (!found) return [];
    const handler: Handler = {
      name: `${found.cls.name}.${found.method.name}`,
      file: found.mod.file.path,
      range: found.method.range,
      async: found.method.async,
      params: found.method.params,
    };
    this.origins.set(handler, { mod: found.mod, scope: found.cls.scope ?? '' });
    return [handler];
  }

  addRoute(obj: ObjDef, methods: string[], path: string, handlers: Handler[]): void {
    for (const h of handlers) {
      const route: LocalRoute = { methods: h.method ? [h.method] : methods, path, handler: h };
      const origin = this.origins.get(h);
      if (
        pythonFramework(obj.kind.framework).bodyTemplates &&
        origin &&
        route.methods.some((m) => BODY_METHODS.has(m))
      ) {
        const template = this.bodies.forHandler(origin.mod, origin.scope, h.params, path);
        if (template !== undefined) route.bodyTemplate = template;
      }
      this.log.push({ e: 'route', key: obj.key, route });
    }
  }

  // ------------------------------------------------------------ instances of controller classes

  /** `users.router` where `users = Users(…)` and `Users`'s `__init__` sets `self.router` to a router object. */
  private instanceAttribute(mod: ModuleFile, scope: string, dotted: string): ObjDef | undefined {
    const dot = dotted.lastIndexOf('.');
    if (dot < 0) return undefined;
    const r = this.graph.resolve(mod, scope, dotted.slice(0, dot));
    if (r?.k !== 'value' || r.value.k !== 'call') return undefined;
    const made = this.instanceMade(r.mod, r.scope, r.value);
    if (!made) return undefined;
    return this.instanceRouters(r, made.cls, 0, made.singleton)?.get(dotted.slice(dot + 1));
  }

  /**
   * The router objects an instance `r` (`users = Users("/users")`) holds as attributes, keyed by attribute,
   * built by running what `__init__` (its own or a base class's, and the methods it calls on self or super())
   * does with the instance: `self.router = APIRouter(prefix=prefix)`, then `self.router.add_api_route("/",
   * self.list)` registers the class's own `list` (a subclass's override). Parameters are the constructor's
   * arguments, evaluated where the instance is made; one not given (without a literal default) stays a
   * `{name?}` placeholder. Read once: objects already made mean an earlier pass or statement did it.
   *
   * A `singleton` (`Server.get_instance()`) is one instance wherever the accessor is called: keyed by its class,
   * so the first call's run makes its routers and every other finds them made. Its `__init__` takes no
   * arguments from these calls, and hands nothing on (`Instance.owner`): no call is the one that owns it.
   */
  private instanceRouters(
    r: Extract<Resolved, { k: 'value' }>,
    cls: Extract<Resolved, { k: 'class' }>,
    depth = 0,
    singleton = false,
  ): Map<string, ObjDef> | undefined {
    if (depth > MAX_DEPTH || r.value.k !== 'call' || this.kindOf(cls)) return undefined;
    const key = singleton
      ? `${cls.mod.file.path}:${cls.cls.scope ?? ''}:${cls.cls.name}#singleton`
      : `${r.mod.file.path}:${r.scope}:${r.name}`;
    const memo = this.instances.get(key);
    if (memo) return memo;
    const init = this.findMethod(cls, '__init__');
    if (!init) return undefined;
    const instance: Instance = {
      key,
      display: singleton ? `${shortName(cls.mod)}.${cls.cls.name}` : `${shortName(r.mod)}.${r.name}`,
      cls,
      attrs: new Map(),
      routers: new Map(),
      done: false,
      made: false,
      owner: !singleton && this.running.pass === 0 && this.running.mod === r.mod,
    };
    const site: CallSite = { mod: r.mod, scope: r.scope, call: r.value };
    this.within(r.value, undefined, () =>
      this.runMethod(instance, init, (p) => {
        const arg = singleton ? undefined : argumentOf(site.call, init.fn, p);
        return arg ? bindTo(site, arg) : undefined;
      }),
    );
    this.instances.set(key, instance.routers);
    return instance.routers;
  }

  /** Runs a method's statements on the instance, its parameters (after self) bound by `arg`. */
  private runMethod(inst: Instance, m: ClassMethod, arg: (param: string) => PyExpr | undefined, depth = 0): void {
    const statements = m.method.selfStatements;
    if (!statements || depth > MAX_PARAM_HOPS) return;
    const self = m.method.params[0].name;
    // where the method's own imports and locals resolve (extraction keeps those its handing-on calls read)
    const scope = `${m.cls.name}.${m.method.name}`;
    const bound = new Map<string, PyExpr>();
    for (const p of m.method.params.slice(1)) {
      const name = p.name.replace(/^\*+/, '');
      // a parameter no caller gives: its literal default, else an unevaluated `{name?}`, never a module name
      bound.set(name, arg(p.name) ?? literalDefault(m.fn, p.name) ?? { k: 'other', text: name });
    }
    const here = (e: PyExpr): PyExpr => this.onInstance(inst, self, substitute(e, bound));
    for (const st of statements) {
      if (inst.done) return;
      this.step();
      if ('attr' in st) {
        const value = here(st.value);
        const kind = value.k === 'call' ? this.kindOf(this.resolveExpr(m.mod, '', value.fn)) : undefined;
        if (kind && value.k === 'call') {
          const key = `${inst.key}.${st.attr}`;
          const known = this.known(key);
          if (known) {
            // made already (by an earlier statement or pass): its routes are there too, and what the run that
            // made them left to the owner's run (`Instance.owner`) is all that is left to do
            inst.routers.set(st.attr, known);
            inst.made = true;
            if (inst.owner) continue;
            inst.done = true;
            return;
          }
          if (inst.made || inst.heldOnly) continue;
          inst.routers.set(st.attr, this.construct(m.mod, '', value, kind, key, `${inst.display}.${st.attr}`, 1));
        } else {
          if (value.k === 'call') this.heldInstance(inst, m.mod, scope, st.attr, value, depth);
          inst.attrs.set(st.attr, {
            k: 'other',
            text: exprText(st.value),
            bound: { mod: m.mod, scope: '', e: value },
          } as BoundExpr);
        }
        continue;
      }
      const call = st.call;
      if (call.k !== 'call') continue;
      const args = call.args.map(here);
      const kw = Object.fromEntries(Object.entries(call.kw).map(([k, v]) => [k, here(v)]));
      if (call.fn.k === 'ref' && !call.fn.name.startsWith(`${self}.`)) {
        // handing a router on (`app.include_router(…)` on a parameter, `setup(self.app)`): once per instance, by
        // the run its module's first pass makes (a later run that finds the instance's routers made stops early)
        const written = bound.has(call.fn.name.split('.')[0]) ? call.fn.name : undefined;
        const handed: CallExpr = { k: 'call', fn: here(call.fn), args, kw, line: call.line };
        // `Api(self.app)` as a statement: an instance made only for what its `__init__` does with the router
        if (!written)
          this.heldInstance(inst, m.mod, scope, `<${exprText(call.fn)}() line ${call.line}>`, handed, depth);
        if (inst.owner) this.handOn(m.mod, scope, handed, written, inst.heldOnly);
        continue;
      }
      // `super().__init__(prefix)`: the next class's method after the one running
      if (call.fn.k === 'attr') {
        const next = this.findMethod(inst.cls, call.fn.name, m);
        if (next)
          this.runMethod(
            inst,
            next,
            (p) => argumentOf({ k: 'call', fn: call.fn, args, kw, line: call.line }, next.fn, p),
            depth + 1,
          );
        continue;
      }
      if (call.fn.k !== 'ref') continue;
      const parts = call.fn.name.split('.').slice(1);
      if (parts.length === 1) {
        // `self.register()`: the instance's own method (a subclass's override first)
        const next = this.findMethod(inst.cls, parts[0]);
        if (next)
          this.runMethod(
            inst,
            next,
            (p) => argumentOf({ k: 'call', fn: call.fn, args, kw, line: call.line }, next.fn, p),
            depth + 1,
          );
      } else if (parts.length === 2) {
        // `self.router.add_api_route("/", self.list, methods=["GET"])`: a registration on the instance's router
        const obj = inst.routers.get(parts[0]);
        if (obj && !inst.made) this.call(m.mod, '', { k: 'call', fn: call.fn, args, kw, line: call.line }, -1, obj);
      }
    }
  }

  /**
   * `self.x…` in a method of the instance: a router it holds stays as written (registrations find it in
   * `inst.routers`), an attribute set earlier is its value, a method is that method (bound: `self` is not a
   * parameter), a class attribute is read from the class, anything else an unevaluated `{self.x?}`.
   */
  private onInstance(inst: Instance, self: string, e: PyExpr, depth = 0): PyExpr {
    if (depth > MAX_DEPTH) return { k: 'other' };
    switch (e.k) {
      case 'ref': {
        if (!e.name.startsWith(`${self}.`)) return e;
        const [attr, ...rest] = e.name.split('.').slice(1);
        const tail = (value: PyExpr) => rest.reduce<PyExpr>((obj, name) => ({ k: 'attr', obj, name }), value);
        const value = inst.attrs.get(attr);
        if (value) return tail(value);
        // a router it holds, handed on (`setup(self.app)`): that object (its `.router`, aiohttp's, too)
        const router = inst.routers.get(attr);
        if (router && rest.every((r) => r === 'router')) return { k: 'other', text: e.name, held: router } as HeldExpr;
        if (rest.length === 0) {
          const m = this.findMethod(inst.cls, attr);
          if (m) {
            const handler: Handler = {
              name: `${m.cls.name}.${m.method.name}`,
              file: m.mod.file.path,
              range: m.method.range,
              async: m.method.async,
              params: m.method.params.slice(1),
            };
            return { k: 'other', text: e.name, method: { mod: m.mod, handler } } as MethodExpr;
          }
        }
        const { mod, cls } = inst.cls;
        if (!cls.scope && this.graph.resolve(mod, '', `${cls.name}.${attr}`)?.k === 'value')
          return {
            k: 'other',
            text: e.name,
            bound: { mod, scope: '', e: { k: 'ref', name: `${cls.name}.${attr}` } },
          } as BoundExpr;
        return { k: 'other', text: e.name };
      }
      case 'attr':
        return { ...e, obj: this.onInstance(inst, self, e.obj, depth + 1) };
      case 'call':
        return {
          k: 'call',
          fn: this.onInstance(inst, self, e.fn, depth + 1),
          args: e.args.map((a) => this.onInstance(inst, self, a, depth + 1)),
          kw: Object.fromEntries(Object.entries(e.kw).map(([k, v]) => [k, this.onInstance(inst, self, v, depth + 1)])),
          line: e.line,
        };
      case 'fstr':
        return {
          k: 'fstr',
          parts: e.parts.map((p) => (typeof p === 'string' ? p : this.onInstance(inst, self, p, depth + 1))),
        };
      case 'seq':
        return { k: 'seq', items: e.items.map((x) => this.onInstance(inst, self, x, depth + 1)) };
      case 'add':
        return {
          k: 'add',
          l: this.onInstance(inst, self, e.l, depth + 1),
          r: this.onInstance(inst, self, e.r, depth + 1),
        };
      default:
        return e;
    }
  }

  /**
   * A call in a method that hands a router on, its parameters and `self.…` already replaced (`original`: its
   * callee as written): a registration on a parameter (`app.include_router(r)`, `app.router.add_get(…)`) is made
   * on the object the argument stands for (`written`: the callee as written, on a parameter); a workspace function given such an object registers on
   * it (`registerThrough`). A receiver or argument not known to be a router object registers nothing.
   */
  private handOn(mod: ModuleFile, scope: string, call: CallExpr, written: string | undefined, heldOnly = false): void {
    this.step();
    const fn = call.fn;
    if (written) {
      // `app.include_router` with `app` bound: `{argument}.include_router` (or `{argument}.router.add_get`)
      let on: PyExpr | undefined =
        fn.k === 'attr'
          ? fn.obj
          : fn.k === 'ref' && fn.name.includes('.')
            ? { k: 'ref', name: fn.name.slice(0, fn.name.lastIndexOf('.')) }
            : undefined;
      for (; on?.k === 'attr' && on.name === 'router';) on = on.obj;
      if (on?.k === 'ref' && on.name.endsWith('.router')) on = { k: 'ref', name: on.name.slice(0, -'.router'.length) };
      const obj = on && on.k !== 'attr' && (!heldOnly || isHeld(on)) ? this.objFromExpr(mod, scope, on) : undefined;
      if (obj) this.call(mod, scope, { ...call, fn: { k: 'ref', name: written } }, -1, obj);
      return;
    }
    const callee = this.resolveExpr(mod, scope, fn);
    if (callee?.k === 'func') this.registerThrough({ mod, scope, call }, callee, 0, heldOnly);
  }

  /**
   * `self.api = Api(self.app)` (or `Api(self.app)`) in a method of `outer`, its owner run: when the call is of a
   * workspace class and hands it a router `outer` holds, that class's `__init__` runs as an instance of its own
   * (`heldOnly`), so what it registers on the router is made.
   */
  private heldInstance(
    outer: Instance,
    mod: ModuleFile,
    scope: string,
    attr: string,
    call: CallExpr,
    depth: number,
  ): void {
    if (!outer.owner || depth > MAX_PARAM_HOPS || ![...call.args, ...Object.values(call.kw)].some(isHeld)) return;
    const cls = this.resolveExpr(mod, scope, call.fn);
    if (cls?.k !== 'class' || this.kindOf(cls)) return;
    const init = this.findMethod(cls, '__init__');
    if (!init) return;
    const inst: Instance = {
      key: `${outer.key}.${attr}`,
      display: `${outer.display}.${attr}`,
      cls,
      attrs: new Map(),
      routers: new Map(),
      done: false,
      made: false,
      owner: true,
      heldOnly: true,
    };
    const site: CallSite = { mod, scope, call };
    this.within(call, undefined, () =>
      this.runMethod(
        inst,
        init,
        (p) => {
          const arg = argumentOf(call, init.fn, p);
          return arg ? bindTo(site, arg) : undefined;
        },
        depth + 1,
      ),
    );
  }

  /**
   * A workspace function called with router objects (`def setup(app): app.include_router(r)` called as
   * `setup(self.app)` in a method, which no call site index holds): its registrations on each such parameter,
   * read in its scope with every parameter standing for the site's argument, made on that object; calls handing
   * the parameter on to a further workspace function are followed (MAX_PARAM_HOPS).
   */
  private registerThrough(
    site: CallSite,
    callee: Extract<Resolved, { k: 'func' }>,
    depth: number,
    heldOnly = false,
  ): void {
    if (depth > MAX_PARAM_HOPS || splats(site.call)) return;
    const { fn, mod } = callee;
    const rebound = assignedIn(mod, fn.name);
    const bound = new Map<string, PyExpr>();
    const objects = new Map<string, ObjDef>();
    for (const p of fn.params) {
      if (p.name.startsWith('*') || rebound?.has(p.name)) continue;
      const arg = argumentOf(site.call, fn, p.name);
      bound.set(p.name, arg ? bindTo(site, arg) : (literalDefault(fn, p.name) ?? { k: 'other', text: p.name }));
      const obj = arg && (!heldOnly || isHeld(arg)) ? this.objFromExpr(site.mod, site.scope, arg) : undefined;
      if (obj) objects.set(p.name, obj);
    }
    if (objects.size === 0) return;
    this.graph.touch(mod);
    for (const [param, obj] of objects) {
      const unit = pythonFramework(obj.kind.framework);
      for (const d of mod.facts.functions) {
        if (d.scope !== fn.name || d.decorators.length === 0) continue;
        const handler: Handler = {
          name: d.name,
          file: mod.file.path,
          range: d.range,
          async: d.async,
          params: d.params,
        };
        this.origins.set(handler, { mod, scope: d.scope });
        for (const deco of d.decorators)
          if (isCallOn(deco, param) && deco.fn.k === 'ref')
            unit.decorators?.[deco.fn.name.slice(param.length + 1)]?.(
              { l: this, mod, scope: fn.name, obj },
              substitute(deco, bound) as CallExpr,
              handler,
            );
      }
    }
    mod.facts.calls.forEach((c, i) => {
      if (c.scope !== fn.name || c.call.k !== 'call') return;
      const each = c.loop !== undefined ? this.loopBindings(mod, mod.facts.loops[c.loop]) : undefined;
      for (const extra of each ?? [undefined]) {
        const call = substitute(c.call, extra ? new Map([...bound, ...extra]) : bound) as CallExpr;
        // `app.include_router(…)`, `app.router.add_get(…)`, `app.get("/x")(handler)` (a decorator applied by hand)
        const target = c.call.fn.k === 'call' ? c.call.fn.fn : c.call.fn;
        const head = target.k === 'ref' ? target.name.split('.') : [];
        const obj = objects.get(head[0]);
        if (obj) {
          if (head.length >= 2 && head.slice(1, -1).every((r) => r === 'router'))
            this.call(
              mod,
              fn.name,
              {
                ...call,
                fn: c.call.fn.k === 'call' && call.fn.k === 'call' ? { ...call.fn, fn: c.call.fn.fn } : c.call.fn,
              },
              i,
              obj,
            );
        } else if ([...objects.keys()].some((p) => handsParam(c.call, p))) {
          const next = this.resolveExpr(mod, fn.name, c.call.fn);
          if (next?.k === 'func') this.registerThrough({ mod, scope: fn.name, call }, next, depth + 1, heldOnly);
        }
      }
    });
  }

  /**
   * The method `name` of a class or its workspace bases, depth first in base order (Python's MRO for
   * single inheritance); given `after`, only past the class defining that method (`super()`).
   */
  private findMethod(
    cls: Extract<Resolved, { k: 'class' }>,
    name: string,
    after?: ClassMethod,
    depth = 0,
  ): ClassMethod | undefined {
    if (depth > MAX_DEPTH) return undefined;
    this.step();
    const passed = after === undefined || after.cls === cls.cls;
    if (after === undefined) {
      const method = cls.cls.methods.find((m) => m.name === name);
      if (method) {
        // as the function a call `self.m(…)` / `Cls(…)` passes arguments to: without `self`
        const fn: PyFunction = { ...method, params: method.params.slice(1), scope: '', returns: [] };
        return { mod: cls.mod, cls: cls.cls, method, fn };
      }
    }
    for (const base of cls.cls.bases) {
      const b = this.resolveExpr(cls.mod, cls.cls.scope ?? '', base);
      if (b?.k !== 'class') continue;
      const found = this.findMethod(b, name, passed ? undefined : after, depth + 1);
      if (found) return found;
    }
    return undefined;
  }

  // ------------------------------------------------------------ decorators and calls

  /** The router object a call's `obj.method` names, with the method: `app.include_router` → app, 'include_router'. */
  private receiver(mod: ModuleFile, scope: string, call: CallExpr): { obj: ObjDef; method: string } | undefined {
    if (call.fn.k !== 'ref') return undefined;
    const dot = call.fn.name.lastIndexOf('.');
    if (dot < 0) return undefined;
    const name = call.fn.name.slice(0, dot);
    const obj =
      this.objectOf(this.graph.resolve(mod, scope, name)) ??
      (scope ? this.parameterObject(mod, scope, name) : undefined) ??
      this.instanceAttribute(mod, scope, name);
    return obj && { obj, method: call.fn.name.slice(dot + 1) };
  }

  /** Call statements of the workspace by the callee's last name segment, built once per link. */
  private callsByName: Map<string, Array<{ mod: ModuleFile; scope: string; call: CallExpr }>> | undefined;

  /**
   * `def setup_routes(app): app.router.add_get(...)` called as `setup_routes(app)` (or `handlers.init_app(app)`):
   * the parameter stands for the router object a call site passes (the first one found). Only `name` itself or
   * its `.router` (aiohttp, Starlette) are read through a parameter.
   */
  private parameterObject(mod: ModuleFile, scope: string, name: string, depth = 0): ObjDef | undefined {
    if (depth > MAX_PARAM_HOPS) return undefined;
    const dot = name.indexOf('.');
    if (dot >= 0 && !onlyRouters(name, dot)) return undefined;
    const head = dot < 0 ? name : name.slice(0, dot);
    const fn = moduleFunction(mod, scope);
    const index = fn ? fn.params.findIndex((p) => p.name === head) : -1;
    if (!fn || index < 0) return undefined;
    // once per parameter and pass: callers passing on their own parameters fan out (a session handed down
    // through every layer), and a parameter already being looked up is a cycle
    const key = `${mod.file.path}\0${scope}\0${head}`;
    if (this.paramObjects.has(key)) return this.paramObjects.get(key) ?? undefined;
    this.paramObjects.set(key, null);
    let found: ObjDef | undefined;
    for (const site of this.callSites(fn)) {
      found = this.argumentObject(site, fn, head, depth);
      if (found) break;
    }
    this.paramObjects.set(key, found ?? null);
    return found;
  }

  /**
   * The router object a call site passes as `fn`'s parameter `param`, or passes on from its own caller's parameter.
   * One constructed in place (`include_routers(APIRouter(prefix="/t"))`) is an object of that call site's own.
   */
  private argumentObject(site: CallSite, fn: PyFunction, param: string, depth: number): ObjDef | undefined {
    const arg = argumentOf(site.call, fn, param);
    if (!arg || arg === site.call) return undefined;
    const inline = {
      key: `${site.mod.file.path}:${site.scope}:${fullText(site.call)}@${site.call.line ?? ''}#${param}`,
      label: `${exprText(site.call)} (line ${site.call.line ?? '?'})`,
    };
    return (
      this.objFromExpr(site.mod, site.scope, arg, 1, inline) ??
      // passed on from the caller's own parameter: `def init_app(app): create_blueprint(app)`
      (arg.k === 'ref' && site.scope ? this.parameterObject(site.mod, site.scope, arg.name, depth + 1) : undefined)
    );
  }

  /**
   * The workspace's call statements that call `fn`, each a dependency of this pass. `app = FastAPI(lifespan=f)`
   * counts as a call `f(app)`: the framework calls it with the app at startup, where it may include routers.
   */
  /** Module-level assignments of a setting by its name (`ROOT_URLCONF = "site.urls"`), from every module, once per link. */
  private settingsByName: Map<string, Array<{ mod: ModuleFile; value: PyExpr }>> | undefined;

  settingValues(name: string): Array<{ mod: ModuleFile; value: PyExpr }> {
    this.reads.callSites.get(settingKey(name));
    if (!this.settingsByName) {
      const byName = (this.settingsByName = new Map<string, Array<{ mod: ModuleFile; value: PyExpr }>>());
      for (const m of this.graph.mods)
        for (const a of m.facts.assignments)
          if (a.scope === '' && SETTING.test(a.name)) {
            let bucket = byName.get(a.name);
            if (!bucket) byName.set(a.name, (bucket = []));
            bucket.push({ mod: m, value: a.value });
          }
    }
    const found = this.settingsByName.get(name) ?? [];
    for (const { mod } of found) this.graph.touch(mod);
    return found;
  }

  private *callSites(fn: PyFunction): Generator<CallSite> {
    this.reads.callSites.get(fn.name);
    if (!this.callsByName) {
      const byName = (this.callsByName = new Map<string, CallSite[]>());
      const add = (mod: ModuleFile, scope: string, call: CallExpr) => {
        if (call.fn.k !== 'ref') return;
        const last = call.fn.name.slice(call.fn.name.lastIndexOf('.') + 1);
        let bucket = byName.get(last);
        if (!bucket) byName.set(last, (bucket = []));
        bucket.push({ mod, scope, call });
      };
      for (const m of this.graph.mods) {
        for (const c of m.facts.calls) if (c.call.k === 'call') add(m, c.scope, c.call);
        for (const a of m.facts.assignments) {
          const lifespan = a.value.k === 'call' ? a.value.kw.lifespan : undefined;
          if (lifespan?.k === 'ref')
            add(m, a.scope, { k: 'call', fn: lifespan, args: [{ k: 'ref', name: a.name }], kw: {} });
        }
      }
    }
    for (const site of this.callsByName.get(fn.name) ?? []) {
      this.step();
      this.graph.touch(site.mod);
      const callee = this.resolveExpr(site.mod, site.scope, site.call.fn);
      if (callee?.k === 'func' && callee.fn === fn) yield site;
    }
  }

  /**
   * A registration inside a helper whose arguments are the helper's parameters (`def register(resource, url):
   * api.add_resource(resource, url)`): the call once per call site of the helper, each parameter standing for
   * the argument that site passes (evaluated where that site is written), and a receiver that is a parameter
   * for the object that site passes. Inside `for route in routes` over a parameter, the call once per item of
   * the list that site passes, when it is written out. Undefined when the call uses no parameter or the helper
   * is called nowhere.
   */
  private perCallSite(
    mod: ModuleFile,
    scope: string,
    call: PyExpr,
    loop?: PyLoop,
  ): Array<{ call: CallExpr; obj?: ObjDef }> | undefined {
    // Runs for every call in every function body: the cheap tests first, each pure
    if (!scope || call.k !== 'call' || call.fn.k !== 'ref') return undefined;
    const dot = call.fn.name.lastIndexOf('.');
    if (dot < 0) return undefined;
    const fn = moduleFunction(mod, scope);
    if (!fn) return undefined;
    // parameters the function rebinds (`url = url.strip('/')`) are not the caller's values any more
    const rebound = assignedIn(mod, scope);
    const params = fn.params.map((p) => p.name).filter((p) => !p.startsWith('*') && !rebound?.has(p));
    const kwValues = Object.values(call.kw);
    // no array of the arguments per call: most calls use no parameter and stop here
    const used = params.filter((p) => call.args.some((a) => mentions(a, p)) || kwValues.some((a) => mentions(a, p)));
    // `def register(resource, *urls): api.add_resource(resource, *urls)`: the site's remaining positional arguments
    const star = fn.params.findIndex((p) => p.name.startsWith('*') && !p.name.startsWith('**'));
    // `def register(bp, routes, view): for route in routes: bp.add_url_rule(route, …)` (or `*routes`): the loop's
    // list is the site's
    const overParam =
      loop?.scope === scope &&
      loop.iter.k === 'ref' &&
      (params.includes(loop.iter.name) || (star >= 0 && fn.params[star].name === `*${loop.iter.name}`)) &&
      loop.targets.some((t) => call.args.some((a) => mentions(a, t)) || kwValues.some((a) => mentions(a, t)))
        ? loop
        : undefined;
    const isSplat = (a: PyExpr) => star >= 0 && a.k === 'other' && a.text === fn.params[star].name;
    const onlyReceiver = used.length === 0 && !overParam && !call.args.some(isSplat);
    const receiverHead = call.fn.name.split('.')[0];
    const receiverParam = params.includes(receiverHead) ? receiverHead : undefined;
    if (onlyReceiver && !receiverParam) return undefined;
    // only a call on a router object is a registration: look for one before reading every call site
    const receiver = call.fn.name.slice(0, dot);
    const first = receiverParam
      ? this.parameterObject(mod, scope, receiver)
      : this.objectOf(this.graph.resolve(mod, scope, receiver));
    // `def include_routers(router): router.include_router(auth)`: a registration on the parameter alone is made on
    // each router a call site hands over (each is included somewhere else: fief's tenant and default routers). Apps
    // handed to one setup function are alternatives serving the same URLs (a smoke-test app): the first one's only.
    if (!first || (onlyReceiver && first.kind.role === 'app')) return undefined;
    const out: Array<{ call: CallExpr; obj?: ObjDef }> = [];
    let asWritten = false;
    let sites = 0;
    for (const site of this.callSites(fn)) {
      // call sites, not calls: a site's loop over its list gives one call per item
      if (++sites > MAX_CALL_SITES) {
        // Never a silent gap: the routes further calls register are missing, and the user is told where
        this.log.push({
          e: 'cut',
          path: mod.file.path,
          problem:
            `${fn.name}() (line ${fn.range.line}) registers routes for each call; only its first ` +
            `${MAX_CALL_SITES} calls are read, routes registered by further calls are not listed`,
        });
        break;
      }
      const obj = receiverParam ? this.argumentObject(site, fn, receiverParam, 0) : undefined;
      // a site handing over nothing known to be a router: read as written, its receiver would be another site's
      if (receiverParam && !obj && onlyReceiver) continue;
      // `helper(*args)` (which argument is which is unknown here), or a receiver not found: read as written, once
      if (site.call.args.some((a) => a.k === 'other' && a.text?.startsWith('*')) || (receiverParam && !obj)) {
        if (!asWritten) out.push({ call });
        asWritten = true;
        continue;
      }
      const bound = new Map<string, PyExpr>();
      for (const p of used) {
        const arg = argumentOf(site.call, fn, p);
        const fallback = arg || splats(site.call) ? undefined : literalDefault(fn, p);
        if (arg) bound.set(p, bindTo(site, arg));
        else if (fallback) bound.set(p, fallback);
      }
      const bindings = overParam ? this.siteLoopBindings(site, fn, overParam) : undefined;
      // a list the site does not write out: the loop's names stay unevaluated, and the path says so
      for (const each of bindings ?? [new Map<string, PyExpr>()]) {
        const all = each.size ? new Map([...bound, ...each]) : bound;
        out.push({
          call: {
            k: 'call',
            fn: call.fn,
            args: call.args.flatMap((a) =>
              isSplat(a) ? site.call.args.slice(star).map((x) => bindTo(site, x)) : [substitute(a, all)],
            ),
            kw: Object.fromEntries(Object.entries(call.kw).map(([k, v]) => [k, substitute(v, all)])),
            line: call.line,
          },
          obj,
        });
      }
    }
    return out.length > 0 ? out : undefined;
  }

  private decorator(mod: ModuleFile, scope: string, deco: PyExpr, handler: Handler): void {
    if (deco.k !== 'call') return;
    const at = this.receiver(mod, scope, deco) ?? this.injectedRouter(mod, scope, deco);
    if (at)
      pythonFramework(at.obj.kind.framework).decorators?.[at.method]?.(
        { l: this, mod, scope, obj: at.obj },
        deco,
        handler,
      );
  }

  /**
   * `@manager.route("/files")` in a module that never binds `manager`: a loader sets it on the module before running
   * it (ragflow's `page.manager = Blueprint(...)`; the module says `# noqa: F821`). It is the module's own router
   * of the one framework the module imports, of a role that serves only where included (a blueprint, a router):
   * nothing discovery reads includes it, so its routes are under `{unknown prefix?}`, never at '/'. A module that
   * makes a router of its own is not such a page: there an unbound name is a mistake, not a router.
   */
  private injectedRouter(mod: ModuleFile, scope: string, deco: CallExpr): { obj: ObjDef; method: string } | undefined {
    const name = deco.fn.k === 'ref' ? /^(\w+)\.(\w+)$/.exec(deco.fn.name) : null;
    if (!name || this.graph.resolve(mod, scope, name[1]) !== undefined) return undefined;
    const imported = new Set(mod.facts.imports.filter((i) => i.level === 0).map((i) => i.module.split('.')[0]));
    const units = PYTHON_FRAMEWORKS.filter((u) => imported.has(u.name));
    const unit = units.length === 1 ? units[0] : undefined;
    if (!unit?.decorators?.[name[2]]) return undefined;
    const ownRouter = mod.facts.assignments.some(
      (a) => a.scope === '' && a.value.k === 'call' && this.kindOf(this.resolveExpr(mod, '', a.value.fn)),
    );
    if (ownRouter) return undefined;
    const cls = Object.entries(unit.constructors).find(([, role]) => unit.includedToServe?.includes(role))?.[0];
    const kind = cls ? kindOfConstructor(`${unit.name}.${cls}`) : undefined;
    if (!kind) return undefined;
    const key = `${mod.file.path}::<injected ${name[1]}>`;
    let obj = this.known(key);
    if (!obj) {
      obj = { key, kind, display: `${shortName(mod)}.${name[1]}`, ownPrefix: '' };
      this.define(obj);
    }
    return { obj, method: name[2] };
  }

  /** The `index`th call statement of `mod` (it names the objects constructed inline in it). */
  private call(mod: ModuleFile, scope: string, call: PyExpr, index: number, obj?: ObjDef): void {
    if (call.k !== 'call') return;
    // `app.get("/x")(handler)`: a route decorator applied by hand, the same registration as `@app.get("/x")`
    if (call.fn.k === 'call') {
      const deco = call.fn;
      const at =
        obj && deco.fn.k === 'ref' ? { obj, method: deco.fn.name.split('.').pop()! } : this.receiver(mod, scope, deco);
      const read = at && pythonFramework(at.obj.kind.framework).decorators?.[at.method];
      if (read)
        for (const handler of this.handlers(mod, scope, call.args[0]))
          read({ l: this, mod, scope, obj: at.obj }, deco, handler);
      return;
    }
    const at =
      obj && call.fn.k === 'ref' ? { obj, method: call.fn.name.split('.').pop()! } : this.receiver(mod, scope, call);
    if (!at) {
      this.wrapsOwnApp(mod, scope, call);
      return;
    }
    const unit = pythonFramework(at.obj.kind.framework);
    (unit.calls?.[at.method] ?? unit.otherCall?.(at.method))?.({ l: this, mod, scope, obj: at.obj }, call, index);
  }

  /**
   * `app.wsgi_app = DispatcherMiddleware(app.wsgi_app, {"/api": api})`: a library app (`PyFramework.appOf`) wrapping
   * an app's own WSGI callable serves what it adds beside that app's routes, so the app includes it at '/'.
   */
  private wrapsOwnApp(mod: ModuleFile, scope: string, call: CallExpr): void {
    const inner = call.args[0] ?? call.kw['app'];
    const owner = inner?.k === 'ref' ? /^(.+)\.(?:wsgi_app|asgi_app)$/.exec(inner.name)?.[1] : undefined;
    if (!owner) return;
    const callee = this.resolveExpr(mod, scope, call.fn);
    if (callee?.k !== 'extern') return;
    const app = this.objFromExpr(mod, scope, { k: 'ref', name: owner });
    if (app?.kind.role === 'app') this.edge(app, this.libraryApp(mod, scope, call, callee, 0), '');
  }

  /**
   * Each list or tuple written out that `e` stands for, visited with the module and scope its items are read in:
   * in place, a name for one (in any module, with what `+=` adds where it is written), or `a + b` of them.
   */
  private lists(
    mod: ModuleFile,
    scope: string,
    e: PyExpr,
    depth: number,
    visit: (mod: ModuleFile, scope: string, seq: Extract<PyExpr, { k: 'seq' }>, depth: number) => void,
  ): void {
    if (depth > MAX_DEPTH) return;
    this.step();
    const b = boundOf(e);
    if (b) return this.lists(b.mod, b.scope, b.e, depth + 1, visit);
    if (e.k === 'ref') {
      const r = this.graph.resolve(mod, scope, e.name);
      if (r?.k !== 'value') return;
      this.within(r.value, undefined, () => this.lists(r.mod, r.scope, r.value, depth + 1, visit));
      // `routes += [Route(...)]` (under an `if` too, as Django's `urlpatterns +=`): the list grows where it is written
      for (const more of factIndex(r.mod.facts).augmented.get(`${r.scope}\0${r.name}`) ?? [])
        this.within(more, undefined, () => this.lists(r.mod, r.scope, more, depth + 1, visit));
      return;
    }
    if (e.k === 'add') {
      this.lists(mod, scope, e.l, depth + 1, visit);
      this.lists(mod, scope, e.r, depth + 1, visit);
      return;
    }
    if (e.k === 'seq') visit(mod, scope, e, depth);
  }

  /**
   * The router objects one argument stands for: the object it names, else those of the list or tuple it is
   * (read as `lists` reads one, lists in it flattened), and for `*x` those of `x` (`Blueprint.group(*bps)`).
   * Nothing for what cannot be evaluated (`*plugins()`).
   */
  members(mod: ModuleFile, scope: string, e: PyExpr, depth: number): ObjDef[] {
    if (depth > MAX_DEPTH) return [];
    const b = boundOf(e);
    if (b) return this.members(b.mod, b.scope, b.e, depth + 1);
    const out: ObjDef[] = [];
    const obj = e.k === 'other' && e.spread ? undefined : this.objFromExpr(mod, scope, e, depth + 1);
    if (obj) return [obj];
    this.lists(mod, scope, e.k === 'other' && e.spread ? e.spread : e, depth + 1, (m, s, seq, d) => {
      for (const item of seq.items) out.push(...this.members(m, s, item, d + 1));
    });
    return out;
  }

  /** Lists of route items (Starlette `Route/Mount`, aiohttp `web.get(...)`): each item is offered to the frameworks in turn. */
  routeList(mod: ModuleFile, scope: string, obj: ObjDef, e: PyExpr, prefix: string, depth: number): void {
    this.lists(mod, scope, e, depth, (mod, scope, seq, depth) => {
      for (const [index, call] of seq.items.entries()) {
        if (call.k !== 'call') continue;
        const callee = this.resolveExpr(mod, scope, call.fn);
        const qual = callee?.k === 'extern' ? callee.qual : '';
        const item = {
          qual,
          name: qual.split('.').pop()!,
          call,
          index,
          join: (p: string) => (prefix ? prefix + p : p),
        };
        for (const fw of PYTHON_FRAMEWORKS) if (fw.listItem?.({ l: this, mod, scope, obj }, item, depth)) break;
      }
    });
  }
}

/** One router object's own routes as last emitted, and what they were built from. */
interface Emitted {
  fw: Framework;
  base: string;
  routersKey: string;
  locals: LocalRoute[];
  routes: Route[];
}

/**
 * Emitted routes of the previous link by object key, base path and router chain (a router included
 * under two prefixes is emitted twice), reused while the kept LocalRoutes are the same: after one edit
 * most objects are unchanged, and building 20,000 Route objects again would be most of a link. Reused
 * Route objects also let findings skip unchanged files.
 */
interface EmitMemo {
  prev: EmitTable;
  next: EmitTable;
}

/** Emissions by object key: the first of each object, and (rarely) the further ones of objects included more than once. */
interface EmitTable {
  first: Map<string, Emitted>;
  more: Map<string, Emitted[]>;
}

function emitTable(): EmitTable {
  return { first: new Map(), more: new Map() };
}

function findEmitted(
  table: EmitTable,
  key: string,
  fw: Framework,
  base: string,
  routersKey: string,
  locals: LocalRoute[],
): Emitted | undefined {
  const first = table.first.get(key);
  if (!first) return undefined;
  if (sameEmission(first, fw, base, routersKey, locals)) return first;
  const more = table.more.get(key);
  if (more) for (const e of more) if (sameEmission(e, fw, base, routersKey, locals)) return e;
  return undefined;
}

function addEmitted(table: EmitTable, key: string, e: Emitted): void {
  const first = table.first.get(key);
  if (!first) table.first.set(key, e);
  else if (first !== e) {
    const more = table.more.get(key);
    if (!more) table.more.set(key, [e]);
    else if (!more.includes(e)) more.push(e);
  }
}

/** One emission of an object in a walk: where it hangs (the visit of the object including it, and how). */
interface Visit extends Emitted {
  obj: RouterObj;
  routers: string[];
  /** The including object's visit (an index into the walk), -1 for a root. */
  parent: number;
  edgePrefix?: string;
  /** The registration's prefix replaced the object's own (a Flask/Quart/Sanic blueprint). */
  overrides: boolean;
}

interface EmitContext {
  visits: Visit[];
  out: Route[];
  memo: EmitMemo;
  /** How many objects were emitted so far. */
  reached: number;
}

/** Emits `obj`'s routes under `prefix` (`ownPrefix` is its own prefix, or '' where registration replaced it), then what it includes. */
function emit(
  obj: RouterObj,
  prefix: string,
  ownPrefix: string,
  chain: string[],
  chainKey: string,
  ctx: EmitContext,
  from: { parent: number; edgePrefix?: string; overrides: boolean },
): void {
  const { out, memo } = ctx;
  if (obj.onPath || chain.length > MAX_DEPTH || out.length >= MAX_ROUTES) return; // include cycles
  obj.onPath = true;
  if (!obj.reached) {
    obj.reached = true;
    ctx.reached++;
  }
  const fw: Framework = obj.kind.framework;
  const unit = pythonFramework(fw);
  const base = unit.join(prefix, ownPrefix);
  const routers = [...chain, obj.display];
  const routersKey = `${chainKey}\0${obj.display}`;
  const last =
    findEmitted(memo.next, obj.key, fw, base, routersKey, obj.routes) ??
    findEmitted(memo.prev, obj.key, fw, base, routersKey, obj.routes);
  const emitted = last ?? { fw, base, routersKey, locals: obj.routes, routes: routesOf(obj, unit, base, routers) };
  for (const r of emitted.routes) out.push(r);
  addEmitted(memo.next, obj.key, emitted);
  const index = ctx.visits.length;
  ctx.visits.push({ ...emitted, obj, routers, ...from });
  for (const e of obj.edges) {
    // Flask/Quart/Sanic: a url_prefix given at registration replaces the blueprint's own (per framework)
    const overrides =
      e.prefix !== undefined && unit.registrationReplacesBlueprintPrefix === true && e.child.kind.role === 'blueprint';
    emit(
      e.child,
      childPrefix(obj, base, e.child, e.prefix),
      overrides ? '' : e.child.ownPrefix,
      routers,
      routersKey,
      ctx,
      {
        parent: index,
        edgePrefix: e.prefix,
        overrides,
      },
    );
  }
  obj.onPath = false;
}

/** The prefix an included object starts from: its parent's base and the include's prefix, joined as the parent's framework does. */
function childPrefix(parent: RouterObj, base: string, child: RouterObj, edgePrefix: string | undefined): string {
  const prefix = pythonFramework(parent.kind.framework).join(base, edgePrefix ?? '');
  const mountedAt = pythonFramework(child.kind.framework).mountedAt;
  return mountedAt && child.kind.framework !== parent.kind.framework ? mountedAt(prefix) : prefix;
}

/** An object's routes as served under `base`, through the routers `routers`. */
function routesOf(obj: RouterObj, unit: ReturnType<typeof pythonFramework>, base: string, routers: string[]): Route[] {
  const fw = obj.kind.framework;
  return obj.routes.map((r): Route => {
    const joined = unit.join(base, r.path);
    const path = unit.finalPath?.(joined) ?? joined;
    return {
      framework: fw,
      methods: r.methods,
      path,
      file: r.handler.file,
      line: r.handler.range.line,
      handler: r.handler.name,
      async: r.handler.async,
      execution: r.handler.library ? 'library' : unit.execution(r.handler.async),
      ...(r.handler.library ? { library: r.handler.library } : {}),
      routers,
      range: { file: r.handler.file, ...r.handler.range },
      params: r.handler.params.map(routeParam),
      ...(r.bodyTemplate !== undefined ? { bodyTemplate: r.bodyTemplate } : {}),
      ...unresolvedFields(path),
    };
  });
}

/** How a root is emitted: no parent visit. */
const ROOT_VISIT = { parent: -1, overrides: false };

/**
 * The last link's walk again, when the objects and include edges are the same (linkInPlace): each visit keeps
 * its routes unless its object is `dirty` or a visit above it now has another base or router chain. Undefined
 * when the routes reach MAX_ROUTES, where emit() would cut the walk: then it is walked again.
 */
function emitAgain(
  visits: readonly Visit[],
  dirty: ReadonlySet<RouterObj>,
): { visits: Visit[]; out: Route[] } | undefined {
  const next: Visit[] = new Array<Visit>(visits.length);
  /** Whether a visit's base or router chain changed: every visit below it is built again. */
  const moved: boolean[] = new Array<boolean>(visits.length);
  const out: Route[] = [];
  for (let i = 0; i < visits.length; i++) {
    const v = visits[i];
    let now = v;
    moved[i] = false;
    if (dirty.has(v.obj) || (v.parent >= 0 && moved[v.parent])) {
      const { obj } = v;
      const unit = pythonFramework(obj.kind.framework);
      const parent = v.parent >= 0 ? next[v.parent] : undefined;
      const prefix = parent ? childPrefix(parent.obj, parent.base, obj, v.edgePrefix) : rootPrefix(obj);
      const base = unit.join(prefix, v.overrides ? '' : obj.ownPrefix);
      const routersKey = `${parent?.routersKey ?? ''}\0${obj.display}`;
      const same = base === v.base && routersKey === v.routersKey;
      const routers = same ? v.routers : [...(parent?.routers ?? []), obj.display];
      const routes = same && sameItems(v.locals, obj.routes) ? v.routes : routesOf(obj, unit, base, routers);
      now = { ...v, base, routersKey, routers, locals: obj.routes, routes };
      moved[i] = !same;
    }
    next[i] = now;
    for (const r of now.routes) out.push(r);
    if (out.length >= MAX_ROUTES) return undefined;
  }
  return { visits: next, out };
}

/** The emissions of a walk by object key, for the next full walk to reuse. */
function tableOf(visits: readonly Visit[]): EmitTable {
  const table = emitTable();
  for (const v of visits) addEmitted(table, v.obj.key, v);
  return table;
}

/**
 * Where to start emitting the objects the first walk did not reach, all included only from
 * include cycles: one object of each cycle (strongly connected component) nothing else unreached
 * includes — its app if it has one, else its first-defined member. Objects only callback routers
 * include stay unreported, like the callback routers themselves.
 */
function cycleRoots(objs: ReadonlyMap<string, RouterObj>): RouterObj[] {
  const skip = new Set<string>();
  for (const o of objs.values()) if (o.reached) skip.add(o.key);
  const hide = (o: RouterObj) => {
    const stack = [o];
    while (stack.length) {
      const v = stack.pop()!;
      if (skip.has(v.key)) continue;
      skip.add(v.key);
      for (const e of v.edges) stack.push(e.child);
    }
  };
  for (const o of objs.values()) if (o.suppressed) hide(o);
  const nodes = [...objs.values()].filter((o) => !skip.has(o.key));
  // Tarjan's algorithm, iterative (include chains can be long)
  const index = new Map<RouterObj, number>();
  const low = new Map<RouterObj, number>();
  const comp = new Map<RouterObj, number>();
  const stack: RouterObj[] = [];
  const onStack = new Set<RouterObj>();
  let next = 0;
  let comps = 0;
  const visit = (v: RouterObj) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
  };
  for (const start of nodes) {
    if (index.has(start)) continue;
    visit(start);
    const work: Array<{ v: RouterObj; i: number }> = [{ v: start, i: 0 }];
    while (work.length) {
      const top = work[work.length - 1];
      const v = top.v;
      if (top.i < v.edges.length) {
        const w = v.edges[top.i++].child;
        if (skip.has(w.key)) continue;
        if (!index.has(w)) {
          visit(w);
          work.push({ v: w, i: 0 });
        } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1]?.v;
      if (parent) low.set(parent, Math.min(low.get(parent)!, low.get(v)!));
      if (low.get(v) === index.get(v)) {
        let w: RouterObj;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          comp.set(w, comps);
        } while (w !== v);
        comps++;
      }
    }
  }
  const includedFromOutside = new Set<number>();
  for (const v of nodes)
    for (const e of v.edges) {
      const c = comp.get(e.child);
      if (c !== undefined && c !== comp.get(v)) includedFromOutside.add(c);
    }
  const roots = new Map<number, RouterObj>();
  for (const v of nodes) {
    const c = comp.get(v)!;
    if (includedFromOutside.has(c)) continue;
    const cur = roots.get(c);
    if (!cur || (cur.kind.role !== 'app' && v.kind.role === 'app')) roots.set(c, v);
  }
  return [...roots.values()];
}

function sameEmission(e: Emitted, fw: Framework, base: string, routersKey: string, locals: LocalRoute[]): boolean {
  return e.fw === fw && e.base === base && e.routersKey === routersKey && sameItems(e.locals, locals);
}

function sameItems<T>(a: readonly T[], b: readonly T[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** String methods `stringMethod` computes, with how many (string) arguments each takes: least, most. */
const STRING_METHODS: Record<string, [number, number] | undefined> = {
  strip: [0, 1],
  lstrip: [0, 1],
  rstrip: [0, 1],
  lower: [0, 0],
  upper: [0, 0],
  removeprefix: [1, 1],
  removesuffix: [1, 1],
  replace: [2, 2],
};

/**
 * Python's `s.method(*args)` for the methods of STRING_METHODS; undefined where JavaScript's string functions may
 * differ from Python's (characters outside ASCII for case and default stripping, surrogate pairs).
 */
function applyStringMethod(s: string, method: string, args: string[]): string | undefined {
  if ([s, ...args].some((x) => /[\ud800-\udfff]/.test(x))) return undefined;
  const ascii = [...s].every((c) => c.charCodeAt(0) < 0x80);
  if ((method === 'lower' || method === 'upper') && !ascii) return undefined;
  // Python strips its whitespace by default (ASCII's here: a string with other characters is left unread);
  // given characters, any of them at that end
  if (args.length === 0 && method.endsWith('strip') && !ascii) return undefined;
  const set = args[0] ?? ' \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f';
  const start = (x: string) => {
    let i = 0;
    while (i < x.length && set.includes(x[i])) i++;
    return x.slice(i);
  };
  const end = (x: string) => {
    let i = x.length;
    while (i > 0 && set.includes(x[i - 1])) i--;
    return x.slice(0, i);
  };
  switch (method) {
    case 'strip':
      return end(start(s));
    case 'lstrip':
      return start(s);
    case 'rstrip':
      return end(s);
    case 'lower':
      return s.toLowerCase();
    case 'upper':
      return s.toUpperCase();
    case 'removeprefix':
      return args[0] && s.startsWith(args[0]) ? s.slice(args[0].length) : s;
    case 'removesuffix':
      return args[0] && s.endsWith(args[0]) ? s.slice(0, s.length - args[0].length) : s;
    default:
      // replace: every occurrence; Python inserts the new text between characters for an empty old one
      return args[0] === ''
        ? args[1] + [...s].join(args[1]) + (s.length ? args[1] : '')
        : s.split(args[0]).join(args[1]);
  }
}

/** How many names and factories a library handler is followed through. */
const MAX_LIBRARY_HOPS = 8;
/** Classes a class-based view's resolution order is read through (odd code may list bases in a cycle). */
const MAX_CLASS_WALK = 64;

/**
 * Class-based views: one handler per HTTP-method method (Flask MethodView, Django View, Starlette HTTPEndpoint,
 * aiohttp View); without any, the class's own `dispatch`/`dispatch_request`, which answers every method.
 */
function classHandlers(mod: ModuleFile, cls: PyClass): Handler[] {
  const handler = (m: PyMethod, method?: string) => methodHandler(cls.name, mod.file.path, m, method);
  const byMethod = cls.methods.filter((m) => HTTP_METHODS.includes(m.name));
  if (byMethod.length > 0) return byMethod.map((m) => handler(m, m.name.toUpperCase()));
  const dispatch = cls.methods.find((m) => DISPATCH_METHODS.has(m.name));
  return dispatch ? [handler(dispatch)] : [];
}

/** The method a class-based view answers every request through when it defines no per-method ones. */
const DISPATCH_METHODS = new Set(['dispatch', 'dispatch_request']);

/**
 * The last segment of every name a module's facts use other than as a call statement's callee: called inside
 * another expression (`app.mount("/api", create_api_app(path="/x"))`) or passed on (`Depends(f)`, `partial(f, …)`).
 */
function namesUsedOtherwise(facts: PythonRouteFacts): Set<string> {
  const uses = new Set<string>();
  const visit = (e: PyExpr, depth: number): void => {
    if (depth > MAX_DEPTH) return;
    switch (e.k) {
      case 'ref':
        uses.add(e.name.slice(e.name.lastIndexOf('.') + 1));
        return;
      case 'attr':
        uses.add(e.name);
        return visit(e.obj, depth + 1);
      case 'call':
        for (const x of [e.fn, ...e.args, ...Object.values(e.kw)]) visit(x, depth + 1);
        return;
      case 'seq':
        for (const x of e.items) visit(x, depth + 1);
        return;
      case 'add':
        visit(e.l, depth + 1);
        return visit(e.r, depth + 1);
      case 'fstr':
        for (const p of e.parts) if (typeof p !== 'string') visit(p, depth + 1);
        return;
      default:
        return;
    }
  };
  // a call statement's own callee (also `x = f(...)`) is read by callSites; its arguments count here
  const args = (c: CallExpr) => [...c.args, ...Object.values(c.kw)];
  for (const c of facts.calls)
    if (c.call.k === 'call') for (const a of c.call.fn.k === 'ref' ? args(c.call) : [c.call]) visit(a, 0);
  // a method's `x = f(…)` is no call statement (callSites never sees it): its callee counts here
  for (const a of facts.assignments)
    if (a.value.k === 'call' && a.value.fn.k === 'ref' && !a.scope.includes('.'))
      for (const x of args(a.value)) visit(x, 0);
    else visit(a.value, 0);
  for (const f of facts.functions) for (const d of f.decorators) visit(d, 0);
  for (const c of facts.classes) {
    for (const x of [...c.bases, ...c.decorators, ...Object.values(c.attributes)]) visit(x, 0);
    for (const m of c.methods) for (const d of m.decorators) visit(d, 0);
  }
  for (const l of facts.loops) visit(l.iter, 0);
  return uses;
}

/** The last name segment of each call statement's callee (`handlers.init_app(app)` → init_app), and of names used otherwise. */
function calledNames(facts: PythonRouteFacts): string[] {
  const out: string[] = [...namesUsedOtherwise(facts)];
  for (const c of facts.calls)
    if (c.call.k === 'call' && c.call.fn.k === 'ref')
      out.push(c.call.fn.name.slice(c.call.fn.name.lastIndexOf('.') + 1));
  // settingValues' question, under a key no function name can be
  for (const a of facts.assignments) if (a.scope === '' && SETTING.test(a.name)) out.push(settingKey(a.name));
  return out;
}

/** A module-level constant a framework may read as a setting (`ROOT_URLCONF`). */
const SETTING = /^[A-Z][A-Z0-9_]*$/;
const settingKey = (name: string) => `setting:${name}`;

interface CallSite {
  mod: ModuleFile;
  scope: string;
  call: CallExpr;
}

/** A caller's argument standing for a parameter: evaluated where the call site is written (only while linking). */
type BoundExpr = Extract<PyExpr, { k: 'other' }> & { bound: { mod: ModuleFile; scope: string; e: PyExpr } };

function bindTo(site: CallSite, e: PyExpr): PyExpr {
  const bound: BoundExpr = { k: 'other', text: exprText(e), bound: { mod: site.mod, scope: site.scope, e } };
  return bound;
}

/** A method of a controller instance (`self.list`), as the handler it is: read by `handlers` (only while linking). */
type MethodExpr = Extract<PyExpr, { k: 'other' }> & { method: { mod: ModuleFile; handler: Handler } };

function methodOf(e: PyExpr): MethodExpr['method'] | undefined {
  return e.k === 'other' && 'method' in e ? (e as MethodExpr).method : undefined;
}

/** A method of a workspace class, where it is defined (`fn`: it as a function, for argument binding). */
interface ClassMethod {
  mod: ModuleFile;
  cls: PyClass;
  method: PyMethod;
  fn: PyFunction;
}

/** A controller instance while its `__init__` runs: its class, attributes set so far and router attributes. */
interface Instance {
  key: string;
  display: string;
  cls: Extract<Resolved, { k: 'class' }>;
  attrs: Map<string, PyExpr>;
  routers: Map<string, ObjDef>;
  /** Its routers were found made already: nothing more to run. */
  done: boolean;
  /** Its routers were found made already, by an earlier run: only what that run left to the owner is done. */
  made: boolean;
  /**
   * Whether this run is the instance's own (its module's first pass, where every instance assigned there is run):
   * only that run makes what the routers it holds or is handed get (`handOn`), so none is made twice.
   */
  owner: boolean;
  /**
   * An instance another instance's method makes from a router it holds (`self.api = Api(self.app)`): only what it
   * registers on that router is made here; the rest (its own routers, registrations on anything else) is the run
   * of the assignment's own (`self.api`, read as a method's instance), which cannot see `self.app`.
   */
  heldOnly?: boolean;
}

/** A router an instance holds (`self.app`), handed on by one of its methods (only while linking). */
type HeldExpr = Extract<PyExpr, { k: 'other' }> & { held: ObjDef };

function heldOf(e: PyExpr): ObjDef | undefined {
  return e.k === 'other' && 'held' in e ? (e as HeldExpr).held : undefined;
}

/** Whether `e` is a router an instance holds (`self.app` handed on), or a caller's argument that is one. */
function isHeld(e: PyExpr): boolean {
  for (let depth = 0; depth <= MAX_DEPTH; depth++) {
    if (heldOf(e)) return true;
    const b = boundOf(e);
    if (!b) return false;
    e = b.e;
  }
  return false;
}

/** Whether a call passes the name `param` itself as an argument (`register(app)`). */
function handsParam(call: PyExpr, param: string): boolean {
  if (call.k !== 'call') return false;
  const is = (a: PyExpr) => a.k === 'ref' && a.name === param;
  return call.args.some(is) || Object.values(call.kw).some(is);
}

function boundOf(e: PyExpr): BoundExpr['bound'] | undefined {
  return e.k === 'other' && 'bound' in e ? (e as BoundExpr).bound : undefined;
}

/** A parameter as a route shows it: its texts, not their readings. */
function routeParam(p: PyParam): RouteParam {
  const out: RouteParam = { name: p.name };
  if (p.annotation !== undefined) out.annotation = p.annotation;
  if (p.default !== undefined) out.default = p.default;
  return out;
}

/** The module-level function `name` of `mod` (the scope of statements inside it). */
function moduleFunction(mod: ModuleFile, name: string): PyFunction | undefined {
  return name ? factIndex(mod.facts).functions.get(name) : undefined;
}

/**
 * Parameters of `fn` its body assigns once, unconditionally and plainly, from an expression that reads no other
 * parameter it assigns (`prefix = prefix.rstrip("/")`), with that expression and the assignment's index in the
 * module's assignments: from there on the parameter is that expression of the caller's argument.
 */
function rebindings(mod: ModuleFile, fn: PyFunction): Map<string, { value: PyExpr; at: number }> {
  const out = new Map<string, { value: PyExpr; at: number }>();
  const rebound = assignedIn(mod, fn.name);
  if (!rebound) return out;
  const params = fn.params.map((p) => p.name).filter((p) => rebound.has(p));
  if (params.length === 0) return out;
  const seen = new Map<string, number>();
  mod.facts.assignments.forEach((a, at) => {
    if (a.scope !== fn.name || !params.includes(a.name)) return;
    seen.set(a.name, (seen.get(a.name) ?? 0) + 1);
    if (!a.augmented && !a.conditional && !a.returned) out.set(a.name, { value: a.value, at });
  });
  for (const [name, { value }] of out)
    if (seen.get(name) !== 1 || params.some((p) => p !== name && mentions(value, p))) out.delete(name);
  return out;
}

/** The index in the module's assignments of the last one of `name` in `scope` (-1: none). */
function lastAssignment(mod: ModuleFile, scope: string, name: string): number {
  const list = mod.facts.assignments;
  for (let i = list.length - 1; i >= 0; i--) if (list[i].scope === scope && list[i].name === name) return i;
  return -1;
}

/** The names assigned in `scope` of the module (undefined: none). */
function assignedIn(mod: ModuleFile, scope: string): Set<string> | undefined {
  return factIndex(mod.facts).assigned.get(scope);
}

/**
 * Lookups into one file's route facts that linking makes per call statement, indexed once per facts object (facts
 * are never changed after extraction; new facts are a new object): module-level functions by name (the first of a
 * name, as a search in order finds) and assigned names by scope.
 */
interface FactIndex {
  functions: Map<string, PyFunction>;
  assigned: Map<string, Set<string>>;
  /**
   * Per function, its names assigned once from a dotted name headed by one of its parameters (`router = app.router`,
   * `add = app.router.add_route`, `h = handler`).
   */
  aliases: Map<string, Map<string, PyExpr>>;
  /** The values `name += …` adds, by `scope\0name`. */
  augmented: Map<string, PyExpr[]>;
}

const factIndexes = new WeakMap<PythonRouteFacts, FactIndex>();

function factIndex(facts: PythonRouteFacts): FactIndex {
  let index = factIndexes.get(facts);
  if (!index) {
    const functions = new Map<string, PyFunction>();
    for (const f of facts.functions) if (f.scope === '' && !functions.has(f.name)) functions.set(f.name, f);
    const assigned = new Map<string, Set<string>>();
    const augmented = new Map<string, PyExpr[]>();
    const candidates = new Map<string, Map<string, PyExpr>>();
    const rebound = new Set<string>();
    for (const a of facts.assignments) {
      const names = assigned.get(a.scope);
      const again = names?.has(a.name) ?? false;
      if (names) names.add(a.name);
      else assigned.set(a.scope, new Set([a.name]));
      if (a.augmented) {
        const key = `${a.scope}\0${a.name}`;
        const list = augmented.get(key);
        if (list) list.push(a.value);
        else augmented.set(key, [a.value]);
      }
      if (!a.scope) continue;
      let scoped = candidates.get(a.scope);
      if (again || a.augmented || a.value.k !== 'ref') {
        scoped?.delete(a.name);
        rebound.add(`${a.scope}\0${a.name}`);
      } else if (!rebound.has(`${a.scope}\0${a.name}`)) {
        if (!scoped) candidates.set(a.scope, (scoped = new Map<string, PyExpr>()));
        scoped.set(a.name, a.value);
      }
    }
    // kept only where the dotted name starts at a parameter of the function (and the name is not one)
    const aliases = new Map<string, Map<string, PyExpr>>();
    for (const [scope, names] of candidates) {
      const params = functions.get(scope)?.params.map((p) => p.name);
      if (!params) continue;
      for (const [name, value] of names) {
        if (value.k !== 'ref' || params.includes(name)) continue;
        const dot = value.name.indexOf('.');
        if (!params.includes(dot < 0 ? value.name : value.name.slice(0, dot))) continue;
        let kept = aliases.get(scope);
        if (!kept) aliases.set(scope, (kept = new Map<string, PyExpr>()));
        kept.set(name, value);
      }
    }
    index = { functions, assigned, aliases, augmented };
    factIndexes.set(facts, index);
  }
  return index;
}

/**
 * A call in a function with the local names the function assigns once from a dotted name headed by one of its
 * parameters replaced (`router = app.router; router.add_get('/', h.index)` with `h = handler`, `add_route =
 * app.router.add_route; add_route(...)`): the parameters are then seen where per-call-site reading looks for them.
 */
function inlineAliases(mod: ModuleFile, scope: string, call: PyExpr): PyExpr {
  if (!scope || call.k !== 'call') return call;
  const aliases = factIndex(mod.facts).aliases.get(scope);
  if (!aliases) return call;
  let bound: Map<string, PyExpr> | undefined;
  for (const [name, value] of aliases) if (mentions(call, name)) (bound ??= new Map<string, PyExpr>()).set(name, value);
  return bound ? substitute(call, bound) : call;
}

/** Whether every segment of `name` after the '.' at `dot` is `router` (`app.router`, `app.router.router`). */
function onlyRouters(name: string, dot: number): boolean {
  for (let at = dot; at >= 0;) {
    const next = name.indexOf('.', at + 1);
    const end = next < 0 ? name.length : next;
    if (end - at - 1 !== 6 || !name.startsWith('router', at + 1)) return false;
    at = next;
  }
  return true;
}

/** The argument a call passes for `fn`'s parameter `param`: by position, else by keyword. */
/** Whether `name` is one of `fn`'s own parameters (not `*args` / `**kwargs`). */
function isParam(fn: PyFunction, name: string): boolean {
  return fn.params.some((p) => p.name === name);
}

function argumentOf(call: CallExpr, fn: PyFunction, param: string): PyExpr | undefined {
  const index = fn.params.findIndex((p) => p.name === param);
  return (index >= 0 ? call.args[index] : undefined) ?? call.kw[param];
}

/** Whether a call passes `*args` or `**kwargs`, which may give any parameter. */
function splats(call: CallExpr): boolean {
  return call.kw['**'] !== undefined || call.args.some((a) => a.k === 'other' && a.text?.startsWith('*') === true);
}

/** A parameter's default when it is a plain string literal (`method="GET"`), for call sites that leave it out. */
function literalDefault(fn: PyFunction, param: string): PyExpr | undefined {
  const text = fn.params.find((p) => p.name === param)?.default;
  const m = text !== undefined ? /^(['"])([^'"\\]*)\1$/.exec(text) : null;
  return m ? { k: 'str', v: m[2] } : undefined;
}

/** Whether `e` refers to the name `name` (or a dotted name under it). */
function mentions(e: PyExpr, name: string, depth = 0): boolean {
  if (depth > MAX_DEPTH) return false;
  switch (e.k) {
    case 'ref':
      return e.name === name || e.name.startsWith(`${name}.`);
    case 'attr':
      return mentions(e.obj, name, depth + 1);
    case 'call':
      return [e.fn, ...e.args, ...Object.values(e.kw)].some((x) => mentions(x, name, depth + 1));
    case 'fstr':
      return e.parts.some((p) => typeof p !== 'string' && mentions(p, name, depth + 1));
    case 'seq':
      return e.items.some((x) => mentions(x, name, depth + 1));
    case 'add':
      return mentions(e.l, name, depth + 1) || mentions(e.r, name, depth + 1);
    case 'str':
    case 'other':
      return false;
  }
}

/** `e` with the names in `bound` (and dotted names under them: `r.router`) replaced by their expressions. */
function substitute(e: PyExpr, bound: ReadonlyMap<string, PyExpr>, depth = 0): PyExpr {
  if (depth > MAX_DEPTH) return { k: 'other' };
  if (e.k === 'ref') {
    const dot = e.name.indexOf('.');
    const head = dot < 0 ? e.name : e.name.slice(0, dot);
    const value = bound.get(head);
    if (!value) return e;
    if (dot < 0) return value;
    const rest = e.name.slice(dot + 1);
    if (value.k === 'ref') return { k: 'ref', name: `${value.name}.${rest}` };
    return rest.split('.').reduce<PyExpr>((obj, name) => ({ k: 'attr', obj, name }), value);
  }
  if (e.k === 'other' && e.comp) {
    // a comprehension's own names shadow the bound ones in its element
    const inner = new Map([...bound].filter(([name]) => !e.comp!.targets.includes(name)));
    const comp = {
      ...e.comp,
      elt: substitute(e.comp.elt, inner, depth + 1),
      iter: substitute(e.comp.iter, bound, depth + 1),
      ...(e.comp.conds ? { conds: e.comp.conds.map((c) => substitute(c, inner, depth + 1)) } : {}),
    };
    return { ...e, comp };
  }
  return mapChildren(e, (x) => substitute(x, bound, depth + 1));
}

/** An expression as source-like text, for placeholders: `settings.API_PREFIX`, `get_app_settings().api_prefix`. */
function exprText(e: PyExpr, depth = 0): string {
  if (depth > 8) return '…';
  switch (e.k) {
    case 'str':
      return JSON.stringify(e.v);
    case 'fstr':
      return `f"${e.parts.map((p) => (typeof p === 'string' ? p : `{${exprText(p, depth + 1)}}`)).join('')}"`;
    case 'ref':
      return e.name;
    case 'attr':
      return `${exprText(e.obj, depth + 1)}.${e.name}`;
    case 'call': {
      // short arguments as written (`org_scoped_rule("/login")`), else `…`
      const args = e.args.map((a) => exprText(a, depth + 1)).join(', ');
      const shown = Object.keys(e.kw).length === 0 && args.length <= 40 ? args : '…';
      return `${exprText(e.fn, depth + 1)}(${e.args.length || Object.keys(e.kw).length ? shown : ''})`;
    }
    case 'seq':
      return '[…]';
    case 'add':
      return `${exprText(e.l, depth + 1)} + ${exprText(e.r, depth + 1)}`;
    case 'other':
      return e.text ?? '…';
  }
}

/** An expression in full (arguments included, a caller's argument by where it is written): the identity of a factory call. */
function fullText(e: PyExpr, depth = 0): string {
  if (depth > MAX_DEPTH) return '…';
  const b = boundOf(e);
  if (b) return `${b.mod.file.path}:${b.scope}:${fullText(b.e, depth + 1)}`;
  switch (e.k) {
    case 'call': {
      const kw = Object.entries(e.kw).map(([k, v]) => `${k}=${fullText(v, depth + 1)}`);
      return `${fullText(e.fn, depth + 1)}(${[...e.args.map((a) => fullText(a, depth + 1)), ...kw].join(', ')})`;
    }
    case 'fstr':
      return `f"${e.parts.map((p) => (typeof p === 'string' ? p : `{${fullText(p, depth + 1)}}`)).join('')}"`;
    case 'attr':
      return `${fullText(e.obj, depth + 1)}.${e.name}`;
    case 'seq':
      return `[${e.items.map((x) => fullText(x, depth + 1)).join(', ')}]`;
    case 'add':
      return `${fullText(e.l, depth + 1)} + ${fullText(e.r, depth + 1)}`;
    default:
      return exprText(e, depth);
  }
}

/** Whether `e` is a call of a method of the object named `name` (`router.get(...)`, not `router.x.get(...)`). */
function isCallOn(e: PyExpr, name: string): e is CallExpr {
  return (
    e.k === 'call' && e.fn.k === 'ref' && e.fn.name.startsWith(`${name}.`) && !e.fn.name.includes('.', name.length + 1)
  );
}

/** `name.m(…)`, or a decorator of `name` applied by hand: `name.get("/x")(handler)`. */
function isCallOrAppliedOn(e: PyExpr, name: string): e is CallExpr {
  if (e.k !== 'call') return false;
  const inner = e.fn;
  return isCallOn(e, name) || isCallOn(inner, name);
}

/**
 * Whether the router `name` a factory `fn` builds (from `ctor`) varies with the parameters in `bound`,
 * and the factory hands it to no other function (`setup(router)` registers on the factory's own object,
 * which an instance per call would then lose).
 */
function variesWith(
  mod: ModuleFile,
  fn: PyFunction,
  name: string,
  ctor: PyExpr,
  bound: ReadonlyMap<string, PyExpr>,
): boolean {
  const inScope = mod.facts.calls.filter((c) => c.scope === fn.name).map((c) => c.call);
  const own = [
    ctor,
    ...mod.facts.functions
      .filter((d) => d.scope === fn.name)
      .flatMap((d) => d.decorators.filter((e) => isCallOn(e, name))),
    ...inScope.filter((c) => isCallOrAppliedOn(c, name)),
  ];
  if (!own.some((e) => [...bound.keys()].some((p) => mentions(e, p)))) return false;
  return !inScope.some((c) => c.k === 'call' && [...c.args, ...Object.values(c.kw)].some((a) => mentions(a, name)));
}
