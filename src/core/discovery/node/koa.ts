// Koa with @koa/router: `new Koa()`, `new Router({ prefix })`, `router.METHOD(path, [name,] …mw, handler)`,
// `router.register(path, methods, middleware)`, `router.prefix(p)`, `parent.use([prefix,] child.routes())`, `app.use(router.routes())` and koa-mount's
// `app.use(mount('/api', routerOrApp))`.
import type { SyntaxNode as Node } from '../../lang/syntax';
import type { CallReader, ExtractContext, ObjectRecogniser, Owner } from './context';
import type { NodeRouteFacts } from './facts';
import { lastHandler, packageOf, usePrefixes } from './context';
import { NODE_ROUTE_METHODS } from '../../lang/shared/http';
import { importedValue } from './modules';
import { callArguments } from '../../lang/node/literals';
import { property } from './syntax';

const ROUTER_PACKAGES = ['@koa/router', 'koa-router'];

export const koaObject: ObjectRecogniser = (value, facts, values) => {
  // `Router()` without `new` makes one too (@koa/router and koa-router check `this`), but only when imported
  const called = value.type === 'call_expression';
  if (value.type !== 'new_expression' && !called) return undefined;
  const ctor = value.childForFieldName(called ? 'function' : 'constructor')?.text ?? '';
  const pkg = packageOf(ctor, facts);
  if (!called && (pkg === 'koa' || (!pkg && ctor === 'Koa'))) return { framework: 'koa', kind: 'app', prefix: '' };
  if (ROUTER_PACKAGES.includes(pkg) || (!called && !pkg && ctor === 'Router')) {
    const options = value.childForFieldName('arguments')?.namedChildren.find((a) => a?.type === 'object') ?? undefined;
    const prefix = property(options, 'prefix');
    return { framework: 'koa', kind: 'router', prefix: prefix ? values.pathText(prefix) : '' };
  }
  return undefined;
};

export const readKoaCall: CallReader = (ctx, owner, called, args) => {
  const method = called === 'del' ? 'delete' : called; // koa-router's alias of router.delete
  if (NODE_ROUTE_METHODS.has(method)) {
    // `router.get('name', '/path', …)`: a leading route name shifts the path.
    // Only a local string counts as the path here: an imported second argument is the handler.
    const named = typeof ctx.text(args[1]) === 'string' && ctx.text(args[0]) !== undefined;
    const handlerArgs = args.slice(named ? 2 : 1);
    // `router.get(['/a', '/b'], h)` serves each path
    const paths =
      !named && args.length >= 2 && args[0].type === 'array'
        ? args[0].namedChildren.filter((c): c is Node => !!c && c.type !== 'comment').map((c) => ctx.pathText(c))
        : [named ? ctx.text(args[1]) : args.length >= 2 ? ctx.routePath(args[0]) : undefined];
    for (const path of paths) {
      const handler = path !== undefined ? lastHandler(ctx, handlerArgs, method, path) : undefined;
      if (path !== undefined && handler) ctx.addRoute(owner, [method.toUpperCase()], path, handler);
    }
  } else if (method === 'register' && args.length >= 3) {
    readRegister(ctx, owner, args);
  } else if (method === 'prefix' && owner.object.kind === 'router') {
    if (args[0]) owner.object.prefix = ctx.pathText(args[0]);
  } else if (method === 'use') {
    // a lone argument is the middleware, never a prefix (`api.use(users)`, users imported)
    const prefix = args.length < 2 || routerOfRoutesCall(args[0]) ? undefined : usePrefixes(ctx, args[0]);
    for (const arg of prefix ? args.slice(1) : args) {
      const child = routerOfRoutesCall(arg) ?? requiredRoutes(ctx, arg) ?? importedRoutes(ctx, arg);
      if (child) ctx.addMount(owner, prefix ? prefix.prefixes[0]! : '', child, false, undefined, prefix?.orNone);
      else readMount(ctx, owner, arg);
    }
  }
};

/** koa-router's `router.register(path, ['get', 'post'], middleware | [...middleware, handler])`. */
function readRegister(ctx: ExtractContext, owner: Owner, args: Node[]): void {
  const path = ctx.routePath(args[0]);
  const verbs =
    args[1].type === 'array' ? args[1].namedChildren.map((c) => (c ? ctx.text(c) : undefined)) : [ctx.text(args[1])];
  const last =
    args[2].type === 'array' ? args[2].namedChildren.filter((c): c is Node => !!c && c.type !== 'comment') : [args[2]];
  const methods = verbs.filter((v): v is string => typeof v === 'string').map((v) => v.toUpperCase());
  const handler =
    path !== undefined && methods.length > 0 ? lastHandler(ctx, last, methods.join(','), path) : undefined;
  if (path !== undefined && handler && methods.length === verbs.length) ctx.addRoute(owner, methods, path, handler);
}

/**
 * koa-mount: `use(mount('/api', router.routes()))`, `use(mount('/admin', adminApp))`, `use(mount(x))` (at '/').
 * The prefix is stripped before the mounted middleware runs, so it prefixes every route beneath.
 */
function readMount(ctx: ExtractContext, owner: Owner, arg: Node): void {
  if (!isKoaMount(arg, ctx.facts)) return;
  const args = callArguments(arg);
  const target = args[args.length - 1];
  if (!target) return;
  const prefix = args.length >= 2 ? ctx.pathText(args[0]) : '';
  const child = routerOfRoutesCall(target) ?? requiredRoutes(ctx, target) ?? ctx.mountTarget(target)?.name;
  if (child) ctx.addMount(owner, prefix, child);
}

/** `mount(…)` with koa-mount's default export, or (unless `imported`) a `mount` bound to nothing. */
export function isKoaMount(arg: Node, facts: NodeRouteFacts, imported = false): boolean {
  const callee = arg.type === 'call_expression' ? arg.childForFieldName('function') : undefined;
  const bound = callee ? importedValue(callee, facts) : undefined;
  return bound
    ? bound.spec === 'koa-mount' && (bound.imported === 'default' || bound.imported === '*')
    : !imported && callee?.type === 'identifier' && callee.text === 'mount';
}

/** `require('./status').routes()`: the router another module exports, mounted in place. */
function requiredRoutes(ctx: ExtractContext, node: Node): string | undefined {
  if (node.type !== 'call_expression' || callArguments(node).length > 0) return undefined;
  const callee = node.childForFieldName('function');
  const method = callee?.childForFieldName('property')?.text;
  const object = callee?.type === 'member_expression' ? callee.childForFieldName('object') : undefined;
  return object && (method === 'routes' || method === 'middleware') ? ctx.mountTarget(object)?.name : undefined;
}

/**
 * `api.use(users)` with `const users = require('./users-router')`: what that module exports (koa-router apps export
 * `router.routes()`), mounted in place. Middleware imported from a package mounts nothing: it holds no routes.
 */
function importedRoutes(ctx: ExtractContext, node: Node): string | undefined {
  return node.type === 'identifier' && ctx.facts.imports[node.text] ? ctx.mountTarget(node)?.name : undefined;
}

/** `child.routes()` / `child.middleware()` → 'child'. */
export function routerOfRoutesCall(node: Node): string | undefined {
  if (node.type !== 'call_expression' || callArguments(node).length > 0) return undefined;
  const callee = node.childForFieldName('function');
  const object = callee?.childForFieldName('object');
  const method = callee?.childForFieldName('property')?.text;
  return callee?.type === 'member_expression' &&
    object?.type === 'identifier' &&
    (method === 'routes' || method === 'middleware')
    ? object.text
    : undefined;
}
