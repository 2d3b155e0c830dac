// FastAPI: prefixes concatenate (`prefix + path`), `def` endpoints run in the threadpool, request
// bodies have templates; APIRouter/FastAPI register with decorators, add_api_route and
// include_router, and inherit Starlette's mount and add_route.
import {
  addStarletteRoute,
  addWebsocketRoute,
  asyncOnLoop,
  concatenate,
  host,
  methodDecorators,
  mount,
  routeDecorator,
  websocketDecorator,
} from './registrations';
import type { At, DecoratorReader, PyFramework } from './types';
import type { PyExpr } from '../facts';

/**
 * `callbacks=router.routes` documents requests the API sends; the app never serves them,
 * so that router is not reported.
 */
function markCallbacks({ l, mod, scope }: At, e: PyExpr | undefined): void {
  if (e?.k !== 'ref' || !e.name.endsWith('.routes')) return;
  const obj = l.objFromExpr(mod, scope, { k: 'ref', name: e.name.slice(0, -'.routes'.length) });
  if (obj) l.notServed(obj);
}

/** Every FastAPI route decorator takes `callbacks=`. */
const withCallbacks =
  (read: DecoratorReader): DecoratorReader =>
  (at, deco, handler) => {
    markCallbacks(at, deco.kw['callbacks']);
    read(at, deco, handler);
  };

const decorators: Record<string, DecoratorReader> = {
  ...methodDecorators(),
  websocket: websocketDecorator,
  websocket_route: websocketDecorator,
  api_route: routeDecorator,
  route: routeDecorator,
};

export const fastapi: PyFramework = {
  name: 'fastapi',
  constructors: { FastAPI: 'app', APIRouter: 'router' },
  includedToServe: ['router'],
  execution: asyncOnLoop,
  join: concatenate,
  bodyTemplates: true,
  decorators: Object.fromEntries(Object.entries(decorators).map(([m, read]) => [m, withCallbacks(read)])),
  calls: {
    include_router: ({ l, mod, scope, obj }, call) => {
      const router = call.args[0] ?? call.kw['router'];
      l.edge(obj, router ? l.objFromExpr(mod, scope, router) : undefined, l.path(mod, scope, call.kw['prefix']) ?? '');
    },
    mount,
    host,
    add_api_route: ({ l, mod, scope, obj }, call) => {
      const path = l.path(mod, scope, call.args[0] ?? call.kw['path']);
      if (path !== undefined)
        l.addRoute(
          obj,
          l.methodsOf(mod, scope, call.kw['methods']) ?? ['GET'],
          path,
          l.handlers(mod, scope, call.args[1] ?? call.kw['endpoint'], call),
        );
    },
    add_api_websocket_route: addWebsocketRoute,
    add_websocket_route: addWebsocketRoute,
    add_route: addStarletteRoute,
  },
};
