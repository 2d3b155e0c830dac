// Profile Endpoint's decisions over routes discovered from real fixtures: the handler under
// the cursor, path parameters in every framework's syntax with type-fitting suggestions,
// URLs, profiles offered, and the server command a workspace would be started with.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { before, test } from 'node:test';
import type { Route } from '../../src/core/model';
import { nodeFileSystem } from '../../src/core/fs';
import { Parsers } from '../../src/core/parsing/parser';
import { ProjectIndex } from '../../src/core/project';
import {
  answersKey,
  bodyToOffer,
  buildUrl,
  customProfileText,
  methodsToOffer,
  parseCustomProfile,
  pathParams,
  profileLabel,
  profilesToOffer,
  rememberedProfile,
  profileToRemember,
  routeAt,
  BUILT_IN_PROFILES,
  estimateText,
  formatDuration,
  LIMITS,
  parseTargetInput,
  settingsProblem,
} from '../../src/vscode/profileModel';
import { readFileSync } from 'node:fs';
import { detectServerCommands } from '../../src/vscode/serverModel';

const fixtures = path.resolve(__dirname, '../fixtures');
let parsers: Parsers;
async function indexOf(dir: string): Promise<ProjectIndex> {
  const index = new ProjectIndex(path.join(fixtures, dir), nodeFileSystem, parsers);
  await index.refresh();
  return index;
}
const routesOf = async (dir: string): Promise<Route[]> => (await indexOf(dir)).routes();
async function serverCommands(dir: string, scripts?: Record<string, string>): Promise<string[]> {
  const index = await indexOf(dir);
  return detectServerCommands(
    index.routes(),
    index.files().map((f) => f.path),
    scripts,
  ).map((c) => c.command);
}

before(async () => {
  parsers = await Parsers.load();
});

test('the route under the cursor: any line of its handler, none between handlers', async () => {
  const routes = await routesOf('e2e/fastapi');
  const blocking = routes.find((r) => r.handler === 'blocking')!;
  const threadpool = routes.find((r) => r.handler === 'threadpool')!;
  assert.ok(blocking.range && threadpool.range, 'discovery gives handler ranges');
  assert.equal(routeAt(routes, 'main.py', blocking.line + 1)?.handler, 'blocking');
  assert.equal(routeAt(routes, 'main.py', blocking.range.endLine)?.handler, 'blocking');
  assert.equal(routeAt(routes, 'main.py', threadpool.line)?.handler, 'threadpool');
  assert.equal(routeAt(routes, 'main.py', 1), undefined);
  assert.equal(routeAt(routes, 'other.py', blocking.line), undefined);
});

test('answers are keyed by the handler (file, name, methods, path), not its line: an edit above it keeps them', () => {
  const route = {
    file: 'app/main.py',
    handler: 'read_item',
    methods: ['GET', 'HEAD'],
    path: '/items/{item_id}',
    line: 12,
  };
  const moved = { ...route, line: 40 };
  assert.equal(answersKey(moved), answersKey(route));
  assert.equal(answersKey({ ...route, methods: ['HEAD', 'GET'] }), answersKey(route), 'method order does not matter');
  for (const other of [
    { file: 'app/other.py' },
    { handler: 'read_other' },
    { methods: ['POST'] },
    { path: '/items/{id}' },
  ]) {
    assert.notEqual(answersKey({ ...route, ...other }), answersKey(route), JSON.stringify(other));
  }
});

test('path parameters of Flask, Django, FastAPI and Express routes get values that fit their types', async () => {
  const flask = await routesOf('python/flask_app');
  const order = flask.find((r) => r.path.includes('<int:order_id>'))!;
  assert.deepEqual(
    pathParams(order.path).map((p) => [p.name, p.suggestion]),
    [['order_id', '1']],
  );
  assert.equal(buildUrl('http://127.0.0.1:5000', order, {}), 'http://127.0.0.1:5000/api/v2/orders/1');

  const django = await routesOf('python/django_site');
  const legacy = django.find((r) => r.path.includes('(?P<year>'))!;
  const [year] = pathParams(legacy.path);
  assert.equal(year.name, 'year');
  assert.equal(year.suggestion, '2024', 'a value matching [0-9]{4}');
  assert.equal(buildUrl('http://127.0.0.1:8000/', legacy, {}), 'http://127.0.0.1:8000/legacy/2024/');

  assert.deepEqual(
    pathParams('/files/{file_path:path}/v/{item_id}').map((p) => [p.name, p.suggestion]),
    [
      ['file_path', 'a/b'],
      ['item_id', '1'],
    ],
  );
  assert.equal(
    buildUrl('http://127.0.0.1:8000', { path: '/files/{file_path:path}' }, { file_path: 'x y/z' }),
    'http://127.0.0.1:8000/files/x%20y/z',
  );
  assert.deepEqual(
    pathParams('/users/:userId/posts/:slug?').map((p) => [p.name, p.suggestion]),
    [
      ['userId', '1'],
      ['slug', 'example'],
    ],
  );
  assert.equal(
    buildUrl('http://localhost:3000/base', { path: '/users/:userId' }, { userId: '42' }),
    'http://localhost:3000/base/users/42',
  );
});

test('path parameters are pre-filled from the handler signature discovery read: defaults, Literal choices, annotations', async () => {
  const routes = await routesOf('python/params_app');
  const suggested = (path: string) => {
    const route = routes.find((r) => r.path === path)!;
    return pathParams(route.path, route.params).map((p) => [p.name, p.suggestion]);
  };
  assert.deepEqual(
    suggested('/kinds/{kind}'),
    [['kind', 'a']],
    "kind: Literal['a', 'b'] (the name alone would give 'example')",
  );
  assert.deepEqual(
    suggested('/files/{name}/{version}'),
    [
      ['name', 'example'],
      ['version', 'v1'],
    ],
    'version="v1" is its default',
  );
  assert.equal(
    buildUrl(
      'http://127.0.0.1:8000',
      routes.find((r) => r.path === '/kinds/{kind}')!,
      {},
    ),
    'http://127.0.0.1:8000/kinds/a',
  );
  const one = (param: { name: string; annotation?: string; default?: string }, path = `/x/{${param.name}}`) =>
    pathParams(path, [param])[0].suggestion;
  assert.equal(one({ name: 'uid', annotation: 'uuid.UUID' }), '00000000-0000-4000-8000-000000000000');
  assert.equal(one({ name: 'n', annotation: 'Annotated[int, Path(gt=0)]', default: '7' }), '7');
  assert.equal(one({ name: 'day', annotation: 'date' }), '2024-01-01');
  assert.equal(
    one({ name: 'item', default: 'Depends(get_item)' }),
    'example',
    'a call is not a value: back to the name',
  );
  assert.equal(
    one({ name: 'year', default: '"abc"' }, '/x/{year:[0-9]{4}}'),
    '2024',
    'a default that does not fit the pattern is not used',
  );
});

test("the body prompt starts from the handler's request-body model, on one line; {} when discovery derived none", async () => {
  const routes = await routesOf('python/body_app');
  const create = routes.find((r) => r.handler === 'create_item')!;
  const offered = bodyToOffer(create);
  assert.equal(offered, create.bodyTemplate);
  assert.ok(!offered.includes('\n'), 'one line');
  assert.deepEqual(Object.keys(JSON.parse(offered) as object).slice(0, 3), ['created_by', 'name', 'price']);
  assert.deepEqual(Object.keys(JSON.parse(bodyToOffer(routes.find((r) => r.handler === 'update_item')!)) as object), [
    'item',
    'user',
    'importance',
  ]);
  assert.equal(bodyToOffer(routes.find((r) => r.handler === 'ping')!), '{}', 'no body model: {}');
  assert.equal(
    bodyToOffer({ bodyTemplate: '{\n  "a": [1,\n 2]\n}' }),
    '{"a":[1,2]}',
    'a pretty template is offered compact',
  );
  assert.equal(bodyToOffer({ bodyTemplate: 'not json' }), '{}');
  assert.equal(
    bodyToOffer({ bodyTemplate: 42 as unknown as string }),
    '{}',
    'a route handed over from elsewhere with a stray value',
  );
});

test('a malformed base URL is refused by buildUrl, not turned into a request', () => {
  assert.throws(() => buildUrl('127.0.0.1:8000', { path: '/x' }, {}), /Invalid URL/);
});

test('methods offered: implicit HEAD/OPTIONS dropped, any-method routes send GET, websockets none', () => {
  assert.deepEqual(methodsToOffer({ methods: ['GET', 'HEAD'] }), ['GET']);
  assert.deepEqual(methodsToOffer({ methods: ['GET', 'POST'] }), ['GET', 'POST']);
  assert.deepEqual(methodsToOffer({ methods: ['ANY'] }), ['GET']);
  assert.deepEqual(methodsToOffer({ methods: ['WEBSOCKET'] }), []);
  assert.deepEqual(methodsToOffer({ methods: ['EVENT'] }), []); // socket.io event handlers
});

test("profiles: the user's own settings come first (one Enter runs them), else the last used", () => {
  const mine = profilesToOffer({ concurrency: 10, requests: 10, durationS: 0, rate: 0, explicit: true });
  assert.deepEqual([mine[0].concurrency, mine[0].requests], [10, 10]);
  assert.match(mine[0].detail, /10 concurrent, 10 requests/);
  const defaults = profilesToOffer(
    { concurrency: 10, requests: 200, durationS: 0, rate: 0, explicit: false },
    'Sustained',
  );
  assert.equal(defaults[0].label, 'Sustained');
  assert.equal(defaults.length, 4);
});

test('a Custom… profile is remembered whole and offered first next time, marked "Last used"', () => {
  const defaults = { concurrency: 10, requests: 200, durationS: 0, rate: 0, explicit: false };
  const custom = parseCustomProfile('7 30s 20 req/s');
  assert.ok(typeof custom !== 'string');
  const saved = profileToRemember(custom);
  const offered = profilesToOffer(defaults, JSON.parse(JSON.stringify(saved)));
  assert.deepEqual([offered[0].concurrency, offered[0].durationS, offered[0].rate], [7, 30, 20]);
  assert.equal(profileLabel(offered[0]), 'Last used: Custom');
  assert.equal(offered.length, 5, 'the built-ins follow');
  assert.deepEqual(
    parseCustomProfile(customProfileText(offered[0])),
    custom,
    'the Custom… input is pre-filled with it',
  );
  assert.equal(profileToRemember(offered[0]).lastUsed, undefined, 'the marker is not saved');

  // With the user's settings, they stay first (one Enter runs them) and the last used comes next.
  const mine = profilesToOffer({ ...defaults, concurrency: 3, requests: 9, explicit: true }, saved);
  assert.deepEqual(mine.slice(0, 2).map(profileLabel), ['From settings', 'Last used: Custom']);
  // A last-used profile equal to one already offered is not offered twice.
  assert.equal(
    profilesToOffer({ ...defaults, concurrency: 7, durationS: 30, rate: 20, explicit: true }, saved).filter(
      (p) => p.concurrency === 7,
    ).length,
    1,
  );
  const quick = profilesToOffer(defaults, profileToRemember(profilesToOffer(defaults)[0]));
  assert.deepEqual(quick.map(profileLabel), ['Last used: Seed check', 'Quick', 'Sustained', 'Rate']);
  // Earlier versions saved a label: a built-in's still works; anything malformed is dropped, not sent.
  assert.equal(profilesToOffer(defaults, 'Seed check')[0].label, 'Seed check');
  for (const bad of [
    'Custom',
    { label: 'Custom', detail: 'x', concurrency: 0, requests: 5 },
    { label: 'Custom', detail: 'x', concurrency: 2 },
    42,
    null,
  ]) {
    assert.deepEqual(
      profilesToOffer(defaults, bad).map(profileLabel),
      ['Seed check', 'Quick', 'Sustained', 'Rate'],
      JSON.stringify(bad),
    );
  }
});

test('custom profiles parse counts, durations and rates, and explain what is wrong', () => {
  assert.deepEqual(parseCustomProfile('20 500'), {
    label: 'Custom',
    detail: '20 concurrent, 500 requests',
    concurrency: 20,
    requests: 500,
  });
  const timed = parseCustomProfile('c=8, 30s at 50 req/s');
  assert.ok(typeof timed !== 'string');
  assert.deepEqual([timed.concurrency, timed.durationS, timed.rate], [8, 30, 50]);
  // Like the Rate preset, a custom rate says its concurrency is a cap, not a load of its own.
  assert.equal(timed.detail, '50 req/s for 30 s, at most 8 in flight');
  assert.match(parseCustomProfile('fast') as string, /give a concurrency/);
  assert.match(parseCustomProfile('0 10') as string, /positive integer/);
});

test('server commands come from the discovered app object and package.json scripts, as argv on {host}:{port}', async () => {
  assert.equal(
    (await serverCommands('python/fastapi_app'))[0],
    'python3 -m uvicorn app.main:application --host {host} --port {port}',
  );
  assert.equal(
    (await serverCommands('python/src_layout'))[0],
    'python3 -m uvicorn shop.app:app --host {host} --port {port}',
  );
  assert.match(
    (await serverCommands('python/flask_app'))[0],
    /^python3 -m flask --app shop:\w+ run --host \{host\} --port \{port\}$/,
  );
  assert.deepEqual(await serverCommands('python/django_site'), ['python3 manage.py runserver {host}:{port}']);
  assert.deepEqual(await serverCommands('python/django_ninja'), ['python3 manage.py runserver {host}:{port}']);
  // The app's own file first (a folder may hold several apps; a script may start another one).
  assert.deepEqual(await serverCommands('demo', { start: 'node app.js' }), ['node app.js', 'npm run start']);
  const node = detectServerCommands(
    (await indexOf('demo')).routes(),
    (await indexOf('demo')).files().map((f) => f.path),
  ).find((c) => c.command === 'node app.js');
  assert.deepEqual(node?.argv, ['node', 'app.js'], 'PORT and HOST come from core/servers, not a POSIX `PORT=…` prefix');
});

/** A refusal's text (the parsers return a string when they refuse). */
const said = (r: unknown): string => (typeof r === 'string' ? r : JSON.stringify(r));

test('presets: the safe one first, the rate preset states its concurrency cap, estimates read as durations', () => {
  assert.equal(BUILT_IN_PROFILES[0].label, 'Seed check');
  assert.equal(BUILT_IN_PROFILES[0].requests, 10, 'Enter on a fresh picker sends 10 requests, not 200');
  const rate = BUILT_IN_PROFILES.find((p) => p.rate);
  assert.match(rate?.detail ?? '', /at most 50 in flight/);
  const quick = BUILT_IN_PROFILES.find((p) => p.label === 'Quick')!;
  // 200 requests against a 1 s endpoint: 20 s if they run side by side, 200 s if it serves one at a time.
  assert.equal(
    estimateText(quick, { ms: 1000, status: 200 }, 10),
    '≈ 20 s – 3 min 20 s (the longer if requests queue) at ~1.0 s per request',
  );
  assert.equal(estimateText(quick, { ms: 4, status: 200 }, 10), '≈ 0.8 s at ~4 ms per request');
  assert.match(
    estimateText(quick, { ms: 10_000, error: 'no response within 10 s' }, 10),
    /at up to 10 s per request \(the probe got no answer\)/,
  );
  assert.equal(
    estimateText({ concurrency: 50, durationS: 30 }, { ms: 20, status: 200 }, 10),
    '≈ 30 s at ~20 ms per request',
  );
  assert.deepEqual(
    [formatDuration(0.42), formatDuration(200), formatDuration(3900)],
    ['0.4 s', '3 min 20 s', '1 h 5 min'],
  );
});

test("limits: the settings' bounds in package.json are enforced at run time, for settings and Custom… alike", () => {
  const manifest = JSON.parse(readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8')) as {
    contributes: { configuration: { properties: Record<string, { minimum?: number; maximum?: number }> } };
  };
  for (const [name, { min, max }] of Object.entries(LIMITS)) {
    const declared = manifest.contributes.configuration.properties[`endpointProfiler.${name}`];
    assert.deepEqual([declared.minimum, declared.maximum], [min, max], `package.json bounds of ${name}`);
  }
  assert.match(said(parseCustomProfile('2000 100000000')), /requests must be an integer from 1 to 1,000,000/);
  assert.match(said(parseCustomProfile('20000 10')), /concurrency must be an integer from 1 to 10,000/);
  const defaults = { concurrency: 10, requests: 200, durationS: 0, rate: 0, explicit: false };
  assert.equal(settingsProblem(defaults, 10), undefined);
  assert.match(String(settingsProblem({ ...defaults, concurrency: 10001 }, 10)), /^endpointProfiler\.concurrency/);
  assert.match(String(settingsProblem(defaults, 0)), /^endpointProfiler\.timeout/);
  // A "Last used" profile from workspace state (an older version accepted any Custom… numbers) is
  // held to the same bounds: it is not offered, so Enter cannot send 2000 × 100,000,000.
  const huge = { label: 'Custom', detail: '2000 concurrent, 100000000 requests', concurrency: 2000, requests: 1e8 };
  assert.equal(rememberedProfile(huge), undefined);
  assert.ok(!profilesToOffer(defaults, huge).some((p) => p.requests === 1e8));
  assert.equal(rememberedProfile({ ...huge, requests: 500 })?.requests, 500);
});

test('Profile URL… input: a URL, or a method and a URL', () => {
  assert.deepEqual(parseTargetInput('http://127.0.0.1:8000/items?x=1'), {
    method: 'GET',
    url: 'http://127.0.0.1:8000/items?x=1',
  });
  assert.deepEqual(parseTargetInput(' post  http://[::1]:3000/a '), { method: 'POST', url: 'http://[::1]:3000/a' });
  assert.match(said(parseTargetInput('127.0.0.1:8000/x')), /not a URL|only http/);
  assert.match(said(parseTargetInput('ftp://127.0.0.1/x')), /only http and https/);
  assert.match(said(parseTargetInput('FETCH http://127.0.0.1/')), /unknown method FETCH/);
  assert.match(said(parseTargetInput('http://u:p@127.0.0.1/')), /credentials/);
});

test('an unresolved prefix is asked for, never guessed: {settings.API_PREFIX?}/items/{item_id}', () => {
  const path = '{settings.API_PREFIX?}/items/{item_id}';
  const [prefix, item] = pathParams(path, [{ name: 'item_id', annotation: 'int' }]);
  assert.deepEqual(
    [prefix.name, prefix.token, prefix.suggestion, prefix.unresolved],
    ['settings.API_PREFIX', '{settings.API_PREFIX?}', '', true],
  );
  assert.equal(item.name, 'item_id');
  assert.equal(
    buildUrl('http://127.0.0.1:8000', { path }, { 'settings.API_PREFIX': '/api/v1', item_id: '3' }),
    'http://127.0.0.1:8000/api/v1/items/3',
  );
});
