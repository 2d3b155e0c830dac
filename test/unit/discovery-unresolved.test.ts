// "Never confidently wrong": a path, prefix or mount discovery cannot evaluate is kept with the unevaluated
// part written `{expression?}`, marked `unresolved` with a reason; nothing beneath it is dropped, and one
// construct not understood never hides the rest of the workspace's routes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { nodeFileSystem } from '../../src/core/fs';
import type { Route } from '../../src/core/model';
import { Parsers } from '../../src/core/parsing/parser';
import { ProjectIndex } from '../../src/core/project';

const FIXTURES = path.join(__dirname, '..', 'fixtures');

async function routesOf(dir: string): Promise<Route[]> {
  const index = new ProjectIndex(path.join(FIXTURES, dir), nodeFileSystem, await Parsers.load());
  await index.refresh();
  return index.routes();
}

const rows = (routes: Route[]) =>
  routes.map((r) => `${r.methods.join(',')} ${r.path} ${r.handler}${r.unresolved ? ' ?' : ''}`).sort();

test('Python: an unevaluable prefix, f-string part, route path or url_prefix is kept and marked', async () => {
  const routes = await routesOf('python/unresolved');
  assert.deepEqual(rows(routes), [
    "DELETE /admin{os.environ['ADMIN_SUFFIX']?}/purge purge ?",
    'GET / index',
    'GET /health health',
    'GET {os.environ.get("CART_PREFIX")?}/view view ?', // the registration's url_prefix replaces the blueprint's own
    'GET {settings.API_PREFIX?}/items list_items ?',
    'GET {settings.API_PREFIX?}{PATHS.detail?} read_item ?',
  ]);
  const item = routes.find((r) => r.handler === 'read_item')!;
  assert.equal(item.unresolved, true);
  assert.equal(
    item.unresolvedReason,
    '`settings.API_PREFIX`, `PATHS.detail` could not be evaluated statically; the path shows them as {…?}',
  );
  for (const r of routes) if (!r.path.includes('?}')) assert.equal(r.unresolved, undefined, r.path);
});

test('Node: a template-literal mount with a non-constant part and setGlobalPrefix(prefixVar) hide nothing', async () => {
  const routes = await routesOf('node/unresolved');
  assert.deepEqual(rows(routes), [
    'GET /health GET /health',
    'GET /{base?}api/items GET /items ?',
    'GET /{prefixVar?}/users UsersController.list ?',
  ]);
  assert.match(routes.find((r) => r.handler === 'UsersController.list')!.unresolvedReason!, /`prefixVar`/);
});

test('Python: a registration helper called more often than discovery reads says so, naming the file', async () => {
  // register() adds one route per call; discovery reads its first 500 calls. The 501st and later are not
  // listed, and problems() says why instead of leaving a silent gap.
  const root = mkdtempSync(path.join(tmpdir(), 'ep-call-sites-'));
  try {
    const source = (n: number) =>
      [
        'from fastapi import FastAPI',
        'app = FastAPI()',
        'def handler(): pass',
        'def register(path):',
        '    app.add_api_route(path, handler)',
        ...Array.from({ length: n }, (_, i) => `register("/r${i}")`),
      ].join('\n');
    writeFileSync(path.join(root, 'main.py'), source(510));
    const index = new ProjectIndex(root, nodeFileSystem, await Parsers.load());
    await index.refresh();
    assert.equal(index.routes().length, 500);
    assert.deepEqual(index.problems(), [
      {
        path: 'main.py',
        problem:
          'register() (line 4) registers routes for each call; only its first 500 calls are read, routes registered by further calls are not listed',
      },
    ]);
    // Under the limit nothing is said
    await index.update({ path: 'main.py', absPath: path.join(root, 'main.py'), language: 'python' }, source(3));
    assert.equal(index.routes().length, 3);
    assert.deepEqual(index.problems(), []);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
