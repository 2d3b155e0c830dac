// Flask: a WSGI framework (each request holds a worker), one '/' between prefix and path, and a
// url_prefix given at register_blueprint replaces the blueprint's own. The class-based API extensions
// are read as Flask router objects: flask-restx / flask-restplus `Api(app_or_bp, prefix=)` with
// `Namespace(name, path=)` (default path '/' + name; `add_namespace(ns, path)` replaces it) and
// `@ns.route(*urls)` on Resource classes; flask-restful `Api(…)` with `add_resource(Resource, *urls)`.
import { dispatcherApp } from './dispatcher';
import { addUrlRule, methodDecorators, registerBlueprint, routeDecorator, slashJoin } from './registrations';
import type { CallReader, DecoratorReader, PyFramework } from './types';

/** `@obj.route(rule)` on a function; `@ns.route(*urls)` on a Resource class (one route per url). */
const route: DecoratorReader = (at, deco, handler) => {
  if (!handler.method) return routeDecorator(at, deco, handler);
  const { l, mod, scope, obj } = at;
  const urls = deco.args.length > 0 ? deco.args : [deco.kw['rule'] ?? { k: 'str', v: '' }];
  for (const url of urls) l.addRoute(obj, ['GET'], l.path(mod, scope, url) ?? '', [handler]);
};

/** `api.add_resource(Resource, *urls)` (flask-restful, flask-restx). */
const addResource: CallReader = ({ l, mod, scope, obj }, call) => {
  const handlers = l.handlers(mod, scope, call.args[0] ?? call.kw['resource']);
  for (const url of call.args.slice(1)) l.addRoute(obj, ['GET'], l.path(mod, scope, url) ?? '', handlers);
};

/**
 * `api.add_org_resource(Resource, *urls)`: a helper of the project's Api subclass wrapping add_resource. What it
 * does to the urls is not followed: each is kept, marked behind the helper's name (`{add_org_resource?}/api/x`).
 */
const wrappedAddResource =
  (method: string): CallReader =>
  ({ l, mod, scope, obj }, call) => {
    const handlers = l.handlers(mod, scope, call.args[0] ?? call.kw['resource']);
    for (const url of call.args.slice(1))
      l.addRoute(obj, ['GET'], `{${method}?}${l.path(mod, scope, url) ?? ''}`, handlers);
  };

export const flask: PyFramework = {
  name: 'flask',
  constructors: { Flask: 'app', Blueprint: 'blueprint' },
  extensions: {
    flask_restx: { Api: 'api', Namespace: 'blueprint' },
    flask_restplus: { Api: 'api', Namespace: 'blueprint' },
    flask_restful: { Api: 'api' },
  },
  // Namespace(name, path=None): served under path, else '/' + name
  ownPrefix: ({ l, mod, scope }, kind, call) => {
    if (kind.cls !== 'Namespace') return undefined;
    const name = call.args[0] ?? call.kw['name'];
    return l.path(
      mod,
      scope,
      call.kw['path'] ?? call.args[2] ?? (name && { k: 'add', l: { k: 'str', v: '/' }, r: name }),
    );
  },
  appOf: dispatcherApp,
  attachTo: (role, call) => (role === 'api' ? (call.args[0] ?? call.kw['app']) : undefined),
  includedToServe: ['blueprint'],
  execution: () => 'worker',
  join: slashJoin,
  registrationReplacesBlueprintPrefix: true,
  decorators: { ...methodDecorators(), route },
  calls: {
    register_blueprint: registerBlueprint,
    add_url_rule: addUrlRule,
    add_resource: addResource,
    // api.add_namespace(ns, path=None)
    add_namespace: ({ l, mod, scope, obj }, call) => {
      const ns = call.args[0] ?? call.kw['ns'];
      l.edge(obj, ns ? l.objFromExpr(mod, scope, ns) : undefined, l.path(mod, scope, call.args[1] ?? call.kw['path']));
    },
    // api.init_app(app_or_bp)
    init_app: ({ l, mod, scope, obj }, call) => {
      const host = call.args[0] ?? call.kw['app'];
      const parent = host ? l.objFromExpr(mod, scope, host) : undefined;
      if (parent) l.edge(parent, obj);
    },
  },
  otherCall: (method) => (/^add_\w+_resource$/.test(method) ? wrappedAddResource(method) : undefined),
};
