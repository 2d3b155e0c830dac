import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { extractPythonRouteFacts, linkPythonRoutes } from '../../src/core/discovery/python';
import { Parsers } from '../../src/core/parsing/parser';
import type { WorkspaceFile } from '../../src/core/workspace';
import { discover, discoverSources, find, FIXTURES, keys } from '../fixtures/python/discover';

test('src layout, `import a.b.c as x`, module-level aliases of FastAPI, factories returning routers', async () => {
  const routes = await discover('src_layout');
  assert.equal(find(routes, 'live').path, '/_/health/live');
  const cart = find(routes, 'read_cart');
  assert.equal(cart.path, '/carts/v2/{cart_id}'); // prefix is BASE + "/v2", built inside get_router()
  assert.equal(cart.line, 10);
  assert.deepEqual(find(routes, 'version').methods, ['GET', 'HEAD']); // app.router.add_api_route
  // a lambda endpoint has no def line to point at: it is left out rather than guessed
  assert.equal(routes.length, 3);
});

test('truncated files never throw, and the intact files around them still link', async () => {
  const parsers = await Parsers.load(undefined, ['python']);
  const rel = (p: string): WorkspaceFile => ({ path: p, absPath: path.join(FIXTURES, 'fastapi_app', p), language: 'python' });
  const intact = ['app/api/routes/items.py', 'app/orphan.py'];
  const victims = ['app/main.py', 'app/api/__init__.py', 'app/api/routes/users.py'];
  const factsOf = (file: WorkspaceFile, source: string) => {
    const tree = parsers.parse('python', source);
    try {
      return { file, facts: extractPythonRouteFacts(file, tree.rootNode) };
    } finally {
      tree.delete();
    }
  };
  const base = await Promise.all(intact.map(async (p) => factsOf(rel(p), await readFile(rel(p).absPath, 'utf8'))));
  for (const victim of victims) {
    const source = await readFile(rel(victim).absPath, 'utf8');
    for (let cut = 0; cut < source.length; cut += 11) {
      const routes = linkPythonRoutes([...base, factsOf(rel(victim), source.slice(0, cut))]);
      const handlers = new Set(routes.map((r) => r.handler));
      for (const h of ['list_items', 'read_item', 'update_item', 'delete_item', 'orphan_ping']) assert.ok(handlers.has(h), `${h} lost with ${victim} cut at ${cut}`);
    }
  }
});

test('imports inside an app factory resolve the names that factory registers (Flask and FastAPI)', async () => {
  assert.deepEqual(keys(await discover('flask_factory')), ['GET /v/hello hello', 'GET,POST /admin/stats stats']);
  assert.deepEqual(keys(await discover('fastapi_factory')), [
    'GET /b/own_b/items/{item_id} read_b',
    'GET /c/own_c/items/{item_id} read_c',
    'GET /d/own_d/items/{item_id} read_d',
  ]);
});

test('a function-level import binds its name in that function only, and shadows the module-level name there', async () => {
  const routes = await discoverSources({
    'pkg/__init__.py': '',
    'pkg/a.py': 'from flask import Blueprint\nbp = Blueprint("a", __name__, url_prefix="/a")\n@bp.route("/x")\ndef ax(): pass\n',
    'pkg/b.py': 'from flask import Blueprint\nbp = Blueprint("b", __name__, url_prefix="/b")\n@bp.route("/x")\ndef bx(): pass\n',
    'pkg/app.py': [
      'from flask import Flask',
      'from .a import bp',
      'def create_app():',
      '    app = Flask(__name__)',
      '    from .b import bp',
      '    app.register_blueprint(bp, url_prefix="/in-factory")',
      '    return app',
      'def helper():',
      '    from .a import bp as other',
      'main = Flask(__name__)',
      'main.register_blueprint(other, url_prefix="/never")', // `other` is unbound at module level
    ].join('\n'),
  });
  assert.deepEqual(keys(routes), ['GET /a/x ax', 'GET /in-factory/x bx']);
});
