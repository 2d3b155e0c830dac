// Routes registered in test files are the tests' own apps, not the project's: left out, and an app the
// tests build again from the project's factory does not list the project's routes a second time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isTestFile } from '../../src/core/workspace';
import { discoverNode, summary } from './discovery-node-helpers';
import { discoverSources, keys } from '../fixtures/python/discover';

test('test files by path', () => {
  for (const p of [
    'tests/test_api.py',
    'app/tests/helpers.py',
    'test/helper.ts',
    'src/__tests__/a.ts',
    'conftest.py',
    'pkg/api_test.py',
    'src/a.test.ts',
    'src/a.spec.js',
    'e2e/app.e2e-spec.ts',
  ])
    assert.equal(isTestFile(p), true, p);
  for (const p of ['app/main.py', 'src/testing.ts', 'src/contest.py', 'latest/app.js', 'src/routes/test-results.ts'])
    assert.equal(isTestFile(p), false, p);
});

test('Node: an app built in a test helper and routes declared in tests are not listed', async () => {
  const routes = await discoverNode({
    'src/app.js': [
      'async function serviceApp(fastify) {',
      "  fastify.get('/items', async () => []);",
      '}',
      'module.exports = serviceApp;',
    ].join('\n'),
    'src/server.js': "const Fastify = require('fastify');\nconst app = Fastify();\napp.register(require('./app'));",
    'test/helper.js': [
      "const Fastify = require('fastify');",
      "const serviceApp = require('../src/app');",
      'const app = Fastify();',
      'app.register(serviceApp);',
      "app.get('/error', async () => { throw new Error('x'); });",
    ].join('\n'),
  });
  assert.deepEqual(summary(routes), ['fastify GET /items GET /items src/app.js:2 async']);
});

test('Python: routes registered in tests and conftest.py are not listed', async () => {
  const routes = await discoverSources({
    'app/main.py': 'from fastapi import FastAPI\napp = FastAPI()\n@app.get("/items")\nasync def items(): pass\n',
    'tests/test_api.py':
      'from fastapi import FastAPI\nfrom app.main import app\n@app.get("/only-in-tests")\nasync def t(): pass\n',
    'conftest.py':
      'from fastapi import FastAPI\ntest_app = FastAPI()\n@test_app.get("/fixture")\nasync def f(): pass\n',
  });
  assert.deepEqual(keys(routes), ['GET /items items']);
});
