// Koa with @koa/router: `new Koa()`, `new Router({ prefix })`, `router.METHOD(path, [name,] …mw, handler)`,
// `router.prefix(p)`, `parent.use([prefix,] child.routes())` and `app.use(router.routes())`.
import type { Node } from '../../parsing/parser';
import type { CallReader, ObjectRecogniser } from './context';
import { lastHandler, packageOf } from './context';
import { HTTP_METHODS } from './facts';
import { callArguments, property, stringValue } from './syntax';

const ROUTER_PACKAGES = ['@koa/router', 'koa-router'];

export const koaObject: ObjectRecogniser = (value, facts) => {
  if (value.type !== 'new_expression') return undefined;
  const ctor = value.childForFieldName('constructor')?.text ?? '';
  const pkg = packageOf(ctor, facts);
  if (pkg === 'koa' || (!pkg && ctor === 'Koa')) return { framework: 'koa', kind: 'app', prefix: '' };
  if (ROUTER_PACKAGES.includes(pkg) || (!pkg && ctor === 'Router')) {
    const options = value.childForFieldName('arguments')?.namedChildren.find((a) => a?.type === 'object') ?? undefined;
    return { framework: 'koa', kind: 'router', prefix: stringValue(property(options, 'prefix')) ?? '' };
  }
  return undefined;
};

export const readKoaCall: CallReader = (ctx, owner, method, args) => {
  if (HTTP_METHODS.has(method)) {
    // `router.get('name', '/path', …)`: a leading route name shifts the path.
    const named = stringValue(args[1]) !== undefined && stringValue(args[0]) !== undefined;
    const path = stringValue(named ? args[1] : args[0]);
    const handlerArgs = args.slice(named ? 2 : 1);
    const handler = path !== undefined ? lastHandler(ctx, handlerArgs, method, path) : undefined;
    if (path !== undefined && handler) ctx.addRoute(owner, [method.toUpperCase()], path, handler);
  } else if (method === 'prefix' && owner.object.kind === 'router') {
    const prefix = stringValue(args[0]);
    if (prefix !== undefined) owner.object.prefix = prefix;
  } else if (method === 'use') {
    const prefix = stringValue(args[0]);
    for (const arg of prefix !== undefined ? args.slice(1) : args) {
      const child = routerOfRoutesCall(arg);
      if (child) ctx.addMount(owner, prefix ?? '', child);
    }
  }
};

/** `child.routes()` / `child.middleware()` → 'child'. */
function routerOfRoutesCall(node: Node): string | undefined {
  if (node.type !== 'call_expression' || callArguments(node).length > 0) return undefined;
  const callee = node.childForFieldName('function');
  const object = callee?.childForFieldName('object');
  const method = callee?.childForFieldName('property')?.text;
  return callee?.type === 'member_expression' && object?.type === 'identifier' && (method === 'routes' || method === 'middleware') ? object.text : undefined;
}
