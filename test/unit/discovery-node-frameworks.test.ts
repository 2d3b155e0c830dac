// Node route discovery per framework over in-memory sources: the syntax forms each framework
// documents, ESM/TS imports across files, and what is deliberately not a route.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { discoverNode, summary } from './discovery-node-helpers';

test('Fastify: ESM default-exported plugin in an index file, named import, nested register accumulates prefixes', async () => {
  const routes = await discoverNode({
    'src/server.ts': [
      "import Fastify from 'fastify';",
      "import routes from './routes';",
      "import { health } from './health';",
      'const server = Fastify({ logger: true });',
      "server.register(routes, { prefix: '/api' });",
      'server.register(health);',
    ].join('\n'),
    'src/routes/index.ts': [
      "import items from './items.js';",
      'export default async function routes(app: any) {',
      "  app.register(items, { prefix: '/items' });",
      '}',
    ].join('\n'),
    'src/routes/items.ts': [
      'const items = async (f: any) => {',
      "  f.get('/:id', async (req: any) => req.params);",
      "  f.route({ method: ['PUT', 'patch'], url: '/:id', handler: update });",
      '};',
      'function update() { return 1; }',
      'export default items;',
    ].join('\n'),
    'src/health.ts': ["export const health = async (app: any) => { app.head('/ping', async () => ''); };"].join('\n'),
  });
  assert.deepEqual(summary(routes), [
    'fastify GET /api/items/:id GET /:id src/routes/items.ts:2 async',
    'fastify HEAD /ping HEAD /ping src/health.ts:1 async',
    'fastify PUT,PATCH /api/items/:id update src/routes/items.ts:5',
  ]);
  assert.deepEqual(routes.find((r) => r.handler === 'update')?.routers, [
    'src/server.ts:server',
    'src/routes/index.ts:routes',
    'src/routes/items.ts:items',
  ]);
});

test('Fastify: fastify-plugin wrapped plugins ignore the register prefix; unregistered plugin-like functions are not routes', async () => {
  const routes = await discoverNode({
    'app.js': [
      "const fastify = require('fastify')();",
      "const fp = require('fastify-plugin');",
      "fastify.register(require('./shared'), { prefix: '/ignored' });",
      "fastify.register(fp(async (i) => { i.get('/inline', async () => 1); }), { prefix: '/also-ignored' });",
      "function setup(cache) { cache.get('/not-a-route', () => {}); }",
    ].join('\n'),
    'shared.js': [
      "const fp = require('fastify-plugin');",
      "module.exports = fp(async function shared(app) { app.get('/shared', async () => 'x'); });",
    ].join('\n'),
  });
  assert.deepEqual(summary(routes), [
    'fastify GET /inline GET /inline app.js:4 async',
    'fastify GET /shared GET /shared shared.js:2 async',
  ]);
});

test('Koa: route names, middleware before the handler, all(), prefix() after routes, ESM import of a named router', async () => {
  const routes = await discoverNode({
    'server.mjs': [
      "import Koa from 'koa';",
      "import Router from '@koa/router';",
      "import { v1 } from './v1.mjs';",
      'const app = new Koa();',
      "const api = new Router({ prefix: '/api' });",
      "api.use('/v1', v1.routes());",
      'app.use(api.routes());',
    ].join('\n'),
    'v1.mjs': [
      "import Router from '@koa/router';",
      'export const v1 = new Router();',
      "v1.get('user', '/users/:id', auth, async function showUser(ctx) {});",
      "v1.all('/any', (ctx) => {});",
      "v1.prefix('/x');",
      'async function auth(ctx, next) { await next(); }',
    ].join('\n'),
  });
  assert.deepEqual(summary(routes), [
    'koa ALL /api/v1/x/any ALL /any v1.mjs:4',
    'koa GET /api/v1/x/users/:id showUser v1.mjs:3 async',
  ]);
});

test('Koa: handlers that are methods of a controller object some module exports, or of a local object', async () => {
  const routes = await discoverNode({
    'app.js': [
      "const Koa = require('koa');",
      "const Router = require('@koa/router');",
      "const tags = require('./tags-controller');",
      "const ctrl = require('./controllers').users;",
      'const local = makeController();',
      'const app = new Koa();',
      'const router = new Router();',
      "router.get('/tags', tags.get);",
      "router.get('/user', ctrl.get);",
      "router.del('/local', local.remove);",
      'app.use(router.routes());',
    ].join('\n'),
    'tags-controller.js': 'module.exports = {\n  async get(ctx) {\n    ctx.body = [];\n  },\n};',
    'controllers.js': "const users = require('./users-controller');\nmodule.exports = { users };",
    'users-controller.js': 'module.exports = { async get(ctx) {} };',
  });
  // what discovery cannot follow is still served: kept at the line that names the handler
  assert.deepEqual(summary(routes), [
    'koa DELETE /local DELETE /local app.js:10',
    'koa GET /tags get tags-controller.js:2 async',
    'koa GET /user GET /user app.js:9',
  ]);
});

test('Hono: on() with method and path lists, basePath views, sub-app exported as default from a TS module', async () => {
  const routes = await discoverNode({
    'src/index.ts': [
      "import { Hono } from 'hono';",
      "import books from './books';",
      'const app = new Hono();',
      "const api = app.basePath('/api');",
      "api.route('/books', books);",
      "app.on(['GET', 'POST'], ['/a', '/b'], (c) => c.text('x'));",
      'export default app;',
    ].join('\n'),
    'src/books.ts': [
      "import { Hono } from 'hono';",
      'const books = new Hono().basePath("/v1");',
      "books.get('/:id', async (c) => c.json({}));",
      'export default books;',
    ].join('\n'),
  });
  assert.deepEqual(summary(routes), [
    'hono GET /api/books/v1/:id GET /:id src/books.ts:3 async',
    'hono GET,POST /a GET,POST /a src/index.ts:6',
    'hono GET,POST /b GET,POST /b src/index.ts:6',
  ]);
});

test('NestJS: controller prefix as string or { path }, method paths joined with the global prefix as Nest does', async () => {
  const routes = await discoverNode({
    'src/main.ts': "async function main() { const app = await NestFactory.create(M); app.setGlobalPrefix('/v1/'); }",
    'src/orders.controller.tsx': [
      "@Controller({ path: 'orders' })",
      'export class OrdersController {',
      '  @Get()',
      '  async list() { return []; }',
      "  @Post('bulk/')",
      '  @HttpCode(201)',
      '  create() { return 1; }',
      "  @Get(':id')",
      '  one() {}',
      '  plain() {}',
      '}',
      'class NotAController { @Get() x() {} }',
    ].join('\n'),
    'src/root.controller.ts': '@Controller() export class RootController { @Get() index() {} }',
  });
  assert.deepEqual(summary(routes), [
    'nestjs GET /v1 RootController.index src/root.controller.ts:1',
    'nestjs GET /v1/orders OrdersController.list src/orders.controller.tsx:4 async',
    'nestjs GET /v1/orders/:id OrdersController.one src/orders.controller.tsx:9',
    'nestjs POST /v1/orders/bulk OrdersController.create src/orders.controller.tsx:7',
  ]);
  const one = routes.find((r) => r.handler === 'OrdersController.one');
  assert.deepEqual(one?.range, { file: 'src/orders.controller.tsx', line: 9, column: 3, endLine: 9, endColumn: 11 });
});

test('computed paths are kept marked unresolved; unknown receivers give no route rather than a wrong one', async () => {
  const routes = await discoverNode({
    'app.js': [
      "const { Hono } = require('hono');",
      'const app = new Hono();',
      'app.get(PATH, (c) => c.text("x"));',
      "other.get('/x', (c) => c.text('y'));",
      "app.get('/ok', (c) => c.text('z'));",
    ].join('\n'),
  });
  assert.deepEqual(summary(routes), ['hono GET /ok GET /ok app.js:5', 'hono GET /{PATH?} GET {PATH?} app.js:3']);
});

test('handlers imported from other modules point at their definition: controller objects, named and namespace imports', async () => {
  const routes = await discoverNode({
    'app.js': [
      "const express = require('express');",
      "const users = require('./controllers/users');",
      "const { health } = require('./controllers/health');",
      'const app = express();',
      "app.get('/users', users.list);",
      "app.get('/health', health);",
      "app.use(require('./routes/items'));",
      "app.get('/missing', users.nothing);",
    ].join('\n'),
    'controllers/users.js': ['exports.list = async (req, res) => {', '  res.json([]);', '};'].join('\n'),
    'controllers/health.js': 'function health(req, res) { res.send("ok"); }\nmodule.exports = { health };',
    'routes/items.ts': [
      "import { Router } from 'express';",
      "import * as items from '../controllers/items';",
      'const router = Router();',
      "router.delete('/items/:id', items.remove);",
      'export default router;',
    ].join('\n'),
    'controllers/items.ts': "export { remove } from './items-impl';",
    'controllers/items-impl.ts': 'export async function remove(req: unknown, res: unknown) {}',
  });
  assert.deepEqual(summary(routes), [
    'express DELETE /items/:id remove controllers/items-impl.ts:1 async',
    'express GET /health health controllers/health.js:1',
    // no `nothing` discovery can read in users.js (a form it does not follow, or a bug): kept where it is named
    'express GET /missing GET /missing app.js:8',
    'express GET /users list controllers/users.js:1 async',
  ]);
  assert.deepEqual(routes.find((r) => r.handler === 'remove')?.routers, ['app.js:app', 'routes/items.ts:router']);
});

test('Fastify: anonymous default-exported plugin registered through import(), routers re-exported from an index', async () => {
  const routes = await discoverNode({
    'server.mjs': [
      "import Fastify from 'fastify';",
      'const app = Fastify();',
      "app.register(import('./plugins/index.mjs'), { prefix: '/p' });",
    ].join('\n'),
    'plugins/index.mjs': "export { default } from './stats.mjs';",
    'plugins/stats.mjs':
      "export default async function (app, opts) {\n  app.get('/stats', { handler: async () => ({}) });\n}",
  });
  assert.deepEqual(summary(routes), ['fastify GET /p/stats GET /stats plugins/stats.mjs:2 async']);
});

test('routes(app) modules take the framework of the app they are handed; unused ones declare nothing', async () => {
  const routes = await discoverNode({
    'index.ts': [
      "import { Hono } from 'hono';",
      "import registerRoutes from './routes';",
      'const app = new Hono();',
      'registerRoutes(app);',
    ].join('\n'),
    'routes.ts': [
      'export default function registerRoutes(app: any) {',
      "  app.get('/hello', async (c: any) => c.text('hi'));",
      '}',
      "export function unused(app: any) { app.get('/never', () => 1); }",
    ].join('\n'),
  });
  assert.deepEqual(summary(routes), ['hono GET /hello GET /hello routes.ts:2 async']);
});

test('half-typed files do not throw and keep the routes that still parse', async () => {
  const routes = await discoverNode({
    'app.js': [
      "const fastify = require('fastify')();",
      "fastify.get('/ok', async () => 1);",
      "fastify.route({ method: , url: '/broken', handler(",
      'module.exports = { a: , b }',
      '@Controller(',
      "fastify.register(async (f) => { f.post('/later', async () => 2); }, { prefix: '/x' });",
    ].join('\n'),
  });
  assert.ok(summary(routes).includes('fastify GET /ok GET /ok app.js:2 async'));
});

test('@hono/zod-openapi: app.openapi(createRoute({ method, path }), handler) in register functions; apps from local factories', async () => {
  const routes = await discoverNode({
    'src/index.ts': [
      "import { Hono } from 'hono';",
      "import { api } from './v1';",
      "import { slackRoute } from './slack';",
      'const app = new Hono();',
      "app.route('/v1', api);",
      "app.route('/slack', slackRoute);",
    ].join('\n'),
    'src/v1/index.ts': [
      "import { OpenAPIHono } from '@hono/zod-openapi';",
      "import { registerGetMonitor } from './get';",
      'export const api = new OpenAPIHono();',
      'const monitorsApi = new OpenAPIHono();',
      'registerGetMonitor(monitorsApi);',
      "api.route('/monitor', monitorsApi);",
    ].join('\n'),
    'src/v1/get.ts': [
      "import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';",
      "const getRoute = createRoute({ method: 'get', path: '/{id}', responses: {} });",
      'export function registerGetMonitor(api: OpenAPIHono) {',
      '  return api.openapi(getRoute, async (c) => c.json({}));',
      '}',
    ].join('\n'),
    'src/slack.ts': [
      "import { Hono } from 'hono';",
      'export function createSlackRoute() {',
      '  const slack = new Hono();',
      "  slack.post('/events', async (c) => c.text('ok'));",
      '  return slack;',
      '}',
      'export const slackRoute = createSlackRoute();',
    ].join('\n'),
  });
  assert.deepEqual(summary(routes), [
    'hono GET /v1/monitor/:id GET /:id src/v1/get.ts:4 async',
    'hono POST /slack/events POST /events src/slack.ts:4 async',
  ]);
});

test('koa-router: an array of paths serves each (as @koa/router does)', async () => {
  const routes = await discoverNode({
    'app.js': [
      "const Router = require('@koa/router');",
      "const router = new Router({ prefix: '/p' });",
      "router.get(['/a', '/b'], (ctx) => {});",
      "const Koa = require('koa');",
      'const app = new Koa();',
      'app.use(router.routes());',
    ].join('\n'),
  });
  assert.deepEqual(summary(routes), ['koa GET /p/a GET /a app.js:3', 'koa GET /p/b GET /b app.js:3']);
});

test('koa-mount: routers and Koa apps mounted under a prefix (ESM import, any local name), mount(x) at the root', async () => {
  const routes = await discoverNode({
    'src/app.ts': [
      "import Koa from 'koa';",
      "import mountAt from 'koa-mount';",
      "import { items } from './items';",
      "import admin from './admin';",
      'const app = new Koa();',
      "app.use(mountAt('/api', items.routes()));",
      "app.use(mountAt(`/${'admin'}`, admin));",
      'app.use(mountAt(items.routes()));',
    ].join('\n'),
    'src/items.ts': [
      "import Router from '@koa/router';",
      'export const items = new Router();',
      "items.get('/items', async (ctx) => {});",
    ].join('\n'),
    'src/admin.ts': [
      "import Koa from 'koa';",
      "import Router from '@koa/router';",
      'const admin = new Koa();',
      'const r = new Router();',
      "r.get('/users', async (ctx) => {});",
      'admin.use(r.routes());',
      'export default admin;',
    ].join('\n'),
  });
  assert.deepEqual(summary(routes), [
    'koa GET /admin/users GET /users src/admin.ts:5 async',
    'koa GET /api/items GET /items src/items.ts:3 async',
    'koa GET /items GET /items src/items.ts:3 async',
  ]);
});

test('socket.io: connection and event handlers as EVENT rows apart from HTTP routes; namespaces; unknown event names marked', async () => {
  const routes = await discoverNode({
    'src/io.ts': [
      "import { Server as IO } from 'socket.io';",
      "import { onJoin } from './handlers';",
      'export const io = new IO();',
      "io.of(`/${'ops'}`).on('connect', (s) => {",
      '  s.on(EVENTS.restart, () => {});',
      '});',
      "io.on('connection', (socket) => {",
      "  socket.on('join', onJoin);",
      '});',
    ].join('\n'),
    'src/handlers.ts': 'export async function onJoin(room: string) {}',
    'legacy.js': [
      "const io = require('socket.io')(3001);",
      "io.on('connection', (s) => s.on('ping', () => {}));",
      "const emitter = new (require('events'))();",
      "emitter.on('connection', (x) => x.on('nope', () => {}));",
    ].join('\n'),
  });
  const rows = routes.map(
    (r) =>
      `${r.kind} ${r.framework} ${r.methods.join()} ${r.namespace ?? '/'} ${r.path} ${r.handler} ${r.file}:${r.line}${r.unresolved ? ' ?' : ''}`,
  );
  assert.deepEqual(rows.sort(), [
    'event socket.io EVENT / connection connection handler legacy.js:2',
    'event socket.io EVENT / connection connection handler src/io.ts:7',
    'event socket.io EVENT / join onJoin src/handlers.ts:1',
    'event socket.io EVENT / ping ping handler legacy.js:2',
    'event socket.io EVENT /ops connect connect handler src/io.ts:4',
    'event socket.io EVENT /ops {EVENTS.restart?} event handler src/io.ts:5 ?',
  ]);
});

test("socket.io's documented layout: handler modules handed `(io, socket)` or `(socket)`; Express's app.on('mount') is no event", async () => {
  const routes = await discoverNode({
    'index.js': [
      "const { Server } = require('socket.io');",
      "const registerOrderHandlers = require('./orderHandler');",
      "const registerUserHandlers = require('./userHandler');",
      "const express = require('express');",
      "const setup = require('./setup');",
      'const io = new Server();',
      'const app = express();',
      'setup(app);',
      'const onConnection = (socket) => {',
      '  registerOrderHandlers(io, socket);',
      '  registerUserHandlers(socket);',
      '};',
      "io.on('connection', onConnection);",
    ].join('\n'),
    'orderHandler.js': [
      'module.exports = (io, socket) => {',
      '  const createOrder = (payload) => {};',
      "  socket.on('order:create', createOrder);",
      '};',
    ].join('\n'),
    'userHandler.js': "module.exports = function (socket) {\n  socket.on('user:update', async (u) => {});\n};",
    'setup.js':
      "module.exports = function setup(app) {\n  app.on('mount', () => {});\n  app.get('/x', (req, res) => {});\n};",
  });
  assert.deepEqual(summary(routes), [
    'express GET /x GET /x setup.js:3',
    'socket.io EVENT connection onConnection index.js:9',
    'socket.io EVENT order:create createOrder orderHandler.js:2',
    'socket.io EVENT user:update user:update handler userHandler.js:2 async',
  ]);
});

test('an Express or Koa router mounted nowhere discovery can follow is shown under an unknown {unknown prefix?}, not at the root', async () => {
  const routes = await discoverNode({
    'plugins/github.js': [
      "const Router = require('koa-router');",
      'const router = new Router();',
      "router.post('github.webhooks', (ctx) => {});",
      'module.exports = router;',
    ].join('\n'),
    'plugins/slack.js': [
      "const express = require('express');",
      'const router = express.Router();',
      "router.post('/hooks.slack', (req, res) => res.end());",
      'module.exports = router;',
    ].join('\n'),
    // loaded by a plugin manager at run time: nothing in the workspace mounts them
    'server/api.js': [
      "const Koa = require('koa');",
      "const Router = require('koa-router');",
      'const api = new Koa();',
      'const router = new Router();',
      'for (const hook of plugins.hooks()) router.use(hook.routes());',
      "router.post('/documents.list', (ctx) => {});",
      'api.use(router.routes());',
    ].join('\n'),
  });
  assert.deepEqual(summary(routes), [
    'express POST {unknown prefix?}/hooks.slack POST /hooks.slack plugins/slack.js:3',
    'koa POST /documents.list POST /documents.list server/api.js:6',
    'koa POST {unknown prefix?}/github.webhooks POST github.webhooks plugins/github.js:3',
  ]);
  for (const r of routes.filter((x) => x.path.startsWith('{unknown prefix?}'))) {
    assert.equal(r.unresolved, true);
    assert.match(r.unresolvedReason ?? '', /included nowhere discovery can follow/);
  }
});

test("koa-router's register(path, methods, mw) on a router handed to a function is read as the router's", async () => {
  const routes = await discoverNode({
    'app.js': [
      "const Koa = require('koa');",
      "const Router = require('koa-router');",
      "const { addCallbacks } = require('./callbacks');",
      'const app = new Koa();',
      'const router = new Router();',
      'addCallbacks(router);',
      'app.use(router.routes());',
    ].join('\n'),
    'callbacks.js': [
      'function addCallbacks(router) {',
      "  router.register('oidc.callback', ['get', 'post'], [async (ctx, next) => next(), async (ctx) => {}]);",
      '}',
      'module.exports = { addCallbacks };',
    ].join('\n'),
  });
  assert.deepEqual(summary(routes), ['koa GET,POST /oidc.callback GET,POST oidc.callback callbacks.js:2 async']);
});

test("a Koa app made by the first parameter's default (`init(app: Koa = new Koa())`, TypeScript) mounts what it mounts", async () => {
  const routes = await discoverNode({
    'services/web.ts': [
      "import Koa from 'koa';",
      "import mount from 'koa-mount';",
      "import api from '../routes/api';",
      'export default function init(app: Koa = new Koa(), server?: unknown) {',
      "  app.use(mount('/api', api));",
      '  return app;',
      '}',
    ].join('\n'),
    'routes/api.ts': [
      "import Koa from 'koa';",
      "import Router from 'koa-router';",
      'const api = new Koa();',
      'const router = new Router();',
      "router.post('documents.list', async (ctx) => {});",
      'api.use(router.routes());',
      'export default api;',
    ].join('\n'),
  });
  assert.deepEqual(summary(routes), ['koa POST /api/documents.list POST documents.list routes/api.ts:5 async']);
});

test('an app made in place at the start of a chain serves what the chain registers and mounts', async () => {
  const routes = await discoverNode({
    'koa.js': [
      "const Koa = require('koa');",
      "const Router = require('@koa/router');",
      "const router = new Router({ prefix: '/k' });",
      "router.get('/items', (ctx) => {});",
      'new Koa().use(router.routes()).listen(3000);',
    ].join('\n'),
    'express.js': [
      "const express = require('express');",
      "express().get('/health', (req, res) => res.end()).listen(3001);",
    ].join('\n'),
  });
  assert.deepEqual(summary(routes), [
    'express GET /health GET /health express.js:2',
    'koa GET /k/items GET /items koa.js:4',
  ]);
});

test('a handler exported as a wrapper call (`const list = catchAsync(async (req, res) => …)`) is the wrapped function', async () => {
  const routes = await discoverNode({
    'app.js': [
      "const express = require('express');",
      "const users = require('./controllers/users');",
      'const app = express();',
      "app.get('/users', users.list);",
      "app.get('/users/:id', users.one);",
    ].join('\n'),
    'controllers/users.js': [
      'const catchAsync = (fn) => (req, res, next) => fn(req, res, next).catch(next);',
      'const list = catchAsync(async (req, res) => {',
      '  res.json([]);',
      '});',
      'const one = wrap(auth(function (req, res) { res.json({}); }));',
      'module.exports = { list, one };',
    ].join('\n'),
  });
  assert.deepEqual(summary(routes), [
    'express GET /users list controllers/users.js:2 async',
    'express GET /users/:id one controllers/users.js:5',
  ]);
});

test('a loop over a parameter named like a module constant array is not read with the constant', async () => {
  const routes = await discoverNode({
    'app.js': [
      "const express = require('express');",
      "const a = require('./a');",
      'const app = express();',
      "const routes = [{ path: '/wrong', route: a }];",
      'function mount(target, routes) {',
      '  for (const r of routes) target.use(r.path, r.route);',
      '}',
      "mount(app, [{ path: '/right', route: a }]);",
      'module.exports = app;',
    ].join('\n'),
    'a.js': [
      "const router = require('express').Router();",
      "router.get('/x', (req, res) => res.send('x'));",
      'module.exports = router;',
    ].join('\n'),
  });
  // Express serves /right/x; discovery cannot evaluate the argument, so it says so rather than guess /wrong/x
  assert.deepEqual(
    routes.map((r) => [r.path, r.unresolved]),
    [['{unknown prefix?}/x', true]],
  );
});
