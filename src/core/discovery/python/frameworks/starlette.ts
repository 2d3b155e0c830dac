// Starlette: one '/' between prefix and path, `def` endpoints in the threadpool; routes come in
// lists of Route / WebSocketRoute / Mount (also FastAPI's, so read under any package) and through
// mount, add_route and the route decorators.
import {
  addStarletteRoute,
  addWebsocketRoute,
  asyncOnLoop,
  host,
  hostPrefix,
  mount,
  routeDecorator,
  slashJoin,
  websocketDecorator,
} from './registrations';
import type { PyFramework } from './types';

export const starlette: PyFramework = {
  name: 'starlette',
  constructors: { Starlette: 'app', Router: 'router' },
  execution: asyncOnLoop,
  join: slashJoin,
  // `Router([Route(...)])`: a Router takes its routes first
  positionalRoutes: (role, call) => (role === 'router' ? call.args[0] : undefined),
  decorators: { route: routeDecorator, websocket_route: websocketDecorator },
  calls: { mount, host, add_route: addStarletteRoute, add_websocket_route: addWebsocketRoute },
  // `app.mount("/legacy", WSGIMiddleware(flask_app))`: the wrapped app serves every path under the mount
  // (starlette.middleware.wsgi, fastapi.middleware.wsgi, a2wsgi's WSGIMiddleware and ASGIMiddleware)
  appOf: ({ l, mod, scope }, call, qual, depth) => {
    const parts = qual.split('.');
    const wrapper = ['starlette', 'fastapi', 'a2wsgi'].includes(parts[0]) && /^[AW]SGIMiddleware$/.test(parts.at(-1)!);
    const app = call.args[0] ?? call.kw['app'];
    return wrapper && app ? l.objFromExpr(mod, scope, app, depth) : undefined;
  },
  listItem: ({ l, mod, scope, obj }, { name, call, index, join }, depth) => {
    const a = call.args;
    if (name === 'Route' || name === 'WebSocketRoute') {
      const path = l.path(mod, scope, a[0] ?? call.kw['path']);
      const methods =
        name === 'WebSocketRoute' ? ['WEBSOCKET'] : (l.methodsOf(mod, scope, call.kw['methods']) ?? ['GET']);
      if (path !== undefined)
        l.addRoute(obj, methods, join(path), l.handlers(mod, scope, a[1] ?? call.kw['endpoint'], call));
      return true;
    }
    if (name === 'Host') {
      // `Host(host, app=...)`: the app's own paths, answered only on that host
      const p = join(hostPrefix(l, mod, scope, a[0] ?? call.kw['host']));
      const inline = { key: `${obj.key}>host#${index}`, label: `Host(${p})` };
      l.edge(obj, l.mountedApp(mod, scope, call.kw['app'] ?? a[1] ?? { k: 'other' }, depth + 1, inline), p);
      return true;
    }
    if (name !== 'Mount') return false;
    const path = l.path(mod, scope, a[0] ?? call.kw['path']);
    if (path === undefined) return true;
    const p = join(path.replace(/\/+$/, ''));
    const sub = call.kw['routes'] ?? (a[1] && a[1].k === 'seq' ? a[1] : undefined);
    if (sub) l.routeList(mod, scope, obj, sub, p, depth + 1);
    else {
      // an app built in place is one object per list item it is written in, under the object mounting it
      const inline = { key: `${obj.key}>${p}#${index}`, label: `Mount(${p})` };
      l.edge(obj, l.mountedApp(mod, scope, call.kw['app'] ?? a[1] ?? { k: 'other' }, depth + 1, inline), p);
    }
    return true;
  },
};
