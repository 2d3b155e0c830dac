// Registration forms several frameworks share, read the same way wherever they appear.
import { HTTP_METHODS as STANDARD_METHODS } from '../../../lang/shared/http';
import type { At, CallExpr, CallReader, DecoratorReader, Handler, Linker, PyFramework } from './types';
import { HOST_PART, placeholder } from '../../unresolved';
import type { PyExpr, PyMethod } from '../facts';
import type { ModuleFile } from '../modules';

/** Route methods Python frameworks name (`@app.get`, `@router.trace`, `web.post`). */
export const HTTP_METHODS: readonly string[] = [...STANDARD_METHODS, 'trace'];

/** FastAPI concatenates a prefix and a path; Django's include() prefixes do too. */
export const concatenate = (prefix: string, path: string): string => prefix + path;

/** Flask, Starlette, aiohttp, Sanic, Quart: exactly one '/' between prefix and path. */
export function slashJoin(prefix: string, path: string): string {
  if (!prefix) return path;
  if (!path) return prefix;
  return `${prefix.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

/** The path of a route decorator: first argument, or `path=` / `rule=` / `uri=`. */
export const decoratorPath = ({ l, mod, scope }: At, deco: CallExpr): string | undefined =>
  l.path(mod, scope, deco.args[0] ?? deco.kw['path'] ?? deco.kw['rule'] ?? deco.kw['uri']);

/** Reads a route decorator's path (`pathOf`: where a framework's decorators say more than the path, Sanic's `version=`). */
export type DecoratorPath = typeof decoratorPath;

/** `@obj.get(path)` and the other HTTP-method decorators. */
export function methodDecorators(pathOf: DecoratorPath = decoratorPath): Record<string, DecoratorReader> {
  return Object.fromEntries(
    HTTP_METHODS.map((m): [string, DecoratorReader] => [
      m,
      (at, deco, handler) => {
        const path = pathOf(at, deco);
        if (path !== undefined) at.l.addRoute(at.obj, [m.toUpperCase()], path, [handler]);
      },
    ]),
  );
}

/** `@obj.websocket(path)`. */
export const websocketDecoratorOf =
  (pathOf: DecoratorPath): DecoratorReader =>
  (at, deco, handler) => {
    const path = pathOf(at, deco);
    if (path !== undefined) at.l.addRoute(at.obj, ['WEBSOCKET'], path, [handler]);
  };
export const websocketDecorator = websocketDecoratorOf(decoratorPath);

/** `@obj.route(path, methods=[...])`: GET unless methods say otherwise. */
export const routeDecoratorOf =
  (pathOf: DecoratorPath): DecoratorReader =>
  (at, deco, handler) => {
    const path = pathOf(at, deco);
    const methods = at.l.methodsOf(at.mod, at.scope, deco.kw['methods']) ?? ['GET'];
    if (path !== undefined) at.l.addRoute(at.obj, methods, path, [handler]);
  };
export const routeDecorator = routeDecoratorOf(decoratorPath);

/** `obj.mount(path, app)` (Starlette, FastAPI): the app, built in place or named, under path. */
export const mount: CallReader = ({ l, mod, scope, obj }, call, index) => {
  const path = l.path(mod, scope, call.args[0] ?? call.kw['path']);
  const app = call.args[1] ?? call.kw['app'];
  const inline = { key: `${mod.file.path}:${scope}:<mount ${index}>`, label: `mount(${path})` };
  if (path !== undefined && app) l.edge(obj, l.mountedApp(mod, scope, app, 0, inline), path.replace(/\/+$/, ''));
};

/**
 * The prefix for an app served on another host (`app.host(settings.ADMIN_HOST, admin)`, `Host(...)`): its
 * paths are the sub-app's own, but they answer only requests to that host, so the route is shown unresolved
 * with the host named (`{host=settings.ADMIN_HOST?}/users`) rather than as if the main host served it.
 */
export function hostPrefix(l: Linker, mod: ModuleFile, scope: string, host: PyExpr | undefined): string {
  const value = (host && l.path(mod, scope, host)) ?? '…';
  return placeholder(`${HOST_PART}${value.replace(/^\{(.*)\?\}$/, '$1')}`);
}

/** `obj.host(host, app)` (Starlette, FastAPI): the app under its host (see hostPrefix). */
export const host: CallReader = ({ l, mod, scope, obj }, call, index) => {
  const app = call.args[1] ?? call.kw['app'];
  const prefix = hostPrefix(l, mod, scope, call.args[0] ?? call.kw['host']);
  const inline = { key: `${mod.file.path}:${scope}:<host ${index}>`, label: `host(${prefix})` };
  if (app) l.edge(obj, l.mountedApp(mod, scope, app, 0, inline), prefix);
};

/** `obj.add_route(path, endpoint, methods=)` (Starlette, FastAPI). */
export const addStarletteRoute: CallReader = ({ l, mod, scope, obj }, call) => {
  const path = l.path(mod, scope, call.args[0] ?? call.kw['path']);
  if (path !== undefined)
    l.addRoute(
      obj,
      l.methodsOf(mod, scope, call.kw['methods']) ?? ['GET'],
      path,
      l.handlers(mod, scope, call.args[1] ?? call.kw['endpoint'], call),
    );
};

/** `obj.add_websocket_route(path, endpoint)` (Starlette, FastAPI). */
export const addWebsocketRoute: CallReader = ({ l, mod, scope, obj }, call) => {
  const path = l.path(mod, scope, call.args[0] ?? call.kw['path']);
  if (path !== undefined)
    l.addRoute(obj, ['WEBSOCKET'], path, l.handlers(mod, scope, call.args[1] ?? call.kw['endpoint'], call));
};

/** `obj.register_blueprint(bp, url_prefix=)` (Flask, Quart). */
export const registerBlueprint: CallReader = ({ l, mod, scope, obj }, call) => {
  const bp = call.args[0] ?? call.kw['blueprint'];
  const prefix = call.kw['url_prefix'];
  l.edge(obj, bp ? l.objFromExpr(mod, scope, bp) : undefined, l.path(mod, scope, prefix));
};

/** `obj.add_url_rule(rule, endpoint, view_func, methods=)` (Flask, Quart). */
export const addUrlRule: CallReader = ({ l, mod, scope, obj }, call) => {
  const path = l.path(mod, scope, call.args[0] ?? call.kw['rule']);
  if (path !== undefined)
    l.addRoute(
      obj,
      l.methodsOf(mod, scope, call.kw['methods']) ?? ['GET'],
      path,
      l.handlers(mod, scope, call.args[2] ?? call.kw['view_func'], call),
    );
};

/**
 * A class's method as the handler of a route the class serves, named by that class (`Custom.get`, even where
 * `get` is defined on a base in `file`); `method`: the HTTP method it alone answers.
 */
export function methodHandler(viewName: string, file: string, m: PyMethod, method?: string): Handler {
  return {
    name: `${viewName}.${m.name}`,
    file,
    range: m.range,
    async: m.async,
    params: m.params,
    ...(method ? { method } : {}),
  };
}

/** Execution of frameworks that run `def` handlers off the loop (threadpool, executor). */
export const asyncOnLoop: PyFramework['execution'] = (isAsync) => (isAsync ? 'event-loop' : 'threadpool');
