// Node discovery where a mount, a prefix or a receiver is written in ways a first reading missed: each case from a
// public project whose routes were shown at URLs the server does not serve (or taken from code that serves none).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { discoverNode, summary } from './discovery-node-helpers';

const paths = async (files: Record<string, string>) =>
  (await discoverNode(files)).map((r) => `${r.methods.join(',')} ${r.path}`).sort();

test('a sub-app exported under another name (`export const tagsRouter = app`) is mounted where route() puts it', async () => {
  assert.deepEqual(
    await paths({
      'src/tags.ts': [
        "import { Hono } from 'hono';",
        'const app = new Hono();',
        "app.get('/', (c) => c.json([]));",
        'export const tagsRouter = app;',
        "tagsRouter.delete('/:id', (c) => c.json({}));",
      ].join('\n'),
      'src/index.ts': [
        "import { Hono } from 'hono';",
        "import { tagsRouter } from './tags';",
        'const app = new Hono();',
        "app.route('/tags', tagsRouter);",
        'export default app;',
      ].join('\n'),
    }),
    ['DELETE /tags/:id', 'GET /tags'],
  );
});

test('an app a local factory makes in place (`return new Hono()`) is a new one at each call, declared below or above', async () => {
  assert.deepEqual(
    await paths({
      'src/index.ts': [
        "import { Hono } from 'hono';",
        'const app = createRouter();',
        'const tasks = createRouter();',
        "tasks.get('/', (c) => c.json([]));",
        "app.route('/tasks', tasks);",
        "app.get('/health', (c) => c.text('ok'));",
        'function createRouter() {',
        '  return new Hono();',
        '}',
        'export default app;',
      ].join('\n'),
    }),
    ['GET /health', 'GET /tasks'],
  );
});

test('a prefix held by a const declared in the function around the call is read', async () => {
  assert.deepEqual(
    await paths({
      'app.js': [
        "const express = require('express');",
        'const app = express();',
        'const router = express.Router();',
        "router.get('/x', (req, res) => res.send('ok'));",
        'function mount() {',
        "  const prefix = '/api';",
        '  app.use(prefix, router);',
        '}',
        'mount();',
      ].join('\n'),
      'main.ts': [
        "import { NestFactory } from '@nestjs/core';",
        'async function bootstrap() {',
        '  const app = await NestFactory.create(AppModule);',
        "  const globalPrefix = 'v2';",
        '  app.setGlobalPrefix(globalPrefix);',
        '}',
      ].join('\n'),
      'user.controller.ts': "@Controller('user') export class UserController { @Get('me') me() {} }",
    }),
    ['GET /api/x', 'GET /v2/user/me'],
  );
});

test("calls on a function's parameter are routes only where they could be: a path from '/', HTTP methods for on()", async () => {
  assert.deepEqual(
    await paths({
      'app.js': "const app = require('express')();\napp.get('/health', (req, res) => res.send('ok'));",
      // a Redis client and jQuery, handed in as parameters
      'cache.js': [
        'module.exports = function loadUser(client, id, done) {',
        "  client.get('user:' + id, (err, v) => done(err, v));",
        "  client.get('session', (err, v) => done(err, v));",
        '};',
      ].join('\n'),
      'public/widget.js': [
        "define('widget', ['components'], function (components, api, alerts) {",
        "  components.get('topic').on('mouseenter', '[data-pid]', function () {});",
        '});',
      ].join('\n'),
      'public/members.js': [
        "define('members', ['api', 'alerts'], function (api, alerts, helpers) {",
        "  api.get('/api/users', { query: 'a' }, function (err, result) {});",
        '});',
      ].join('\n'),
      // an AMD module's dependencies, calling the server from the browser
      'public/client.js': [
        "require(['api', 'alerts', 'hooks'], function (api, alerts, hooks) {",
        "  api.get('/groups', {}, function (err, result) {});",
        "  api.post('/api/v3/topics', data, function (err) { alerts.error(err); });",
        '});',
      ].join('\n'),
      // AngularJS's inline array annotation: the function's parameters are services the injector fills
      'static/audit.js': [
        "myApp.controller('auditController', ['AuditFactory', '$scope', '$http', function (AuditFactory, $scope, $http) {",
        '  AuditFactory.get($scope.params, function (data) { $scope.audit = data; });',
        "  $http.post('/audit/export', $scope.params, function (data) {});",
        '}]);',
      ].join('\n'),
      'routes/extra.js':
        "module.exports = function (app, mw, done) { app.get('/extra', (req, res) => res.send('x')); };",
    }),
    ['GET /extra', 'GET /health'],
  );
});

test('Hono apps another module imports but mounts out of sight are not shown at / beside the main app', async () => {
  // Hono: the pairs of a loop discovery does not read
  assert.deepEqual(
    await paths({
      'index.ts': [
        "import { Hono } from 'hono';",
        "import tags from './tags';",
        "import users from './users';",
        'const app = new Hono();',
        "const routes = [['/tags', tags], ['/users', users]] as const;",
        'for (const [prefix, sub] of routes) app.route(prefix, sub);',
        "app.get('/health', (c) => c.text('ok'));",
        'export default app;',
      ].join('\n'),
      'tags.ts':
        "import { Hono } from 'hono';\nconst tags = new Hono();\ntags.get('/', (c) => c.json([]));\nexport default tags;",
      'users.ts':
        "import { Hono } from 'hono';\nconst users = new Hono();\nusers.get('/:id', (c) => c.json({}));\nexport default users;",
    }),
    ['GET /health', 'GET {unknown prefix?}', 'GET {unknown prefix?}/:id'],
  );
});

test("an app another module's function returns is mounted where the call is (`mount('/x', initApi())`)", async () => {
  assert.deepEqual(
    await paths({
      'init.ts': [
        "import Koa from 'koa';",
        "import Router from 'koa-router';",
        'export function initWellKnown(): Koa {',
        '  const wellKnown = new Koa();',
        '  const router = new Router();',
        "  router.get('/webauthn', async (ctx) => {});",
        '  wellKnown.use(router.routes());',
        '  return wellKnown;',
        '}',
      ].join('\n'),
      'server.ts': [
        "import Koa from 'koa';",
        "import mount from 'koa-mount';",
        "import { initWellKnown } from './init';",
        'const app = new Koa();',
        "app.use(mount('/.well-known', initWellKnown()));",
        'app.listen(3000);',
      ].join('\n'),
    }),
    ['GET /.well-known/webauthn'],
  );
});

test('a routes function handed an object discovery does not know serves under an unknown prefix', async () => {
  assert.deepEqual(
    await paths({
      'app.ts': "import Koa from 'koa';\nconst app = new Koa();\napp.listen(3000);",
      'organizations.ts': [
        "import userRoutes from './users';",
        "const router = new SchemaRouter(Organizations, { prefix: '/organizations' });",
        'userRoutes(router);',
      ].join('\n'),
      'users.ts':
        "export default function userRoutes(router, organizations, tenant) { router.get('/:id/users', async (ctx) => {}); }",
    }),
    ['GET {unknown prefix?}/:id/users'],
  );
});

test('objects of one name declared in two functions of a module are served at a prefix not known', async () => {
  assert.deepEqual(
    await paths({
      'init.ts': [
        "import Koa from 'koa';",
        "import Router from 'koa-router';",
        'export function initApis(): Koa {',
        '  const apis = new Koa();',
        '  const anonymous = new Router();',
        "  anonymous.get('/status', async (ctx) => {});",
        '  apis.use(anonymous.routes());',
        '  return apis;',
        '}',
        'export function initWellKnown(): Koa {',
        '  const wellKnown = new Koa();',
        '  const anonymous = new Router();',
        "  anonymous.get('/webauthn', async (ctx) => {});",
        '  wellKnown.use(anonymous.routes());',
        '  return wellKnown;',
        '}',
      ].join('\n'),
      'server.ts': [
        "import Koa from 'koa';",
        "import mount from 'koa-mount';",
        "import { initApis, initWellKnown } from './init';",
        'const app = new Koa();',
        "app.use(mount('/.well-known', initWellKnown()));",
        "app.use(mount('/api', initApis()));",
        'app.listen(3000);',
      ].join('\n'),
    }),
    // both `anonymous` routers are one object to discovery: `/api/webauthn` would be wrong
    ['GET {unknown prefix?}/status', 'GET {unknown prefix?}/webauthn'],
  );
});

test('a prefix held by configuration known only at run time is marked, never dropped; register options by name', async () => {
  assert.deepEqual(
    await paths({
      'config.js': "module.exports = { prefix: process.env.P || '/api', apiPrefix: process.env.API_PREFIX };",
      'app.js': [
        "const express = require('express');",
        "const config = require('./config');",
        'const app = express();',
        'const router = express.Router();',
        "router.get('/x', (req, res) => res.send('ok'));",
        'app.use(config.prefix, router);',
      ].join('\n'),
    }),
    ["GET /{process.env.P || '/api'?}/x"],
  );
  assert.deepEqual(
    await paths({
      'app.js': [
        "const fastify = require('fastify')();",
        "const users = require('./users');",
        "const opts = { prefix: '/v2' };",
        'fastify.register(users, opts);',
      ].join('\n'),
      'users.js': "module.exports = async function (fastify) { fastify.get('/users', async () => []); };",
    }),
    ['GET /v2/users'],
  );
});

test('a koa-router made without `new` (`Router()`, as @koa/router allows) is a router', async () => {
  assert.deepEqual(
    await paths({
      'app.js': [
        "const Koa = require('koa');",
        "const Router = require('@koa/router');",
        'const router = Router();',
        'const app = new Koa();',
        "router.get('/', async (ctx) => {}).get('/post/:id', async (ctx) => {});",
        'app.use(router.routes());',
      ].join('\n'),
    }),
    ['GET /', 'GET /post/:id'],
  );
});

test("a helper registering routes from its parameters is read once per call site, with that site's arguments", async () => {
  assert.deepEqual(
    await paths({
      'app.js': [
        "const express = require('express');",
        'const app = express();',
        'function login(req, res) {}',
        'function page(name, controller) {',
        '  app.get(name, controller);',
        "  app.get('/api' + name, controller);",
        '}',
        "page('/login', login);",
        "page('/home', (req, res) => res.send('home'));",
      ].join('\n'),
    }),
    ['GET /api/home', 'GET /api/login', 'GET /home', 'GET /login'],
  );
});

test("a helper another module exports is read once per call site, its parameters bound to that site's arguments", async () => {
  const routes = await discoverNode({
    'app.js': [
      "const express = require('express');",
      "const helpers = require('./routes/helpers');",
      "const { api } = require('./routes/helpers');",
      "const users = require('./users');",
      'const { page } = helpers;',
      'const app = express();',
      "page(app, '/login', users.login);",
      "page(app, '/home', (req, res) => res.send('home'));",
      "api(app, 'post', '/api/users', [], users.create);",
      "api(app, 'get', '/api/users/:id', users.get);",
      // not a method: no route rather than a wrong one
      "api(app, verbOf(x), '/api/x', users.get);",
    ].join('\n'),
    // `const helpers = module.exports`: its members are the exports
    'routes/helpers.js': [
      'const helpers = module.exports;',
      'helpers.tryRoute = function (controller) { return controller; };',
      'helpers.page = function (router, name, controller) {',
      '  router.get(name, controller);',
      '  router.get(`/api${name}`, helpers.tryRoute(controller));',
      '};',
      // NodeBB's form: every argument taken from `...args`, the controller last
      'helpers.api = function (...args) {',
      '  const [router, verb, name] = args;',
      '  const controller = args[args.length - 1];',
      '  router[verb](name, helpers.tryRoute(controller));',
      '};',
    ].join('\n'),
    'users.js': [
      'exports.login = async (req, res) => {};',
      'exports.create = async (req, res) => {};',
      'exports.get = async (req, res) => {};',
    ].join('\n'),
  });
  assert.deepEqual(routes.map((r) => `${r.methods.join(',')} ${r.path} ${r.handler} ${r.file}:${r.line}`).sort(), [
    'GET /api/home GET /api/home app.js:8',
    'GET /api/login login users.js:1',
    'GET /api/users/:id get users.js:3',
    'GET /home GET /home app.js:8',
    'GET /login login users.js:1',
    'POST /api/users create users.js:2',
  ]);
});

test('a router handed as a member of an object (`reload({ router })`) serves what the function registers on it', async () => {
  assert.deepEqual(
    await paths({
      'server.js': "const app = require('express')();\nrequire('./routes')(app);",
      'routes/index.js': [
        "const express = require('express');",
        "const writeRoutes = require('./write');",
        "const authRoutes = require('./auth');",
        'module.exports = async function (app) {',
        '  const router = express.Router();',
        '  await writeRoutes.reload({ router: router });',
        '  authRoutes.reloadRoutes({ router });',
        "  app.use('/forum', router);",
        '};',
      ].join('\n'),
      // destructured in the body, and a router another module's default function returns, mounted in place
      'routes/write/index.js': [
        'const Write = module.exports;',
        'Write.reload = async (params) => {',
        '  const { router } = params;',
        "  router.use('/api/v3/users', require('./users')());",
        "  router.get('/api/v3/ping', (req, res) => res.send('pong'));",
        '};',
      ].join('\n'),
      'routes/write/users.js': [
        "const router = require('express').Router();",
        'module.exports = function () {',
        "  router.get('/:uid', (req, res) => res.end());",
        '  return router;',
        '};',
      ].join('\n'),
      // destructured in the signature
      'routes/auth.js':
        "exports.reloadRoutes = async ({ router }) => { router.post('/login', (req, res) => res.end()); };",
    }),
    ['GET /forum/api/v3/ping', 'GET /forum/api/v3/users/:uid', 'POST /forum/login'],
  );
});

test('a router mounted only where no walk reaches is under an unknown prefix, not at its own paths', async () => {
  assert.deepEqual(
    await paths({
      'app.js': [
        "const app = require('express')();",
        "const wire = require('./wire');",
        'const registry = { wire };',
        // called through a local object: not followed
        'registry.wire(app, {});',
      ].join('\n'),
      'wire.js': [
        "const router = require('express').Router();",
        "router.get('/items', (req, res) => res.end());",
        "module.exports = function (app, deps) { app.use('/api', router); };",
      ].join('\n'),
    }),
    ['GET {unknown prefix?}/items'],
  );
});

test('a routes function taking its parameters as a rest tuple (`...[router, tenant]: Args`) registers on the first', async () => {
  assert.deepEqual(
    await paths({
      'role.ts': [
        "import Router from 'koa-router';",
        'type Args<T> = [router: T, tenant: { id: string }];',
        'export default function roleRoutes<T extends Router>(...[router, tenant]: Args<T>) {',
        "  router.get('/roles', async (ctx) => {});",
        '}',
      ].join('\n'),
      'app.ts': [
        "import Koa from 'koa';",
        "import mount from 'koa-mount';",
        "import Router from 'koa-router';",
        "import roleRoutes from './role';",
        'const api = new Koa();',
        'const management = new Router();',
        "roleRoutes(management, { id: 't1' });",
        'api.use(management.routes());',
        'const app = new Koa();',
        "app.use(mount('/api', api));",
      ].join('\n'),
    }),
    ['GET /api/roles'],
  );
});

test('a router reached through `module.exports = require(…)` or `export * from` is mounted where it is used', async () => {
  assert.deepEqual(
    await paths({
      'routes/index.js': "module.exports = require('./routes');",
      'routes/routes.js': [
        "const { Router } = require('express');",
        'const api = Router();',
        "api.get('/users', (req, res) => res.send('ok'));",
        'module.exports = { api };',
      ].join('\n'),
      'server.js': [
        "const express = require('express');",
        "const routes = require('./routes');",
        'const app = express();',
        "app.use('/api', routes.api);",
      ].join('\n'),
    }),
    ['GET /api/users'],
  );
  assert.deepEqual(
    await paths({
      'src/routes/index.ts': "export * from './tags';\nexport * as legacy from './legacy';",
      'src/routes/tags.ts': [
        "import { Router } from 'express';",
        'export const tagsRouter = Router();',
        "tagsRouter.get('/', (req, res) => res.send([]));",
      ].join('\n'),
      'src/routes/legacy.ts': '',
      'src/app.ts': [
        "import express from 'express';",
        "import { tagsRouter } from './routes';",
        'const app = express();',
        "app.use('/tags', tagsRouter);",
      ].join('\n'),
    }),
    ['GET /tags'],
  );
});

test("HonoX serves a routes module's default export at the module's path, and nothing else of it", async () => {
  assert.deepEqual(
    await paths({
      'app/server.ts': "import { createApp } from 'honox/server';\nconst app = createApp();\nexport default app;",
      'app/routes/api/index.ts': [
        "import { Hono } from 'hono';",
        'const docs = new Hono();', // handed to a docs generator: HonoX does not serve it
        "docs.get('/spec', (c) => c.json({}));",
        'const app = new Hono();',
        "app.get('/', (c) => c.json({ ok: true }));",
        "app.get('/openapi.json', (c) => c.json({}));",
        'export default app;',
      ].join('\n'),
      'app/routes/(site)/users/[id].ts': [
        "import { Hono } from 'hono';",
        'const app = new Hono();',
        "app.delete('/', (c) => c.json({}));",
        'export default app;',
      ].join('\n'),
      'app/routes/-/helpers.ts': [
        "import { Hono } from 'hono';",
        'const app = new Hono();',
        "app.get('/private', (c) => c.json({}));",
        'export default app;',
      ].join('\n'),
    }),
    [
      'DELETE /users/:id',
      'GET /api',
      'GET /api/openapi.json',
      'GET {unknown prefix?}/private',
      'GET {unknown prefix?}/spec',
    ],
  );
});

test('HonoX serves createRoute() handler lists by export name and default page functions as GET, at the file path', async () => {
  const routes = await discoverNode({
    'app/server.ts': "import { createApp } from 'honox/server';\nexport default createApp();",
    'app/routes/index.tsx': [
      "import { createRoute } from 'honox/factory';",
      'export default createRoute((c) => c.render(<h1>Home</h1>));',
    ].join('\n'),
    'app/routes/posts/[id].tsx': [
      "import { createRoute as route } from 'honox/factory';",
      "import { zValidator } from '@hono/zod-validator';",
      'export const POST = route(',
      "  zValidator('form', schema),",
      '  async (c, next) => next(),',
      '  async (c) => c.redirect("/"),',
      ');',
      'export const HEAD = route((c) => c.body(null));', // not a method HonoX reads
      'export default function Post() {',
      '  return <p>post</p>;',
      '}',
    ].join('\n'),
    'app/routes/(site)/about.ts': [
      "import { createFactory } from 'hono/factory';",
      'const factory = createFactory();',
      'const PUT = factory.createHandlers(update);',
      'function update(c) { return c.text("ok"); }',
      'export { PUT };',
    ].join('\n'),
    'app/routes/user/logout.ts': [
      "import { createRoute } from 'honox/factory';",
      "import { logout } from '../../services/session';",
      'export const POST = createRoute(logout);',
      'export default createRoute((c) => c.redirect("/"));',
    ].join('\n'),
    'app/services/session.ts': 'export async function logout(c) { return c.redirect("/"); }',
    'app/routes/admin/logout.ts': "export { default, POST } from '../user/logout';",
    'app/routes/_middleware.ts': "import { createRoute } from 'honox/factory';\nexport default createRoute(logger());",
    'app/routes/_renderer.tsx': 'export default function Renderer() { return null; }',
    'app/routes/-components/form.tsx': 'export default function Form() { return null; }',
    'app/routes/$counter.tsx': 'export default function Counter() { return null; }',
    'app/routes/index.test.ts': 'export default function check() {}',
    // @hono/zod-openapi's createRoute describes a route; it is not a handler list
    'app/routes/spec.ts':
      "import { createRoute } from '@hono/zod-openapi';\nexport const GET = createRoute({ method: 'get', path: '/' });",
    // outside a HonoX routes folder, a method-named export is nothing HonoX serves
    'src/app/api/route.ts': 'export async function GET() { return new Response(); }',
  });
  assert.deepEqual(summary(routes), [
    'hono GET / GET / app/routes/index.tsx:2',
    'hono GET /admin/logout GET /admin/logout app/routes/user/logout.ts:4',
    'hono GET /posts/:id Post app/routes/posts/[id].tsx:9',
    'hono GET /user/logout GET /user/logout app/routes/user/logout.ts:4',
    'hono POST /admin/logout logout app/services/session.ts:1 async',
    'hono POST /posts/:id POST /posts/:id app/routes/posts/[id].tsx:6 async',
    'hono POST /user/logout logout app/services/session.ts:1 async',
    'hono PUT /about update app/routes/(site)/about.ts:4',
  ]);
});

test("a module's exported function handed a router (`require('./x').register(router)`) adds its routes; koa-mount in a routes function", async () => {
  assert.deepEqual(
    await paths({
      'src/app.js': [
        "const Koa = require('koa');",
        "const routes = require('./routes');",
        'const app = new Koa();',
        'routes(app);',
      ].join('\n'),
      'src/routes/index.js': [
        "const mount = require('koa-mount');",
        "const accountResource = require('../resources/account/public');",
        "const users = require('../resources/users');",
        'module.exports = (app) => {',
        "  app.use(mount('/account', accountResource));",
        "  app.use(mount('/users', users.routes));",
        '};',
      ].join('\n'),
      'src/resources/account/public.js': [
        "const Router = require('@koa/router');",
        "const signIn = require('./sign-in');",
        'const router = new Router();',
        'signIn.register(router);',
        "require('./sign-up').register(router);",
        "require('./helpers').format(router.stack);", // handed no router: nothing
        'module.exports = router.routes();',
      ].join('\n'),
      'src/resources/account/sign-in.js': [
        'async function handler(ctx) { ctx.body = {}; }',
        'module.exports.register = (router) => {',
        "  router.post('/sign-in', handler);",
        '};',
      ].join('\n'),
      'src/resources/account/sign-up.js': [
        'exports.register = function (router) {',
        "  router.post('/sign-up', async (ctx) => {});",
        '};',
      ].join('\n'),
      'src/resources/account/helpers.js': "exports.format = (stack) => stack.get('/not-a-route', () => 1);",
      'src/resources/users/index.js': [
        "const Router = require('@koa/router');",
        "const { register } = require('./list');",
        'const router = new Router();',
        'register(router);',
        'exports.routes = router.routes();',
      ].join('\n'),
      'src/resources/users/list.js': "exports.register = (router) => router.get('/', async (ctx) => {});",
    }),
    ['GET /users', 'POST /account/sign-in', 'POST /account/sign-up'],
  );
});

test('app-module-path: bare specifiers are found under the folder addPath(__dirname …) adds', async () => {
  assert.deepEqual(
    await paths({
      'src/app.js': [
        "require('app-module-path').addPath(__dirname);",
        "const Koa = require('koa');",
        "const routes = require('routes');", // src/routes/index.js
        'const app = new Koa();',
        'routes(app);',
      ].join('\n'),
      'src/routes/index.js': [
        "const mount = require('koa-mount');",
        "const account = require('resources/account');",
        "module.exports = (app) => app.use(mount('/account', account));",
      ].join('\n'),
      'src/resources/account/index.js': [
        "const Router = require('@koa/router');",
        'const router = new Router();',
        "router.post('/sign-in', async (ctx) => {});",
        'module.exports = router.routes();',
      ].join('\n'),
      'tools/server.js': [
        "import { addPath } from 'app-module-path';",
        "import path from 'path';",
        "addPath(path.join(__dirname, 'lib'));",
        "import express from 'express';",
        "import api from 'api';", // tools/lib/api.js
        'const app = express();',
        "app.use('/api', api);",
      ].join('\n'),
      'tools/lib/api.js': [
        "import { Router } from 'express';",
        'const router = Router();',
        "router.get('/ping', (req, res) => res.end());",
        'export default router;',
      ].join('\n'),
    }),
    ['GET /api/ping', 'POST /account/sign-in'],
  );
});

test("an exported hook's app handed as a member of a later parameter serves under a prefix not known", async () => {
  assert.deepEqual(
    await paths({
      'src/hooks/pad.ts': [
        'exports.expressCreateServer = (hookName: string, { app }: any) => {',
        "  app.get('/p/:pad', async (req, res) => res.send('pad'));",
        '};',
        'export const expressPreSession = async (hookName, args, cb) => {',
        "  args.app.post('/api/:version/:func', (req, res) => res.end());",
        '};',
        // not exported: nothing says what it is handed
        'const local = (name, { client }) => client.get("/cache", (err, v) => v);',
        // a later parameter's member of an exported function, called with no route shape
        "exports.format = (text, { db }) => db.get('key');",
      ].join('\n'),
      'src/server.ts': [
        "import express from 'express';",
        'const app = express();',
        "app.get('/health', (req, res) => res.end());",
      ].join('\n'),
    }),
    ['GET /health', 'GET {unknown prefix?}/p/:pad', 'POST {unknown prefix?}/api/:version/:func'],
  );
});

test("HonoX's createApp() is the Hono app: routes declared on it are served at their own paths", async () => {
  assert.deepEqual(
    await paths({
      'app/server.ts': [
        "import { createApp } from 'honox/server';",
        'const app = createApp({ init(app) { app.use(logger()); } });',
        "app.get('/uploads/*', (c) => c.body(null));",
        'export default app;',
      ].join('\n'),
      'app/routes/index.tsx':
        "import { createRoute } from 'honox/factory';\nexport default createRoute((c) => c.text('hi'));",
      // another package's createApp makes no Hono app
      'src/other.ts': "import { createApp } from 'h3';\nconst app = createApp();\napp.get('/nope', () => 1);",
    }),
    ['GET /', 'GET /uploads/*'],
  );
});
