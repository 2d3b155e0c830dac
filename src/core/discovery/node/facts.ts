// The per-file facts Node discovery extracts (plain data, cached per file) and links across files.
import { nameRecord } from '../../lang/shared/records';
import type { Framework } from '../../model';

/**
 * Another module's constant in a text: `import` is a local import name, `member` a property of it (`routes.USERS`);
 * or `unknown`: the source text of an expression discovery cannot evaluate, shown as `{text?}` in the path.
 */
export type TextPart = string | { import: string; member?: string } | { unknown: string };

/**
 * A path or prefix: literal text, or text with parts only another module knows (its exported constants,
 * resolved when linked) or no one knows (`unknown`: the route is kept, marked unresolved). null is an
 * unknown prefix of old facts, linked as `{…?}`.
 */
export type Text = string | { parts: TextPart[] };

export interface HandlerFact {
  name: string;
  line: number;
  async: boolean;
  endLine: number;
  column: number;
  endColumn: number;
  /**
   * The function this one returns, when it is a handler factory (`function getVideo() { return async (req, res) => … }`):
   * a route written `app.get('/v', getVideo())` is served by it, and the factory's own body runs once, at start-up.
   */
  returns?: HandlerFact;
}

/** Something routes are declared on: an app, a router, or a Fastify plugin function (its first parameter). */
export interface ObjectFact {
  framework: Framework;
  kind: 'app' | 'router' | 'plugin';
  /** Koa `new Router({ prefix })` / `router.prefix()`, Hono `.basePath()`: applies to the object's own routes and mounts. */
  prefix: Text | null;
  /** A `fastify-plugin` (fp) wrapped plugin: Fastify ignores the register `prefix` for it. */
  skipsPrefix?: boolean;
  /**
   * A plugin function with a Fastify plugin's signature (async, or a third `done` parameter): when nothing
   * in the workspace registers it (fastify-cli loads app.js itself), its routes are still served at their own paths.
   */
  pluginShaped?: boolean;
  /**
   * A member of a later parameter of an exported function (`exports.expressCreateServer = (hookName, { app }) => …`,
   * `args.app`): a hook a plugin system calls by name, so where its routes are served is not known here.
   */
  hook?: boolean;
  /**
   * A plugin function's parameter names by position ('' where not a plain name), and for `...args` the names its
   * body takes from the end (`args[args.length - 1]`: 1): what each call site's arguments bind when linked.
   */
  parameters?: string[];
  fromEnd?: Record<string, number>;
  /** A socket.io connection's socket (the connection handler's parameter): its `on(event, h)` are event handlers. */
  socket?: boolean;
  /**
   * Declared under this name in more than one function of the module (`const anonymousRouter` in two): discovery
   * keeps one object per name, so where its routes are served is not known.
   */
  ambiguous?: boolean;
  /**
   * Registrations on an object made elsewhere (`const app = require('./app'); app.get(…)`, `server.app.get(…)` for
   * `server = new Server()`): read as on a plugin's parameter, served where linking finds that object, if it is one.
   */
  attachTo?: AttachTarget;
}

/**
 * An object made elsewhere: the object an imported name binds, or (with `field`) what a class keeps in a field
 * (`this.app = express()`) on an instance of it, made by `new` or by the static method `via` (`getInstance()`).
 */
export interface AttachTarget {
  name: string;
  field?: string;
  via?: string;
  /** `name` is an imported instance (`module.exports = new Server()` there), not a class. */
  instance?: true;
}

/** A handler defined in another module: `local` is an import, `member` a property of it (`users.list`). */
export interface HandlerRef {
  local: string;
  member?: string;
  fallback: string;
  /** Written as a call (`getVideo()`): the handler is the function the named one returns, when it returns one. */
  called?: boolean;
  /**
   * Named inside a call (`wrap(users.list)`, `passport.authenticate(config.id)`): where that call is, the
   * handler when the name turns out not to be a workspace function (the route is served all the same).
   */
  site?: HandlerFact;
  /** `local` is a parameter of the plugin function around the route: the handler is what each call site passes. */
  param?: true;
}

/** The start of a route method that is a plugin function's parameter (`router[verb](…)`: `$verb`), bound when linked. */
export const PARAM_METHOD = '$';

/**
 * An argument a call site hands a plugin function: a text (path, method), a handler, either (`users.login` may be
 * a constant or a function of another module: the parameter's use decides), or neither (null).
 */
export type ArgFact = { text?: Text; handler?: HandlerFact | HandlerRef } | null;

export interface RouteFact {
  owner: string;
  methods: string[];
  path: Text;
  handler: HandlerFact | HandlerRef;
}

/**
 * `owner` serves `target` (a local name: object, plugin function or import) under `prefix`.
 * `orNone`: the prefix is an import that may as well be middleware (Express `use(auth, router)`): no prefix unless it is a constant.
 */
export interface MountFact {
  owner: string;
  prefix: Text | null;
  target: string;
  ignorePrefix?: boolean;
  autoload?: AutoloadFact;
  orNone?: boolean;
  /** The position of the argument handed (`register(io, socket)`: 1): the target's parameter there is the owner. */
  parameter?: number;
  /** Handed as a member of the first argument (`reload({ router })`): the target's parameter's member is the owner. */
  member?: string;
  /** A call handing the owner to a function (`setupPageRoute(router, '/login', login)`): its arguments, by position. */
  args?: ArgFact[];
}

/**
 * `register(AutoLoad, { dir, options: { prefix }, dirNameRoutePrefix, routeParams, encapsulate })` (@fastify/autoload):
 * every plugin file under `dir` (relative to the registering file's folder), prefixed with its folder path.
 */
export interface AutoloadFact {
  dir: string;
  prefix: string;
  dirNames: boolean;
  routeParams: boolean;
  encapsulate: boolean;
}

/** A local name bound to another module's export: `imported` is 'default' for module.exports / export default. */
export interface ImportFact {
  spec: string;
  imported: string;
}

export interface ControllerRouteFact {
  methods: string[];
  path: Text;
  handler: HandlerFact;
  /** `@Version('2')` (over the controller's): each version, '' for VERSION_NEUTRAL. */
  versions?: Text[];
}
/**
 * A route excluded from Nest's global prefix: its path as written (`health`, `users/:id`), and methods if given;
 * `computed`: an entry the source computes (`...codes.map(…)`), which may exclude any route.
 */
export interface NestExclude {
  path: string;
  methods?: string[];
  computed?: true;
}

/** A Nest controller; each of its prefixes (`@Controller(['a', 'b'])`) serves every route. */
export interface ControllerFact {
  className: string;
  prefixes: Array<Text | null>;
  /** `@Controller({ version: '1' })`: each version, '' for VERSION_NEUTRAL. */
  versions?: Text[];
  routes: ControllerRouteFact[];
}

/** A Nest `@Module({ controllers: [A, B], imports: [C] })` class: the local names of its controllers and imports. */
export interface NestModuleFact {
  className: string;
  controllers: string[];
  /** Some controllers are not written as names (`...controllers`, a call): not known here. */
  computed?: true;
  /** Modules it imports (`C`, `C.forRoot(…)`, `forwardRef(() => C)`): what an app of it serves too. */
  imports?: string[];
  /** Some imports are not written so (`...modules`): not known here. */
  importsComputed?: true;
}

/**
 * One entry of `RouterModule.register([...])`: a module (a local name) served under `path`, and its children,
 * whose paths continue the entry's; a child given as a bare module (`children: [CatsModule]`) has no path and
 * takes its parent's.
 */
export interface NestRouteEntry {
  path?: Text;
  module?: string;
  children?: NestRouteEntry[];
}

export interface NodeRouteFacts {
  objects: Record<string, ObjectFact>;
  imports: Record<string, ImportFact>;
  /** Exported name ('default' or a named export) → local name. */
  exports: Record<string, string>;
  /**
   * Modules whose every export this one exports too: `export * from './users'` (named ones), and CommonJS
   * `module.exports = require('./routes')` (`default` too: the module object is the other one).
   */
  exportAll?: Array<{ spec: string; withDefault: boolean }>;
  routes: RouteFact[];
  /** app-module-path `addPath(__dirname …)`: folders (relative to this module's) where bare specifiers are found too. */
  modulePaths?: string[];
  /** Named functions (declared, assigned, or exported as `exports.x = function…`) that another module's route may name. */
  functions: Record<string, HandlerFact>;
  mounts: MountFact[];
  controllers: ControllerFact[];
  /**
   * Functions (local or imported names) this module calls with a first argument discovery does not know as an app
   * or router (`userRoutes(new SchemaRouter())`): if one is a plugin, it serves under a prefix not known here.
   */
  handedUnknown?: string[];
  /**
   * Module-level names bound to a handler list (HonoX `createRoute(mw, handler)`, Hono `factory.createHandlers(…)`):
   * the handler that answers, by local name. HonoX serves one exported by a method's name, or as the default, at
   * the module's path (see honox.ts).
   */
  handlerLists?: Record<string, HandlerFact | HandlerRef>;
  /** Nest modules that declare controllers. */
  nestModules?: NestModuleFact[];
  /**
   * Each `RouterModule.register(routes)` (or nest-router's `forRoutes`): its entries, the local name of imported
   * ones, or null where they are computed.
   */
  nestRouterModules?: Array<NestRouteEntry[] | { import: string } | null>;
  /** Module-level `const routes: Routes = [...]` (or an array of `{ module }` entries), by name: what another module's registration imports. */
  nestRouteTables?: Record<string, NestRouteEntry[]>;
  /** Functions that return an object of this module (`function initApi() { …; return sub }`), by name: for callers elsewhere. */
  returns?: Record<string, string>;
  /** Exported names holding an instance of a class (`module.exports = new Server()`), by local name. */
  instances?: Record<string, { cls: string; via?: string }>;
  /** Static methods of a class (by name) that return its one instance (`static getInstance() { return S.instance }`). */
  singletons?: Record<string, string[]>;
  /** Names bound to an object another name holds: `const slackRoute = createSlackRoute()` where the factory returns `slack`. */
  aliases?: Record<string, string>;
  /** NestJS `NestFactory.create(AppModule)`: the local names of the root modules of the apps this module makes. */
  nestRoots?: string[];
  /** NestJS `app.setGlobalPrefix('api')`. */
  globalPrefix?: Text | null;
  /** Its `{ exclude: [...] }`: paths (and methods) served without the global prefix; null when the list is computed. */
  globalPrefixExclude?: NestExclude[] | null;
  /** NestJS `app.enableVersioning({ type: VersioningType.URI })`; null when its options are computed. */
  uriVersioning?: { prefix: string; defaults?: Text[] } | null;
  /**
   * Exported constant texts by local name (`name.key` for a constant object's keys): what other modules'
   * paths and prefixes read, and @fastify/autoload a plugin module's `autoPrefix` and `prefixOverride`.
   */
  constants: Record<string, Text>;
}

export function emptyFacts(): NodeRouteFacts {
  return {
    objects: nameRecord(),
    imports: nameRecord(),
    exports: nameRecord(),
    routes: [],
    functions: nameRecord(),
    mounts: [],
    controllers: [],
    constants: nameRecord(),
  };
}
