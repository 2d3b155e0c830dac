// Test code is left out of the index before it is read: routes registered in test files are the tests' own apps,
// not the project's (and an app the tests build again from the project's factory does not list the project's
// routes a second time), code only tests run never serves a request, and on a large repository the tests are
// half the files to parse. The scan never lists a test folder nor reads a test file, and an edit to one is
// ignored, so nothing downstream (discovery, analysis) needs to know about tests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { nodeFileSystem, type FileSystem } from '../../src/core/fs';
import { Parsers } from '../../src/core/parsing/parser';
import { ProjectIndex } from '../../src/core/project';
import { isTestFile } from '../../src/core/workspace';
import { summary } from './discovery-node-helpers';
import { keys } from '../fixtures/python/discover';

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
    'web/specs/a.py',
  ])
    assert.equal(isTestFile(p), true, p);
  for (const p of ['app/main.py', 'src/testing.ts', 'src/contest.py', 'latest/app.js', 'src/routes/test-results.ts'])
    assert.equal(isTestFile(p), false, p);
});

/** Every path the index asked the file system about, relative to `root`. */
function recording(root: string): { fs: FileSystem; touched: Set<string> } {
  const touched = new Set<string>();
  const rel = (abs: string) => path.relative(root, abs).split(path.sep).join('/');
  return {
    touched,
    fs: {
      readFile: (p) => (touched.add(rel(p)), nodeFileSystem.readFile(p)),
      readDirectory: (p) => (touched.add(`${rel(p)}/`), nodeFileSystem.readDirectory(p)),
      stat: (p) => (touched.add(rel(p)), nodeFileSystem.stat!(p)),
    },
  };
}

async function indexed(files: Record<string, string>) {
  const root = mkdtempSync(path.join(tmpdir(), 'ep-test-files-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  }
  const { fs, touched } = recording(root);
  const index = new ProjectIndex(root, fs, await Parsers.load());
  try {
    await index.refresh();
    return { index, root, touched, routes: index.routes() };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

test('Node: an app built in a test helper and routes declared in tests are not listed', async () => {
  const { routes } = await indexed({
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
    'src/app.test.js': "const app = require('fastify')();\napp.get('/in-a-test', async () => []);",
  });
  assert.deepEqual(summary(routes), ['fastify GET /items GET /items src/app.js:2 async']);
});

test('Python: routes registered in tests and conftest.py are not listed', async () => {
  const { routes } = await indexed({
    'app/main.py': 'from fastapi import FastAPI\napp = FastAPI()\n@app.get("/items")\nasync def items(): pass\n',
    'tests/test_api.py':
      'from fastapi import FastAPI\nfrom app.main import app\n@app.get("/only-in-tests")\nasync def t(): pass\n',
    'conftest.py':
      'from fastapi import FastAPI\ntest_app = FastAPI()\n@test_app.get("/fixture")\nasync def f(): pass\n',
    'app/api_test.py': 'from app.main import app\n@app.get("/api-test")\nasync def a(): pass\n',
  });
  assert.deepEqual(keys(routes), ['GET /items items']);
});

test('test folders are never listed and test files never read: no problem, no finding, edits ignored', async () => {
  const BLOCKING = 'import time\nasync def helper():\n    time.sleep(1)\n';
  const { index, touched } = await indexed({
    'app/main.py': 'from fastapi import FastAPI\napp = FastAPI()\n@app.get("/items")\nasync def items(): pass\n',
    'tests/test_api.py': BLOCKING,
    'tests/data/blob.py': 'x\0y',
    'app/tests/deep/helpers.py': BLOCKING,
    'app/conftest.py': BLOCKING,
    'web/src/__tests__/a.ts': "import fs from 'fs';\nexport const a = () => fs.readFileSync('x');\n",
    'web/src/a.spec.ts': 'export {}',
    'web/e2e/tsconfig.json': '{"compilerOptions": {"paths": {"@e2e/*": ["./*"]}}}',
  });
  assert.deepEqual(
    [...touched].filter((p) => isTestFile(p) || /(^|\/)(tests|__tests__|e2e)\/$/.test(p)),
    [],
    'nothing under a test folder and no test file is listed, statted or read',
  );
  assert.deepEqual(
    index.files().map((f) => f.path),
    ['app/main.py'],
  );
  assert.deepEqual(index.problems(), [], 'a binary file among the tests is not even looked at');
  assert.deepEqual(index.findings(), []);
  // The editor's incremental path asks includes() before indexing an edited or created file.
  for (const p of ['tests/test_api.py', 'app/tests/new.py', 'app/conftest.py', 'web/src/a.spec.ts'])
    assert.equal(index.includes(p), false, p);
  assert.equal(index.includes('app/new_module.py'), true);
});
