// Hono: `new Hono()` (optionally `.basePath(p)`), `X.METHOD(path, …handlers)`, `X.on(methods, paths, …handlers)`,
// `X.route(prefix, subApp)` and `const v1 = app.basePath('/v1')`.
import type { CallReader, ObjectRecogniser } from './context';
import { lastHandler, packageOf } from './context';
import { HTTP_METHODS } from './facts';
import { callArguments, stringList, stringValue } from './syntax';

export const honoObject: ObjectRecogniser = (value, facts) => {
  if (value.type === 'new_expression') {
    const ctor = value.childForFieldName('constructor')?.text ?? '';
    const pkg = packageOf(ctor, facts);
    const isHono = pkg === 'hono' || pkg.startsWith('hono/') || (!pkg && ctor === 'Hono');
    return isHono ? { framework: 'hono', kind: 'app', prefix: '' } : undefined;
  }
  // `new Hono().basePath('/api')`
  const callee = value.type === 'call_expression' ? value.childForFieldName('function') : undefined;
  const inner = callee?.type === 'member_expression' ? callee.childForFieldName('object') : undefined;
  if (callee?.childForFieldName('property')?.text !== 'basePath' || !inner) return undefined;
  const base = honoObject(inner, facts);
  const prefix = stringValue(callArguments(value)[0]);
  return base && prefix !== undefined ? { ...base, prefix: base.prefix + prefix } : undefined;
};

export const readHonoCall: CallReader = (ctx, owner, method, args) => {
  if (HTTP_METHODS.has(method)) {
    const path = stringValue(args[0]);
    const handler = path !== undefined ? lastHandler(ctx, args.slice(1), method, path) : undefined;
    if (path !== undefined && handler) ctx.addRoute(owner, [method.toUpperCase()], path, handler);
  } else if (method === 'on') {
    const methods = stringList(args[0]);
    const paths = stringList(args[1]);
    if (!methods || !paths) return;
    for (const path of paths) {
      const handler = lastHandler(ctx, args.slice(2), methods.join(','), path);
      if (handler) ctx.addRoute(owner, methods.map((m) => m.toUpperCase()), path, handler);
    }
  } else if (method === 'route' && args.length === 2) {
    const prefix = stringValue(args[0]);
    if (prefix !== undefined && args[1].type === 'identifier') ctx.addMount(owner, prefix, args[1].text);
  }
};
