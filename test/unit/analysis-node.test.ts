import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, factsOf, route } from './analysis-helpers';

// Single-file cases are fixtures with their expectations on the line: test/fixtures/rules/ (analysis-rule-fixtures.test.ts).

const express = (file: string, line: number, extra = {}) =>
  route(file, line, '<anonymous>', { framework: 'express', ...extra });

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

test('a handler made by a factory (`app.get(p, getVideo())`): the returned function is checked, the factory body runs once at start-up', async () => {
  const { ProjectIndex } = await import('../../src/core/project');
  const { Parsers } = await import('../../src/core/parsing/parser');
  const { nodeFileSystem } = await import('../../src/core/fs');
  const index = new ProjectIndex(`${__dirname}/../fixtures/node/express-wrapped`, nodeFileSystem, await Parsers.load());
  await index.refresh();
  const video = index.routes().find((r) => r.path === '/videos/:id')!;
  assert.deepEqual([video.handler, video.file, video.line, video.async], ['video', 'videos.js', 6, true]);
  assert.deepEqual(
    index
      .findings()
      .filter((f) => f.file === 'videos.js')
      .map((f) => `${f.rule}@${f.line} ${f.handler}`),
    ['EP101@7 video', 'EP101@12 listVideos()'],
  );
});

test('a default export reached through a relative import or require: `export default function`, `module.exports = f`', async () => {
  const files = {
    'src/app.js':
      "import load from './load';\nconst hash = require('./hash');\napp.get('/a', (req, res) => {\n  res.send(load());\n});\napp.get('/b', (req, res) => {\n  res.send(hash(req.body));\n});\n",
    'src/load.js': "import fs from 'fs';\nexport default function load() {\n  return fs.readFileSync('a');\n}\n",
    'src/hash/index.js':
      "const crypto = require('crypto');\nfunction hash(body) {\n  return crypto.pbkdf2Sync(body, 's', 1, 32, 'sha256');\n}\nmodule.exports = hash;\n",
  };
  const fs = await analyze(files, [express('src/app.js', 3), express('src/app.js', 6)]);
  assert.deepEqual(
    fs.map((f) => `${f.rule}@${f.line} ${f.chain?.join(' > ')}`),
    [
      'EP102@4 GET / > load() > fs.readFileSync (src/load.js:3)',
      'EP102@7 GET / > hash() > crypto.pbkdf2Sync (src/hash/index.js:3)',
    ],
  );
});

// Where discovery's and analysis' import binders disagreed before they became one (lang/node/modules.ts),
// discovery was right: these bind as discovery always read them.
test('a require with a comment before its specifier binds the module: `require(/* sync */ "fs")`', async () => {
  const src = [
    "const nodeFs = require(/* sync on purpose */ 'fs');",
    "app.get('/', (req, res) => {",
    "  res.send(nodeFs.readFileSync('a'));",
    '});',
    '',
  ].join('\n');
  const fs = await analyze({ 'a.js': src }, [express('a.js', 2)]);
  assert.deepEqual(
    fs.map((f) => `${f.rule}@${f.line}`),
    ['EP101@3'],
  );
});

test('`const { default: load } = require("./load")` is the default export, as `import { default as load }` is', async () => {
  const files = {
    'src/app.js':
      "const { default: load } = require('./load');\napp.get('/a', (req, res) => {\n  res.send(load());\n});\n",
    'src/load.ts': "import fs from 'fs';\nexport default function load() {\n  return fs.readFileSync('a');\n}\n",
  };
  const fs = await analyze(files, [express('src/app.js', 2)]);
  assert.deepEqual(
    fs.map((f) => `${f.rule}@${f.line} ${f.chain?.join(' > ')}`),
    ['EP102@3 GET / > load() > fs.readFileSync (src/load.ts:3)'],
  );
});

test('a computed require (`require(`./lib/${name}`)`) names no module: its calls keep the names written', async () => {
  const src = 'const lib = require(`./lib/${name}`);\nfunction run() {\n  return lib.load();\n}\n';
  const facts = (await factsOf({ 'src/a.js': src })).get('src/a.js')!.facts;
  assert.deepEqual(
    facts.functions.flatMap((f) => f.calls.map((c) => c.callee)),
    ['lib.load'],
  );
  assert.equal(facts.specifiers, undefined);
});
