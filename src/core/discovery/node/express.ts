// Express: `express()` apps, `express.Router()` routers, `X.METHOD(path, …handlers)`,
// `X.route(path).METHOD(h)` chains, `X.use([prefix,] router | require('./r'))` mounts.
import type { CallReader, ObjectRecogniser } from './context';
import { lastHandler, packageOf } from './context';
import { HTTP_METHODS } from './facts';
import { stringValue } from './syntax';

export const expressObject: ObjectRecogniser = (value, facts) => {
  if (value.type !== 'call_expression') return undefined;
  const callee = value.childForFieldName('function')?.text ?? '';
  if (callee === 'express' || (packageOf(callee, facts) === 'express' && facts.imports[callee]?.imported === 'default')) {
    return { framework: 'express', kind: 'app', prefix: '' };
  }
  if (callee === 'express.Router' || (callee === 'Router' && ['express', ''].includes(packageOf(callee, facts)))) {
    return { framework: 'express', kind: 'router', prefix: '' };
  }
  return undefined;
};

export const readExpressCall: CallReader = (ctx, owner, method, args) => {
  if (HTTP_METHODS.has(method)) {
    const path = owner.path ?? stringValue(args[0]);
    const handlerArgs = owner.path !== undefined ? args : args.slice(1);
    const handler = path !== undefined ? lastHandler(ctx, handlerArgs, method, path) : undefined;
    if (path !== undefined && handler) ctx.addRoute(owner, [method.toUpperCase()], path, handler);
  } else if (method === 'use' && owner.path === undefined && args.length > 0) {
    // `use(prefix, …mw, router)` or `use(router)`; targets that are not routers (middleware) resolve to nothing when linked.
    const prefix = stringValue(args[0]);
    const last = args[args.length - 1];
    const target = (prefix === undefined || args.length >= 2) && (last.type === 'identifier' || last.type === 'call_expression') ? ctx.mountTarget(last) : undefined;
    if (target) ctx.addMount(owner, prefix ?? '', target.name);
  }
};
