// Node discovery of paths and prefixes written with constants: module-level strings, template literals
// and `+` over them, members of constant objects, constants imported from other modules; and what is
// done with a prefix that cannot be evaluated (its routes are kept with the unknown part marked `{…?}`, never
// shown without it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { discoverNode, summary } from './discovery-node-helpers';

test('Fastify register prefix, Express use() prefix and Koa Router prefix read module-level constants', async () => {
  const routes = await discoverNode({
    'fastify.js': [
      "const fastify = require('fastify')();",
      "const PREFIX = '/const';",
      "async function usersRoutes(f) { f.get('/u', async () => 1); }",
      'fastify.register(usersRoutes, { prefix: PREFIX });',
    ].join('\n'),
    'express.js': [
      "const express = require('express');",
      'const app = express();',
      'const r = express.Router();',
      "const BASE = '/base';",
      "r.get('/e', (req, res) => res.end());",
      'app.use(BASE, r);',
    ].join('\n'),
    'koa.js': [
      "const Router = require('@koa/router');",
      "const P = '/koa';",
      'const router = new Router({ prefix: P });',
      "router.get('/k', (ctx) => {});",
      "const Koa = require('koa');",
      'const app = new Koa();',
      'app.use(router.routes());',
    ].join('\n'),
  });
  assert.deepEqual(summary(routes), [
    'express GET /base/e GET /e express.js:5',
    'fastify GET /const/u GET /u fastify.js:3 async',
    'koa GET /koa/k GET /k koa.js:4',
  ]);
});

test('templates, + and object members over constants, and constants imported (ESM and CommonJS, re-exported)', async () => {
  const routes = await discoverNode({
    'src/app.ts': [
      "import Fastify from 'fastify';",
      "import { API, ROUTES } from './config';",
      "import * as paths from './paths';",
      "import { V } from './index';",
      "import users from './users';",
      'const app = Fastify();',
      'const V1 = `${API}/${V}`;',
      'app.register(users, { prefix: V1 + ROUTES.users });',
      'app.get(paths.HEALTH, async () => 1);',
      'app.get(`${paths.HEALTH}/deep`, async () => 1);',
    ].join('\n'),
    'src/config.ts': "export const API = '/api';\nexport const ROUTES = { users: '/users', posts: '/posts' } as const;",
    'src/paths.js': "exports.HEALTH = '/health';",
    'src/index.ts': "export { V } from './version';",
    'src/version.ts': "export const V = 'v1';",
    'src/users.ts': [
      "const ID = '/:id';",
      'export default async function users(f: any) {',
      '  f.get(ID, async () => ({}));',
      '}',
    ].join('\n'),
  });
  // An anonymous handler is named after its route as written: imported constants show as `${NAME}`.
  assert.deepEqual(summary(routes), [
    'fastify GET /api/v1/users/:id GET /:id src/users.ts:3 async',
    'fastify GET /health GET ${paths.HEALTH} src/app.ts:9 async',
    'fastify GET /health/deep GET ${paths.HEALTH}/deep src/app.ts:10 async',
  ]);
});

test('an unknown prefix is not silently dropped: what is served beneath it is kept with the prefix marked unresolved', async () => {
  const routes = await discoverNode({
    'fastify.js': [
      "const fastify = require('fastify')();",
      "async function hidden(f) { f.get('/h', async () => 1); }",
      "async function shown(f) { f.get('/s', async () => 1); }",
      'fastify.register(hidden, { prefix: process.env.PREFIX });',
      "fastify.register(shown, { prefix: '/known' });",
    ].join('\n'),
    'express.js': [
      "const express = require('express');",
      "const auth = require('./auth');",
      'const app = express();',
      'const a = express.Router();',
      'const b = express.Router();',
      'const c = express.Router();',
      "const BASE = process.env.BASE || '/api';",
      "a.get('/a', (req, res) => res.end());",
      "b.get('/b', (req, res) => res.end());",
      "c.get('/c', (req, res) => res.end());",
      'app.use(BASE, a);',
      'app.use(`${process.env.V}/x`, b);',
      // An import that is middleware, not a prefix: no prefix.
      'app.use(auth, c);',
    ].join('\n'),
    'auth.js': 'module.exports = (req, res, next) => next();',
    'koa.js': [
      "const Router = require('@koa/router');",
      'const router = new Router({ prefix: config.prefix });',
      "router.get('/k', (ctx) => {});",
      "const Koa = require('koa');",
      'const app = new Koa();',
      'app.use(router.routes());',
    ].join('\n'),
    'hono.js': [
      "const { Hono } = require('hono');",
      "const { SUB } = require('hono-paths');",
      'const app = new Hono();',
      'const sub = new Hono();',
      "sub.get('/x', (c) => c.text('x'));",
      'app.route(SUB, sub);',
      'app.get(UNDECLARED, (c) => c.text(""));',
    ].join('\n'),
  });
  assert.deepEqual(summary(routes), [
    'express GET /c GET /c express.js:10',
    'express GET /{BASE?}/a GET /a express.js:8',
    'express GET /{process.env.V?}/x/b GET /b express.js:9',
    'fastify GET /known/s GET /s fastify.js:3 async',
    'fastify GET /{process.env.PREFIX?}/h GET /h fastify.js:2 async',
    'hono GET /{SUB?}/x GET /x hono.js:5',
    'hono GET /{UNDECLARED?} GET {UNDECLARED?} hono.js:7',
    'koa GET /{config.prefix?}/k GET /k koa.js:3',
  ]);
  for (const r of routes) {
    assert.equal(r.unresolved, r.path.includes('?}') ? true : undefined, r.path);
    if (r.unresolved) assert.match(r.unresolvedReason ?? '', /could not be evaluated/);
  }
});

test('let and var are not constants (they may be reassigned): the path is marked unresolved; a local string is still the path', async () => {
  const routes = await discoverNode({
    'app.js': [
      "const express = require('express');",
      'const app = express();',
      "let P = '/p';",
      "P = '/q';",
      'app.get(P, (req, res) => res.end());',
      "app.get('/literal', (req, res) => res.end());",
    ].join('\n'),
  });
  assert.deepEqual(summary(routes), [
    'express GET /literal GET /literal app.js:6',
    'express GET /{P?} GET {P?} app.js:5',
  ]);
});
