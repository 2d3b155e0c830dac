// Express discovery: apps and routers recognised through their module binding, mounts with
// middleware, member-expression routers and path arrays.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { discoverNode, summary } from './discovery-node-helpers';

test('Express apps and routers are recognised through the module binding, not the local name', async () => {
  const routes = await discoverNode({
    'app.js': [
      "const app = require('express')();",
      "const router = require('express').Router();",
      "const e = require('express');",
      'const r2 = e.Router();',
      "router.get('/r', (req, res) => res.end());",
      "r2.post('/r2', (req, res) => res.end());",
      "app.use('/one', router);",
      "app.use('/two', r2);",
      "app.use('/ns', require('./ns'));",
      "app.use('/aliased', require('./aliased'));",
    ].join('\n'),
    'ns.ts': [
      "import * as ex from 'express';",
      'const router = ex.Router();',
      "router.get('/items', (req, res) => res.end());",
      'export default router;',
    ].join('\n'),
    'aliased.ts': [
      "import express, { Router as R } from 'express';",
      'const r = R();',
      "r.get('/a', (req, res) => res.end());",
      'const app2 = express();',
      "app2.get('/own', (req, res) => res.end());",
      'export default r;',
    ].join('\n'),
  });
  assert.deepEqual(summary(routes), [
    'express GET /aliased/a GET /a aliased.ts:3',
    'express GET /ns/items GET /items ns.ts:3',
    'express GET /one/r GET /r app.js:5',
    'express GET /own GET /own aliased.ts:5',
    'express POST /two/r2 POST /r2 app.js:6',
  ]);
});

test('Express: a binding to another package is not Express, whatever its name; unbound `new Router()` stays Koa', async () => {
  const routes = await discoverNode({
    'app.js': [
      "const express = require('not-express');",
      "const { Router } = require('some-router');",
      'const app = express();',
      'const r = Router();',
      "app.get('/no', (req, res) => res.end());",
      "r.get('/no2', (req, res) => res.end());",
    ].join('\n'),
    'koa.js': [
      'const router = new Router();',
      "router.get('/koa', (ctx) => {});",
      'const app = new Koa();',
      'app.use(router.routes());',
    ].join('\n'),
  });
  assert.deepEqual(summary(routes), ['koa GET /koa GET /koa koa.js:2']);
});

test('Express use(): middleware before a router reached as a member, and path arrays mount under each path', async () => {
  const routes = await discoverNode({
    'app.js': [
      "const express = require('express');",
      "const api = require('./api');",
      "const auth = require('./auth');",
      "const { other } = require('./other');",
      'const app = express();',
      "app.use('/api', auth, api.router);",
      "app.use('/req', require('./api').router);",
      "app.use(['/a', '/b'], auth, other);",
      'app.use(passport.authenticate, other);',
    ].join('\n'),
    'api.js': [
      "const express = require('express');",
      'const router = express.Router();',
      'const sub = express.Router();',
      "sub.get('/s', (req, res) => res.end());",
      "router.use('/sub', sub);",
      'module.exports = { router };',
    ].join('\n'),
    'auth.js': 'module.exports = (req, res, next) => next();',
    'other.ts':
      "import { Router } from 'express';\nexport const other = Router();\nother.get('/o', (req, res) => res.end());",
  });
  assert.deepEqual(summary(routes), [
    'express GET /a/o GET /o other.ts:3',
    'express GET /api/sub/s GET /s api.js:4',
    'express GET /b/o GET /o other.ts:3',
    'express GET /o GET /o other.ts:3',
    'express GET /req/sub/s GET /s api.js:4',
  ]);
});

test('apps and routers made where they are exported: `export default Router().use(...)`, `var app = module.exports = express()`, require(".")', async () => {
  const routes = await discoverNode({
    'src/main.ts': [
      "import express from 'express';",
      "import routes from './routes/routes';",
      'const app = express();',
      'app.use(routes);',
    ].join('\n'),
    'src/routes/routes.ts': [
      "import { Router } from 'express';",
      "import tags from './tags';",
      'const api = Router().use(tags);',
      "export default Router().use('/api', api);",
    ].join('\n'),
    'src/routes/tags.ts': [
      "import { Router } from 'express';",
      'const router = Router();',
      "router.get('/tags', async (req, res) => res.json([]));",
      'export default router;',
    ].join('\n'),
    'lib/index.js': [
      "var express = require('express');",
      'var app = module.exports = express();',
      "app.use('/v1', require('./v1/router'));",
    ].join('\n'),
    'lib/v1/index.js': "exports.ping = function ping(req, res) { res.send('pong'); };",
    'lib/v1/router.js':
      "const { ping } = require('.');\nconst r = require('express').Router();\nr.get('/ping', ping);\nmodule.exports = r;",
  });
  assert.deepEqual(summary(routes), [
    'express GET /api/tags GET /tags src/routes/tags.ts:3 async',
    'express GET /v1/ping ping lib/v1/index.js:1',
  ]);
});

test('handlers that are call expressions: the wrapped function (asyncHandler, wrap), the factory that returns one, or the call', async () => {
  const routes = await discoverNode({
    'app.js': [
      "const express = require('express');",
      "const { getVideo } = require('./videos');",
      'const app = express();',
      'const wrap = (fn) => (req, res, next) => fn(req, res).catch(next);',
      'async function listUsers(req, res) { res.json([]); }',
      "app.get('/users', wrap(listUsers));",
      "app.post('/items', asyncHandler(async (req, res) => res.json({})));",
      "app.get('/videos/:id', getVideo());",
      "app.get('/auth', passport.authenticate('google'));",
      "const config = require('./plugin.json');",
      "app.get('/sso', passport.authenticate(config.id));",
    ].join('\n'),
    'videos.js': 'function getVideo() {\n  return async (req, res) => res.json({});\n}\nmodule.exports = { getVideo };',
  });
  // `passport.authenticate('google')` makes its handler in a package: the route is kept, at the call that makes it
  assert.deepEqual(summary(routes), [
    'express GET /auth GET /auth app.js:9',
    // `config.id` is data from a JSON file, not the handler: the route stays, at the call
    'express GET /sso GET /sso app.js:11',
    'express GET /users listUsers app.js:5 async',
    'express GET /videos/:id getVideo() videos.js:2 async',
    'express POST /items POST /items app.js:7 async',
  ]);
});

test('an app configured twice by one function (`configure(app)`, `configure(mirror)`) lists each route once', async () => {
  const routes = await discoverNode({
    'app.js': [
      "const express = require('express');",
      "const configure = require('./configure');",
      'const app = express();',
      'configure(app);',
      'const mirror = express();',
      'configure(mirror);',
    ].join('\n'),
    'configure.js':
      "module.exports = function configure(app) {\n  app.get('/health', (req, res) => res.send('ok'));\n};",
  });
  assert.deepEqual(summary(routes), ['express GET /health GET /health configure.js:2']);
});

test('an app or router held by a class (`this.app = express()`, `app = express()` as a field) registers through `this.app`', async () => {
  const routes = await discoverNode({
    'server.ts': [
      "import express from 'express';",
      "import { router as users } from './users';",
      'class Server {',
      '  public app: express.Application;',
      '  private admin = express.Router();',
      '  constructor() {',
      '    this.app = express();',
      '    this.routes();',
      '  }',
      '  private routes(): void {',
      "    this.app.get('/health', (req, res) => res.send('ok'));",
      "    this.app.use('/api/users', users);",
      "    this.admin.delete('/cache', (req, res) => res.end());",
      "    this.app.use('/admin', this.admin);",
      '  }',
      '}',
      'new Server().app.listen(3000);',
    ].join('\n'),
    'users.ts': [
      "import { Router } from 'express';",
      'export const router = Router();',
      "router.get('/:id', async (req, res) => { res.json({}); });",
    ].join('\n'),
    'legacy.js': [
      "const express = require('express');",
      'function Legacy() {',
      '  this.app = express();',
      "  this.app.post('/hook', (req, res) => res.end());",
      '}',
    ].join('\n'),
  });
  assert.deepEqual(summary(routes), [
    'express DELETE /admin/cache DELETE /cache server.ts:13',
    'express GET /api/users/:id GET /:id users.ts:3 async',
    'express GET /health GET /health server.ts:11',
    'express POST /hook POST /hook legacy.js:4',
  ]);
});

test('an app a class holds handed to a helper (`initAuth(this.app)`) is that app: the helper registers at its root', async () => {
  const routes = await discoverNode({
    'server.ts': [
      "import express from 'express';",
      "import { initAuth } from './auth';",
      'class App {',
      '  app: express.Application;',
      '  constructor() { this.app = express(); }',
      '  async config() {',
      '    await initAuth(this.app, this.identity);',
      "    this.app.get('/ip', (req, res) => res.end());",
      '  }',
      '}',
    ].join('\n'),
    'auth.ts': [
      "import express from 'express';",
      'export const initAuth = async (app: express.Application, identity: unknown) => {',
      "  app.post('/api/v1/auth/login', async (req, res) => res.end());",
      '};',
    ].join('\n'),
  });
  assert.deepEqual(summary(routes), [
    'express GET /ip GET /ip server.ts:8',
    'express POST /api/v1/auth/login POST /api/v1/auth/login auth.ts:3 async',
  ]);
});

test('class fields are kept per class: two classes of one file each with `this.router` mount where each is used', async () => {
  const routes = await discoverNode({
    'server.ts': [
      "import express, { Router } from 'express';",
      'class Api {',
      '  router = Router();',
      "  constructor() { this.router.get('/items', (req, res) => res.end()); }",
      '}',
      'class Server {',
      '  app = express();',
      '  router = Router();',
      '  constructor() {',
      "    this.router.get('/health', (req, res) => res.end());",
      "    this.app.use('/api', new Api().router);",
      "    this.app.use('/v1', this.router);",
      '  }',
      '}',
    ].join('\n'),
  });
  // Api's router, mounted through `new Api().router`, is Api's own field: `/api`, never Server's `/v1`
  assert.deepEqual(summary(routes), [
    'express GET /api/items GET /items server.ts:4',
    'express GET /v1/health GET /health server.ts:10',
  ]);
});

test('routes registered on an app or router another module makes are served where that object is', async () => {
  const routes = await discoverNode({
    'app.js': ["const express = require('express');", 'const app = express();', 'module.exports = app;'].join('\n'),
    'router.ts': ["import { Router } from 'express';", 'export const api = Router();'].join('\n'),
    'index.js': [
      "const app = require('./app');",
      "const { api } = require('./router');",
      "const client = require('./client');",
      "app.get('/health', (req, res) => res.end());",
      "api.post('/items', (req, res) => res.end());",
      "app.use('/api', api);",
      // an HTTP client another module makes is no app: its calls are no routes
      "client.get('/remote', (err, body) => body);",
      // a parameter of the same name is what the caller hands, not the import
      "function later(app) { app.get('/not-the-import', (req, res) => res.end()); }",
    ].join('\n'),
    'client.js': "const axios = require('axios');\nmodule.exports = axios.create({ baseURL: 'http://x' });",
  });
  assert.deepEqual(summary(routes), [
    'express GET /health GET /health index.js:4',
    'express POST /api/items POST /items index.js:5',
  ]);
});

test("an app a class keeps in a field is registered on through an instance's field, a singleton's too", async () => {
  const routes = await discoverNode({
    'server.js': [
      "const express = require('express');",
      'class Server {',
      '  static instance;',
      '  constructor() { this.app = express(); }',
      '  static getInstance() {',
      '    if (Server.instance == null) Server.instance = new Server();',
      '    return Server.instance;',
      '  }',
      // not an accessor of the instance: what it returns is something else
      '  static create() { return new Other(); }',
      '}',
      'module.exports = { Server };',
    ].join('\n'),
    'main.js': [
      "const { Server } = require('./server');",
      'const server = Server.getInstance();',
      'const app = server.app;',
      "app.get('/a', (req, res) => res.end());",
      "server.app.get('/b', (req, res) => res.end());",
      "Server.getInstance().app.get('/c', (req, res) => res.end());",
      "new Server().app.get('/d', (req, res) => res.end());",
      "Server.create().app.get('/not-an-instance', (req, res) => res.end());",
    ].join('\n'),
  });
  assert.deepEqual(summary(routes), [
    'express GET /a GET /a main.js:4',
    'express GET /b GET /b main.js:5',
    'express GET /c GET /c main.js:6',
    'express GET /d GET /d main.js:7',
  ]);
});

test('an instance or an instance’s field another module exports is followed to the app its class keeps', async () => {
  const routes = await discoverNode({
    'app.ts': [
      "import express from 'express';",
      'class App {',
      '  public app: express.Application;',
      '  constructor() { this.app = express(); }',
      '}',
      'export default new App().app;',
    ].join('\n'),
    'index.ts': ["import app from './app';", "app.get('/x', (req, res) => res.end());"].join('\n'),
    'server.js': [
      "const express = require('express');",
      'class Server { constructor() { this.app = express(); } }',
      'module.exports = new Server();',
    ].join('\n'),
    'main.js': ["const server = require('./server');", "server.app.get('/y', (req, res) => res.end());"].join('\n'),
    'named.ts': [
      "import express from 'express';",
      'class Api { router = express.Router(); }',
      'export const api = new Api();',
    ].join('\n'),
    'uses.ts': [
      "import { api } from './named';",
      "import app from './app';",
      "api.router.get('/z', (req, res) => res.end());",
      "app.use('/api', api.router);",
    ].join('\n'),
  });
  assert.deepEqual(summary(routes), [
    'express GET /api/z GET /z uses.ts:3',
    'express GET /x GET /x index.ts:2',
    'express GET /y GET /y main.js:2',
  ]);
});

test('routes registered on the app an imported factory returns are served where that app is', async () => {
  const routes = await discoverNode({
    'app.ts': [
      "import express from 'express';",
      "import api from './api';",
      'export function buildApp() {',
      '  const app = express();',
      "  app.use('/api', api);",
      '  return app;',
      '}',
      'export async function buildLater() {',
      '  const later = express();',
      '  return later;',
      '}',
    ].join('\n'),
    'api.ts': [
      "import { Router } from 'express';",
      'const r = Router();',
      "r.get('/items', (req, res) => res.end());",
      'export default r;',
    ].join('\n'),
    'client.ts': ["import axios from 'axios';", 'export function createClient() { return axios.create(); }'].join('\n'),
    'main.ts': [
      "import { buildApp, buildLater } from './app';",
      "import { createClient } from './client';",
      'const app = buildApp();',
      "app.get('/health', (req, res) => res.end());",
      'async function start() {',
      '  const other = await buildLater();',
      "  other.post('/later', (req, res) => res.end());",
      '}',
      // what the factory returns is no app: its calls are no routes
      'const client = createClient();',
      "client.get('/remote', (err, body) => body);",
    ].join('\n'),
  });
  assert.deepEqual(summary(routes), [
    'express GET /api/items GET /items api.ts:3',
    'express GET /health GET /health main.ts:4',
    'express POST /later POST /later main.ts:7',
  ]);
});
