// Sanic: every handler runs on the loop, sync or not; blueprints register with app.blueprint()
// (a url_prefix there replaces the blueprint's own) and group with Blueprint.group(...); paths
// and prefixes written without a leading '/' are served with one.
import { methodDecorators, routeDecorator, slashJoin, websocketDecorator } from './registrations';
import type { PyFramework } from './types';

export const sanic: PyFramework = {
  name: 'sanic',
  constructors: { Sanic: 'app', Blueprint: 'blueprint', group: 'group', BlueprintGroup: 'group' },
  includedToServe: ['blueprint', 'group'],
  execution: () => 'event-loop',
  join: slashJoin,
  // `url_prefix="api"`, `route("items")`: Sanic adds the leading '/' a path is written without
  finalPath: (path) => (path.startsWith('/') ? path : `/${path}`),
  registrationReplacesBlueprintPrefix: true,
  decorators: { ...methodDecorators(), route: routeDecorator, websocket: websocketDecorator },
  calls: {
    // app.blueprint(bp_or_group, url_prefix=)
    blueprint: ({ l, mod, scope, obj }, call) =>
      l.edge(
        obj,
        call.args[0] ? l.objFromExpr(mod, scope, call.args[0]) : undefined,
        l.path(mod, scope, call.kw['url_prefix']),
      ),
    // app.add_route(handler, uri, methods=)
    add_route: ({ l, mod, scope, obj }, call) => {
      const path = l.path(mod, scope, call.args[1] ?? call.kw['uri']);
      if (path !== undefined)
        l.addRoute(
          obj,
          l.methodsOf(mod, scope, call.kw['methods']) ?? ['GET'],
          path,
          l.handlers(mod, scope, call.args[0] ?? call.kw['handler'], call),
        );
    },
  },
};
