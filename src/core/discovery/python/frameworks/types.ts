// What a Python framework is to route discovery: its router classes, how it joins prefixes,
// where it runs handlers, and how code registers routes and includes routers (decorators,
// method calls, route lists). The linker (link.ts) evaluates names and expressions and keeps
// the router graph; it knows no framework by name and asks these units instead.
import type { Execution, Framework } from '../../../model';
import type { PyComprehension, PyExpr, PyParam, PyRange } from '../facts';
import type { ModuleFile, ModuleGraph, Resolved } from '../modules';

/** `api`: an extension's API object that registers routes on the app or blueprint it is given (flask-restx/restful `Api`). */
export type Role = 'app' | 'router' | 'blueprint' | 'table' | 'group' | 'api';

export interface Kind {
  framework: Framework;
  role: Role;
  /** The constructor's class name (`Namespace`), when made by one. */
  cls?: string;
}

/** A router object: an app, router, blueprint, route table, group or Django urlconf. */
export interface RouterDef {
  key: string;
  kind: Kind;
  display: string;
  ownPrefix: string;
}

export interface Handler {
  name: string;
  file: string;
  range: PyRange;
  async: boolean;
  /** The def's parameters (shared with the facts, and with the routes built from them). */
  params: PyParam[];
  /** Set for class-based views: the HTTP method this class method serves. */
  method?: string;
  /** Library code answers (Route.library): its qualified name. */
  library?: string;
}

export type CallExpr = Extract<PyExpr, { k: 'call' }>;

/** What the linker offers the framework units: evaluation, and the events a registration makes. */
export interface Linker {
  readonly graph: ModuleGraph;
  /** A string an expression evaluates to (literals, f-strings, +, constants across modules). */
  str(mod: ModuleFile, scope: string, e: PyExpr | undefined): string | undefined;
  /** A path or prefix: its value, parts that cannot be evaluated as `{expr?}` placeholders; undefined only without an expression. */
  path(mod: ModuleFile, scope: string, e: PyExpr | undefined): string | undefined;
  /** `methods=[...]` upper-cased. */
  methodsOf(mod: ModuleFile, scope: string, e: PyExpr | undefined): string[] | undefined;
  /**
   * The handler(s) an endpoint expression names: a function, or a class-based view's methods; given the
   * registration call `site`, library code it names is a handler too (Handler.library), placed at the call.
   */
  handlers(mod: ModuleFile, scope: string, e: PyExpr | undefined, site?: CallExpr): Handler[];
  /** The router object an expression stands for; `inline` keys one constructed in place. */
  objFromExpr(
    mod: ModuleFile,
    scope: string,
    e: PyExpr,
    depth?: number,
    inline?: { key: string; label: string },
  ): RouterDef | undefined;
  /**
   * The app a mount serves (objFromExpr), or, for a call no framework unit knows wrapping an app
   * (`SomeMiddleware(inner)`, `wrap(inner)`), the app it wraps: a middleware hands the paths on.
   */
  mountedApp(
    mod: ModuleFile,
    scope: string,
    e: PyExpr,
    depth?: number,
    inline?: { key: string; label: string },
  ): RouterDef | undefined;
  /**
   * The router objects an argument stands for: the one it names, else those of a list or tuple of them written
   * out (in place or named, in any module; lists in it flattened), for `*x` those of `x`.
   */
  members(mod: ModuleFile, scope: string, e: PyExpr, depth: number): RouterDef[];
  resolveExpr(mod: ModuleFile, scope: string, e: PyExpr): Resolved | undefined;
  /** The items a list comprehension over a list or tuple written out stands for; undefined for any other. */
  comprehension(mod: ModuleFile, scope: string, comp: PyComprehension): PyExpr[] | undefined;
  /** What a call of a workspace function returns, its parameters bound to the call's arguments. */
  returnedValues(
    mod: ModuleFile,
    scope: string,
    call: CallExpr,
  ): Array<{ mod: ModuleFile; scope: string; value: PyExpr }> | undefined;
  /** Every module-level assignment of a constant-named setting in the workspace (`ROOT_URLCONF = "site.urls"`). */
  settingValues(name: string): Array<{ mod: ModuleFile; value: PyExpr }>;
  /** Routes in a list of route items (`routes=[Route(...), Mount(...)]`, `[web.get(...)]`), under `prefix`. */
  routeList(mod: ModuleFile, scope: string, obj: RouterDef, e: PyExpr, prefix: string, depth: number): void;
  addRoute(obj: RouterDef, methods: string[], path: string, handlers: Handler[]): void;
  /** `parent` includes `child` under `prefix` (undefined: the child keeps its own). */
  edge(parent: RouterDef, child: RouterDef | undefined, prefix?: string): void;
  /** A router object only documented, never served (FastAPI callbacks): neither it nor what only it includes. */
  notServed(obj: RouterDef): void;
  /** The object with this key if this pass or an earlier one created it. */
  known(key: string): RouterDef | undefined;
  define(obj: RouterDef): void;
  /** One evaluation step (a budget guards odd code). */
  step(): void;
  /** Evaluates `value` unless a definition cycle is already evaluating it. */
  within<T>(value: PyExpr, cyclic: T, f: () => T): T;
}

/** Where a registration is read: the linker, the module and scope it is written in, the router object it registers on. */
export interface At {
  l: Linker;
  mod: ModuleFile;
  scope: string;
  obj: RouterDef;
}

/** Reads a route decorator `@obj.<method>(...)` on `handler`. */
export type DecoratorReader = (at: At, deco: CallExpr, handler: Handler) => void;
/** Reads a call `obj.<method>(...)`; `index` numbers the module's call statements (for objects built in place). */
export type CallReader = (at: At, call: CallExpr, index: number) => void;

/** One item of a route list, called `name` (last segment of `qual`), at position `index`. */
export interface ListItem {
  qual: string;
  name: string;
  call: CallExpr;
  index: number;
  /** The list's prefix joined to a path. */
  join: (path: string) => string;
}

export interface PyFramework {
  name: Framework;
  /** Router classes by name under the framework's top-level package (`fastapi.FastAPI`, `fastapi.applications.FastAPI`). */
  constructors: Record<string, Role>;
  /** Router classes of extension packages, by package (`flask_restx: { Api: 'api', Namespace: 'blueprint' }`). */
  extensions?: Record<string, Record<string, Role>>;
  /** The constructor argument naming the object a new one registers its routes on (`Api(app)`, `Api(bp)`). */
  attachTo?: (role: Role, call: CallExpr) => PyExpr | undefined;
  /**
   * A constructed object's own prefix when not `prefix=` / `url_prefix=` (flask-restx `Namespace(name, path=)`,
   * Sanic's `Blueprint(version=)`), evaluated where `at` says the call is written.
   */
  ownPrefix?: (at: Omit<At, 'obj'>, kind: Kind, call: CallExpr) => string | undefined;
  /** Reads a call whose method is not in `calls` (helpers of a workspace subclass wrapping a registration). */
  otherCall?: (method: string) => CallReader | undefined;
  /** Where a handler runs. */
  execution: (isAsync: boolean) => Execution;
  /** The setting a qualified name reads (`django.conf.settings.ADMIN_URL` → `ADMIN_URL`), for frameworks with settings modules. */
  setting?: (qual: string) => string | undefined;
  /** Joins a prefix and a path as the framework does. */
  join: (prefix: string, path: string) => string;
  /** The path as the framework reports it, from the joined one. */
  finalPath?: (path: string) => string;
  /**
   * The prefix an object of this framework starts from when another framework's router includes it, where the two
   * join otherwise than within one framework (a Django urlconf serving a Ninja API).
   */
  mountedAt?: (outer: string) => string;
  /**
   * Roles that serve nothing until included somewhere (FastAPI's APIRouter, Flask's Blueprint): one included
   * nowhere discovery can follow (a loop over plugins, another package) is shown under `{unknown prefix?}`.
   */
  includedToServe?: Role[];
  /** A url_prefix given when a blueprint is registered replaces the blueprint's own. */
  registrationReplacesBlueprintPrefix?: boolean;
  /** Routes a constructor takes besides `routes=`: Starlette's `Router([...])`. */
  positionalRoutes?: (role: Role, call: CallExpr) => PyExpr | undefined;
  /** POST/PUT/PATCH routes get a request-body template from the handler's parameters. */
  bodyTemplates?: boolean;
  decorators?: Record<string, DecoratorReader>;
  calls?: Record<string, CallReader>;
  /** A route-list item this framework knows; returns whether it read it. */
  listItem?: (at: At, item: ListItem, depth: number) => boolean;
  /**
   * The router object a library call `qual(...)` stands for, where it serves one: what a wrapper serves
   * (`WSGIMiddleware(flask_app)`), the app a framework function builds (Django's `get_asgi_application()`).
   */
  appOf?: (at: Omit<At, 'obj'>, call: CallExpr, qual: string, depth: number) => RouterDef | undefined;
  /** Router objects a module defines by convention rather than by constructor (Django's `urlpatterns`). */
  readModule?: (l: Linker, mod: ModuleFile) => void;
}
