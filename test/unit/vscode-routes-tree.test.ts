// The Routes view's grouping, filtering and blocking badges over REAL discovery and analysis
// of the fixtures (no VS Code): what a user sees in the side panel for those workspaces.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { nodeFileSystem } from '../../src/core/fs';
import { nodeWasmLoader, Parsers } from '../../src/core/parsing/parser';
import { ProjectIndex } from '../../src/core/project';
import {
  buildRoutesTree,
  countRoutes,
  matchesFilter,
  routeLabel,
  type FileNode,
  type RouteNode,
  type RouterNode,
} from '../../src/vscode/routesTreeModel';
import { blockingLensTitle } from '../../src/vscode/handlerModel';

const fixture = (p: string): string => path.resolve(__dirname, '../fixtures', p);

async function indexOf(dir: string) {
  const index = new ProjectIndex(fixture(dir), nodeFileSystem, await Parsers.load(nodeWasmLoader));
  await index.refresh();
  return index;
}

const routesOf = (f: FileNode): RouteNode[] => f.children.flatMap((c) => (c.kind === 'router' ? c.children : [c]));
/** A row by "METHODS path" (the row shows the path as its label and the methods first in its description). */
const find = (tree: FileNode[], label: string): RouteNode => {
  const hit = tree.flatMap(routesOf).find((r) => routeLabel(r.route) === label);
  assert.ok(hit, `route ${label} in the tree`);
  return hit;
};

test('fastapi app: files sorted, routes in source order, a router level only in the file with two routers', async () => {
  const index = await indexOf('python/fastapi_app');
  const tree = buildRoutesTree(index.routes(), index.findings());
  assert.deepEqual(
    tree.map((f) => f.file),
    [...tree.map((f) => f.file)].sort(),
  );
  assert.equal(countRoutes(tree), index.routes().length);

  const items = tree.find((f) => f.file === 'app/api/routes/items.py');
  assert.ok(items);
  assert.ok(
    items.children.every((c) => c.kind === 'route'),
    'one router: routes directly under the file',
  );
  const lines = routesOf(items).map((r) => r.route.line);
  assert.deepEqual(
    lines,
    [...lines].sort((a, b) => a - b),
  );
  assert.equal(items.description, `${lines.length} routes`);

  const orders = tree.find((f) => f.file === 'app/api/routes/orders.py');
  assert.ok(orders);
  const routers = orders.children as RouterNode[];
  assert.deepEqual(
    routers.map((r) => [r.kind, r.name]),
    [
      ['router', 'orders.router'],
      ['router', 'orders.detail'],
    ],
  );
  assert.deepEqual(
    routers[1].children.map((r) => r.label),
    ['/api/v1/orders/{order_id}/lines'],
  );
});

test('labels join methods; descriptions name the handler and where it runs; icons follow execution', async () => {
  const index = await indexOf('python/fastapi_app');
  const tree = buildRoutesTree(index.routes(), index.findings());
  const update = find(tree, 'PUT,PATCH /api/v1/items/{item_id}');
  assert.equal(update.label, '/api/v1/items/{item_id}', 'the path first');
  assert.equal(update.description, 'PUT,PATCH · update_item · async');
  assert.equal(update.icon, 'symbol-event');
  const read = find(tree, 'GET /api/v1/items/{item_id}');
  assert.equal(read.description, 'GET · read_item · threadpool');
  assert.equal(read.icon, 'server-process');
  assert.match(read.tooltip, /Routers: `main\.application` → `api\.api_router` → `items\.router`/);
  assert.match(read.tooltip, /`app\/api\/routes\/items\.py:14`/);
  assert.match(read.tooltip, /threadpool/);

  const mixed = await indexOf('analysis/mixed-frameworks');
  const mixedTree = buildRoutesTree(mixed.routes(), mixed.findings());
  const aioSync = mixedTree.flatMap(routesOf).find((r) => r.route.handler === 'sync_handler');
  assert.ok(aioSync);
  assert.match(aioSync.description, /^[A-Z,]+ (· ⚠ \d+ )?· sync_handler · sync on loop/);
  assert.match(aioSync.tooltip, /aiohttp calls even sync handlers on the event loop/);
  const flask = mixedTree.flatMap(routesOf).find((r) => r.route.handler === 'proxy');
  assert.ok(flask);
  assert.equal(flask.icon, 'server');
  assert.match(flask.description, /^[A-Z,]+ (· ⚠ \d+ )?· proxy · worker/);
});

test('blocking badge counts the findings of that handler in that file only', async () => {
  const index = await indexOf('analysis/fastapi-app');
  const findings = index.findings();
  const tree = buildRoutesTree(index.routes(), findings);
  // EP103 ("async def that never awaits") is advice about the handler, not a blocking call.
  const expected = (handler: string) =>
    findings.filter((f) => f.handler === handler && f.file === 'app/main.py' && f.rule !== 'EP103').length;

  const client = find(tree, 'GET /client');
  assert.ok(expected('use_client') >= 2, 'fixture: use_client makes several blocking calls');
  assert.ok(
    findings.some((f) => f.handler === 'use_client' && f.rule === 'EP103'),
    'fixture: use_client also gets EP103 advice',
  );
  assert.equal(client.blocking, expected('use_client'));
  // The badge right after the methods: a default-width sidebar cuts the end of the row, not its start.
  assert.equal(client.label, '/client');
  assert.match(client.description, new RegExp(`^GET · ⚠ ${expected('use_client')} · use_client · `));
  assert.match(client.tooltip, new RegExp(`⚠ ${expected('use_client')} blocking calls`));

  const offloaded = find(tree, 'GET /offloaded');
  assert.equal(offloaded.blocking, 0);
  assert.doesNotMatch(offloaded.description, /⚠/);
  // get_settings is a dependency with a finding but no route: it must not inflate any badge.
  assert.ok(findings.some((f) => f.handler === 'get_settings'));
  const main = tree.find((f) => f.file === 'app/main.py');
  assert.ok(main);
  const routeHandlers = new Set(index.routes().map((r) => r.handler));
  assert.equal(
    main.blocking,
    findings.filter((f) => f.file === 'app/main.py' && f.rule !== 'EP103' && f.handler && routeHandlers.has(f.handler))
      .length,
  );
  // The badge and the handler's CodeLens agree on every route.
  for (const route of index.routes()) {
    const lens = blockingLensTitle(route, findings);
    assert.equal(
      find(tree, `${route.methods.join(',')} ${route.path}`).blocking,
      lens ? Number(/\d+/.exec(lens)![0]) : 0,
      route.path,
    );
  }
  assert.match(main.description, /routes · ⚠ \d+$/);

  // Same handler name in another file does not count: a finding moved to another file drops out.
  const moved = findings.map((f) => (f.handler === 'use_client' ? { ...f, file: 'app/other.py' } : f));
  assert.equal(find(buildRoutesTree(index.routes(), moved), 'GET /client').blocking, 0);
});

test('express: anonymous handlers named by their route still get their findings', async () => {
  const index = await indexOf('analysis/express-app');
  const tree = buildRoutesTree(index.routes(), index.findings());
  assert.equal(find(tree, 'GET /report').blocking, 1);
  assert.equal(find(tree, 'POST /login').blocking, 1);
  assert.equal(find(tree, 'GET /health').blocking, 0);
  assert.match(find(tree, 'GET /report').description, /^GET · ⚠ 1 · GET \/report · async$/);
});

test('filter: substring on method, path, handler or file, case-insensitive; empty groups vanish', async () => {
  const index = await indexOf('python/fastapi_app');
  const routes = index.routes();
  const labels = (filter: string) =>
    buildRoutesTree(routes, [], filter)
      .flatMap(routesOf)
      .map((r) => routeLabel(r.route));

  assert.deepEqual(labels('websocket'), ['WEBSOCKET /api/v1/users/ws']);
  assert.deepEqual(labels('PATCH'), ['PUT,PATCH /api/v1/items/{item_id}']);
  assert.deepEqual(labels('ORDER_LINES'), ['GET /api/v1/orders/{order_id}/lines']);
  const inUsers = labels('routes/users.py');
  assert.equal(inUsers.length, routes.filter((r) => r.file === 'app/api/routes/users.py').length);
  assert.ok(inUsers.length > 1);
  assert.deepEqual(
    buildRoutesTree(routes, [], 'routes/users.py').map((f) => f.file),
    ['app/api/routes/users.py'],
  );
  assert.deepEqual(labels('post /api/v1/users'), ['POST /api/v1/users']);
  assert.equal(labels('  ').length, routes.length, 'blank filter shows everything');
  assert.deepEqual(labels('no-such-route'), []);
  assert.ok(routes.every((r) => matchesFilter(r, r.handler)));
});

test('a route whose path could not be evaluated says so in its row, icon and tooltip; resolved rows do not', async () => {
  const index = await indexOf('python/unresolved');
  const tree = buildRoutesTree(index.routes(), index.findings());
  const item = find(tree, 'GET {settings.API_PREFIX?}{PATHS.detail?}');
  assert.match(item.description, /^GET · \? unresolved · read_item/);
  assert.equal(item.icon, 'question');
  assert.match(item.tooltip, /\? Unresolved path: `settings\.API_PREFIX`, `PATHS\.detail` could not be evaluated/);
  const health = find(tree, 'GET /health');
  assert.doesNotMatch(health.description, /unresolved/);
  assert.doesNotMatch(health.tooltip, /Unresolved/);
  assert.notEqual(health.icon, 'question');
});
