import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from './analysis-helpers';

// Single-file cases are fixtures with their expectations on the line: test/fixtures/rules/ (analysis-rule-fixtures.test.ts).

const rules = (fs: Array<{ rule: string; line: number }>) => fs.map((f) => `${f.rule}@${f.line}`);

test('configuration adds blocking calls (fnmatch) and allows others', async () => {
  const src = 'import mylib, time\nasync def h():\n    mylib.slow_query()\n    mylib.fast()\n    time.sleep(1)\n';
  const fs = await analyze({ 'a.py': src }, [], {
    extraBlockingCalls: [{ pattern: 'mylib.slow_*', replacement: 'mylib.aio.slow_query' }],
    allowedCalls: ['time.sleep'],
  });
  assert.deepEqual(rules(fs), ['EP101@3']);
  assert.equal(fs[0].replacement, 'mylib.aio.slow_query');
});

test('clients created in another module: `from .clients import http` then http.get(u), a shared redis.Redis(), through a helper too', async () => {
  const fs = await analyze({
    'app/__init__.py': '',
    'app/clients.py':
      'import requests, redis\nhttp = requests.Session()\ncache = redis.Redis()\nif True:\n    pool: requests.Session = requests.Session()\n',
    'app/main.py':
      'from .clients import http, cache\nfrom app import clients\nfrom app.util import fetch\n\nasync def h(u):\n    http.get(u)\n    cache.get("k")\n    clients.http.post(u)\n    clients.pool.get(u)\n    return fetch(u)\n',
    'app/util.py': 'from app.clients import http\n\ndef fetch(u):\n    return http.get(u).json()\n',
  });
  assert.deepEqual(
    fs.map((f) => `${f.rule}@${f.line} ${f.message.split('(')[0]}`),
    [
      'EP101@6 requests.Session.get',
      'EP101@7 redis.Redis.get',
      'EP101@8 requests.Session.post',
      'EP101@9 requests.Session.get',
      'EP102@10 fetch',
    ],
  );
  assert.deepEqual(fs[4].chain, ['h()', 'fetch()', 'requests.Session.get (app/util.py:4)']);
});

test('startup and shutdown hooks run once, before the server accepts requests or after it stops: not flagged as per-request code', async () => {
  const main = [
    'import time, requests',
    'from contextlib import asynccontextmanager',
    'from fastapi import FastAPI',
    'from starlette.applications import Starlette',
    'from app.hooks import warm',
    '@asynccontextmanager',
    'async def lifespan(app):',
    '    time.sleep(1)',
    '    yield',
    '    requests.post("u")',
    'app = FastAPI(lifespan=lifespan)',
    '@app.on_event("startup")',
    'async def startup():',
    '    time.sleep(1)',
    'async def connect():',
    '    requests.get("u")',
    'app.add_event_handler("startup", connect)',
    'app.add_event_handler("shutdown", warm)',
    'async def a(): time.sleep(1)',
    'async def b(): time.sleep(1)',
    'star = Starlette(on_startup=[a], on_shutdown=[b])',
    '@app.get("/")',
    'async def handler():',
    '    time.sleep(1)',
    '',
  ].join('\n');
  const others = [
    'import time',
    'from aiohttp import web',
    'from quart import Quart',
    'from sanic import Sanic',
    'async def init_db(app): time.sleep(1)',
    'async def ctx(app):',
    '    time.sleep(1)',
    '    yield',
    'def make():',
    '    aio = web.Application()',
    '    aio.on_startup.append(init_db)',
    '    aio.cleanup_ctx.append(ctx)',
    '    return aio',
    'q = Quart(__name__)',
    '@q.before_serving',
    'async def qs(): time.sleep(1)',
    's = Sanic("x")',
    '@s.before_server_start',
    'async def ss(app): time.sleep(1)',
    '@s.listener("after_server_stop")',
    'async def sl(app): time.sleep(1)',
    '@s.listener("after_server_start")',
    'async def started(app): time.sleep(1)',
    '',
  ].join('\n');
  const fs = await analyze({
    'app/__init__.py': '',
    'app/main.py': main,
    'app/hooks.py': 'import time\nasync def warm():\n    time.sleep(1)\n',
    'app/others.py': others,
  });
  assert.deepEqual(
    fs.map((f) => `${f.file}:${f.rule}@${f.line}`),
    ['app/main.py:EP101@24', 'app/others.py:EP101@23'],
    "Sanic's after_server_start runs while requests are served",
  );
});
