// Discovery must find exactly the routes the real framework builds when it imports the
// fixture app (Debian's python3-fastapi/flask/aiohttp/django under /usr/bin/python3).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { discover, FIXTURES, keys } from '../fixtures/python/discover';

type FrameworkRoute = { methods: string[]; path: string; handler: string; params: string[] | null };

function frameworkRoutes(dir: string, framework: string, target: string): FrameworkRoute[] {
  return dumpRoutes(dir, framework, target) as FrameworkRoute[];
}

function dumpRoutes(dir: string, mode: string, target: string, input = ''): unknown {
  const out = execFileSync('/usr/bin/python3', [path.join(FIXTURES, 'dump_routes.py'), mode, target], {
    cwd: path.join(FIXTURES, dir),
    timeout: 30_000,
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
    input,
  });
  return JSON.parse(out.toString());
}

type Schema = {
  properties?: Record<string, Schema>;
  type?: string;
  items?: Schema;
  allOf?: Schema[];
  anyOf?: Schema[];
};
type FrameworkBody = { methods: string[]; path: string; handler: string; schema: Schema; errors?: string[] };

/**
 * Asserts that a template has the keys of an (already $ref-resolved) JSON schema wherever the
 * schema describes an object, nested objects and array items included; null values and
 * schemas without properties (scalars, a model met again inside itself) are not compared.
 */
function assertKeysOfSchema(template: unknown, schema: Schema, where: string): void {
  let s = schema;
  while (!s.properties && !s.items && (s.allOf ?? s.anyOf)?.length)
    s = (s.allOf ?? s.anyOf)!.find((x) => (x as { type?: string }).type !== 'null')!;
  if (template === null) return;
  if (s.properties) {
    assert.ok(
      typeof template === 'object' && !Array.isArray(template),
      `${where}: an object (${JSON.stringify(template)})`,
    );
    const t = template as Record<string, unknown>;
    assert.deepEqual(Object.keys(t).sort(), Object.keys(s.properties).sort(), `${where}: keys`);
    for (const [k, sub] of Object.entries(s.properties)) assertKeysOfSchema(t[k], sub, `${where}.${k}`);
  } else if (s.type === 'array' && s.items) {
    assert.ok(Array.isArray(template), `${where}: an array (${JSON.stringify(template)})`);
    if (template.length > 0) assertKeysOfSchema(template[0], s.items, `${where}[0]`);
  }
}

test('FastAPI: discovery equals app.routes of the imported app (plus the never-included router)', async () => {
  const ours = keys(await discover('fastapi_app'));
  const real = keys(frameworkRoutes('fastapi_app', 'fastapi', 'app.main'));
  assert.ok(real.length >= 10, `framework reported only ${real.length} routes`);
  assert.deepEqual(ours, [...real, 'GET {unknown prefix?}/orphan/ping orphan_ping'].sort());
});

test('FastAPI: prefixes read from settings objects that functions return equal the imported app.routes', async () => {
  const real = keys(frameworkRoutes('settings_factory', 'fastapi', 'app.main'));
  assert.equal(real.length, 3);
  assert.deepEqual(keys(await discover('settings_factory')), real);
});

test("FastAPI: a package's __init__.py including its own submodules' routers equals app.routes", async () => {
  const real = keys(frameworkRoutes('package_init', 'fastapi', 'shop.main'));
  assert.equal(real.length, 3);
  assert.deepEqual(keys(await discover('package_init')), real);
});

test('FastAPI: routers whose classes factories make equal app.routes', async () => {
  const real = keys(frameworkRoutes('class_factory', 'fastapi', 'factory.main'));
  assert.equal(real.length, 2);
  assert.deepEqual(keys(await discover('class_factory')), real);
});

test('FastAPI: methods decorated in class bodies (a vendored @cbv, a controller with a router attribute) equal app.routes', async () => {
  const real = keys(frameworkRoutes('class_routes', 'fastapi', 'app.main'));
  assert.equal(real.length, 5);
  assert.deepEqual(keys(await discover('class_routes')), real);
});

test("FastAPI: controller base classes registering the instance's own methods in __init__ equal app.routes", async () => {
  const real = keys(frameworkRoutes('controller_base', 'fastapi', 'shop.main'));
  assert.equal(real.length, 7);
  assert.deepEqual(keys(await discover('controller_base')), real);
});

test('Flask: discovery equals the imported app.url_map', async () => {
  const real = keys(frameworkRoutes('flask_app', 'flask', 'wsgi'));
  assert.ok(real.length >= 8);
  assert.deepEqual(keys(await discover('flask_app')), real);
});

test('aiohttp: discovery equals app.router of the imported application, sub-apps included', async () => {
  const real = keys(frameworkRoutes('aiohttp_app', 'aiohttp', 'svc.app'));
  assert.ok(real.length >= 7);
  assert.deepEqual(keys(await discover('aiohttp_app')), real);
});

test('aiohttp: setup_routes(app) in routes.py, called from the app factory, equals app.router', async () => {
  const real = keys(frameworkRoutes('aiohttp_setup', 'aiohttp', 'polls.main:app'));
  assert.equal(real.length, 2);
  assert.deepEqual(keys(await discover('aiohttp_setup')), real);
});

test('Flask: blueprints registered in for loops, one built inside a function given the app, equal app.url_map', async () => {
  const real = keys(frameworkRoutes('flask_loops', 'flask', 'web.app:create_app()'));
  assert.equal(real.length, 6);
  // the plugin loop (importlib at run time) is not followed: that blueprint's prefix is marked unknown
  const expected = real.map((k) => k.replace(' /hello/x', ' {unknown prefix?}/hello/x')).sort();
  assert.deepEqual(keys(await discover('flask_loops')), expected);
});

test('re-exports, an app configured twice by one function, routes in test files: each equals the real table', async () => {
  const reexport = keys(frameworkRoutes('reexport', 'fastapi', 'app.main'));
  assert.deepEqual(reexport, ['GET /v1/items list_items']);
  assert.deepEqual(keys(await discover('reexport')), reexport);
  const twice = keys(frameworkRoutes('configure_twice', 'flask', 'web.main'));
  assert.equal(twice.length, 2);
  assert.deepEqual(keys(await discover('configure_twice')), twice);
  const tests = keys(frameworkRoutes('with_tests', 'fastapi', 'app.main'));
  assert.deepEqual(tests, ['GET /items/ list_items']);
  assert.deepEqual(keys(await discover('with_tests')), tests);
});

test('FastAPI: helpers wrapping add_api_route, read per call site, equal app.routes', async () => {
  const real = keys(frameworkRoutes('register_helpers', 'fastapi', 'helpers.main'));
  assert.equal(real.length, 5);
  // `for path in paths` over a star parameter: each call site's remaining arguments
  assert.deepEqual(keys(await discover('register_helpers')), real);
});

test('Starlette: routes added by a setup function the lifespan awaits equal the started app.routes', async () => {
  const real = keys(frameworkRoutes('starlette_lifespan', 'started', 'svc.asgi'));
  assert.equal(real.length, 2);
  assert.deepEqual(keys(await discover('starlette_lifespan')), real);
});

test('Starlette: an app the factory returns unnamed, a router an awaited factory makes, equal the started routes', async () => {
  const real = keys(frameworkRoutes('starlette_returned', 'started', 'svc.asgi'));
  assert.equal(real.length, 3);
  assert.deepEqual(keys(await discover('starlette_returned')), real);
});

test('aiohttp: a helper aliasing the router, add_route and a handler object (aiohttp-demos) equals app.router', async () => {
  const real = keys(frameworkRoutes('aiohttp_handler_object', 'aiohttp', 'twit.main'));
  assert.equal(real.length, 4);
  assert.deepEqual(keys(await discover('aiohttp_handler_object')), real);
});

test('Flask: a helper looping over a list parameter (flaskbb register_view) equals the url_map', async () => {
  const real = keys(frameworkRoutes('flask_register_view', 'flask', 'forum.app'));
  assert.equal(real.length, 7);
  // the settings' list is the result of a call: one route, its path marked unknown, not two guessed ones
  const expected = [...real.filter((k) => !k.includes('/settings/')), 'GET /forum/{route?} Settings.get'].sort();
  assert.deepEqual(keys(await discover('flask_register_view')), expected);
});

test('FastAPI: routers a factory builds from its arguments, one per call, equal app.routes', async () => {
  const real = keys(frameworkRoutes('router_factory_args', 'fastapi', 'svc.main'));
  assert.equal(real.length, 8);
  // the versions come from a loop over a parameter: one route, its version marked unknown
  const expected = [
    ...real.filter((k) => !k.endsWith('/openapi.json openapi')),
    'GET /{version?}/openapi.json openapi',
  ].sort();
  assert.deepEqual(keys(await discover('router_factory_args')), expected);
});

test('Django: discovery equals get_resolver() of the configured project', async () => {
  const real = keys(frameworkRoutes('django_site', 'django', 'mysite.settings'));
  assert.ok(real.length >= 6);
  assert.deepEqual(keys(await discover('django_site')), real);
});

test('Django: include() of a (urlconf, app_name) tuple and of a (patterns, app_name) tuple equals get_resolver()', async () => {
  const real = keys(frameworkRoutes('django_nested', 'django', 'project.settings'));
  assert.ok(real.includes('ANY /api/files/upload/direct/local/<str:file_id>/ local'), real.join('; '));
  assert.equal(real.length, 7);
  assert.deepEqual(keys(await discover('django_nested')), real);
});

test("Django: views that are Django's code are listed as library routes, decorated and inherited views as the workspace's", async () => {
  type DjangoRoute = FrameworkRoute & { view: string[] };
  const real = frameworkRoutes('django_library', 'django', 'project.settings') as DjangoRoute[];
  const ours = await discover('django_library');
  const last = (qual: string) => qual.slice(qual.lastIndexOf('.') + 1);
  assert.ok(real.length >= 13, JSON.stringify(real));
  // every URL the resolver answers, no other
  assert.deepEqual([...new Set(ours.map((r) => r.path))].sort(), [...new Set(real.map((r) => r.path))].sort());
  for (const route of ours) {
    const here = real.filter((r) => r.path === route.path);
    if (route.library) {
      // the library class or function Django calls (or one the workspace class that configures it inherits)
      assert.equal(route.execution, 'library');
      for (const r of here) {
        assert.ok(
          r.view.map(last).includes(last(route.library)),
          `${route.path}: ${route.library} not in ${r.view.join(', ')}`,
        );
        assert.equal(last(r.view[0]), last(route.handler), route.path);
      }
    } else
      assert.deepEqual(keys([route]), keys(here.filter((r) => r.methods.join() === route.methods.join())), route.path);
  }
  // every method of every workspace view, as the resolver lists them
  const libraryPaths = new Set(ours.filter((r) => r.library).map((r) => r.path));
  assert.deepEqual(keys(ours.filter((r) => !r.library)), keys(real.filter((r) => !libraryPaths.has(r.path))));
  const login = ours.find((r) => r.path === '/login/');
  assert.deepEqual(
    login && [login.library, login.file, login.line],
    ['django.contrib.auth.views.LoginView', 'project/urls.py', 15], // where the route is registered
  );
  const home = ours.find((r) => r.path === '/pages/');
  assert.deepEqual(home && [home.handler, home.file, home.line], ['Home', 'pages/views.py', 21]); // the class that configures it
  assert.equal(ours.find((r) => r.path === '/feed/')?.execution, 'event-loop'); // `cache_page(60)(views.feed)`: the async def
  // a mixin after the view names no view: TemplateView, reached through Home, answers
  assert.equal(ours.find((r) => r.path === '/pages/shop/')?.library, 'django.views.generic.TemplateView');
  // a library route's range is its line only: the class body's findings are its methods'
  assert.ok(ours.filter((r) => r.library).every((r) => r.range && r.range.line === r.range.endLine));
});

test('Django REST framework: routers, viewsets as_view(actions) and generic views equal get_resolver() but format suffixes; mixins are library code', async () => {
  type DjangoRoute = FrameworkRoute & { view: string[] };
  // `items.json` variants of every URL are left out on purpose (the same handlers again)
  const real = (frameworkRoutes('django_drf', 'django', 'project.settings') as DjangoRoute[]).filter(
    (r) => !r.path.includes('(?P<format>'),
  );
  const ours = await discover('django_drf');
  const endpoint = (r: { methods: string[]; path: string }) => `${r.methods.join(',')} ${r.path}`;
  assert.equal(real.length, 25);
  assert.deepEqual(ours.map(endpoint).sort(), real.map(endpoint).sort());
  const last = (qual: string) => qual.slice(qual.lastIndexOf('.') + 1);
  // router routes and `as_view({"get": "list"})`: Django calls the viewset's action; the class defining it, as
  // Python resolves it, is the workspace's method or a REST framework mixin
  const viewsets = ['/api/', '/labels/', '/tag-list/'];
  for (const route of ours.filter((r) => viewsets.some((p) => r.path.startsWith(p)))) {
    const r = real.find((x) => endpoint(x) === endpoint(route))!;
    assert.equal(route.handler, r.handler);
    const owner = r.view[0];
    if (owner.startsWith('rest_framework.'))
      assert.equal(route.library && last(route.library), last(owner), route.path);
    else {
      assert.equal(route.library, undefined, endpoint(route));
      assert.equal(route.execution, 'worker');
      assert.equal(route.file, 'api/views.py');
    }
  }
  const inherited = ours.find((r) => r.path === '/api/ping')!;
  assert.deepEqual([inherited.handler, inherited.line], ['PingViewSet.list', 30]); // defined on BasePing
  // generic views: each method's action, the workspace's override where there is one
  const things = ours
    .filter((r) => r.path.startsWith('/things/'))
    .map((r) => `${endpoint(r)} ${r.handler} ${r.library}`);
  assert.deepEqual(things.sort(), [
    'DELETE /things/<int:pk>/ ThingDetail.destroy rest_framework.mixins.DestroyModelMixin',
    'GET /things/ ThingList.list rest_framework.mixins.ListModelMixin',
    'GET /things/<int:pk>/ ThingDetail.retrieve rest_framework.mixins.RetrieveModelMixin',
    'PATCH /things/<int:pk>/ ThingDetail.partial_update rest_framework.mixins.UpdateModelMixin',
    'POST /things/ ThingList.create undefined',
    'PUT /things/<int:pk>/ ThingDetail.update rest_framework.mixins.UpdateModelMixin',
  ]);
});

test('Django: urlpatterns rebound, extended, appended, unpacked and per language equal get_resolver()', async () => {
  const real = frameworkRoutes('django_patterns', 'django', 'project.settings');
  const ours = await discover('django_patterns');
  // what the tool writes differently on purpose: the language code as a placeholder (LANGUAGES decides it), no
  // format-suffix variants, and one library row for the routes of django.contrib.auth's own urlconf
  const expected = real
    .filter((r) => !r.path.includes('drf_format_suffix') && !r.path.startsWith('/accounts/'))
    .map((r) => ({ ...r, path: r.path.replace(/^\/en\//, '/{language code?}/') }));
  assert.ok(real.some((r) => r.path === '/accounts/login/'));
  assert.deepEqual(keys(ours.filter((r) => !r.library)), keys(expected));
  assert.deepEqual(
    ours.filter((r) => r.library).map((r) => `${r.path} ${r.handler} ${r.file}:${r.line}`),
    ['/accounts/{library routes?} include("django.contrib.auth.urls") project/urls.py:19'],
  );
  assert.equal(ours.find((r) => r.path.startsWith('/{language code?}/'))?.unresolved, true);
});

test('FastAPI: a route decorator applied by hand and paths from parameter defaults no caller gives equal app.routes', async () => {
  const real = keys(frameworkRoutes('fastapi_callform', 'fastapi', 'svc.main'));
  assert.deepEqual(real, [
    'GET /api/health health_check',
    'GET /api/links/{secret} redirect',
    'GET /api/version version',
  ]);
  assert.deepEqual(keys(await discover('fastapi_callform')), real);
});

test('FastAPI src layout: discovery equals app.routes, except lambda endpoints (no def to point at)', async () => {
  const real = frameworkRoutes('src_layout/src', 'fastapi', 'shop.app');
  assert.ok(real.some((r) => r.handler === '<lambda>'));
  assert.deepEqual(keys(await discover('src_layout')), keys(real.filter((r) => r.handler !== '<lambda>')));
});

test('app factories with imports inside them: discovery equals the routes of the app create_app() returns', async () => {
  const flask = keys(frameworkRoutes('flask_factory', 'flask', 'pkg:create_app()'));
  assert.ok(flask.includes('GET /v/hello hello'), `framework reported ${flask.join('; ')}`);
  assert.deepEqual(keys(await discover('flask_factory')), flask);
  const fastapi = keys(frameworkRoutes('fastapi_factory', 'fastapi', 'app.main:create_app()'));
  assert.equal(fastapi.length, 3);
  assert.deepEqual(keys(await discover('fastapi_factory')), fastapi);
});

test('an include cycle (app includes rb, rb includes app.router): discovery equals app.routes', async () => {
  const real = keys(frameworkRoutes('include_cycle', 'fastapi', 'svc.main'));
  assert.deepEqual(real, ['GET /a on_app', 'GET /b/r in_rb']);
  assert.deepEqual(keys(await discover('include_cycle')), real);
});

test('Starlette: discovery equals app.routes, Mounts of lists and of Routers/Starlette apps built in place included', async () => {
  const plain = keys(frameworkRoutes('starlette_app', 'starlette', 'main'));
  assert.ok(plain.length >= 5);
  assert.deepEqual(keys(await discover('starlette_app')), plain);
  const inline = keys(frameworkRoutes('starlette_inline', 'starlette', 'web.app'));
  assert.ok(inline.includes('GET /r/x in_router') && inline.includes('GET /t/deeper/w deepest'), inline.join('; '));
  assert.deepEqual(keys(await discover('starlette_inline')), inline);
});

test('handler parameters: discovery lists the names inspect.signature gives, in order, for every fixture app', async () => {
  const apps: Array<[dir: string, framework: string, target: string, root?: string]> = [
    ['fastapi_app', 'fastapi', 'app.main'],
    ['flask_app', 'flask', 'wsgi'],
    ['aiohttp_app', 'aiohttp', 'svc.app'],
    ['django_site', 'django', 'mysite.settings'],
    ['src_layout', 'fastapi', 'shop.app', 'src_layout/src'],
    ['flask_factory', 'flask', 'pkg:create_app()'],
    ['params_app', 'fastapi', 'api.main'],
    ['starlette_app', 'starlette', 'main'],
    ['starlette_inline', 'starlette', 'web.app'],
    ['body_app', 'fastapi', 'store.main'],
    ['class_routes', 'fastapi', 'app.main'],
    ['controller_base', 'fastapi', 'shop.main'],
  ];
  for (const [dir, framework, target, root] of apps) {
    const real = frameworkRoutes(root ?? dir, framework, target).filter((r) => r.handler !== '<lambda>');
    assert.ok(
      real.every((r) => r.params !== null),
      `${dir}: a handler without a signature`,
    );
    const withParams = (
      rs: Array<{ methods: string[]; path: string; handler: string }>,
      names: (i: number) => string[],
    ) => keys(rs.map((r, i) => ({ ...r, handler: `${r.handler}(${names(i).join(', ')})` })));
    const ours = (await discover(dir)).filter((r) => real.some((x) => x.handler === r.handler && x.path === r.path));
    assert.equal(ours.length, real.length, `${dir}: routes differ`);
    assert.deepEqual(
      withParams(ours, (i) => ours[i].params!.map((p) => p.name)),
      withParams(real, (i) => real[i].params!),
      dir,
    );
  }
});

test('FastAPI request bodies: each bodyTemplate has the keys of the requestBody schema app.openapi() gives, and FastAPI validates it without errors', async () => {
  const ours = await discover('body_app');
  const templated = ours.filter((r) => r.bodyTemplate !== undefined);
  const given = Object.fromEntries(
    templated.map((r) => [`${r.methods[0]} ${r.path}`, JSON.parse(r.bodyTemplate!) as unknown]),
  );
  const real = dumpRoutes('body_app', 'fastapi-bodies', 'store.main', JSON.stringify(given)) as FrameworkBody[];
  assert.ok(real.length >= 6, `framework reported only ${real.length} JSON bodies`);
  // the routes with a JSON body are exactly those with a template (ping and read_item have none)
  assert.deepEqual(keys(templated), keys(real));
  for (const body of real) {
    const key = `${body.methods[0]} ${body.path}`;
    assertKeysOfSchema(given[key], body.schema, key);
    assert.deepEqual(body.errors, [], `${key}: FastAPI rejects ${JSON.stringify(given[key])}`);
  }
});
