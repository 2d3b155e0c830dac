// Express: `express()` apps, `express.Router()` routers, `X.METHOD(path, …handlers)`,
// `X.route(path).METHOD(h)` chains, `X.use([prefix,] router | require('./r'))` mounts.
import type { CallReader, ObjectRecogniser } from './context';
import { lastHandler, usePrefixes } from './context';
import { NODE_ROUTE_METHODS } from '../../lang/shared/http';
import { importedValue } from './modules';

/**
 * `express()` makes an app and `express.Router()` / `Router()` (also with `new`) a router, recognised
 * through the module binding whatever the local names: `require('express')()`, `require('express').Router()`,
 * `e.Router()` with `e = require('express')`, `ex.Router()` with `import * as ex`, `R()` with `{ Router as R }`.
 * Names bound to nothing (no import in the file) keep their conventional meaning, except `new Router()` (Koa's).
 */
export const expressObject: ObjectRecogniser = (value, facts) => {
  if (value.type !== 'call_expression' && value.type !== 'new_expression') return undefined;
  const callee = value.childForFieldName(value.type === 'call_expression' ? 'function' : 'constructor');
  if (!callee) return undefined;
  const bound = importedValue(callee, facts);
  let made: string | undefined;
  if (bound)
    made =
      bound.spec !== 'express'
        ? undefined
        : bound.imported === 'default' || bound.imported === '*'
          ? 'express'
          : bound.imported;
  else if (value.type === 'new_expression')
    return undefined; // an unbound `new Router()` is @koa/router's
  else if (callee.type === 'identifier') made = callee.text;
  else if (
    callee.type === 'member_expression' &&
    callee.childForFieldName('object')?.text === 'express' &&
    !facts.imports.express
  )
    made = callee.childForFieldName('property')?.text;
  if (made === 'express' && value.type === 'call_expression') return { framework: 'express', kind: 'app', prefix: '' };
  if (made === 'Router') return { framework: 'express', kind: 'router', prefix: '' };
  return undefined;
};

export const readExpressCall: CallReader = (ctx, owner, method, args) => {
  if (NODE_ROUTE_METHODS.has(method)) {
    const path = owner.path ?? (args.length >= 2 ? ctx.routePath(args[0]) : undefined);
    const handlerArgs = owner.path !== undefined ? args : args.slice(1);
    const handler = path !== undefined ? lastHandler(ctx, handlerArgs, method, path) : undefined;
    if (path !== undefined && handler) ctx.addRoute(owner, [method.toUpperCase()], path, handler);
  } else if (method === 'use' && owner.path === undefined && args.length > 0) {
    // `use(prefix | [prefixes], …mw, router)` or `use(…mw, router)`: the router is last, whatever comes between
    // (`app.use('/api', auth, api.router)`); targets that are not routers (middleware) resolve to nothing when linked.
    const prefix = args.length >= 2 ? usePrefixes(ctx, args[0]) : undefined;
    const last = args[args.length - 1];
    const target = ['identifier', 'call_expression', 'member_expression'].includes(last.type)
      ? ctx.mountTarget(last)
      : undefined;
    if (target)
      for (const p of prefix?.prefixes ?? ['']) ctx.addMount(owner, p, target.name, false, undefined, prefix?.orNone);
  }
};
