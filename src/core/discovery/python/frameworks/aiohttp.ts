// aiohttp: every handler runs on the loop, sync or not. Routes come from RouteTableDef decorators,
// app.router.add_get/add_route/add_view, add_routes([web.get(...), …]) and sub-apps.
import { HTTP_METHODS as STANDARD_METHODS } from '../../../lang/shared/http';
import { HTTP_METHODS, methodDecorators, slashJoin } from './registrations';
import type { CallReader, PyFramework } from './types';

/** `add_get(path, handler)` … `add_options(path, handler)`. */
const addMethodRoutes: Record<string, CallReader> = Object.fromEntries(
  STANDARD_METHODS.map((m): [string, CallReader] => [
    `add_${m}`,
    ({ l, mod, scope, obj }, call) => {
      const path = l.path(mod, scope, call.args[0]);
      if (path !== undefined) l.addRoute(obj, [m.toUpperCase()], path, l.handlers(mod, scope, call.args[1], call));
    },
  ]),
);

export const aiohttp: PyFramework = {
  name: 'aiohttp',
  constructors: { Application: 'app', RouteTableDef: 'table' },
  execution: () => 'event-loop',
  join: slashJoin,
  decorators: {
    ...methodDecorators(),
    // RouteTableDef.route(method, path)
    route: ({ l, mod, scope, obj }, deco, handler) => {
      const m = l.str(mod, scope, deco.args[0]);
      const p = l.path(mod, scope, deco.args[1]);
      if (m !== undefined && p !== undefined) l.addRoute(obj, [m.toUpperCase()], p, [handler]);
    },
  },
  calls: {
    ...addMethodRoutes,
    add_subapp: ({ l, mod, scope, obj }, call) => {
      const prefix = l.path(mod, scope, call.args[0]);
      if (prefix !== undefined) l.edge(obj, call.args[1] ? l.mountedApp(mod, scope, call.args[1]) : undefined, prefix);
    },
    add_route: ({ l, mod, scope, obj }, call) => {
      const m = l.str(mod, scope, call.args[0]);
      const path = l.path(mod, scope, call.args[1]);
      if (m !== undefined && path !== undefined)
        l.addRoute(obj, [m.toUpperCase()], path, l.handlers(mod, scope, call.args[2], call));
    },
    add_view: ({ l, mod, scope, obj }, call) => {
      const path = l.path(mod, scope, call.args[0]);
      if (path !== undefined) l.addRoute(obj, ['*'], path, l.handlers(mod, scope, call.args[1], call));
    },
    add_routes: ({ l, mod, scope, obj }, call) => {
      const table = call.args[0] ? l.objFromExpr(mod, scope, call.args[0]) : undefined;
      if (table) l.edge(obj, table, '');
      else if (call.args[0]) l.routeList(mod, scope, obj, call.args[0], '', 0);
    },
  },
  listItem: ({ l, mod, scope, obj }, { qual, name, call, join }) => {
    if (!qual.startsWith('aiohttp')) return false;
    const a = call.args;
    if (name === 'route') {
      const m = l.str(mod, scope, a[0]);
      const path = l.path(mod, scope, a[1]);
      if (m !== undefined && path !== undefined)
        l.addRoute(obj, [m.toUpperCase()], join(path), l.handlers(mod, scope, a[2], call));
    } else if (name === 'view') {
      const path = l.path(mod, scope, a[0]);
      if (path !== undefined) l.addRoute(obj, ['*'], join(path), l.handlers(mod, scope, a[1], call));
    } else if (HTTP_METHODS.includes(name)) {
      const path = l.path(mod, scope, a[0]);
      if (path !== undefined) l.addRoute(obj, [name.toUpperCase()], join(path), l.handlers(mod, scope, a[1], call));
    }
    return true;
  },
};
