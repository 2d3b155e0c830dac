import { test } from 'node:test';
import assert from 'node:assert/strict';
import { discover, find } from '../fixtures/python/discover';

test('FastAPI package: prefixes through include_router across modules, constants, settings-class attributes and f-strings', async () => {
  const routes = await discover('fastapi_app');
  const byHandler = (h: string) => find(routes, h);
  assert.equal(byHandler('list_items').path, '/api/v1/items/');
  assert.equal(byHandler('read_item').path, '/api/v1/items/{item_id}');
  assert.deepEqual(byHandler('update_item').methods, ['PUT', 'PATCH']);
  assert.equal(byHandler('me').path, '/api/v1/users/me'); // APIRouter(prefix=USERS) imported under an alias
  assert.equal(byHandler('create_user').path, '/api/v1/users');
  assert.deepEqual(byHandler('user_feed').methods, ['WEBSOCKET']);
});

test('FastAPI: nested routers, workspace subclass of APIRouter, add_api_route, mount, app factory', async () => {
  const routes = await discover('fastapi_app');
  const lines = find(routes, 'order_lines');
  assert.equal(lines.path, '/api/v1/orders/{order_id}/lines');
  assert.deepEqual(lines.routers, ['main.application', 'api.api_router', 'orders.router', 'orders.detail']);
  assert.equal(find(routes, 'user_stats').path, '/api/v1/users/stats');
  assert.equal(find(routes, 'admin_stats').path, '/admin/stats');
  assert.equal(find(routes, 'health').path, '/health'); // decorated inside create_app()
});

test('FastAPI: file, 1-based def line, async and execution per handler', async () => {
  const routes = await discover('fastapi_app');
  const sync = find(routes, 'read_item');
  assert.equal(sync.file, 'app/api/routes/items.py');
  assert.equal(sync.line, 14);
  assert.equal(sync.async, false);
  assert.equal(sync.execution, 'threadpool');
  const asyncRoute = find(routes, 'list_items');
  assert.equal(asyncRoute.line, 9);
  assert.equal(asyncRoute.async, true);
  assert.equal(asyncRoute.execution, 'event-loop');
  assert.equal(asyncRoute.range?.endLine, 10);
});

test('a router included nowhere is still reported, under an unknown prefix then its own; FastAPI callback routers are not', async () => {
  const routes = await discover('fastapi_app');
  const orphan = find(routes, 'orphan_ping');
  assert.equal(orphan.path, '{unknown prefix?}/orphan/ping');
  assert.equal(orphan.unresolved, true);
  assert.match(orphan.unresolvedReason ?? '', /included nowhere discovery can follow/);
  assert.deepEqual(orphan.routers, ['orphan.router']);
  assert.equal(find(routes, 'subscribe').path, '/api/v1/webhooks/subscribe');
  assert.equal(
    routes.some((r) => r.handler === 'event_received'),
    false,
  );
});

test('broken and odd code never throws and yields what it can; a path it cannot evaluate is kept, marked', async () => {
  const routes = await discover('broken');
  assert.deepEqual(
    routes.map((r) => `${r.methods[0]} ${r.path} ${r.handler}`),
    ['GET {missing.PATH?} unknown_path', 'GET /ok survivor'],
  );
  const unknown = find(routes, 'unknown_path');
  assert.equal(unknown.unresolved, true);
  assert.match(unknown.unresolvedReason ?? '', /`missing\.PATH` could not be evaluated/);
  assert.equal(find(routes, 'survivor').unresolved, undefined);
});

test("routes carry the handler's parameters as written: annotation and default text, stars, multi-line annotations", async () => {
  const routes = await discover('params_app');
  assert.deepEqual(find(routes, 'read_item').params, [
    { name: 'item_id', annotation: 'int' },
    { name: 'q', annotation: 'Optional[str]', default: 'None' },
  ]);
  assert.deepEqual(find(routes, 'by_kind').params, [
    { name: 'kind', annotation: "Literal['a', 'b']" },
    { name: 'page', annotation: 'int', default: '5' },
    { name: 'verbose', annotation: 'bool', default: 'False' }, // after the bare `*`
  ]);
  assert.deepEqual(find(routes, 'get_file').params, [
    { name: 'request', annotation: 'Request' },
    { name: 'name', annotation: 'Annotated[\n        str,\n        Path(min_length=1),\n    ]' },
    { name: 'version', default: '"v1"' },
  ]);
  assert.deepEqual(find(routes, 'plain_endpoint').params, [{ name: '*args' }, { name: '**kwargs' }]);
  // class-based views and Django views: every parameter, self and request included
  const django = await discover('django_site');
  assert.deepEqual(
    find(django, 'ResultsView.get').params?.map((p) => p.name),
    ['self', 'request', 'pk'],
  );
  assert.deepEqual(find(django, 'detail').params, [{ name: 'request' }, { name: 'question_id' }]);
});
