// Node discovery on deeply nested code (minified bundles): walks are iterative or depth-bounded, so an
// expression nested thousands deep neither overflows the stack (dropping the whole file) nor takes
// time quadratic in its depth; the file's other routes, and routes inside the nesting, are still found.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { discoverNode, summary } from './discovery-node-helpers';

const N = 5000;

test('a file holding 5,000 nested brackets, parentheses, a long + chain and a long comma chain keeps its routes', async () => {
  const source = [
    "const express = require('express');",
    'const app = express();',
    `const brackets = ${'['.repeat(N)}${']'.repeat(N)};`,
    `const parens = ${'('.repeat(N)}1${')'.repeat(N)};`,
    `const sum = 'a'${" + 'b'".repeat(4 * N)};`,
    `let a; a = 1${', a'.repeat(4 * N)};`,
    `const PREFIX = '/p'${" + ''".repeat(N)};`,
    "app.get('/ok', (req, res) => res.end());",
    `${'['.repeat(N)}app.post('/inside', (req, res) => res.end())${']'.repeat(N)};`,
    `app${'.use((req, res, next) => next())'.repeat(N)}.get('/chained', (req, res) => res.end());`,
    `foo()${'.then(() => 1)'.repeat(N)};`,
  ].join('\n');
  const started = Date.now();
  const routes = await discoverNode({ 'bundle.js': source });
  assert.deepEqual(summary(routes), [
    'express GET /chained GET /chained bundle.js:10',
    'express GET /ok GET /ok bundle.js:8',
    'express POST /inside POST /inside bundle.js:9',
  ]);
  // ~3 s on a quiet 2-core machine, 8–12 s with the machine loaded four times over; a walk quadratic in the
  // depth takes minutes here: the bound tells those apart without failing on a busy machine
  assert.ok(Date.now() - started < 30_000, `took ${Date.now() - started} ms`);
});

test('a plugin whose route sits 2,000 functions deep is still read, from the fixture bundle', async () => {
  const routes = await discoverNode({
    'deep.js': readFileSync(path.join(__dirname, '..', 'fixtures', 'node', 'deep-bundle', 'plugin.js'), 'utf8'),
    'app.js': "const fastify = require('fastify')();\nfastify.register(require('./deep'), { prefix: '/d' });",
  });
  assert.deepEqual(summary(routes), ['fastify GET /d/deep GET /deep deep.js:3 async']);
});

test('bundled code where every function hands its parameters on, 14 calls deep, is linked in linear time', async () => {
  // Each function looks like a helper handed an app (`f1(a, b, c)` calls `f0(a, b, c)` three times): 3^14 paths
  // of mounts from the root, none reaching a route.
  const levels = ['function f0(a, b, c) { return a + b + c; }'];
  for (let i = 1; i <= 14; i++)
    levels.push(`function f${i}(a, b, c) { f${i - 1}(a, b, c); f${i - 1}(a, c, b); f${i - 1}(a, b, b); }`);
  levels.push('f14(x, y, z);');
  const started = Date.now();
  const routes = await discoverNode({
    'vendor.js': levels.join('\n'),
    'app.js': "const app = require('express')();\napp.get('/ok', (req, res) => res.end());",
  });
  assert.deepEqual(summary(routes), ['express GET /ok GET /ok app.js:2']);
  assert.ok(Date.now() - started < 10_000, `took ${Date.now() - started} ms`);
});
