import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, route } from './analysis-helpers';

const express = (file: string, line: number, extra = {}) =>
  route(file, line, '<anonymous>', { framework: 'express', ...extra });
const names = (fs: Array<{ message: string }>) => fs.map((f) => f.message.split('(')[0]);

test('require/import aliases: destructured, default from node:fs, namespace import', async () => {
  const src = [
    "import fs from 'node:fs';",
    "import * as cp from 'child_process';",
    "const { readFileSync: rf, statSync } = require('fs');",
    "app.get('/', (req, res) => {",
    "  fs.writeFileSync('a', 'b');",
    "  cp.execSync('ls');",
    "  rf('x');",
    "  statSync('x');",
    "  fs.promises.readFile('x');",
    "  res.send('ok');",
    '});',
    '',
  ].join('\n');
  const fs = await analyze({ 'server.mjs': src }, [express('server.mjs', 4)]);
  assert.deepEqual(names(fs), ['fs.writeFileSync', 'child_process.execSync', 'fs.readFileSync', 'fs.statSync']);
});

test('crypto.randomBytes is blocking only without a callback; zlib, Atomics.wait and bcrypt sync forms', async () => {
  const src = [
    "const crypto = require('crypto'); const zlib = require('zlib'); const bcrypt = require('bcrypt');",
    "app.post('/', async (req, res) => {",
    '  crypto.randomBytes(16);',
    '  crypto.randomBytes(16, (err, buf) => {});',
    '  crypto.pbkdf2Sync(p, s, 1e5, 64, "sha512");',
    '  zlib.gzipSync(buf);',
    '  Atomics.wait(arr, 0, 0, 100);',
    '  bcrypt.hashSync(p, 10);',
    '  await bcrypt.hash(p, 10);',
    '});',
    '',
  ].join('\n');
  const fs = await analyze({ 'a.js': src }, [express('a.js', 2)]);
  assert.deepEqual(names(fs), [
    'crypto.randomBytes',
    'crypto.pbkdf2Sync',
    'zlib.gzipSync',
    'Atomics.wait',
    'bcrypt.hashSync',
  ]);
});

test('better-sqlite3: db.prepare(sql).get() and db.exec() on an instance from new Database()', async () => {
  const src =
    "const Database = require('better-sqlite3');\nconst db = new Database('app.db');\nfunction getUser(req, res) {\n  const u = db.prepare('select * from u where id = ?').get(req.params.id);\n  db.exec('vacuum');\n  res.json(u);\n}\napp.get('/u/:id', getUser);\n";
  const fs = await analyze({ 'a.js': src }, [route('a.js', 3, 'getUser', { framework: 'express' })]);
  assert.deepEqual(names(fs), ['better-sqlite3.Statement.get', 'better-sqlite3.Database.exec']);
  assert.equal(fs[0].handler, 'getUser');
});

test('functions that are not reachable from a route are not flagged (startup code may block)', async () => {
  const src =
    "const fs = require('fs');\nconst config = JSON.parse(fs.readFileSync('c.json'));\nfunction boot() { fs.readFileSync('x'); }\napp.get('/', (req, res) => res.send('ok'));\n";
  assert.deepEqual(await analyze({ 'a.js': src }, [express('a.js', 4)]), []);
});

test('transitive through a helper in another file (require and ESM import), callbacks included', async () => {
  const files = {
    'src/app.ts':
      "import { loadUser } from './users';\nconst helpers = require('./lib');\napp.get('/a', async (req, res) => {\n  res.json(await loadUser(req.params.id));\n});\napp.get('/b', (req, res) => {\n  helpers.compress(req.body);\n});\n",
    'src/users.ts':
      "import { readFileSync } from 'fs';\nexport async function loadUser(id: string) {\n  return JSON.parse(readFileSync(`users/${id}.json`, 'utf8'));\n}\n",
    'src/lib/index.js':
      "const zlib = require('zlib');\nexports.compress = function (body) {\n  return [body].map((b) => zlib.deflateSync(b));\n};\n",
  };
  const fs = await analyze(files, [express('src/app.ts', 3), express('src/app.ts', 6, { async: false })]);
  assert.deepEqual(
    fs.map((f) => `${f.rule}@${f.line}`),
    ['EP102@4', 'EP102@7'],
  );
  assert.deepEqual(fs[0].chain, ['GET /', 'loadUser()', 'fs.readFileSync (src/users.ts:3)']);
  assert.deepEqual(fs[1].chain, ['GET /', 'compress()', 'zlib.deflateSync (src/lib/index.js:3)']);
});

test('class methods via this.helper() and the ignore comment on the line before', async () => {
  const src =
    "import { execSync } from 'child_process';\nclass Ctl {\n  run() { return execSync('ls'); }\n  handle(req, res) {\n    // endpoint-profiler-ignore EP102\n    this.run();\n    return this.run();\n  }\n}\n";
  const fs = await analyze({ 'c.ts': src }, [route('c.ts', 4, 'Ctl.handle', { framework: 'nestjs' })]);
  assert.deepEqual(
    fs.map((f) => `${f.rule}@${f.line}`),
    ['EP102@7'],
  );
});

test('express fixture: handler lines as discovery reports them; sync handler reaches bcrypt.hashSync through require', async () => {
  const { readFileSync } = await import('node:fs');
  const dir = `${__dirname}/../fixtures/analysis/express-app/src`;
  const files = {
    'src/server.js': readFileSync(`${dir}/server.js`, 'utf8'),
    'src/auth.js': readFileSync(`${dir}/auth.js`, 'utf8'),
  };
  const routes = [7, 12, 16].map((line) => express('src/server.js', line));
  const fs = await analyze(files, routes);
  assert.deepEqual(
    fs.map((f) => `${f.rule}@${f.line}`),
    ['EP101@8', 'EP102@13'],
  );
  assert.deepEqual(fs[1].chain, ['GET /', 'hashPassword()', 'bcrypt.hashSync (src/auth.js:4)']);
  assert.ok(fs[0].fix, 'async handler: fs.promises rewrite offered');
});

test('an ignore comment after code suppresses only its own line; alone on a line, the next line; ids case-insensitive, misspelt ones suppress nothing', async () => {
  const src = [
    "const fs = require('fs');",
    "app.get('/', (req, res) => {",
    "  fs.readFileSync('a'); // endpoint-profiler-ignore EP101",
    "  fs.readFileSync('b');",
    '  // endpoint-profiler-ignore ep101',
    "  fs.readFileSync('c');",
    "  fs.readFileSync('d'); // endpoint-profiler-ignore EP1O1",
    "  fs.readFileSync('e'); // endpoint-profiler-ignore: EP101",
    "  fs.readFileSync('f'); // endpoint-profiler-ignore EP102, EP101 -- config is tiny",
    "  fs.readFileSync('g'); // endpoint-profiler-ignore EP102",
    "  fs.readFileSync('h'); /* endpoint-profiler-ignore */",
    "  fs.readFileSync('i'); // endpoint-profiler-ignore deliberately",
    '  /* endpoint-profiler-ignore',
    '     EP101 */',
    "  fs.readFileSync('j');",
    "  res.send('ok');",
    '});',
    '',
  ].join('\n');
  const fs = await analyze({ 'a.js': src }, [express('a.js', 2)]);
  assert.deepEqual(
    fs.map((f) => f.line),
    [4, 7, 10, 12],
  );
});

const where = (fs: Array<{ file: string; rule: string; line: number }>) =>
  fs.map((f) => `${f.file}:${f.rule}@${f.line}`);

test('middleware runs on the loop per request: app.use(fn), route-level middleware before the handler, arrays, route().get(mw, h)', async () => {
  const src = [
    "const fs = require('fs');",
    "const express = require('express');",
    "const chai = require('chai');",
    'const app = express();',
    'const router = express.Router();',
    "app.use((req, res, next) => { fs.readFileSync('cfg'); next(); });",
    "function audit(req, res, next) { fs.appendFileSync('audit.log', req.url); next(); }",
    "function handler(req, res) { res.send('ok'); }",
    "app.get('/x', audit, handler);",
    'function clean(req, res, next) { next(); }',
    "function check(req, res, next) { fs.statSync('x'); next(); }",
    "app.post('/y', [clean, check], (req, res) => res.send('y'));",
    "router.route('/z').get(limit, handler);",
    "function limit(req, res, next) { fs.existsSync('lock'); next(); }",
    "chai.use(function (c) { fs.readFileSync('plugin'); });",
    "function boot() { fs.readFileSync('boot'); }",
    "app.listen(3000, () => fs.writeFileSync('pid', '1'));",
    '',
  ].join('\n');
  const fs = await analyze({ 'server.js': src }, [route('server.js', 8, 'handler', { framework: 'express' })]);
  assert.deepEqual(where(fs), ['server.js:EP101@6', 'server.js:EP101@7', 'server.js:EP101@11', 'server.js:EP101@14']);
  assert.equal(fs[1].handler, 'audit');
  assert.match(fs[1].message, /fs\.appendFileSync\(\) blocks the event loop/);
});

test('Koa app.use(async ctx => …), Hono app.use, Fastify request hooks and NestJS middleware, guards and interceptors', async () => {
  const koa =
    "const Koa = require('koa');\nconst fs = require('fs');\nconst app = new Koa();\napp.use(async ctx => { ctx.body = fs.readFileSync('x'); });\n";
  const hono =
    "import { Hono } from 'hono';\nimport { readFileSync } from 'node:fs';\nconst app = new Hono();\napp.use('*', async (c, next) => { readFileSync('x'); await next(); });\n";
  const fastify = [
    "const fs = require('fs');",
    'module.exports = async function (fastify) {',
    "  fastify.addHook('preHandler', async (req, reply) => { fs.statSync('x'); });",
    "  fastify.addHook('onReady', async () => { fs.readFileSync('warm'); });",
    "  fastify.get('/a', { preHandler: [verify] }, async () => 'a');",
    '};',
    "function verify(req, reply, done) { fs.readFileSync('key'); done(); }",
    '',
  ].join('\n');
  const nest = [
    "import { Injectable, NestMiddleware, CanActivate, NestInterceptor } from '@nestjs/common';",
    "import * as fs from 'fs';",
    '@Injectable()',
    'export class LoggerMiddleware implements NestMiddleware {',
    "  use(req: any, res: any, next: () => void) { fs.writeFileSync('log', 'x'); next(); }",
    '  helper() { fs.readFileSync("not per request"); }',
    '}',
    'export class AuthGuard implements CanActivate {',
    "  canActivate() { return fs.existsSync('token'); }",
    '}',
    'export class TimingInterceptor implements NestInterceptor {',
    "  intercept(ctx: any, next: any) { fs.readFileSync('t'); return next.handle(); }",
    '}',
    '',
  ].join('\n');
  const fs = await analyze({ 'koa.js': koa, 'hono.ts': hono, 'plugin.js': fastify, 'logger.middleware.ts': nest });
  assert.deepEqual(where(fs), [
    'hono.ts:EP101@4',
    'koa.js:EP101@4',
    'logger.middleware.ts:EP101@5',
    'logger.middleware.ts:EP101@9',
    'logger.middleware.ts:EP101@12',
    'plugin.js:EP101@3',
    'plugin.js:EP101@7',
  ]);
});

test('middleware defined in another module is flagged where it blocks; through a helper, with the chain', async () => {
  const files = {
    'src/server.js':
      "const express = require('express');\nconst { auth } = require('./mw');\nconst app = express();\napp.use(auth);\n",
    'src/mw.js':
      "const bcrypt = require('bcrypt');\nfunction verify(p) { return bcrypt.compareSync(p, 'h'); }\nexports.auth = function (req, res, next) {\n  verify(req.headers.p);\n  next();\n};\n",
  };
  const fs = await analyze(files);
  assert.deepEqual(where(fs), ['src/mw.js:EP102@4']);
  assert.deepEqual(fs[0].chain, ['auth()', 'verify()', 'bcrypt.compareSync (src/mw.js:2)']);
});

test('a call shaped like a route whose last argument is no handler registers no middleware', async () => {
  const src = "const fs = require('fs');\ncache.get('user:1', () => fs.readFileSync('u'), { ttl: 5 });\n";
  assert.deepEqual(await analyze({ 'a.js': src }), []);
});
