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
  const rel = (p: string): WorkspaceFile => ({
    path: p,
    absPath: path.join(FIXTURES, 'fastapi_app', p),
    language: 'python',
  });
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
      for (const h of ['list_items', 'read_item', 'update_item', 'delete_item', 'orphan_ping'])
        assert.ok(handlers.has(h), `${h} lost with ${victim} cut at ${cut}`);
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
    'pkg/a.py':
      'from flask import Blueprint\nbp = Blueprint("a", __name__, url_prefix="/a")\n@bp.route("/x")\ndef ax(): pass\n',
    'pkg/b.py':
      'from flask import Blueprint\nbp = Blueprint("b", __name__, url_prefix="/b")\n@bp.route("/x")\ndef bx(): pass\n',
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
  // pkg.a's blueprint is registered nowhere at module level: shown under an unknown prefix
  assert.deepEqual(keys(routes), ['GET /in-factory/x bx', 'GET {unknown prefix?}/a/x ax']);
});

test('definition cycles and blow-ups cost at most their own statements; other files keep every route', async () => {
  const started = Date.now();
  const routes = await discover('cycles');
  assert.ok(Date.now() - started < 10_000, `took ${Date.now() - started} ms`);
  assert.deepEqual(keys(routes), [
    'GET /0/a home',
    'GET /1/a home',
    'GET /2/a home',
    'GET /3/a home',
    'GET /4/a home',
    'GET /5/a home',
    'GET /6/a home',
    'GET /7/a home',
    'GET /8/a home',
    'GET /9/a home',
    'GET /fine fine',
    'GET /shop shop', // the Flask app in another folder
    'GET /x x', // methods=M with M = N, N = M: unknown methods, the framework default
    'GET {P?} p', // P = Q + "/p", Q = P: kept, the path marked unresolved
    'GET {S39?} home', // a definition past the step budget: kept, marked unresolved
  ]);
});

test('a linker failure in one module costs that module only (the rest of the workspace still links)', async () => {
  const routes = await discoverSources({
    'odd/app.py':
      'from fastapi import FastAPI\napp = FastAPI()\nM = N\nN = M\n@app.api_route("/x", methods=M)\ndef x(): pass\n',
    'shop/app.py': 'from flask import Flask\napp = Flask(__name__)\n@app.route("/shop")\ndef shop(): pass\n',
  });
  assert.deepEqual(keys(routes), ['GET /shop shop', 'GET /x x']);
});

test("include cycles: routes are emitted from the cycle's app, or from any member of a cycle nothing else includes", async () => {
  const cycle = find(await discover('include_cycle'), 'in_rb');
  assert.equal(cycle.path, '/b/r');
  assert.deepEqual(cycle.routers, ['main.app', 'back.rb']);
  const routes = await discoverSources({
    'routers.py': [
      'from fastapi import APIRouter',
      'r1 = APIRouter(prefix="/one")',
      'r2 = APIRouter(prefix="/two")', // r1 ↔ r2, no app: start at r1
      'r3 = APIRouter(prefix="/three")',
      'r4 = APIRouter(prefix="/four")', // r3 ↔ r4, included only from the r1/r2 cycle
      'cb = APIRouter()',
      'only_cb = APIRouter()', // a callback router and what only it includes: never served
      '@r1.get("/x")\ndef x(): pass',
      '@r3.get("/y")\ndef y(): pass',
      '@cb.post("/event")\ndef event(): pass',
      '@only_cb.get("/z")\ndef z(): pass',
      'r1.include_router(r2)',
      'r2.include_router(r1)',
      'r2.include_router(r3)',
      'r3.include_router(r4)',
      'r4.include_router(r3)',
      'cb.include_router(only_cb)',
      '@r1.post("/hook", callbacks=cb.routes)\ndef hook(): pass',
    ].join('\n'),
  });
  // no app includes the cycle: its routes are shown under an unknown prefix
  assert.deepEqual(keys(routes), [
    'GET {unknown prefix?}/one/two/three/y y',
    'GET {unknown prefix?}/one/x x',
    'POST {unknown prefix?}/one/hook hook',
  ]);
});

test('deeply nested expressions are unknown past a depth; the rest of the file still yields routes', async () => {
  const source = [
    'from fastapi import FastAPI',
    'app = FastAPI()',
    `Y = (\n${Array(3000).fill("    'a'").join(' +\n')}\n)`, // a 3,000-term sum
    `Z = (\n${'    [\n'.repeat(5000)}${'    ]\n'.repeat(5000)})`, // 5,000 nested brackets
    `C = (\n${'    f(\n'.repeat(20000)}${'    )\n'.repeat(20000)})`, // 20,000 nested calls
    `a.${Array(5000).fill('b').join('.\\\n')}.get("/never")\ndef never(): pass`, // a 5,000-deep attribute chain as a decorator target
    `@app.get(\n${Array(300).fill('    "/p"').join('\n')}\n)\ndef concatenated(): pass`, // 300 adjacent literals are one string
    '@app.get("/ok")\nasync def ok(): pass',
  ].join('\n\n');
  const routes = await discoverSources({ 'deep.py': source });
  assert.deepEqual(keys(routes), ['GET /ok ok', `GET ${'/p'.repeat(300)} concatenated`]);
  // and the facts stay shallow, so nothing walking them later can overflow either
  const parsers = await Parsers.load(undefined, ['python']);
  const tree = parsers.parse('python', source);
  try {
    const facts = extractPythonRouteFacts({ path: 'deep.py', absPath: '/deep.py', language: 'python' }, tree.rootNode);
    const depthOf = (v: unknown): number =>
      v && typeof v === 'object' ? 1 + Math.max(0, ...Object.values(v).map(depthOf)) : 0;
    assert.ok(depthOf(facts) < 200, `facts ${depthOf(facts)} deep`);
  } finally {
    tree.delete();
  }
});

test('settings from a function: its return annotation or returned instance, class attributes inherited from bases', async () => {
  const routes = await discover('settings_factory');
  assert.equal(find(routes, 'list_items').path, '/api/items'); // settings = get_app_settings() -> AppSettings
  assert.equal(find(routes, 'stats').path, '/admin/stats'); // get_app_settings().admin_prefix, from the base class
  assert.equal(find(routes, 'version').path, '/api/meta/version'); // returns DevAppSettings(), inherits api_prefix
  assert.equal(
    routes.some((r) => r.unresolved),
    false,
  );
});

test('a parameter stands for the router object its call sites pass: setup_routes(app), handlers.init_app(app)', async () => {
  const routes = await discoverSources({
    'redash/__init__.py': '',
    'redash/handlers/__init__.py': [
      'from flask import Blueprint',
      'routes = Blueprint("redash", __name__)',
      '@routes.route("/ping")',
      'def ping(): pass',
      'def init_app(app):',
      '    app.register_blueprint(routes)',
    ].join('\n'),
    'redash/app.py': [
      'from flask import Flask',
      'from redash import handlers',
      'def create_app():',
      '    app = Flask(__name__)',
      '    handlers.init_app(app)',
      '    return app',
    ].join('\n'),
    'other.py': 'def helper(session):\n    session.add(1)\n',
  });
  assert.deepEqual(keys(routes), ['GET /ping ping']);
  assert.equal(find(routes, 'ping').unresolved, undefined);
});

test('a helper including routers into the router it is handed: one copy per call, its value that router (fief)', async () => {
  const routers = [
    'from fastapi import APIRouter',
    'auth = APIRouter()',
    '@auth.get("/login")',
    'def login(): pass',
    'users = APIRouter()',
    '@users.get("/me")',
    'def me(): pass',
  ].join('\n');
  const helper = (body: string[]) => [
    'from fastapi import APIRouter, FastAPI',
    'from app.routers import auth, users',
    'def include_routers(router: APIRouter) -> APIRouter:',
    ...body,
  ];
  const fills = ['    router.include_router(auth)', '    router.include_router(users, prefix="/api")'];
  const run = async (main: string[]) =>
    keys(await discoverSources({ 'app/__init__.py': '', 'app/routers.py': routers, 'app/main.py': main.join('\n') }));
  // fief's auth app: routers built in place, the helper's value included
  const fief = await run([
    ...helper([...fills, '    return router']),
    'default_router = include_routers(APIRouter())',
    'tenant_router = include_routers(APIRouter(prefix="/{tenant_slug}"))',
    'app = FastAPI()',
    'app.include_router(default_router)',
    'app.include_router(tenant_router)',
  ]);
  assert.deepEqual(fief, [
    'GET /api/me me',
    'GET /login login',
    'GET /{tenant_slug}/api/me me',
    'GET /{tenant_slug}/login login',
  ]);
  // routers passed by name, the helper's value unused: each gets the helper's includes
  const named = await run([
    ...helper(fills),
    'a = APIRouter()',
    'b = APIRouter(prefix="/t")',
    'include_routers(b)',
    'include_routers(a)',
    'app = FastAPI()',
    'app.include_router(a)',
    'app.include_router(b, prefix="/x")',
  ]);
  assert.deepEqual(named, ['GET /api/me me', 'GET /login login', 'GET /x/t/api/me me', 'GET /x/t/login login']);
  // a helper returning something else: the router handed in is included nowhere known, so its routes say so
  const other = await run([
    ...helper([...fills, '    return APIRouter(prefix="/fresh")']),
    'fresh = include_routers(APIRouter(prefix="/t"))',
    'app = FastAPI()',
    'app.include_router(fresh, prefix="/x")',
  ]);
  assert.deepEqual(other, ['GET {unknown prefix?}/t/api/me me', 'GET {unknown prefix?}/t/login login']);
  // a helper rebinding its parameter returns its own router: the one handed in is not it
  const rebound = await run([
    ...helper(['    router = APIRouter(prefix="/own")', ...fills, '    return router']),
    'app = FastAPI()',
    'app.include_router(include_routers(APIRouter(prefix="/t")), prefix="/x")',
  ]);
  assert.deepEqual(rebound, ['GET /x/own/api/me me', 'GET /x/own/login login']);
});

test("a package's __init__.py importing its own submodules (`from . import items`) includes their routers", async () => {
  // resolved from __init__.py itself, relative and absolute: the import binds the submodule
  assert.deepEqual(keys(await discover('package_init')), [
    'GET /api/items/ list_items',
    'GET /api/users/{user_id} read_user',
    'POST /api/orders/ create_order',
  ]);
});

test('router classes made by factories: a subclass defined inside the function, or the class it returns', async () => {
  // APIRouter = make_router_class(TimedRoute) (class Router(BaseRouter) inside it); PlainRouter = plain_router_class()
  assert.deepEqual(keys(await discover('class_factory')), ['GET /_/live live', 'GET /v1/items/{item_id} read_item']);
});

test('for loops over written-out lists register each item; a blueprint built inside a function given the app', async () => {
  const routes = await discover('flask_loops');
  assert.deepEqual(keys(routes), [
    'GET /a/page page_a', // for prefix, bp in BLUEPRINTS (a tuple of pairs in the module)
    'GET /b/page page_b',
    'GET /oauth/google login', // [create_google_blueprint(app), …]: the blueprint the function builds and returns
    'GET /oauth/google_callback authorized',
    'GET {unknown prefix?}/hello/x hello_x', // for plugin in load_plugins(): not followed, so marked, never dropped
    'GET,POST /saml/login saml_login',
  ]);
  assert.equal(find(routes, 'hello_x').unresolved, true);
  assert.equal(find(routes, 'login').unresolved, undefined);
  // FastAPI alike, with names for modules (`m.router`) and a loop over a list not written out
  const fastapi = await discoverSources({
    'svc/__init__.py': '',
    'svc/a.py': 'from fastapi import APIRouter\nrouter = APIRouter()\n@router.get("/x")\ndef ax(): pass\n',
    'svc/b.py': 'from fastapi import APIRouter\nrouter = APIRouter()\n@router.get("/y")\ndef by(): pass\n',
    'svc/main.py': [
      'from fastapi import FastAPI',
      'from svc import a, b',
      'router = None', // a module name the loop variable shadows
      'app = FastAPI()',
      'def include_all(app):',
      '    for m in [a, b]:',
      '        app.include_router(m.router, prefix="/m")',
      'def setup(app):',
      '    include_all(app)', // the app passed on through a second function's parameter
      'setup(app)',
    ].join('\n'),
  });
  assert.deepEqual(keys(fastapi), ['GET /m/x ax', 'GET /m/y by']);
});

test("re-exports through a package's __init__.py: a handler, a path constant and a router", async () => {
  // db/__init__.py: `from .queries import ITEMS_PATH, list_items`; api/routes.py: `from ..db import …`
  const routes = await discover('reexport');
  assert.deepEqual(keys(routes), ['GET /v1/items list_items']);
  assert.equal(find(routes, 'list_items').file, 'app/db/queries.py');
});

test('routes tests add to the app, a conftest app and *_test.py modules are not listed', async () => {
  assert.deepEqual(keys(await discover('with_tests')), ['GET /items/ list_items']);
});

test('an app configured twice by one function (configure(app), configure(smoke_app)) lists each route once', async () => {
  const routes = await discover('configure_twice');
  assert.deepEqual(keys(routes), ['GET /hello hello', 'POST /bye bye']);
  assert.deepEqual(find(routes, 'bye').routers, ['main.app']);
});

test("helpers wrapping a registration: each call site's router, path and handler (FastAPI, flask-restful)", async () => {
  const routes = await discover('register_helpers');
  assert.deepEqual(keys(routes), [
    'GET /items/ list_items', // register(router, "/", list_items): method="GET" by default
    'GET /items/{item_id} read_item', // register(router, ITEM, …): ITEM evaluated where the call is written
    'GET /public/catalog list_items', // for path in paths (a star parameter): the site's remaining arguments
    'GET /v1/users/me me',
    'POST /items/ create_item',
  ]);
  assert.equal(find(routes, 'me').unresolved, undefined);
  const restful = await discoverSources({
    'app/__init__.py': '',
    'app/api.py': [
      'from flask_restful import Api',
      'api = Api(prefix="/api")',
      'def add(resource, *urls, **kwargs):',
      '    api.add_resource(resource, *urls, **kwargs)',
      'def add_v2(resource, path):',
      '    api.add_resource(resource, f"/v2{path}")',
    ].join('\n'),
    'app/resources.py': [
      'from flask_restful import Resource',
      'from app.api import add, add_v2',
      'class Items(Resource):',
      '    def get(self): pass',
      'class Item(Resource):',
      '    def delete(self, item_id): pass',
      'add(Items, "/items", "/items/")',
      'add(Item, "/items/<item_id>", endpoint="item")',
      'add_v2(Items, "/items")',
    ].join('\n'),
    'app/main.py': 'from flask import Flask\nfrom app.api import api\napp = Flask(__name__)\napi.init_app(app)\n',
  });
  assert.deepEqual(keys(restful), [
    'DELETE /api/items/<item_id> Item.delete',
    'GET /api/items Items.get',
    'GET /api/items/ Items.get',
    'GET /api/v2/items Items.get',
  ]);
});

test('a parameter passed down by many callers is looked up once per function, not once per call chain', async () => {
  // seven layers of eight functions never called from the app, each calling all eight of the next layer with its
  // parameter, the last layer calling register(a); then the one call that passes the app. Read chain by chain,
  // the 8^7 dead chains come first and exhaust the statement's budget, losing the route.
  const lines = ['from flask import Flask', 'app = Flask(__name__)', 'def deep(): pass'];
  lines.push('def register(a):\n    a.add_url_rule("/deep", view_func=deep)');
  for (let layer = 0; layer < 7; layer++)
    for (let k = 0; k < 8; k++) {
      const calls = Array.from({ length: 8 }, (_, j) => (layer === 6 ? 'register(a)' : `d${layer + 1}_${j}(a)`));
      lines.push(`def d${layer}_${k}(a):\n${calls.map((c) => `    ${c}`).join('\n')}`);
    }
  lines.push('def live(a):\n    register(a)', 'live(app)');
  const started = Date.now();
  const routes = await discoverSources({ 'layers.py': lines.join('\n') });
  assert.ok(Date.now() - started < 10_000, `took ${Date.now() - started} ms`);
  assert.deepEqual(keys(routes), ['GET /deep deep']);
});

test("controller base classes registering the instance's own methods in __init__: routes under the instance's prefix", async () => {
  // shop/base.py: `self.router = APIRouter(prefix=self.prefix)`, then `self.register()` adds `self.list` …;
  // shop/controllers.py: subclasses overriding handlers; shop/main.py: `users = Users("/users")`, include_router
  const routes = await discover('controller_base');
  assert.deepEqual(keys(routes), [
    'GET /api/orders/ BaseController.list', // inherited: the base class's def
    'GET /api/orders/health BaseController.health',
    'GET /api/orders/{item_id} Orders.get', // Orders() → super().__init__("/orders")
    'GET /users/ Users.list', // the subclass's override
    'GET /users/health BaseController.health',
    'GET /users/{item_id} Users.get',
    'POST /api/orders/ WritableController.create', // super().register() then one more route
  ]);
  const get = find(routes, 'Users.get');
  assert.equal(get.file, 'shop/controllers.py');
  assert.equal(get.line, 8);
  // a bound method: `self` is no parameter of the endpoint
  assert.deepEqual(
    (get.params ?? []).map((p) => p.name),
    ['item_id', 'verbose'],
  );
  assert.ok(routes.every((r) => !r.unresolved));

  // Flask, a prefix that cannot be evaluated and one never given: kept, marked — not dropped, not guessed
  const flask = await discoverSources({
    'web/__init__.py': '',
    'web/base.py': [
      'from flask import Blueprint',
      'class Controller:',
      '    def __init__(self, name, prefix):',
      '        self.bp = Blueprint(name, __name__, url_prefix=prefix)',
      '        self.bp.add_url_rule("/", view_func=self.index)',
      '        self.bp.add_url_rule("/<int:pk>", view_func=self.show, methods=["GET", "DELETE"])',
      '    def index(self): return "base"',
      '    def show(self, pk): return str(pk)',
    ].join('\n'),
    'web/views.py': [
      'from web.base import Controller',
      'class Pages(Controller):',
      '    def index(self): return "pages"',
    ].join('\n'),
    'web/app.py': [
      'import os',
      'from flask import Flask',
      'from web.views import Pages',
      'pages = Pages("pages", "/pages")',
      'posts = Pages("posts", os.environ["POSTS_PREFIX"])',
      'drafts = Pages("drafts")',
      'app = Flask(__name__)',
      'app.register_blueprint(pages.bp)',
      'app.register_blueprint(posts.bp)',
      'app.register_blueprint(drafts.bp)',
    ].join('\n'),
  });
  assert.deepEqual(keys(flask), [
    'DELETE,GET /pages/<int:pk> Controller.show',
    'DELETE,GET {os.environ["POSTS_PREFIX"]?}/<int:pk> Controller.show',
    'DELETE,GET {prefix?}/<int:pk> Controller.show',
    'GET /pages/ Pages.index',
    'GET {os.environ["POSTS_PREFIX"]?}/ Pages.index',
    'GET {prefix?}/ Pages.index',
  ]);
  assert.ok(flask.filter((r) => r.path.includes('?}')).every((r) => r.unresolved));
});

test('a router factory called with arguments: one router per call, its prefix and methods from that call', async () => {
  const routes = await discover('router_factory_args');
  assert.deepEqual(keys(routes), [
    'GET /v1/auth/apple/authorize authorize',
    'GET /v1/auth/github/authorize authorize',
    'GET /v1/auth/github/callback callback', // callback_method left out: its default "GET"
    'GET /v1/auth/google/authorize authorize', // provider="google" by keyword, through a module-level name
    'GET /v1/auth/google/callback callback',
    'GET /{version?}/openapi.json openapi', // the endpoint a factory returns; the loop over a parameter is marked
    'POST /v1/auth/apple/callback callback', // methods=[callback_method] with callback_method="POST"
  ]);
  assert.equal(routes.filter((r) => r.unresolved).length, 1);
  assert.equal(find(routes, 'openapi').file, 'svc/oauth.py');
  // a factory that varies with nothing it is given stays one router, included where each call is
  const shared = await discoverSources({
    'app/__init__.py': '',
    'app/main.py': [
      'from fastapi import APIRouter, FastAPI',
      'def make(tag):',
      '    r = APIRouter(tags=[tag])',
      '    @r.get("/x")',
      '    def x(): pass',
      '    return r',
      'app = FastAPI()',
      'app.include_router(make("a"), prefix="/a")',
      'app.include_router(make("b"), prefix="/b")',
    ].join('\n'),
  });
  assert.deepEqual(keys(shared), ['GET /a/x x', 'GET /b/x x']);
});

test('a prefix variable that cannot be evaluated is named as such, not taken for a router included nowhere', async () => {
  // healthchecks' hc/urls.py: `prefix = ""`, reassigned under a condition, then `path(prefix, include(...))`
  const routes = await discoverSources({
    'site/__init__.py': '',
    'site/settings.py': 'import os\nROOT_URLCONF = "site.urls"\nSITE_ROOT = os.getenv("SITE_ROOT", "")\n',
    'site/views.py': 'def ping(request): pass\n',
    'site/urls.py': [
      'from django.conf import settings',
      'from django.urls import path',
      'from site import views',
      'prefix = ""',
      'if settings.SITE_ROOT:',
      '    prefix = settings.SITE_ROOT + "/"',
      'urlpatterns = [path(f"{prefix}ping/", views.ping)]',
    ].join('\n'),
  });
  const ping = find(routes, 'ping');
  assert.equal(ping.unresolved, true);
  assert.match(ping.unresolvedReason ?? '', /`prefix` could not be evaluated/);
  // the router-included-nowhere placeholder cannot be mistaken for an expression's text
  assert.doesNotMatch(ping.unresolvedReason ?? '', /included nowhere/);
});

test('route strings: prefixes in either case, escapes decoded unless raw, f-string parts, adjacent literals', async () => {
  const source = [
    'from fastapi import FastAPI',
    'app = FastAPI()',
    'v = "x"',
    String.raw`@app.get("/a\"q\\b")`,
    'def escaped(): pass',
    String.raw`@app.get(R"/r\d")`,
    'def raw(): pass',
    String.raw`@app.get(U'/u\tt')`,
    'def unicode_prefix(): pass',
    String.raw`@app.get(F"/f\"{v}/{v}")`,
    'def fstring(): pass',
    String.raw`@app.get(rf"/rf\d/{v}")`,
    'def raw_fstring(): pass',
    String.raw`@app.get("/c" '/d' f"/{v}")`,
    'def adjacent(): pass',
    '@app.get("""/triple""")',
    'def triple(): pass',
    '@app.get("")',
    'def empty(): pass',
  ].join('\n');
  const routes = await discoverSources({ 'strings.py': source });
  assert.deepEqual(keys(routes).sort(), [
    'GET  empty',
    'GET /a"q\\b escaped',
    'GET /c/d/x adjacent',
    'GET /f"x/x fstring',
    'GET /r\\d raw',
    'GET /rf\\d/x raw_fstring',
    'GET /triple triple',
    'GET /u\tt unicode_prefix',
  ]);
});

test('FastAPI(lifespan=f): routers included by what f awaits, given the app, keep their paths (lnbits)', async () => {
  // Debian's FastAPI predates `lifespan=`: the real-framework check is the Starlette fixture starlette_lifespan
  const routes = await discoverSources({
    'svc/__init__.py': '',
    'svc/views.py': [
      'from fastapi import APIRouter',
      'wallet_router = APIRouter(prefix="/api/v1/wallet")',
      '@wallet_router.get("/{wallet_id}")',
      'async def read_wallet(wallet_id: str): ...',
    ].join('\n'),
    'svc/core.py': [
      'from .views import wallet_router',
      'def init_core_routers(app):',
      '    app.include_router(wallet_router)',
    ].join('\n'),
    'svc/app.py': [
      'from contextlib import asynccontextmanager',
      'from fastapi import FastAPI',
      'from .core import init_core_routers',
      'async def startup(app: FastAPI):',
      '    init_core_routers(app)',
      '@asynccontextmanager',
      'async def lifespan(app: FastAPI):',
      '    await startup(app)',
      '    yield',
      'def create_app() -> FastAPI:',
      '    app = FastAPI(title="svc", lifespan=lifespan)',
      '    return app',
    ].join('\n'),
  });
  assert.deepEqual(keys(routes), ['GET /api/v1/wallet/{wallet_id} read_wallet']);
  assert.equal(find(routes, 'read_wallet').unresolved, undefined);
});

test('return FastAPI(lifespan=f): the app a factory returns unnamed gets the routers f includes', async () => {
  const routes = await discoverSources({
    'svc/__init__.py': '',
    'svc/app.py': [
      'from contextlib import asynccontextmanager',
      'from fastapi import APIRouter, FastAPI',
      'router = APIRouter()',
      '@router.get("/items")',
      'async def items(): ...',
      '@asynccontextmanager',
      'async def lifespan(app: FastAPI):',
      '    app.include_router(router, prefix="/api")',
      '    yield',
      'def create_app() -> FastAPI:',
      '    if DEBUG:',
      '        return FastAPI(debug=True, lifespan=lifespan)',
      '    return FastAPI(lifespan=lifespan)',
      'app = create_app()',
    ].join('\n'),
  });
  assert.deepEqual(keys(routes), ['GET /api/items items']);
  assert.equal(find(routes, 'items').unresolved, undefined);
});

test('a workspace root that is a package: its modules are also imported by its own name (forumapp.helpers)', async () => {
  const sources = {
    '__init__.py': '',
    'helpers.py': [
      'def register_view(bp_or_app, routes, view_func):',
      '    for route in routes:',
      '        bp_or_app.add_url_rule(route, view_func=view_func)',
    ].join('\n'),
    'app.py': [
      'from flask import Flask, Blueprint',
      'from flask.views import MethodView',
      'from forumapp.helpers import register_view',
      'from forumapp import views',
      'import helpers',
      'auth = Blueprint("auth", __name__)',
      'class Logout(MethodView):',
      '    def get(self):',
      '        return "bye"',
      'register_view(auth, routes=["/logout"], view_func=Logout.as_view("logout"))',
      'helpers.register_view(auth, routes=["/bye"], view_func=Logout.as_view("bye"))',
      'app = Flask(__name__)',
      'app.register_blueprint(auth, url_prefix="/auth")',
      'app.register_blueprint(views.bp, url_prefix="/v")',
    ].join('\n'),
    'views.py': 'from flask import Blueprint\nbp = Blueprint("v", __name__)\n@bp.route("/home")\ndef home(): ...\n',
  };
  const expected = ['GET /auth/bye Logout.get', 'GET /auth/logout Logout.get', 'GET /v/home home'];
  assert.deepEqual(keys(await discoverSources(sources, '/work/forumapp')), expected);
  // the same names from the parent folder, as the workspace root
  const below = Object.fromEntries(Object.entries(sources).map(([p, text]) => [`forumapp/${p}`, text]));
  const fromParent = keys(await discoverSources(below, '/work'));
  assert.deepEqual(
    fromParent.filter((k) => !k.includes('/bye')), // `import helpers` would need forumapp/ on sys.path
    expected.filter((k) => !k.includes('/bye')),
  );
  // a root folder whose name Python cannot import (`forum-app`) is no package name
  assert.deepEqual(keys(await discoverSources(sources, '/work/forum-app')), [
    'GET /auth/bye Logout.get',
    'GET {unknown prefix?}/home home',
  ]);
});

test('`from pkg import mod` where pkg has no __init__.py (a namespace package) binds the module', async () => {
  const routes = await discoverSources({
    'main.py': [
      'from fastapi import FastAPI',
      'from api.routers import users',
      'app = FastAPI()',
      'app.include_router(users.router, prefix="/users")',
    ].join('\n'),
    'api/routers/users.py': [
      'from fastapi import APIRouter',
      'router = APIRouter()',
      '@router.get("/{id}")',
      'async def get_user(id: int):',
      '    return {}',
    ].join('\n'),
  });
  assert.deepEqual(
    routes.map((r) => r.path),
    ['/users/{id}'],
  );
});
