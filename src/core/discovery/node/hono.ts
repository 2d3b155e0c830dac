// Hono: `new Hono()` (optionally `.basePath(p)`), `X.METHOD(path, …handlers)`, `X.on(methods, paths, …handlers)`,
// `X.route(prefix, subApp)` and `const v1 = app.basePath('/v1')`.
import type { CallReader, ObjectRecogniser } from './context';
import { lastHandler, packageOf } from './context';
import { NODE_ROUTE_METHODS } from '../../lang/shared/http';
import type { SyntaxNode as Node } from '../../lang/syntax';
import { callArguments, stringValue } from '../../lang/node/literals';
import { property, stringList } from './syntax';
import { concatText } from './values';
import { importedValue } from './modules';

export const honoObject: ObjectRecogniser = (value, facts, values) => {
  if (value.type === 'new_expression') {
    const ctor = value.childForFieldName('constructor')?.text ?? '';
    const pkg = packageOf(ctor, facts);
    const isHono =
      pkg === 'hono' ||
      pkg.startsWith('hono/') ||
      (pkg === '@hono/zod-openapi' && ctor.endsWith('OpenAPIHono')) ||
      (!pkg && (ctor === 'Hono' || ctor === 'OpenAPIHono'));
    return isHono ? { framework: 'hono', kind: 'app', prefix: '' } : undefined;
  }
  // `new Hono().basePath('/api')`
  const callee = value.type === 'call_expression' ? value.childForFieldName('function') : undefined;
  // HonoX's `createApp()` (from 'honox/server') returns the Hono app it serves the routes folder on
  const bound = callee ? importedValue(callee, facts) : undefined;
  if (bound?.spec === 'honox/server' && bound.imported === 'createApp')
    return { framework: 'hono', kind: 'app', prefix: '' };
  const inner = callee?.type === 'member_expression' ? callee.childForFieldName('object') : undefined;
  if (callee?.childForFieldName('property')?.text !== 'basePath' || !inner) return undefined;
  const base = honoObject(inner, facts, values);
  const arg = callArguments(value)[0];
  const prefix = arg ? values.pathText(arg) : '';
  return base ? { ...base, prefix: base.prefix !== null ? concatText(base.prefix, prefix) : null } : undefined;
};

export const readHonoCall: CallReader = (ctx, owner, method, args) => {
  if (NODE_ROUTE_METHODS.has(method)) {
    const path = args.length >= 2 ? ctx.routePath(args[0]) : undefined;
    const handler = path !== undefined ? lastHandler(ctx, args.slice(1), method, path) : undefined;
    if (path !== undefined && handler) ctx.addRoute(owner, [method.toUpperCase()], path, handler);
  } else if (method === 'on') {
    const methods = stringList(args[0]);
    const items =
      args[1]?.type === 'array'
        ? args[1].namedChildren.filter((c): c is Node => !!c && c.type !== 'comment')
        : [args[1]];
    const paths = items.map((p) => ctx.routePath(p));
    if (!methods) return;
    for (const path of paths) {
      if (path === undefined) continue;
      const handler = lastHandler(ctx, args.slice(2), methods.join(','), path);
      if (handler)
        ctx.addRoute(
          owner,
          methods.map((m) => m.toUpperCase()),
          path,
          handler,
        );
    }
  } else if (method === 'openapi' && args.length >= 2) {
    // @hono/zod-openapi: `app.openapi(createRoute({ method, path, … }), handler)`; `{id}` is served as `:id`
    const route = ctx.objectLiteral(args[0]);
    const verb = stringValue(property(route, 'method'));
    const pathNode = property(route, 'path');
    if (!verb || !pathNode) return;
    const raw = ctx.pathText(pathNode);
    const path = typeof raw === 'string' ? raw.replace(/\{([A-Za-z_$][\w$]*)\}/g, ':$1') : raw;
    const handler = lastHandler(ctx, args.slice(1, 2), verb, path);
    if (handler) ctx.addRoute(owner, [verb.toUpperCase()], path, handler);
  } else if (method === 'route' && args.length === 2) {
    if (args[1].type === 'identifier') ctx.addMount(owner, ctx.pathText(args[0]), args[1].text);
  }
};
