import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Route } from '../../src/core/model';
import { discover, discoverSources, find, FIXTURES, keys } from '../fixtures/python/discover';

const summary = (routes: Route[]) =>
  routes.map((r) => `${r.methods.join(',')} ${r.path} ${r.handler} ${r.execution}`).sort();

test('Flask: blueprints in a package, url_prefix overridden at registration, nested blueprints, add_url_rule, MethodView', async () => {
  const routes = await discover('flask_app');
  assert.deepEqual(summary(routes), [
    'DELETE /backoffice/cache purge_cache worker',
    'DELETE /items/<int:item_id> ItemAPI.delete worker',
    'GET / index worker',
    'GET /backoffice/dashboard dashboard worker',
    'GET /catalog/<slug> product worker',
    'GET /catalog/export.csv export_csv worker',
    'GET /items/<int:item_id> ItemAPI.get worker',
    'GET,POST /catalog/ listing worker',
    'PUT /api/v2/orders/<int:order_id> update_order worker',
  ]);
  assert.equal(find(routes, 'ItemAPI.delete').line, 21);
  assert.equal(find(routes, 'purge_cache').async, true);
});

test('aiohttp: RouteTableDef, web.get lists, router.add_get/add_route, sub-app prefix; every handler on the loop', async () => {
  const routes = await discover('aiohttp_app');
  assert.deepEqual(summary(routes), [
    'DELETE /admin/users/{name} delete_user event-loop',
    'GET / index event-loop',
    'GET /admin/users/{name} get_user event-loop',
    'GET /health health event-loop',
    'PATCH /items/{id} patch_item event-loop',
    'POST /items create_item event-loop',
    'PUT /legacy legacy event-loop',
  ]);
  assert.equal(find(routes, 'legacy').async, false); // a sync aiohttp handler still runs on the loop
});

test('Starlette: Route/WebSocketRoute/Mount lists, HTTPEndpoint methods, def → threadpool', async () => {
  const routes = await discover('starlette_app');
  assert.deepEqual(summary(routes), [
    'GET / homepage event-loop',
    'GET /users/{username} UserEndpoint.get event-loop',
    'GET,POST /users/{username}/report report threadpool',
    'PUT /users/{username} UserEndpoint.put threadpool',
    'WEBSOCKET /ws ws event-loop',
  ]);
});

test('Starlette: Mount of a Router or Starlette app built in place, Router([...]) positional, app.mount of an inline Router', async () => {
  const routes = await discover('starlette_inline');
  assert.deepEqual(summary(routes), [
    'GET / home event-loop',
    'GET /m/v via_mount_call threadpool',
    'GET /r/x in_router event-loop',
    'GET /t/deeper/w deepest event-loop',
    'GET /t/z in_sub_app event-loop',
    'POST /s/y in_routes event-loop',
  ]);
  assert.deepEqual(find(routes, 'deepest').routers, ['app.app', 'app.Mount(/t)', 'app.Mount(/deeper)']);
  assert.deepEqual(find(routes, 'via_mount_call').routers, ['app.app', 'app.mount(/m)']);
});

test('Sanic: Blueprint.group prefixes, app.blueprint, add_route with the handler first; sync handlers on the loop', async () => {
  const routes = await discover('sanic_app');
  // url_prefix="admin" and route("health"): Sanic serves paths written without a leading '/' with one
  assert.deepEqual(summary(routes), [
    'GET / index event-loop',
    'GET /admin/stats stats event-loop',
    'GET /api/orders/ list_orders event-loop',
    'GET /api/users/<user_id:int> get_user event-loop',
    'GET /health health event-loop',
    'GET /ping sync_ping event-loop',
    'POST,PUT /api/users/ save_user event-loop',
    'WEBSOCKET /feed feed event-loop',
  ]);
  assert.deepEqual(find(routes, 'get_user').routers, ['server.app', 'api.api', 'users.bp']);
});

test('Quart: blueprint prefix from a constant expression; def routes run in the executor', async () => {
  const routes = await discover('quart_app');
  assert.deepEqual(summary(routes), [
    'GET,DELETE /v1/items/<int:item_id> item event-loop',
    'POST /v1/items/ create_item threadpool',
    'WEBSOCKET /ws ws event-loop',
  ]);
});

test('Django: include() prefixes, re_path, class-based views, async views on the loop', async () => {
  const routes = await discover('django_site');
  assert.deepEqual(summary(routes), [
    'ANY / home worker',
    'ANY /legacy/(?P<year>[0-9]{4})/ archive event-loop',
    'ANY /polls/ index worker',
    'ANY /polls/<int:question_id>/ detail event-loop',
    'GET /polls/<int:pk>/results/ ResultsView.get worker',
    'POST /polls/<int:pk>/results/ ResultsView.post event-loop',
  ]);
  assert.equal(find(routes, 'detail').file, 'polls/views.py');
});

test('flask-restx: Namespace default path, add_namespace(path) replacing it, @ns.route(*urls) on Resource classes', async () => {
  const routes = await discover('flask_restx_app');
  assert.deepEqual(summary(routes), [
    'DELETE /api/v1/things/<int:item_id> Item.delete worker',
    'GET /api/v1/things ItemList.get worker',
    'GET /api/v1/things/<int:item_id> Item.get worker',
    'GET /api/v1/things/all ItemList.get worker',
    'GET /api/v1/users/me Me.get worker',
    'POST /api/v1/things ItemList.post worker',
    'POST /api/v1/things/all ItemList.post worker',
  ]);
});

test('flask-restful: Api(app, prefix), add_resource(*urls), init_app(bp); a subclass helper is kept, marked', async () => {
  const routes = await discover('flask_restful_app');
  assert.deepEqual(summary(routes), [
    'GET /admin/{add_org_resource?}/api/todos TodoList.get worker',
    'GET /v2/t/<todo_id> Todo.get worker',
    'GET /v2/todos TodoList.get worker',
    'GET /v2/todos/<todo_id> Todo.get worker',
    'POST /admin/{add_org_resource?}/api/todos TodoList.post worker',
    'POST /v2/todos TodoList.post worker',
    'PUT /v2/t/<todo_id> Todo.put worker',
    'PUT /v2/todos/<todo_id> Todo.put worker',
  ]);
  assert.equal(routes.filter((r) => r.unresolved).length, 2);
});

test("class bodies: methods decorated with a router's verbs are routes (@cbv, controllers with a router attribute)", async () => {
  assert.deepEqual(keys(await discover('class_routes')), [
    'DELETE /api/orders/{order_id} OrdersController.destroy', // `@router.delete(DETAIL)`: the class's own names
    'GET /api/items/ ItemViews.list_items',
    'GET /api/orders/ OrdersController.index', // a controller holding its router as a class attribute
    'GET /health Health.health',
    'POST /api/items/{item_id} ItemViews.create_item',
  ]);
  const routes = await discoverSources({
    'svc/__init__.py': '',
    'svc/views.py': [
      'from fastapi import APIRouter',
      'from fastapi_utils.cbv import cbv',
      'router = APIRouter()',
      '@cbv(router)',
      'class Users:',
      '    @router.get("/users/{uid}")',
      '    async def read(self, uid: int): pass',
      '    @staticmethod',
      '    def not_a_route(): pass',
    ].join('\n'),
    'svc/main.py':
      'from fastapi import FastAPI\nfrom svc.views import router\napp = FastAPI()\napp.include_router(router, prefix="/v2")\n',
    'web.py': [
      'from flask import Flask',
      'app = Flask(__name__)',
      'class Pages:',
      '    @app.route("/about", methods=["GET", "POST"])',
      '    def about(): pass',
    ].join('\n'),
  });
  assert.deepEqual(keys(routes), ['GET /v2/users/{uid} Users.read', 'GET,POST /about Pages.about']);
  assert.equal(find(routes, 'Users.read').execution, 'event-loop');
  assert.equal(find(routes, 'Pages.about').line, 5); // the def line
});

test('Starlette/FastAPI host routing: app.host() and Host() serve a sub-app on another host, shown unresolved with it', async () => {
  const routes = await discoverSources({
    'main.py': [
      'from fastapi import FastAPI',
      'from starlette.routing import Host',
      'from config import settings',
      'from links import app as links_app',
      'from admin import app as admin_app',
      'app = FastAPI(routes=[Host("docs.example.com", app=links_app)])',
      'if settings.ADMIN_HOST is None:',
      '    app.mount("/admin", admin_app)',
      'else:',
      '    app.host(settings.ADMIN_HOST, admin_app)',
    ].join('\n'),
    'links.py': [
      'from fastapi import FastAPI',
      'from handlers import redirect',
      'app = FastAPI()',
      'app.get("/{secret}")(redirect)',
    ].join('\n'),
    'admin.py': ['from fastapi import FastAPI', 'app = FastAPI()', '@app.get("/users")', 'async def users(): ...'].join(
      '\n',
    ),
    'handlers.py': 'async def redirect(secret: str): ...',
    'config.py': 'import os\nclass Settings:\n    ADMIN_HOST = os.environ.get("ADMIN_HOST")\nsettings = Settings()',
  });
  assert.deepEqual(keys(routes), [
    'GET /admin/users users',
    'GET {host=docs.example.com?}/{secret} redirect',
    'GET {host=settings.ADMIN_HOST?}/users users',
  ]);
  const hosted = routes.filter((r) => r.path.startsWith('{host='));
  for (const r of hosted) {
    assert.equal(r.unresolved, true);
    assert.match(r.unresolvedReason ?? '', /served only on the host/);
  }
});

test('a parameter default is a path only where no caller gives it: each call its own app, unknown callers unresolved', async () => {
  const app = (callers: string[]) =>
    discoverSources({
      'main.py': [
        'from fastapi import FastAPI',
        'def create_api(health_path: str = "/health"):',
        '    api = FastAPI()',
        '    @api.get(health_path)',
        '    async def health(): ...',
        '    return api',
        ...callers,
      ].join('\n'),
    });
  const cases: Array<[string[], string[]]> = [
    [['app = create_api()'], ['GET /health health']],
    [['def make():', '    return create_api()'], ['GET /health health']],
    // each call builds its own app: the one given a path serves it, the other the default
    [
      ['app = create_api()', 'other = create_api("/hc")'],
      ['GET /hc health', 'GET /health health'],
    ],
    [
      ['app = create_api()', 'other = create_api(health_path="/hc")'],
      ['GET /hc health', 'GET /health health'],
    ],
    // a caller that may give the parameter (splat, nested call, partial) never turns into the default
    [['def make(options):', '    return create_api(**options)'], ['GET {health_path?} health']],
    [['root.mount("/x", create_api(health_path="/hc"))'], ['GET {health_path?} health']],
    [['factory = partial(create_api, health_path="/hc")'], ['GET {health_path?} health']],
    // beside them, a call statement giving nothing is its own app, served at the default
    [['factory = partial(create_api, health_path="/hc")', 'app = create_api()'], ['GET /health health']],
    // called nowhere the workspace shows
    [[], ['GET {health_path?} health']],
  ];
  for (const [callers, expected] of cases) assert.deepEqual(keys(await app(callers)), expected, callers.join('; '));
});

test('a handler that is library code is a route at its registration, named by what it imports; an unknown name is not', async () => {
  const routes = await discoverSources({
    'svc/__init__.py': '',
    'svc/main.py': [
      'from fastapi import FastAPI',
      'from starlette_exporter import handle_metrics',
      'from svc.missing import not_found_here', // a workspace package's module the scan did not list
      'from . import views',
      '',
      'app = FastAPI()',
      'app.add_route("/metrics", handle_metrics)',
      'app.add_route("/gone", not_found_here)',
      'app.add_api_route("/ok", views.ok)',
    ].join('\n'),
    'svc/views.py': 'async def ok():\n    return {}\n',
    'gql/__init__.py': '',
    'gql/contrib.py': [
      'from aiohttp_graphql import GraphQLView',
      '',
      'class CustomGraphQLView(GraphQLView):',
      '    async def render_graphiql(self, params, result):',
      '        return result',
    ].join('\n'),
    'gql/views.py': [
      'from gql.contrib import CustomGraphQLView',
      '',
      'def GQL(graphiql=False):',
      '    view = CustomGraphQLView(graphiql=graphiql)',
      '    return view',
    ].join('\n'),
    'gql/routes.py': [
      'from aiohttp import web',
      'from aiohttp_graphql import GraphQLView',
      'from gql.views import GQL',
      '',
      'app = web.Application()',
      "app.router.add_route('*', '/graphql', GQL())",
      "app.router.add_route('*', '/raw', GraphQLView(schema=None))",
    ].join('\n'),
  });
  const row = (r: Route) =>
    `${r.methods.join(',')} ${r.path} ${r.handler} ${r.file}:${r.line} ${r.execution} ${r.library}`;
  assert.deepEqual(routes.map(row).sort(), [
    '* /graphql CustomGraphQLView gql/contrib.py:3 library aiohttp_graphql.GraphQLView', // the workspace class configuring it
    '* /raw aiohttp_graphql.GraphQLView gql/routes.py:7 library aiohttp_graphql.GraphQLView',
    'GET /metrics starlette_exporter.handle_metrics svc/main.py:7 library starlette_exporter.handle_metrics',
    'GET /ok ok svc/views.py:1 event-loop undefined',
  ]);
});

test('what answers is not called library code unless known: a base not resolved, a router building URLs its own way', async () => {
  const routes = await discoverSources({
    'site/__init__.py': '',
    'site/urls.py': [
      'from django.urls import include, path',
      'from rest_framework.routers import DefaultRouter',
      'from site import views',
      'from site.generic import *', // ObjectListView comes from here: not resolved
      '',
      'class CustomRouter(DefaultRouter):',
      '    def get_routes(self, viewset):',
      '        return []',
      '',
      'router = CustomRouter()',
      'router.register("things", views.ThingViewSet)',
      '',
      'urlpatterns = [',
      '    path("bookmarks/", views.BookmarkList.as_view()),',
      '    path("preview/", views.Preview.as_view()),',
      '    path("api/", include(router.urls)),',
      ']',
    ].join('\n'),
    'site/views.py': [
      'from django.contrib.auth.mixins import LoginRequiredMixin',
      'from django.views.generic import DetailView',
      'from rest_framework.viewsets import ModelViewSet',
      'from site.generic import *',
      '',
      'class BookmarkList(LoginRequiredMixin, ObjectListView):',
      '    pass',
      '',
      'class Preview(LoginRequiredMixin, DetailView):',
      '    pass',
      '',
      'class ThingViewSet(ModelViewSet):',
      '    pass',
    ].join('\n'),
  });
  // BookmarkList: ObjectListView may define get(); the custom router's URLs are its own
  assert.deepEqual(
    routes.map((r) => `${r.path} ${r.handler} ${r.library}`),
    ['/preview/ Preview django.views.generic.DetailView'], // the view, not the mixin before it
  );
});

test("an installed library's package is never a workspace module of the same name inside a package", async () => {
  const routes = await discoverSources({
    'proj/__init__.py': '',
    'proj/settings.py': 'ROOT_URLCONF = "proj.urls"',
    'proj/perms/__init__.py': '',
    'proj/perms/rules.py': 'x = 1', // not the django-rules package: Python 3 imports are absolute
    'proj/views.py': [
      'from django.views.generic import TemplateView',
      'from rules.contrib.views import PermissionRequiredMixin',
      'from helpers import Base', // src/helpers.py: src/ is a source root, no package
      'class ChangelogView(PermissionRequiredMixin, TemplateView):',
      '    template_name = "changelog.html"',
      'class AboutView(Base):',
      '    pass',
    ].join('\n'),
    'proj/urls.py': [
      'from django.urls import path',
      'from proj import views',
      'urlpatterns = [',
      '    path("changelog/", views.ChangelogView.as_view()),',
      '    path("about/", views.AboutView.as_view()),',
      ']',
    ].join('\n'),
    'src/helpers.py': 'from django.views.generic import TemplateView\nclass Base(TemplateView):\n    pass',
  });
  assert.deepEqual(
    routes.map((r) => `${r.path} ${r.handler} ${r.library}`),
    [
      '/changelog/ ChangelogView django.views.generic.TemplateView',
      '/about/ AboutView django.views.generic.TemplateView',
    ],
  );
});

test('Django Ninja: each route at the URL its decorator line says Ninja builds; a router no API adds is unresolved', async () => {
  const dir = path.join(FIXTURES, 'django_ninja');
  // `@router.get("/{int:event_id}")  # GET /api/events/<int:event_id>`: the expectation sits on the decorator
  const expected: string[] = [];
  for (const file of ['project/urls.py', 'events/api.py', 'events/tickets.py'])
    readFileSync(path.join(dir, file), 'utf8')
      .split('\n')
      .forEach((text, i) => {
        const m = /^@\w+\.\w+\(.*\)\s+# ([A-Z,]+) (\/\S*)/.exec(text);
        if (m) expected.push(`${m[1]} ${m[2]} ${file}:${i + 2}`);
      });
  assert.equal(expected.length, 7);
  const routes = await discover('django_ninja');
  const row = (r: Route) => `${r.methods.join(',')} ${r.path} ${r.file}:${r.line}`;
  assert.deepEqual(
    routes
      .filter((r) => !r.unresolved)
      .map(row)
      .sort(),
    expected.sort(),
  );
  assert.ok(routes.every((r) => r.framework === 'django-ninja'));
  assert.deepEqual(
    routes.filter((r) => r.unresolved).map((r) => `${r.path} ${r.handler}`),
    ['/{unknown prefix?}/lost lost'],
  );
  assert.equal(find(routes, 'create_event').execution, 'event-loop');
  assert.equal(find(routes, 'list_events').execution, 'worker');
});

test("Django: only the urlconf ROOT_URLCONF names is served at '/'; another one nothing includes has an unknown prefix", async () => {
  const sources = {
    'site/__init__.py': '',
    'site/urls.py': 'from django.urls import include, path\nurlpatterns = [path("blog/", include("blog.urls"))]\n',
    'blog/__init__.py': '',
    'blog/urls.py': 'from django.urls import path\nfrom blog import views\nurlpatterns = [path("post/", views.post)]\n',
    'blog/views.py': 'def post(request):\n    return None\n',
    // served on another host (django-hosts) or by nothing: its prefix is not known
    'legacy/__init__.py': '',
    'legacy/urls.py':
      'from django.urls import path\nfrom blog import views\nurlpatterns = [path("old/", views.post)]\n',
  };
  const paths = (routes: Route[]) => routes.map((r) => r.path).sort();
  assert.deepEqual(paths(await discoverSources({ ...sources, 'site/settings.py': 'ROOT_URLCONF = "site.urls"\n' })), [
    '/blog/post/',
    '/{unknown prefix?}/old/',
  ]);
  // no setting names the root: every urlconf nothing includes is taken as served at '/', as before
  assert.deepEqual(paths(await discoverSources(sources)), ['/blog/post/', '/old/']);
});

test('Django: `settings.X` in a path is the value every settings module gives it, else left unevaluated', async () => {
  const routes = await discoverSources({
    'config/__init__.py': '',
    'config/settings/__init__.py': '',
    'config/settings/base.py': 'ROOT_URLCONF = "config.urls"\nADMIN_URL = "secret-admin/"\nAPI = "api/v1/"\n',
    'config/settings/production.py': 'import os\nfrom .base import *\nAPI = os.environ["API_PREFIX"]\n', // differs
    'config/urls.py': [
      'from django.conf import settings',
      'from django.urls import path',
      'from config import views',
      'urlpatterns = [',
      '    path(settings.ADMIN_URL + "stats/", views.stats),',
      '    path(settings.API + "items/", views.items),',
      ']',
    ].join('\n'),
    'config/views.py': 'def stats(request):\n    return None\n\n\ndef items(request):\n    return None\n',
  });
  assert.deepEqual(routes.map((r) => `${r.path} ${r.unresolved ?? false}`).sort(), [
    '/secret-admin/stats/ false',
    '/{settings.API?}items/ true',
  ]);
});

test('odd class code: bases listed in a cycle cost a bounded walk and lose no route; a workspace callable is no library wrapper', async () => {
  const routes = await discoverSources({
    'site/__init__.py': '',
    'site/settings.py': 'ROOT_URLCONF = "site.urls"\n',
    'site/urls.py': [
      'from django.urls import path',
      'from prometheus_client import REGISTRY',
      'from site import views',
      'urlpatterns = [',
      '    path("f/", views.f),',
      '    path("cyc/", views.A.as_view()),',
      '    path("metrics/", views.Metrics(REGISTRY)),', // the workspace's __call__ answers, not REGISTRY
      ']',
    ].join('\n'),
    'site/views.py': [
      'class A(B, C, D, E): pass',
      'class B(A, C, D, E): pass',
      'class C(A, B, D, E): pass',
      'class D(A, B, C, E): pass',
      'class E(A, B, C, D): pass',
      'class Metrics:',
      '    def __init__(self, registry):',
      '        self.registry = registry',
      '    async def __call__(self, request):',
      '        return None',
      'def f(request):',
      '    return None',
    ].join('\n'),
  });
  assert.deepEqual(
    routes.map((r) => `${r.path} ${r.handler} ${r.library}`),
    ['/f/ f undefined'], // A answers nothing known; Metrics is the workspace's, not REGISTRY
  );
});

test('Django: i18n_patterns adds the language code only where translation is on and the default language takes it', async () => {
  const site = (settings: string, call = 'i18n_patterns(path("about/", views.about))') =>
    discoverSources({
      'site/__init__.py': '',
      'site/settings.py': `ROOT_URLCONF = "site.urls"\n${settings}`,
      'site/urls.py': `from django.conf.urls.i18n import i18n_patterns\nfrom django.urls import path\nfrom site import views\nurlpatterns = ${call}\n`,
      'site/views.py': 'def about(request):\n    return None\n',
    });
  const paths = (routes: Route[]) => routes.map((r) => r.path);
  assert.deepEqual(paths(await site('USE_I18N = True\n')), ['/{language code?}/about/']);
  assert.deepEqual(paths(await site('')), ['/{language code?}/about/']); // Django's default is on
  assert.deepEqual(paths(await site('USE_I18N = False\n')), ['/about/']);
  assert.deepEqual(paths(await site('', 'i18n_patterns(path("about/", views.about), prefix_default_language=False)')), [
    '/about/',
  ]);
});

test('Django Ninja: a urlconf prefix is joined as Django joins it, without a slash it does not write', async () => {
  const routes = await discoverSources({
    'site/__init__.py': '',
    'site/urls.py': [
      'from django.urls import path',
      'from site.api import api, api2',
      'urlpatterns = [path("api", api.urls), path("v2/", api2.urls)]',
    ].join('\n'),
    'site/api.py': [
      'from ninja import NinjaAPI, Router',
      'api = NinjaAPI()',
      'api2 = NinjaAPI(urls_namespace="v2")',
      'router = Router()',
      '@api.get("/items")',
      'def items(request): ...',
      '@router.get("/")',
      'def events(request): ...',
      'api.add_router("/events", router)',
      '@api2.get("")',
      'def root(request): ...',
    ].join('\n'),
  });
  // Ninja hands Django `items` and `events/` (its leading '/' stripped); Django writes `api` + `items`
  assert.deepEqual(routes.map((r) => `${r.path} ${r.handler}`).sort(), [
    '/apievents/ events',
    '/apiitems items',
    '/v2/ root',
  ]);
});

test('Django REST framework: ViewSet.as_view({method: action}) serves exactly the mapped methods, each its action', async () => {
  const routes = await discoverSources({
    'site/__init__.py': '',
    'site/settings.py': 'ROOT_URLCONF = "site.urls"',
    'site/urls.py': [
      'from django.urls import path',
      'from site.views import LabelViewSet, PluginViewSet',
      '',
      'DETAIL = {"get": "retrieve", "delete": "destroy"}',
      'EXTRA = {"put": "update"}',
      '',
      'urlpatterns = [',
      '    path("labels/", LabelViewSet.as_view({"get": "list", "post": "create"})),',
      '    path("labels/<int:pk>/", LabelViewSet.as_view(DETAIL)),',
      '    path("plugins/", PluginViewSet.as_view({"get": "list"})),',
      '    path("odd/", LabelViewSet.as_view({"get": "list", **EXTRA})),',
      ']',
    ].join('\n'),
    'site/views.py': [
      'from rest_framework import viewsets',
      'from site.plugins import *', // PluginBase comes from here: not resolved
      '',
      'class LabelViewSet(viewsets.ModelViewSet):',
      '    def list(self, request):',
      '        return []',
      '',
      'class PluginViewSet(PluginBase, viewsets.ViewSet):',
      '    pass',
    ].join('\n'),
  });
  assert.deepEqual(routes.map((r) => `${r.methods.join(',')} ${r.path} ${r.handler} ${r.library} ${r.line}`).sort(), [
    'ANY /odd/ LabelViewSet rest_framework.viewsets.ModelViewSet 4', // `**EXTRA`: the mapping is not known
    'DELETE /labels/<int:pk>/ LabelViewSet.destroy rest_framework.mixins.DestroyModelMixin 4',
    'GET /labels/ LabelViewSet.list undefined 5',
    'GET /labels/<int:pk>/ LabelViewSet.retrieve rest_framework.mixins.RetrieveModelMixin 4',
    'GET /plugins/ PluginViewSet.list undefined 8', // `list` may be PluginBase's: the class answers
    'POST /labels/ LabelViewSet.create rest_framework.mixins.CreateModelMixin 4',
  ]);
});

test('Sanic: version= puts /v<version> before every prefix, decided per level as sanic/blueprints.py does', async () => {
  // sanic/router.py: uri = "/".join([f"{version_prefix}{version}", uri.lstrip("/")]), version_prefix "/v" by
  // default; Blueprint.register: version = route's or the registration's or the blueprint's; Sanic.blueprint: a
  // group passes its version (and a prefix other than "/v") down only to a member without one
  const routes = await discoverSources({
    'app.py': [
      'from sanic import Sanic, Blueprint',
      'from versions import current',
      '',
      'API_VERSION = 7',
      'api = Blueprint("api", version=1)',
      'shop = Blueprint("shop", url_prefix="/shop", version=API_VERSION, version_prefix="/api/v")',
      'plain = Blueprint("plain", url_prefix="/plain")',
      'own = Blueprint("own", url_prefix="/own", version="v5")',
      'moved = Blueprint("moved", url_prefix="/moved", version=1)',
      'computed = Blueprint("computed", url_prefix="/c", version=current())',
      'deep = Blueprint("deep", url_prefix="/d", version=9)',
      'inner = Blueprint.group(own, url_prefix="/in", version=3)',
      'mid = Blueprint.group(deep, url_prefix="/mid")',
      'top = Blueprint.group(mid, version=8)',
      'outer = Blueprint.group(plain, inner, url_prefix="/g", version=2)',
      '',
      '@api.get("/account")',
      'async def account(request): ...',
      '',
      '@api.get("/beta", version=1.10)',
      'async def beta(request): ...',
      '',
      '@shop.route("/cart", methods=["POST"])',
      'async def cart(request): ...',
      '',
      '@plain.get("/p")',
      'async def p(request): ...',
      '',
      '@own.get("/o")',
      'async def o(request): ...',
      '',
      '@moved.get("/m")',
      'async def m(request): ...',
      '',
      '@deep.get("/z")',
      'async def z(request): ...',
      '',
      '@computed.get("/x")',
      'async def x(request): ...',
      '',
      'app = Sanic("demo")',
      '',
      '@app.get("/items", version=2)',
      'async def items(request): ...',
      '',
      '@app.get("/health")',
      'async def health(request): ...',
      '',
      'async def legacy(request): ...',
      '',
      'app.add_route(legacy, "/legacy", version=0)',
      'app.blueprint(api)',
      'app.blueprint(shop)',
      'app.blueprint(outer)',
      'app.blueprint(moved, url_prefix="/elsewhere", version=4)',
      'app.blueprint(computed)',
      'app.blueprint(top)',
    ].join('\n'),
  });
  assert.deepEqual(
    routes.map((r) => `${r.methods.join(',')} ${r.path} ${r.handler}${r.unresolved ? ' ?' : ''}`).sort(),
    [
      'GET /health health',
      'GET /v0/legacy legacy',
      'GET /v1.1/beta beta', // str(1.10)
      'GET /v1/account account',
      'GET /v2/g/plain/p p', // the group's version: the member has none
      'GET /v2/items items',
      'GET /v4/elsewhere/m m', // the registration's version and url_prefix replace the blueprint's
      'GET /v5/g/in/own/o o', // a member's own version ("v5": the "v" stripped) over its group's
      'GET /v8/mid/d/z z', // passed down through a group without one, over the blueprint's own (app.py)
      'GET /v{current()?}/c/x x ?', // computed: a placeholder, not dropped
      'POST /api/v7/shop/cart cart',
    ],
  );
});

test('Sanic: blueprints in a list or tuple given by name: *name in Blueprint.group, a list to app.blueprint', async () => {
  // sanic/blueprints.py Blueprint.group chains its arguments (lists and tuples flattened); sanic/app.py
  // Sanic.blueprint registers each item of a list or tuple with the same options
  const bp = (name: string, prefix: string) => [
    'from sanic import Blueprint',
    `${name} = Blueprint("${name}", url_prefix="${prefix}")`,
    '',
    `@${name}.get("/list")`,
    `async def ${name}_list(request): ...`,
  ];
  const routes = await discoverSources({
    'settings.py': ['from users import users', 'from shop import shop', '', 'API = [users, shop]'].join('\n'),
    'users.py': bp('users', '/users').join('\n'),
    'shop.py': bp('shop', 'shop').join('\n'),
    'extra.py': [
      ...bp('admin', '/admin'),
      ...bp('legacy', '/legacy'),
      ...bp('misc', '/misc'),
      ...bp('lost', '/lost'),
    ].join('\n'),
    'app.py': [
      'from sanic import Sanic, Blueprint',
      'from settings import API',
      'from plugins import plugins',
      'from extra import admin, legacy, misc, lost',
      '',
      'OLD = (admin, [legacy])',
      'MORE = [misc]',
      'api = Blueprint.group(*API, url_prefix="/api")',
      'unknown = Blueprint.group(*plugins(), lost.children, url_prefix="/p")',
      'app = Sanic("demo")',
      'app.blueprint(api)',
      'app.blueprint(OLD, url_prefix="/old")',
      'app.blueprint(MORE)',
      'app.blueprint(unknown)',
    ].join('\n'),
  });
  assert.deepEqual(
    routes.map((r) => `${r.methods.join(',')} ${r.path} ${r.handler}${r.unresolved ? ' ?' : ''}`).sort(),
    [
      'GET /api/shop/list shop_list',
      'GET /api/users/list users_list',
      'GET /misc/list misc_list',
      'GET /old/list admin_list', // the registration's url_prefix replaces each blueprint's own
      'GET /old/list legacy_list', // a list inside the tuple: flattened
      'GET /{unknown prefix?}/lost/list lost_list ?', // nothing discovery evaluates includes it
    ],
  );
});

test('a WSGI/ASGI app mounted under a prefix serves its routes there: WSGIMiddleware, Django, DispatcherMiddleware', async () => {
  // starlette.routing.Mount hands the wrapped app the path after its prefix (root_path); Django's handlers take
  // that as SCRIPT_NAME and match the rest; werkzeug/middleware/dispatcher.py serves each mount under its key
  const routes = await discoverSources({
    'main.py': [
      'from fastapi import FastAPI',
      'from starlette.middleware.wsgi import WSGIMiddleware',
      'from django.core.asgi import get_asgi_application',
      'from legacy import flask_app',
      '',
      'app = FastAPI()',
      'app.mount("/legacy", WSGIMiddleware(flask_app))',
      'django_app = get_asgi_application()',
      'app.mount("/server", django_app)',
    ].join('\n'),
    'legacy.py': [
      'from flask import Flask',
      'flask_app = Flask(__name__)',
      '',
      '@flask_app.route("/ping")',
      'def ping(): ...',
    ].join('\n'),
    'proj/__init__.py': '',
    'proj/settings.py': 'ROOT_URLCONF = "proj.urls"',
    'proj/urls.py': [
      'from django.urls import path',
      'from proj import views',
      '',
      'urlpatterns = [path("hello/", views.hello)]',
    ].join('\n'),
    'proj/views.py': 'def hello(request): ...',
    'wsgi.py': [
      'from flask import Flask',
      'from werkzeug.middleware.dispatcher import DispatcherMiddleware',
      '',
      'front = Flask("front")',
      'api = Flask("api")',
      '',
      '@front.route("/")',
      'def index(): ...',
      '',
      '@api.route("/users")',
      'def users(): ...',
      '',
      'application = DispatcherMiddleware(front, {"/api": api})',
    ].join('\n'),
  });
  assert.deepEqual(routes.map((r) => `${r.methods.join(',')} ${r.path} ${r.handler}`).sort(), [
    'ANY /server/hello/ hello',
    'GET / index',
    'GET /api/users users',
    'GET /legacy/ping ping',
  ]);
});

test('Django: `urlpatterns = helper(urlpatterns)` keeps the list it is handed (a debug toolbar setup)', async () => {
  const routes = await discoverSources({
    'config/__init__.py': '',
    'config/settings.py': 'ROOT_URLCONF = "config.urls"\n',
    'config/urls.py': [
      'from django.urls import include, path',
      'from config.toolbar import Toolbar',
      'urlpatterns = [path("api/", include(("shop.urls", "api")))]',
      'urlpatterns = Toolbar.do_urls(urlpatterns)',
    ].join('\n'),
    'config/toolbar.py': [
      'class Toolbar:',
      '    @staticmethod',
      '    def do_urls(urlpatterns):',
      '        return urlpatterns',
    ].join('\n'),
    'shop/__init__.py': '',
    'shop/urls.py':
      'from django.urls import path\nfrom shop import views\nurlpatterns = [path("items/", views.items)]\n',
    'shop/views.py': 'def items(request):\n    return None\n',
  });
  assert.deepEqual(
    routes.map((r) => r.path),
    ['/api/items/'],
  );
});

test('Django: include() of an imported urlconf module (`include(shop_urls)`, `include(shop.urls)`) is that urlconf', async () => {
  const routes = await discoverSources({
    'config/__init__.py': '',
    'config/settings.py': 'ROOT_URLCONF = "config.urls"\n',
    'config/urls.py': [
      'from django.urls import include, path',
      'from allauth import urls as allauth_urls',
      'from shop import urls as shop_urls',
      'import shop.urls',
      'urlpatterns = [',
      '    path("", include(shop_urls)),',
      '    path("v2/", include(shop.urls)),',
      '    path("accounts/", include(allauth_urls)),',
      ']',
    ].join('\n'),
    'shop/__init__.py': '',
    'shop/urls.py':
      'from django.urls import path\nfrom shop import views\nurlpatterns = [path("items/", views.items)]\n',
    'shop/views.py': 'def items(request):\n    return None\n',
  });
  assert.deepEqual(routes.map((r) => `${r.path} ${r.handler}`).sort(), [
    '/accounts/{library routes?} include("allauth.urls")',
    '/items/ items',
    '/v2/items/ items',
  ]);
});

test("Django: another urlconf's urlpatterns unpacked or added into a list is served there only", async () => {
  const routes = await discoverSources({
    'proj/__init__.py': '',
    'proj/settings.py': 'ROOT_URLCONF = "proj.urls"\n',
    'proj/urls.py':
      'from django.urls import include, path\nurlpatterns = [path("api/v1/", include("proj.api.urls"))]\n',
    'proj/api/__init__.py': '',
    'proj/api/urls.py': [
      'from proj.api.item_urls import urlpatterns as item_patterns',
      'from proj.api import user_urls',
      'urlpatterns = [*item_patterns]',
      'urlpatterns += user_urls.urlpatterns',
    ].join('\n'),
    'proj/api/item_urls.py':
      'from django.urls import path\nfrom proj.api.views import items\nurlpatterns = [path("items/", items)]\n',
    'proj/api/user_urls.py':
      'from django.urls import path\nfrom proj.api.views import users\nurlpatterns = [path("users/", users)]\n',
    'proj/api/views.py': 'def items(request):\n    return None\n\n\ndef users(request):\n    return None\n',
  });
  // Django's resolver lists each once, under the include's prefix; nothing is left for an unknown prefix
  assert.deepEqual(routes.map((r) => r.path).sort(), ['/api/v1/items/', '/api/v1/users/']);
});

test('Django: a pattern list chosen by a condition is read in each branch', async () => {
  const routes = await discoverSources({
    'site/__init__.py': '',
    'site/settings.py': 'ROOT_URLCONF = "site.urls"\nSTATIC_BUILD = False\n',
    'site/urls.py': [
      'from django.urls import include, path',
      'from site import settings',
      'from site.views import home',
      'API = [',
      '    path("api/", include("site.api_urls")),',
      '    path("internal-api/", include("site.api_urls")),',
      '] if not settings.STATIC_BUILD else []',
      'urlpatterns = (*API, path("", home))',
    ].join('\n'),
    'site/api_urls.py':
      'from django.urls import path\nfrom site.views import health\nurlpatterns = [path("health", health)]\n',
    'site/views.py': 'def health(request):\n    return None\n\n\ndef home(request):\n    return None\n',
  });
  // served in one configuration or the other, as the routes an `if settings.X:` block adds
  assert.deepEqual(routes.map((r) => r.path).sort(), ['/', '/api/health', '/internal-api/health']);
});

test("Django: django-distill's distill_path and distill_re_path are path and re_path", async () => {
  const routes = await discoverSources({
    'site/__init__.py': '',
    'site/urls.py': [
      'from django_distill import distill_path, distill_re_path',
      'from site.views import home, post',
      'urlpatterns = [distill_path("", home), distill_re_path(r"^post/(?P<slug>[-\\w]+)/$", post)]',
    ].join('\n'),
    'site/views.py': 'def home(request):\n    return None\n\n\ndef post(request, slug):\n    return None\n',
  });
  assert.deepEqual(routes.map((r) => r.path).sort(), ['/', '/post/(?P<slug>[-\\w]+)/']);
});

test('Sanic: Blueprint(name, "/prefix") takes its url_prefix positionally too', async () => {
  // sanic/blueprints.py: Blueprint.__init__(self, name, url_prefix=None, host=None, version=None, …)
  const routes = await discoverSources({
    'app.py': [
      'from sanic import Sanic, Blueprint',
      '',
      'users = Blueprint("users", "/users")',
      'shop = Blueprint("shop", url_prefix="/shop")',
      'api = Blueprint.group(users, shop, url_prefix="/api")',
      '',
      '@users.get("/list")',
      'async def users_list(request): ...',
      '',
      '@shop.get("/list")',
      'async def shop_list(request): ...',
      '',
      'app = Sanic("demo")',
      'app.blueprint(api)',
    ].join('\n'),
  });
  assert.deepEqual(routes.map((r) => `${r.methods.join(',')} ${r.path} ${r.handler}`).sort(), [
    'GET /api/shop/list shop_list',
    'GET /api/users/list users_list',
  ]);
});

test("names a package re-exports with `from .x import *` resolve there, as __all__ and '_' allow", async () => {
  // a Django app's `api/__init__.py` doing `from .profile import *`: `api.ProfileApi` is the class in profile.py
  const routes = await discoverSources({
    'proj/__init__.py': '',
    'proj/settings.py': 'ROOT_URLCONF = "proj.urls"\n',
    'proj/urls.py': [
      'from django.urls import include, path',
      'urlpatterns = [path("api/users/", include("users.urls.api_urls"))]',
    ].join('\n'),
    'users/__init__.py': '',
    'users/urls/__init__.py': '',
    'users/urls/api_urls.py': [
      'from django.urls import path',
      'from .. import api',
      'urlpatterns = [',
      '    path("profile/", api.ProfileApi.as_view()),',
      '    path("groups/", api.groups),',
      '    path("hidden/", api.Hidden.as_view()),', // __all__ leaves it out: not bound by the star import
      '    path("private/", api._private),',
      ']',
    ].join('\n'),
    'users/api/__init__.py': 'from .profile import *\nfrom .group import *\n',
    'users/api/profile.py': [
      'from django.views import View',
      '__all__ = ["ProfileApi"]',
      'class ProfileApi(View):',
      '    def get(self, request): ...',
      'class Hidden(View):',
      '    def get(self, request): ...',
    ].join('\n'),
    // a star import of a star import, and a cycle back to the package, which ends
    'users/api/group.py': 'from .group_views import *\nfrom . import *\n',
    'users/api/group_views.py': 'from .group import *\ndef groups(request): ...\ndef _private(request): ...\n',
  });
  assert.deepEqual(routes.map((r) => `${r.methods.join(',')} ${r.path} ${r.handler}`).sort(), [
    'ANY /api/users/groups/ groups',
    'GET /api/users/profile/ ProfileApi.get',
  ]);
});

test('an app mounted through a wrapper no unit knows serves its routes under the mount, not at /', async () => {
  // a middleware (library or workspace ASGI class) hands the request on with the mount's root_path: the wrapped
  // app's routes answer under the prefix
  const routes = await discoverSources({
    'main.py': [
      'from fastapi import FastAPI',
      'from starlette.applications import Starlette',
      'from starlette.routing import Mount',
      'from some_lib import SomeMiddleware, wrap',
      'from inner import inner_app, other_app, third_app, router',
      'from mw import MyWrapper',
      '',
      'app = FastAPI()',
      'app.mount("/x", SomeMiddleware(inner_app, option=1))',
      'wrapped = MyWrapper(wrap(other_app))',
      'app.mount("/y", wrapped)',
      'star = Starlette(routes=[Mount("/z", app=wrap(app=third_app))])',
      'app.mount("/r", wrap(router))', // a router is no app a middleware can serve: left where it was
    ].join('\n'),
    'inner.py': [
      'from fastapi import APIRouter, FastAPI',
      'inner_app = FastAPI()',
      'other_app = FastAPI()',
      'third_app = FastAPI()',
      'router = APIRouter()',
      '@inner_app.get("/ping")',
      'async def ping(): ...',
      '@other_app.get("/pong")',
      'async def pong(): ...',
      '@third_app.get("/third")',
      'async def third(): ...',
      '@router.get("/lost")',
      'async def lost(): ...',
    ].join('\n'),
    'mw.py': [
      'class MyWrapper:',
      '    def __init__(self, app):',
      '        self.app = app',
      '    async def __call__(self, scope, receive, send):',
      '        await self.app(scope, receive, send)',
    ].join('\n'),
  });
  assert.deepEqual(
    routes.map((r) => `${r.methods.join(',')} ${r.path} ${r.handler}${r.unresolved ? ' ?' : ''}`).sort(),
    ['GET /x/ping ping', 'GET /y/pong pong', 'GET /z/third third', 'GET {unknown prefix?}/lost lost ?'],
  );
});

test('Flask: `app.wsgi_app = DispatcherMiddleware(app.wsgi_app, {...})` serves each mount under its key', async () => {
  // werkzeug/middleware/dispatcher.py: the first app (the Flask app's own WSGI callable) answers every other path
  const routes = await discoverSources({
    'app.py': [
      'from flask import Flask',
      'from werkzeug.middleware.dispatcher import DispatcherMiddleware',
      'from werkzeug.middleware.proxy_fix import ProxyFix',
      'from api import api_app, admin_app',
      '',
      'app = Flask(__name__)',
      '',
      '@app.route("/")',
      'def index(): ...',
      '',
      'app.wsgi_app = DispatcherMiddleware(app.wsgi_app, {"/api": api_app})',
      'app.wsgi_app = ProxyFix(app.wsgi_app)',
      '',
      'def create_admin():',
      '    site = Flask("site")',
      '    site.wsgi_app = DispatcherMiddleware(site.wsgi_app, {"/admin": admin_app})',
      '    return site',
      '',
      'served = create_admin()',
    ].join('\n'),
    'api.py': [
      'from flask import Flask',
      'api_app = Flask("api")',
      'admin_app = Flask("admin")',
      '@api_app.route("/users")',
      'def users(): ...',
      '@admin_app.route("/stats")',
      'def stats(): ...',
    ].join('\n'),
  });
  assert.deepEqual(routes.map((r) => `${r.methods.join(',')} ${r.path} ${r.handler}`).sort(), [
    'GET / index',
    'GET /admin/stats stats',
    'GET /api/users users',
  ]);
});

test('Django: patterns built by a list comprehension over a table, in place or returned by a helper', async () => {
  const routes = await discoverSources({
    'proj/__init__.py': '',
    'proj/settings.py': 'ROOT_URLCONF = "proj.urls"\n',
    'proj/views.py': 'def export(request): ...\ndef feed(request): ...\n',
    'proj/urls.py': [
      'from django.urls import include, path',
      'from proj import views',
      '',
      'def export_urls(prefix, name_prefix=""):',
      '    return [',
      '        path(f"{prefix}{suffix}", view, name=f"{name_prefix}{name}")',
      '        for suffix, view, name in [',
      '            (".xml", views.export, "xml"),',
      '            # kept for old clients',
      '            ("/feed", views.feed, "feed"),',
      '        ]',
      '    ]',
      '',
      'def rebinding(prefix):',
      '    prefix = prefix.rstrip("/")', // the argument through a pure string method
      '    return [path(f"{prefix}/x", views.export)]',
      '',
      'TABLE = [("a/", views.export), ("b/", views.feed)]',
      '',
      'urlpatterns = [',
      '    path("<slug:event>/", include([*export_urls("schedule"), *export_urls("v/<version>", "v-")])),',
      '    *rebinding("r/"),',
      ']',
      'urlpatterns += [path(p, v) for p, v in TABLE]',
    ].join('\n'),
  });
  assert.deepEqual(routes.map((r) => `${r.path} ${r.handler}${r.unresolved ? ' ?' : ''}`).sort(), [
    '/<slug:event>/schedule.xml export',
    '/<slug:event>/schedule/feed feed',
    '/<slug:event>/v/<version>.xml export',
    '/<slug:event>/v/<version>/feed feed',
    '/a/ export',
    '/b/ feed',
    '/r/x export',
  ]);
});

test('Django: a filtered comprehension keeps the items its condition does not leave out, and those it cannot read', async () => {
  const routes = await discoverSources({
    'proj/__init__.py': '',
    'proj/settings.py': 'ROOT_URLCONF = "proj.urls"\n',
    'proj/views.py': 'def a(request): ...\ndef b(request): ...\ndef c(request): ...\n',
    'proj/urls.py': [
      'from django.urls import path',
      'from proj import views',
      'from proj.flags import enabled',
      'OFF = ""',
      'TABLE = [("a/", views.a, "x"), (OFF, views.b, None), ("c/", views.c, "")]',
      'urlpatterns = [path("home/", views.a)]',
      'urlpatterns += [path(p, v) for p, v, n in TABLE if p]', // "" is false: b is served nowhere
      'urlpatterns += [path(f"n/{p}", v) for p, v, n in TABLE if n if p]', // None and "" are false
      'urlpatterns += [path(f"e/{p}", v) for p, v, n in TABLE if enabled(p)]', // not known: every item
    ].join('\n'),
  });
  assert.deepEqual(routes.map((r) => `${r.path} ${r.handler}`).sort(), [
    '/a/ a',
    '/c/ c',
    '/e/ b',
    '/e/a/ a',
    '/e/c/ c',
    '/home/ a',
    '/n/a/ a',
  ]);
});

test('Django: a helper parameter rebound once from itself is the argument through that expression, else unknown', async () => {
  const urls = (helper: string[]) =>
    discoverSources({
      'proj/__init__.py': '',
      'proj/settings.py': 'ROOT_URLCONF = "proj.urls"\n',
      'proj/views.py': 'def export(request): ...\n',
      'proj/urls.py': [
        'from django.urls import path',
        'from proj import views',
        'BASE = "/Api/"',
        'ROOT = BASE.strip("/").lower()', // string methods on module constants too
        ...helper,
        'urlpatterns = [path("home/", views.export), *export_urls("schedule/", "v")]',
      ].join('\n'),
    });
  const table = async (helper: string[]) =>
    (await urls(helper))
      .map((r) => `${r.path}${r.unresolved ? ' ?' : ''}`)
      .filter((p) => p !== '/home/')
      .sort();
  // pretalx's get_schedule_urls
  assert.deepEqual(
    await table([
      'def export_urls(prefix, name=""):',
      '    prefix = prefix.rstrip("/").replace("schedule", "s")',
      '    return [path(f"{ROOT}/{prefix}{s}", views.export) for s in [".xml", "/feed"]]',
    ]),
    ['/api/s.xml', '/api/s/feed'],
  );
  // a rebinding that may not run (under an `if`), twice, or from another rebound parameter: not known
  for (const body of [
    ['    if name:', '        prefix = prefix.rstrip("/")'],
    ['    prefix = prefix.rstrip("/")', '    prefix = prefix + "x"'],
    ['    name = name.upper()', '    prefix = prefix + name'],
  ])
    assert.deepEqual(
      await table(['def export_urls(prefix, name=""):', ...body, '    return [path(f"{prefix}.xml", views.export)]']),
      ['/{prefix?}.xml ?'],
      body.join(' / '),
    );
  // rebound after the list is built: the list has the argument as given
  assert.deepEqual(
    await table([
      'def export_urls(prefix, name=""):',
      '    out = [path(f"{prefix}x", views.export)]',
      '    prefix = prefix.upper()',
      '    return out',
    ]),
    ['/schedule/x'],
  );
});

test("Django REST framework: djangorestframework-bulk's BulkRouter builds DefaultRouter's URLs", async () => {
  // rest_framework_bulk/routes.py: class BulkRouter(DefaultRouter), only its list route's mapping extended
  const routes = await discoverSources({
    'proj/__init__.py': '',
    'proj/settings.py': 'ROOT_URLCONF = "proj.urls"\n',
    'proj/urls.py': [
      'from django.urls import path',
      'from rest_framework_bulk.routes import BulkRouter',
      'from proj import views',
      'router = BulkRouter()',
      'router.register(r"items", views.ItemViewSet, "item")',
      'router.register(r"bulk", views.BulkViewSet, "bulk")',
      'urlpatterns = [path("profile/", views.profile)]',
      'urlpatterns += router.urls',
    ].join('\n'),
    'proj/views.py': [
      'from rest_framework import viewsets',
      'from rest_framework_bulk.generics import BulkModelViewSet',
      'def profile(request): ...',
      'class ItemViewSet(viewsets.ModelViewSet):',
      '    def list(self, request): ...',
      'class BulkViewSet(BulkModelViewSet):', // a ModelViewSet whose create is the bulk mixin's
      '    def destroy(self, request, pk=None): ...',
    ].join('\n'),
  });
  assert.deepEqual(routes.map((r) => `${r.methods.join(',')} ${r.path} ${r.handler}`).sort(), [
    'ANY /profile/ profile',
    'DELETE /bulk/(?P<pk>[^/.]+)/ BulkViewSet.destroy',
    'DELETE /items/(?P<pk>[^/.]+)/ ItemViewSet.destroy',
    'GET / APIRootView.get',
    'GET /bulk/ BulkViewSet.list',
    'GET /bulk/(?P<pk>[^/.]+)/ BulkViewSet.retrieve',
    'GET /items/ ItemViewSet.list',
    'GET /items/(?P<pk>[^/.]+)/ ItemViewSet.retrieve',
    'PATCH /bulk/(?P<pk>[^/.]+)/ BulkViewSet.partial_update',
    'PATCH /items/(?P<pk>[^/.]+)/ ItemViewSet.partial_update',
    'POST /bulk/ BulkViewSet.create',
    'POST /items/ ItemViewSet.create',
    'PUT /bulk/(?P<pk>[^/.]+)/ BulkViewSet.update',
    'PUT /items/(?P<pk>[^/.]+)/ ItemViewSet.update',
  ]);
  assert.equal(find(routes, 'BulkViewSet.create').library, 'rest_framework_bulk.mixins.BulkCreateModelMixin');
  assert.equal(find(routes, 'BulkViewSet.list').library, 'rest_framework.mixins.ListModelMixin');
});

test('a route decorator on a name the module never binds (set by a loader) is a router with an unknown prefix', async () => {
  // a loader runs each page module with `page.manager = Blueprint(...)` set first, then registers it under a
  // prefix it computes: the routes are the framework's, their prefix unknown, never '/'
  const routes = await discoverSources({
    'pages/files.py': [
      'from quart import request',
      '',
      '@manager.route("/files", methods=["POST"])  # noqa: F821',
      'async def upload(): ...',
      '',
      '@manager.route("/files/<file_id>")  # noqa: F821',
      'def get_file(file_id): ...',
    ].join('\n'),
    // no framework imported, a name the module binds, a module making its own router: nothing is guessed
    'pages/other.py': ['@manager.route("/x")', 'def x(): ...'].join('\n'),
    'pages/own.py': [
      'from flask import Flask',
      'app = Flask(__name__)',
      '',
      '@undefined_thing.route("/z")',
      'def z(): ...',
    ].join('\n'),
    'pages/bound.py': [
      'from flask import Flask',
      'from thing import manager',
      '',
      '@manager.route("/y")',
      'def y(): ...',
    ].join('\n'),
  });
  assert.deepEqual(
    routes
      .map(
        (r) => `${r.framework} ${r.methods.join(',')} ${r.path} ${r.handler} ${r.execution}${r.unresolved ? ' ?' : ''}`,
      )
      .sort(),
    [
      'quart GET {unknown prefix?}/files/<file_id> get_file threadpool ?',
      'quart POST {unknown prefix?}/files upload event-loop ?',
    ],
  );
});
