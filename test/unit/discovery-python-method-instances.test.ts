import { test } from 'node:test';
import assert from 'node:assert/strict';
import { discoverSources, keys } from '../fixtures/python/discover';

const API = [
  'from aiohttp import web',
  'routes = web.RouteTableDef()',
  '@routes.get("/version")',
  'async def version(request):',
  '    return web.json_response({})',
  'def init() -> web.Application:',
  '    app = web.Application()',
  '    app.add_routes(routes)',
  '    return app',
].join('\n');

const SERVER = [
  'from aiohttp import web',
  'class Server:',
  '    def __init__(self, api: web.Application) -> None:',
  '        self.app = web.Application()',
  '        self.app.add_subapp("/api/v1", api)',
].join('\n');

test('aiohttp: an app a method builds and hands to a workspace class that mounts it (maubot)', async () => {
  const main = [
    'from .api import init as init_api',
    'from .server import Server',
    'class Main:',
    '    def prepare(self):',
    '        api = init_api()',
    '        self.server = Server(api)',
  ].join('\n');
  const routes = await discoverSources({ 'app/api.py': API, 'app/server.py': SERVER, 'app/__main__.py': main });
  assert.deepEqual(keys(routes), ['GET /api/v1/version version']);
  // an instance kept on an object at module level, and one a function makes from an import inside it
  const held = [
    'from .api import init as init_api',
    'from .server import Server',
    'class Holder: pass',
    'holder = Holder()',
    'holder.server = Server(init_api())',
  ].join('\n');
  const holder = await discoverSources({ 'app/api.py': API, 'app/server.py': SERVER, 'app/__main__.py': held });
  assert.deepEqual(keys(holder), ['GET /api/v1/version version']);
  const local = [
    'class Main:',
    '    async def start(self, config):',
    '        from .api import init',
    '        from .server import Server',
    '        prefix_unused = config.prefix',
    '        server = Server(init())',
  ].join('\n');
  const inMethod = await discoverSources({ 'app/api.py': API, 'app/server.py': SERVER, 'app/__main__.py': local });
  assert.deepEqual(keys(inMethod), ['GET /api/v1/version version']);
});

test('a parameter or a name a method binds otherwise is not the module name of that spelling', async () => {
  // `api` here is the method's own: the module's `api` (another app) is not what Server mounts
  for (const body of [
    ['    def prepare(self, api):', '        self.server = Server(api)'],
    ['    def prepare(self):', '        with open_api() as api:', '            self.server = Server(api)'],
    ['    def prepare(self, apis):', '        for api in apis:', '            self.server = Server(api)'],
    [
      '    def prepare(self):',
      '        try:',
      '            pass',
      '        except Exception as api:',
      '            self.server = Server(api)',
    ],
    ['    def prepare(self):', '        if (api := open_api()):', '            self.server = Server(api)'],
  ]) {
    const main = [
      'from aiohttp import web',
      'from .api import init as init_api',
      'from .server import Server',
      'api = init_api()',
      'class Main:',
      ...body,
    ].join('\n');
    const routes = await discoverSources({ 'app/api.py': API, 'app/server.py': SERVER, 'app/__main__.py': main });
    assert.deepEqual(keys(routes), ['GET /version version'], body.join('\n'));
  }
});

test('FastAPI, Starlette and Flask: routers and apps a class method hands to a workspace server class', async () => {
  const fastapi = await discoverSources({
    'svc/api.py': [
      'from fastapi import APIRouter, FastAPI',
      'router = APIRouter()',
      '@router.get("/items")',
      'async def items(): pass',
      'def make_admin() -> FastAPI:',
      '    admin = FastAPI()',
      '    @admin.get("/stats")',
      '    async def stats(): pass',
      '    return admin',
    ].join('\n'),
    'svc/server.py': [
      'from fastapi import FastAPI',
      'class Server:',
      '    def __init__(self, router, admin, prefix):',
      '        self.app = FastAPI()',
      '        self.app.include_router(router, prefix=prefix)',
      '        self.app.mount("/admin", admin)',
    ].join('\n'),
    'svc/main.py': [
      'from svc.api import router, make_admin',
      'from svc.server import Server',
      'class App:',
      '    def build(self):',
      '        prefix = "/v1"',
      '        admin = make_admin()',
      '        self.server = Server(router, admin, prefix)',
    ].join('\n'),
  });
  assert.deepEqual(keys(fastapi), ['GET /admin/stats stats', 'GET /v1/items items']);
  const starlette = await discoverSources({
    'web/api.py': [
      'from starlette.applications import Starlette',
      'from starlette.routing import Route',
      'async def ping(request): pass',
      'def make_api():',
      '    return Starlette(routes=[Route("/ping", ping)])',
    ].join('\n'),
    'web/server.py': [
      'from starlette.applications import Starlette',
      'class Server:',
      '    def __init__(self, prefix, sub):',
      '        self.app = Starlette()',
      '        self.app.mount(prefix, sub)',
    ].join('\n'),
    'web/main.py': [
      'from web.api import make_api',
      'from web.server import Server',
      'class Main:',
      '    def run(self):',
      '        self.server = Server("/s", make_api())',
    ].join('\n'),
  });
  assert.deepEqual(keys(starlette), ['GET /s/ping ping']);
  const flask = await discoverSources({
    'site/__init__.py': '',
    'site/views.py': [
      'from flask import Blueprint',
      'bp = Blueprint("views", __name__)',
      '@bp.route("/about")',
      'def about(): pass',
    ].join('\n'),
    'site/server.py': [
      'from flask import Flask',
      'class Server:',
      '    def __init__(self, blueprint):',
      '        self.app = Flask(__name__)',
      '        self.app.register_blueprint(blueprint, url_prefix="/pages")',
    ].join('\n'),
    'site/main.py': [
      'from site.server import Server',
      'from site import views',
      'class Main:',
      '    def setup(self):',
      '        self.server = Server(views.bp)',
    ].join('\n'),
  });
  assert.deepEqual(keys(flask), ['GET /pages/about about']);
});

const ROUTERS = [
  'from fastapi import APIRouter',
  'router = APIRouter()',
  '@router.get("/version")',
  'def version(): pass',
].join('\n');

test('a router an instance holds, handed to its own method or to a function that includes routers on it (freqtrade)', async () => {
  // freqtrade's ApiServer: `self.configure_app(self.app, config)`, whose `app` parameter gets the routers, imported in the method
  const server = [
    'from fastapi import FastAPI',
    'class ApiServer:',
    '    def __init__(self, config):',
    '        self.app = FastAPI()',
    '        self.configure_app(self.app, config)',
    '    def configure_app(self, app: FastAPI, config):',
    '        from app.api_v1 import router as api_v1',
    '        app.include_router(api_v1, prefix="/api/v1")',
  ].join('\n');
  const manager = [
    'from app.webserver import ApiServer',
    'class Manager:',
    '    def __init__(self, config):',
    '        apiserver = ApiServer(config)',
  ].join('\n');
  const freqtrade = await discoverSources({
    'app/api_v1.py': ROUTERS,
    'app/webserver.py': server,
    'app/manager.py': manager,
  });
  assert.deepEqual(keys(freqtrade), ['GET /api/v1/version version']);
  // a module-level function given the held app, and a function it hands the app on to
  const setup = [
    'from app.api_v1 import router',
    'def setup(app, prefix="/v2"):',
    '    add_routes(app, prefix)',
    'def add_routes(app, prefix):',
    '    app.include_router(router, prefix=prefix)',
  ].join('\n');
  const held = [
    'from fastapi import FastAPI',
    'from app.setup import setup',
    'class Server:',
    '    def __init__(self):',
    '        self.app = FastAPI()',
    '        setup(self.app)',
    'server = Server()',
  ].join('\n');
  const viaFunction = await discoverSources({ 'app/api_v1.py': ROUTERS, 'app/setup.py': setup, 'app/server.py': held });
  assert.deepEqual(keys(viaFunction), ['GET /v2/version version']);
  // aiohttp: `app.router.add_get` on the parameter
  const aiohttp = await discoverSources({
    'srv/server.py': [
      'from aiohttp import web',
      'async def ping(request): pass',
      'class Server:',
      '    def __init__(self):',
      '        self.app = web.Application()',
      '        self.add_routes(self.app)',
      '    def add_routes(self, app):',
      '        app.router.add_get("/ping", ping)',
      'server = Server()',
    ].join('\n'),
  });
  assert.deepEqual(keys(aiohttp), ['GET /ping ping']);
});

test('a handed-on router is read once, and a parameter not known to be one, or rebound, leaves the router unknown', async () => {
  // the instance's app is also read from another module (`server.app`): the method's include is made once
  const twice = await discoverSources({
    'app/api_v1.py': ROUTERS,
    'app/server.py': [
      'from fastapi import FastAPI',
      'from app.api_v1 import router',
      'class Server:',
      '    def __init__(self):',
      '        self.app = FastAPI()',
      '        self.configure(self.app)',
      '    def configure(self, app):',
      '        app.include_router(router, prefix="/api")',
      'server = Server()',
    ].join('\n'),
    'app/main.py': ['from app.server import server', 'app = server.app'].join('\n'),
  });
  assert.deepEqual(keys(twice), ['GET /api/version version']);
  for (const body of [
    ['        self.configure(make_app())'], // what the argument is is not known
    ['        self.configure(self.app)', '    def configure(self, app):', '        app = other_app()'], // rebound
  ]) {
    const lines = [
      'from fastapi import FastAPI',
      'from app.api_v1 import router',
      'from app.factory import make_app, other_app',
      'class Server:',
      '    def __init__(self):',
      '        self.app = FastAPI()',
      ...body,
    ];
    if (body.length === 1) lines.push('    def configure(self, app):');
    lines.push('        app.include_router(router, prefix="/api")', 'server = Server()');
    const routes = await discoverSources({
      'app/api_v1.py': ROUTERS,
      'app/factory.py': 'def make_app(): return object()\ndef other_app(): return object()',
      'app/server.py': lines.join('\n'),
    });
    assert.deepEqual(keys(routes), ['GET {unknown prefix?}/version version'], body.join(' / '));
  }
});

test("an instance made in another instance's __init__ from a router it holds registers on that router", async () => {
  const api = [
    'from aiohttp import web',
    'from fastapi import APIRouter',
    'async def ping(request): pass',
    'extra = APIRouter()',
    '@extra.get("/extra")',
    'def extra_view(): pass',
    'class Api:',
    '    def __init__(self, app, prefix="/api"):',
    '        self.router = APIRouter()',
    '        app.router.add_get(prefix + "/ping", ping)',
  ].join('\n');
  for (const make of ['        self.api = Api(self.app)', '        Api(self.app)']) {
    const routes = await discoverSources({
      'srv/api.py': api,
      'srv/server.py': [
        'from aiohttp import web',
        'from srv.api import Api',
        'class Server:',
        '    def __init__(self):',
        '        self.app = web.Application()',
        make,
        'server = Server()',
      ].join('\n'),
    });
    assert.deepEqual(keys(routes), ['GET /api/ping ping', 'GET {unknown prefix?}/extra extra_view'], make);
  }
});
