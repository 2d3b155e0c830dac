// Fastify discovery: shorthand handler properties, chained register(), plugins nothing registers,
// and @fastify/autoload's folder convention.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { discoverNode, summary } from './discovery-node-helpers';

function fixture(dir: string): Record<string, string> {
  const root = path.join(__dirname, '..', 'fixtures', 'node', dir);
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const name of readdirSync(path.join(root, rel))) {
      const r = rel ? `${rel}/${name}` : name;
      if (statSync(path.join(root, r)).isDirectory()) walk(r);
      else if (/\.(js|ts|mjs|cjs)$/.test(name)) out[r] = readFileSync(path.join(root, r), 'utf8');
    }
  };
  walk('');
  return out;
}

test('Fastify: a shorthand `handler` property in route() and in the options object is the handler', async () => {
  const routes = await discoverNode({
    'app.js': [
      "const fastify = require('fastify')();",
      'const schema = {};',
      'async function handler() { return 1; }',
      "fastify.route({ method: 'GET', url: '/short', schema, handler });",
      "fastify.get('/opts', { schema, handler });",
    ].join('\n'),
  });
  assert.deepEqual(summary(routes), [
    'fastify GET /opts handler app.js:3 async',
    'fastify GET /short handler app.js:3 async',
  ]);
});

test('Fastify: chained register() calls each mount on the instance with their own prefix', async () => {
  const routes = await discoverNode({
    'app.js': [
      "const fastify = require('fastify')();",
      "async function a(f) { f.get('/x', async () => 1); }",
      "async function b(f) { f.get('/y', async () => 1); }",
      "fastify.register(a, { prefix: '/a' }).register(b, { prefix: '/b' });",
    ].join('\n'),
  });
  assert.deepEqual(summary(routes), [
    'fastify GET /a/x GET /x app.js:2 async',
    'fastify GET /b/y GET /y app.js:3 async',
  ]);
});

test('Fastify: plugins nothing registers serve their own paths; functions without a plugin signature still do not', async () => {
  const routes = await discoverNode({
    'app.js': [
      'module.exports = async function (fastify, opts) {',
      "  fastify.get('/', async () => 'root');",
      "  fastify.register(require('./users'), { prefix: '/users' });",
      '};',
    ].join('\n'),
    'users.js': "module.exports = async (f) => { f.get('/:id', async () => ({})); };",
    'legacy.js':
      "module.exports = function (f, opts, done) { f.post('/legacy', (req, reply) => reply.send()); done(); };",
    'helpers.js': "function setup(cache) { cache.get('/not-a-route', () => {}); }\nmodule.exports = setup;",
  });
  assert.deepEqual(summary(routes), [
    'fastify GET / GET / app.js:2 async',
    'fastify GET /users/:id GET /:id users.js:1 async',
    'fastify POST /legacy POST /legacy legacy.js:1',
  ]);
});

test('Fastify: a stock fastify-cli project (@fastify/autoload) serves routes/ with folder names as prefixes', async () => {
  const routes = await discoverNode(fixture('fastify-cli-app'));
  assert.deepEqual(summary(routes), [
    'fastify GET / GET / routes/root.js:4 async',
    'fastify GET /example GET / routes/example/index.js:4 async',
  ]);
});

test('Fastify: @fastify/autoload options and module exports, as its README documents', async () => {
  const plugin = (path: string) => `module.exports = async function (app) { app.get('${path}', async () => 1); };`;
  const routes = await discoverNode({
    'src/app.ts': [
      "import Fastify from 'fastify';",
      "import autoLoad from '@fastify/autoload';",
      "import { join } from 'node:path';",
      "import { fileURLToPath } from 'node:url';",
      'const app = Fastify();',
      "app.register(autoLoad, { dir: join(__dirname, 'routes'), options: { prefix: '/api/' }, routeParams: true });",
      "app.register(autoLoad, { dir: fileURLToPath(new URL('../flat', import.meta.url)), dirNameRoutePrefix: false });",
    ].join('\n'),
    // A folder with an index file loads only the index (and its sub-folders).
    'src/routes/users/index.js': plugin('/'),
    'src/routes/users/helpers.js': plugin('/never'),
    'src/routes/users/_id/details.js': plugin('/details'),
    'src/routes/posts/list.js': plugin('/list'),
    'src/routes/posts/autohooks.js': plugin('/hook-is-no-plugin'),
    'src/routes/posts/types.d.ts': 'export type T = 1;',
    'src/routes/renamed.js': `${plugin('/r')}\nmodule.exports.autoPrefix = '/custom';`,
    'src/routes/deep/overridden.mjs':
      "export default async function (app) { app.get('/o', async () => 1); }\nexport const prefixOverride = '/top';",
    'flat/a/b.js': plugin('/b'),
  });
  assert.deepEqual(summary(routes), [
    'fastify GET /api/custom/r GET /r src/routes/renamed.js:1 async',
    'fastify GET /api/posts/list GET /list src/routes/posts/list.js:1 async',
    'fastify GET /api/users GET / src/routes/users/index.js:1 async',
    'fastify GET /api/users/:id/details GET /details src/routes/users/_id/details.js:1 async',
    'fastify GET /b GET /b flat/a/b.js:1 async',
    'fastify GET /top/o GET /o src/routes/deep/overridden.mjs:1 async',
  ]);
});

test('a route-declaring function nothing mounts takes the workspace framework when its apps have only one', async () => {
  const routes = await discoverNode({
    'app.js': [
      "const express = require('express');",
      "const fs = require('node:fs');",
      'const app = express();',
      "for (const f of fs.readdirSync(__dirname + '/routes')) require('./routes/' + f)(app);",
      "app.get('/', (req, res) => res.end());",
    ].join('\n'),
    'routes/users.js': "module.exports = async (app) => { app.get('/users', async (req, res) => res.json([])); };",
  });
  assert.deepEqual(summary(routes), [
    'express GET / GET / app.js:5',
    'express GET /users GET /users routes/users.js:1 async',
  ]);
});

test('Fastify: `await app.register<Opts>(plugin, { prefix })` mounts the plugin under its prefix', async () => {
  // tree-sitter reads type arguments after an awaited member as a call of `await app.register`
  const routes = await discoverNode({
    'src/app.ts': [
      "import Fastify from 'fastify';",
      "import users from './users';",
      'interface Opts { x: number }',
      'const app = Fastify();',
      'async function main() {',
      "  await app.register<Opts>(users, { prefix: '/users' });",
      '}',
      'main();',
    ].join('\n'),
    'src/users.ts': [
      "import type { FastifyInstance } from 'fastify';",
      'export default async function users(app: FastifyInstance) {',
      "  app.get('/list', async () => []);",
      '}',
    ].join('\n'),
  });
  assert.deepEqual(
    routes.map((r) => `${r.methods.join(',')} ${r.path}`),
    ['GET /users/list'],
  );
});
