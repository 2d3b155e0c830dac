// PythonLinkCache keeps per-module link results and emitted Route objects between links; after
// each edit of the fixtures added for factory imports, include cycles, inline Starlette routers,
// handler parameters, definition cycles and request-body models, its routes must equal a link from scratch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linkPythonRoutes, PythonLinkCache } from '../../src/core/discovery/python';
import { Parsers } from '../../src/core/parsing/parser';
import { fixtureSources, keptFactsOf } from '../fixtures/python/discover';

const DIRS = [
  'flask_factory',
  'fastapi_factory',
  'include_cycle',
  'starlette_inline',
  'params_app',
  'cycles',
  'body_app',
  'register_helpers',
  'flask_loops',
  'package_init',
  'class_factory',
  'class_routes',
  'controller_base',
  'router_factory_args',
  'django_patterns',
];

const edit = (file: string, from: string, to: string) => (files: Map<string, string>) => {
  assert.ok(files.get(file)?.includes(from), `${file} holds ${from}`);
  files.set(file, files.get(file)!.replace(from, to));
};

const EDITS: Array<[string, (files: Map<string, string>) => void]> = [
  [
    'import another blueprint inside the factory',
    edit('flask_factory/pkg/__init__.py', 'from .views import bp', 'from .admin import panel as bp'),
  ],
  ['change a registration prefix in the factory', edit('fastapi_factory/app/main.py', 'prefix="/b"', 'prefix="/bee"')],
  ['break the include cycle', edit('include_cycle/svc/main.py', 'app.include_router(rb, prefix="/b")', 'pass')],
  ['close it again', edit('include_cycle/svc/main.py', '\npass', '\napp.include_router(rb, prefix="/b")')],
  ['move an inline Mount', edit('starlette_inline/web/app.py', 'Mount("/r", app=Router(', 'Mount("/q", app=Router(')],
  ['retype a path parameter', edit('params_app/api/main.py', 'item_id: int', 'item_id: str = "x"')],
  ['make the definition cycle a plain value', edit('cycles/odd/app.py', 'N = M', 'N = ["PUT"]')],
  [
    'give back the factory its import',
    edit('flask_factory/pkg/__init__.py', 'from .admin import panel as bp', 'from .views import bp'),
  ],
  [
    'add a field to a request-body model that handlers in two other modules take',
    edit('body_app/store/models.py', '    width: float\n', '    width: float\n    depth: int = 3\n'),
  ],
  [
    'make a nested body model a plain class',
    edit('body_app/store/models.py', 'class Tag(pd.BaseModel):', 'class Tag:'),
  ],
  [
    'import the body model under another name',
    edit(
      'body_app/store/main.py',
      'from store.models import Item as ItemModel, User',
      'from store.models import Note as ItemModel, User',
    ),
  ],
  [
    'call a helper from a module that called nothing of that name (a call site the helper never read)',
    edit(
      'register_helpers/helpers/main.py',
      'app.include_router(public)',
      'app.include_router(public)\nfrom helpers.registry import register\nregister(app, "/ping", items.list_items)',
    ),
  ],
  [
    'rename a helper call site away',
    edit('register_helpers/helpers/users.py', 'registry.register(router', 'registry.expose(me'),
  ],
  [
    'change a prefix in a loop over a tuple of pairs',
    edit('flask_loops/web/app.py', '("/b", pages.b)', '("/c", pages.b)'),
  ],
  [
    'change a class attribute a method decorator reads',
    edit('class_routes/app/controllers.py', 'DETAIL = "/{order_id}"', 'DETAIL = "/{oid}"'),
  ],
  [
    "change a path a controller base class's __init__ registers",
    edit('controller_base/shop/base.py', 'HEALTH = "/health"', 'HEALTH = "/healthz"'),
  ],
  [
    "drop a subclass's override of a handler the base class registers",
    edit('controller_base/shop/controllers.py', '    async def list(self):\n        return ["ada"]\n', ''),
  ],
  [
    'change the prefix a controller instance is made with',
    edit('controller_base/shop/main.py', 'Users("/users")', 'Users("/people")'),
  ],
  [
    "change the argument a router factory's call passes",
    edit('router_factory_args/svc/main.py', 'make_login_router("github")', 'make_login_router("gitlab")'),
  ],
  [
    'change the prefix a router factory builds from its parameter',
    edit('router_factory_args/svc/oauth.py', 'prefix=f"/{provider}"', 'prefix=f"/login/{provider}"'),
  ],
  [
    'name another urlconf ROOT_URLCONF (the one served at the root)',
    edit('django_patterns/project/settings.py', 'ROOT_URLCONF = "project.urls"', 'ROOT_URLCONF = "boutique.urls"'),
  ],
  ['name it back', edit('django_patterns/project/settings.py', '"boutique.urls"', '"project.urls"')],
  [
    'drop an append to urlpatterns',
    edit('django_patterns/project/urls.py', 'urlpatterns.append(path("app/", views.app))', ''),
  ],
  [
    'make the router class factory return an instance',
    edit('class_factory/factory/routing.py', '    return BaseRouter\n', '    return BaseRouter()\n'),
  ],
];

test('after every edit, the kept link equals a fresh one (params, inline objects and cycles included)', async () => {
  const parsers = await Parsers.load(undefined, ['python']);
  const files = fixtureSources(DIRS);
  const inputs = keptFactsOf(parsers, files);
  const cache = new PythonLinkCache();
  let last = cache.link(inputs());
  for (const [name, apply] of EDITS) {
    const before = new Map(files);
    apply(files);
    const edited = [...files.keys()].find((p) => files.get(p) !== before.get(p))!.split('/')[0];
    const kept = cache.link(inputs());
    assert.deepEqual(kept, linkPythonRoutes(inputs()), name);
    assert.notEqual(JSON.stringify(kept), JSON.stringify(last), `${name} changes the routes`);
    // the other fixtures' Route objects are the very same ones as before
    const others = (rs: typeof kept) => rs.filter((r) => !r.file.startsWith(`${edited}/`));
    assert.equal(others(kept).length, others(last).length);
    others(kept).forEach((r, i) => assert.equal(r, others(last)[i], `${name}: ${r.handler} rebuilt`));
    last = kept;
  }
  const retyped = cache.link(inputs()).find((r) => r.handler === 'read_item');
  assert.deepEqual(retyped?.params?.[0], { name: 'item_id', annotation: 'str', default: '"x"' });
});

// Edits that keep every router object and include edge: PythonLinkCache links them in place (linkInPlace,
// emitAgain) instead of replaying every module's results. Each must still equal a fresh link, and the
// structural edit in the middle must fall back to the whole link and leave the next edits in place again.
const IN_PLACE: Record<string, string> = {
  'shop/app/__init__.py': '',
  'shop/app/main.py': [
    'from fastapi import FastAPI',
    'from app import groups, items, more',
    'app = FastAPI()',
    'app.include_router(groups.router, prefix="/api")',
    'app.include_router(items.router, prefix="/v1")',
    'app.include_router(items.router, prefix="/v2")',
    '',
  ].join('\n'),
  'shop/app/groups.py': [
    'from fastapi import APIRouter',
    'from app import leaf',
    'router = APIRouter(prefix="/g")',
    'router.include_router(leaf.router, prefix="/l")',
    '',
  ].join('\n'),
  'shop/app/leaf.py': [
    'from fastapi import APIRouter',
    'router = APIRouter()',
    '@router.get("/a")',
    'async def a():',
    '    return 1',
    '@router.get("/b")',
    'async def b():',
    '    return 2',
    '',
  ].join('\n'),
  'shop/app/items.py': [
    'from fastapi import APIRouter',
    'router = APIRouter(prefix="/items")',
    '@router.get("/x")',
    'async def x():',
    '    return 1',
    '',
  ].join('\n'),
  'shop/app/more.py': ['from app.items import router', '@router.get("/y")', 'async def y():', '    return 1', ''].join(
    '\n',
  ),
};

const IN_PLACE_EDITS: Array<[string, (files: Map<string, string>) => void, 'in place' | 'whole']> = [
  [
    "a group's own prefix: every route below it moves",
    edit('shop/app/groups.py', '(prefix="/g")', '(prefix="/grp")'),
    'in place',
  ],
  ['one route path in a leaf', edit('shop/app/leaf.py', '"/a"', '"/aa"'), 'in place'],
  [
    'the prefix of a router included twice',
    edit('shop/app/items.py', '(prefix="/items")', '(prefix="/it")'),
    'in place',
  ],
  ['a route another module adds to that router', edit('shop/app/more.py', '"/y"', '"/why"'), 'in place'],
  ['a handler made sync', edit('shop/app/leaf.py', 'async def b', 'def b'), 'in place'],
  [
    'a route added to a leaf',
    edit('shop/app/leaf.py', '    return 2\n', '    return 2\n@router.get("/c")\nasync def c():\n    return 3\n'),
    'in place',
  ],
  [
    'a new include edge (another structure)',
    edit(
      'shop/app/main.py',
      'prefix="/v2")',
      'prefix="/v2")\napp.include_router(leaf_router, prefix="/direct")\nfrom app.leaf import router as leaf_router',
    ),
    'whole',
  ],
  ['then a route path again', edit('shop/app/leaf.py', '"/aa"', '"/aaa"'), 'in place'],
  ['and the group prefix back', edit('shop/app/groups.py', '(prefix="/grp")', '(prefix="/g")'), 'in place'],
];

test('edits that keep the router objects link in place and equal a fresh link', async () => {
  const parsers = await Parsers.load(undefined, ['python']);
  const files = new Map(Object.entries(IN_PLACE));
  const inputs = keptFactsOf(parsers, files);
  const cache = new PythonLinkCache();
  // which path each link took: the whole link replays every module's results
  let whole = 0;
  const linkAll = (cache as unknown as { linkAll: (...a: unknown[]) => unknown }).linkAll;
  (cache as unknown as { linkAll: (...a: unknown[]) => unknown }).linkAll = function (this: unknown, ...a: unknown[]) {
    whole++;
    return linkAll.apply(this, a);
  };
  let last = cache.link(inputs());
  for (const [name, apply, path] of IN_PLACE_EDITS) {
    apply(files);
    whole = 0;
    const kept = cache.link(inputs());
    assert.deepEqual(kept, linkPythonRoutes(inputs()), name);
    assert.notDeepEqual(kept, last, `${name} changes the routes`);
    assert.equal(whole, path === 'whole' ? 1 : 0, `${name}: linked ${path}`);
    last = kept;
  }
});
