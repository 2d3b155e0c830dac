// Django Ninja: `NinjaAPI()` and `Router()` register with FastAPI-like decorators (`@api.get("/items/{id}")`,
// `@router.api_operation(["GET", "POST"], "/x")`), routers are added with `api.add_router("/events", router)`
// (or by import string, `"events.api.router"`), and a Django urlconf serves an API with `path("api/", api.urls)`
// (the Django unit reads that edge). Ninja joins its prefixes and paths with '/', collapses '//' and strips the
// leading '/' before handing Django a `path()` pattern, written with `<conv:name>` for its `{conv:name}`. It runs
// inside Django: `async def` operations on the loop, sync ones hold a worker. Its docs and OpenAPI routes are not
// listed, as FastAPI's are not.
import type { At, CallExpr, CallReader, DecoratorReader, Handler, PyFramework } from './types';
import { HTTP_METHODS } from './registrations';
import type { PyExpr } from '../facts';

/**
 * Where the urlconf's part of a path ends and Ninja's begins: Django concatenates its `path("api/", api.urls)`
 * prefix and the patterns Ninja built, which have lost their leading '/' (`path("api", …)` serves `apiitems`).
 */
const MOUNT = '\u0000';

/** Ninja's join: the non-empty parts joined with '/', every '//' collapsed (after the urlconf's part, if any). */
function ninjaJoin(prefix: string, path: string): string {
  const at = prefix.indexOf(MOUNT);
  if (at >= 0) return prefix.slice(0, at + 1) + ninjaJoin(prefix.slice(at + 1), path);
  const joined = prefix && path ? `${prefix}/${path}` : prefix || path;
  return joined.replace(/\/{2,}/g, '/');
}

/** The URL Django serves: the urlconf's part, then Ninja's without its leading '/'. */
function servedPath(path: string): string {
  const at = path.indexOf(MOUNT);
  const outer = at >= 0 ? path.slice(0, at) : '';
  return `/${outer}${path.slice(at + 1).replace(/^\/+/, '')}`;
}

/** `{int:item_id}` → `<int:item_id>` (Ninja's own rewrite); a `{expression?}` placeholder stays. */
function djangoPattern(path: string): string {
  return path.replace(/\{(\w+(?::\w+)?)\}/g, '<$1>');
}

function register(at: At, methods: string[] | undefined, pathExpr: PyExpr | undefined, handler: Handler): void {
  const path = at.l.path(at.mod, at.scope, pathExpr);
  if (path !== undefined) at.l.addRoute(at.obj, methods ?? ['GET'], djangoPattern(path), [handler]);
}

const decorators: Record<string, DecoratorReader> = {
  ...Object.fromEntries(
    HTTP_METHODS.map((m): [string, DecoratorReader] => [
      m,
      (at, deco, handler) => register(at, [m.toUpperCase()], deco.args[0] ?? deco.kw['path'], handler),
    ]),
  ),
  api_operation: (at, deco, handler) =>
    register(
      at,
      at.l.methodsOf(at.mod, at.scope, deco.args[0] ?? deco.kw['methods']),
      deco.args[1] ?? deco.kw['path'],
      handler,
    ),
};

/** `add_router(prefix, router)`: the router by name, or by the import string Ninja resolves (`"app.api.router"`). */
const addRouter: CallReader = ({ l, mod, scope, obj }, call: CallExpr) => {
  const prefix = l.path(mod, scope, call.args[0] ?? call.kw['prefix']);
  const router = call.args[1] ?? call.kw['router'];
  if (prefix === undefined || !router) return;
  const dotted = router.k === 'str' ? router.v : undefined;
  const dot = dotted?.lastIndexOf('.') ?? -1;
  const home = dotted && dot > 0 ? l.graph.findModule(dotted.slice(0, dot)) : undefined;
  const child =
    dotted === undefined
      ? l.objFromExpr(mod, scope, router)
      : home && l.objFromExpr(home, '', { k: 'ref', name: dotted.slice(dot + 1) });
  l.edge(obj, child, djangoPattern(prefix));
};

export const ninja: PyFramework = {
  name: 'django-ninja',
  constructors: {},
  extensions: { ninja: { NinjaAPI: 'router', Router: 'router' } },
  // an API serves nothing until a urlconf includes its urls; a router until an API adds it
  includedToServe: ['router'],
  execution: (isAsync) => (isAsync ? 'event-loop' : 'worker'),
  join: ninjaJoin,
  finalPath: servedPath,
  mountedAt: (outer) => outer + MOUNT,
  decorators,
  calls: { add_router: addRouter },
};
