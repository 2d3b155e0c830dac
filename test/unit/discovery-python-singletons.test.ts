import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linkPythonRoutes, PythonLinkCache } from '../../src/core/discovery/python';
import { Parsers } from '../../src/core/parsing/parser';
import { discoverSources, keptFactsOf, keys } from '../fixtures/python/discover';

const USERS = [
  'from fastapi import APIRouter',
  'router = APIRouter()',
  '@router.get("/{id}")',
  'async def get_user(id: int):',
  '    return {}',
].join('\n');
const ROUTERS = { 'routers/__init__.py': '', 'routers/users.py': USERS };

const server = (accessor: string[]) =>
  [
    'from fastapi import FastAPI',
    'class Server:',
    '    _instance = None',
    '    def __init__(self):',
    '        self.app = FastAPI()',
    '        self.app.add_api_route("/health", self.health)',
    '    async def health(self):',
    '        return {}',
    ...accessor,
  ].join('\n');

const MAIN = [
  'from server import Server',
  'from routers import users',
  'server = Server.get_instance()',
  'app = server.app',
  '@app.get("/a")',
  'async def a():',
  '    return {}',
  'app.include_router(users.router, prefix="/users")',
].join('\n');

const LAZY = [
  '    @classmethod',
  '    def get_instance(cls):',
  '        if cls._instance is None:',
  '            cls._instance = cls()',
  '        return cls._instance',
];

const EXPECTED = ['GET /a a', 'GET /health Server.health', 'GET /users/{id} get_user'];

test('a classmethod singleton accessor gives an instance of its class (its __init__ runs)', async () => {
  const routes = await discoverSources({ 'server.py': server(LAZY), 'main.py': MAIN, ...ROUTERS });
  assert.deepEqual(keys(routes).sort(), EXPECTED);
});

test('accessors of other spellings: a staticmethod, `return cls()`, an instance another method keeps', async () => {
  const spellings = [
    [
      '    @staticmethod',
      '    def get_instance():',
      '        if Server._instance is None:',
      '            Server._instance = Server()',
      '        return Server._instance',
    ],
    ['    @classmethod', '    def get_instance(klass):', '        return klass()'],
    [
      '    @classmethod',
      '    def init(cls):',
      '        cls._one = cls()',
      '    @classmethod',
      '    def get_instance(cls):',
      '        return cls._one',
    ],
  ];
  for (const accessor of spellings) {
    const routes = await discoverSources({ 'server.py': server(accessor), 'main.py': MAIN, ...ROUTERS });
    assert.deepEqual(keys(routes).sort(), EXPECTED, accessor.join('\n'));
  }
});

test('a method that may return something else is no accessor: its routes are not made up', async () => {
  const others = [
    [
      '    @classmethod',
      '    def get_instance(cls):',
      '        if cls._instance is None:',
      '            return None',
      '        return cls._instance',
    ],
    ['    @classmethod', '    def get_instance(cls):', '        return Other()'],
    ['    @classmethod', '    def get_instance(cls):', '        if cls._instance is None:', '            return cls()'],
    ['    def get_instance(self):', '        return Server()'],
  ];
  for (const accessor of others) {
    const routes = await discoverSources({ 'server.py': server(accessor), 'main.py': MAIN, ...ROUTERS });
    assert.ok(!keys(routes).includes('GET /health Server.health'), accessor.join('\n'));
    assert.ok(!keys(routes).includes('GET /a a'), accessor.join('\n'));
  }
});

test('a singleton called in two modules is one instance: its __init__ routes are made once', async () => {
  const api = [
    'from server import Server',
    'app = Server.get_instance().app',
    'srv = Server.get_instance()',
    '@srv.app.get("/b")',
    'async def b():',
    '    return {}',
  ].join('\n');
  const routes = await discoverSources({
    'server.py': server(LAZY),
    'main.py': MAIN,
    'api.py': api,
    ...ROUTERS,
  });
  assert.deepEqual(keys(routes).sort(), [
    'GET /a a',
    'GET /b b',
    'GET /health Server.health',
    'GET /users/{id} get_user',
  ]);
});

test('after edits of the modules calling a singleton, the kept link equals a fresh one', async () => {
  const api = [
    'from server import Server',
    'srv = Server.get_instance()',
    '@srv.app.get("/b")',
    'async def b():',
    '    return {}',
  ];
  const files = new Map<string, string>([
    ['s/server.py', server(LAZY)],
    ['s/main.py', MAIN],
    ['s/api.py', api.join('\n')],
    ['s/routers/__init__.py', ''],
    ['s/routers/users.py', USERS],
  ]);
  const inputs = keptFactsOf(await Parsers.load(undefined, ['python']), files);
  const cache = new PythonLinkCache();
  cache.link(inputs());
  const edits: Array<[string, string, string]> = [
    ['s/main.py', 'server = Server.get_instance()', 'server = None'],
    ['s/api.py', 'srv = Server.get_instance()', 'srv = None'],
    ['s/main.py', 'server = None', 'server = Server.get_instance()'],
    ['s/server.py', '        return cls._instance', '        return cls._instance or None'],
    ['s/server.py', '        return cls._instance or None', '        return cls._instance'],
    ['s/api.py', 'srv = None', 'srv = Server.get_instance()'],
  ];
  for (const [file, from, to] of edits) {
    assert.ok(files.get(file)!.includes(from), from);
    files.set(file, files.get(file)!.replace(from, to));
    const kept = cache.link(inputs());
    assert.deepEqual(kept, linkPythonRoutes(inputs()), `${file}: ${to}`);
  }
  assert.equal(keys(cache.link(inputs())).filter((k) => k === 'GET /health Server.health').length, 1);
});
