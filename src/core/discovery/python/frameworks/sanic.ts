// Sanic: every handler runs on the loop, sync or not; blueprints register with app.blueprint()
// (a url_prefix there replaces the blueprint's own) and group with Blueprint.group(...), either taking
// lists or tuples of them too (`Blueprint.group(*bps)`, `app.blueprint(settings.BLUEPRINTS)`); paths
// and prefixes written without a leading '/' are served with one. `version=` puts `/v<version>`
// in front of the whole path (./sanicVersions.ts).
import {
  decoratorPath,
  methodDecorators,
  routeDecoratorOf,
  slashJoin,
  websocketDecoratorOf,
  type DecoratorPath,
} from './registrations';
import { applyVersion, markerOf, splitMarkers } from './sanicVersions';
import type { At, CallExpr, PyFramework } from './types';

/** A route decorator's path behind the marker of its own `version=` / `version_prefix=`. */
const versionedPath: DecoratorPath = (at: At, deco: CallExpr) => {
  const path = decoratorPath(at, deco);
  return path === undefined ? undefined : markerOf(at, 'r', deco) + path;
};

export const sanic: PyFramework = {
  name: 'sanic',
  constructors: { Sanic: 'app', Blueprint: 'blueprint', group: 'group', BlueprintGroup: 'group' },
  includedToServe: ['blueprint', 'group'],
  execution: () => 'event-loop',
  // the version markers of every level stay in front, in order (outermost first)
  join: (prefix, path) => {
    const [outer, p] = splitMarkers(prefix);
    const [inner, q] = splitMarkers(path);
    return outer + inner + slashJoin(p, q);
  },
  // `url_prefix="api"`, `route("items")`: Sanic adds the leading '/' a path is written without
  finalPath: (path) => applyVersion(path, (p) => (p.startsWith('/') ? p : `/${p}`)),
  // a blueprint's or group's own version and url_prefix (a marker even without a version: see sanicVersions.ts);
  // Blueprint(name, url_prefix=None, …) takes it second too, a group's positional arguments are its blueprints
  ownPrefix: (at, kind, call) =>
    kind.role === 'app'
      ? undefined
      : markerOf(at, kind.role === 'group' ? 'g' : 'b', call) +
        (at.l.path(at.mod, at.scope, call.kw['url_prefix'] ?? (kind.role === 'blueprint' ? call.args[1] : undefined)) ??
          ''),
  registrationReplacesBlueprintPrefix: true,
  decorators: {
    ...methodDecorators(versionedPath),
    route: routeDecoratorOf(versionedPath),
    websocket: websocketDecoratorOf(versionedPath),
  },
  calls: {
    // app.blueprint(bp_or_group_or_list, url_prefix=, version=, version_prefix=): each item of a list or tuple
    // is registered with the same options (sanic/app.py Sanic.blueprint)
    blueprint: (at, call) => {
      const { l, mod, scope, obj } = at;
      const url = l.path(mod, scope, call.kw['url_prefix']);
      const options = markerOf(at, 'o', call);
      for (const child of call.args[0] ? l.members(mod, scope, call.args[0], 0) : []) {
        // a blueprint's own prefix is replaced by a registration's (url_prefix, or only a version): its marker stays
        const own = child.kind.role === 'blueprint' ? child.ownPrefix : '';
        const prefix = url !== undefined ? options + splitMarkers(own)[0] + url : options ? options + own : undefined;
        l.edge(obj, child, prefix);
      }
    },
    // app.add_route(handler, uri, methods=, version=)
    add_route: (at, call) => {
      const { l, mod, scope, obj } = at;
      const path = l.path(mod, scope, call.args[1] ?? call.kw['uri']);
      if (path !== undefined)
        l.addRoute(
          obj,
          l.methodsOf(mod, scope, call.kw['methods']) ?? ['GET'],
          markerOf(at, 'r', call) + path,
          l.handlers(mod, scope, call.args[0] ?? call.kw['handler'], call),
        );
    },
  },
};
