import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, route } from './analysis-helpers';

const rules = (fs: Array<{ rule: string; line: number }>) => fs.map((f) => `${f.rule}@${f.line}`);

test('time.sleep in async def is EP101 with the exact call range', async () => {
  const fs = await analyze({ 'a.py': 'import time\n\nasync def h():\n    time.sleep(1)\n' });
  assert.equal(fs.length, 1);
  assert.deepEqual(
    { rule: fs[0].rule, line: fs[0].line, column: fs[0].column, endLine: fs[0].endLine, endColumn: fs[0].endColumn },
    { rule: 'EP101', line: 4, column: 5, endLine: 4, endColumn: 18 },
  );
  assert.match(fs[0].message, /time\.sleep\(\) blocks the event loop/);
  assert.equal(fs[0].severity, 'error');
});

test('a sync def, module-level code and nested defs inside async def are not loop context', async () => {
  const fs = await analyze({
    'a.py':
      'import time\ntime.sleep(1)\n\ndef f():\n    time.sleep(1)\n\nasync def g():\n    def inner():\n        time.sleep(1)\n    return 1\n',
  });
  assert.deepEqual(fs, []);
});

test('import aliases resolve: from time import sleep as nap, import requests as rq', async () => {
  const fs = await analyze({
    'a.py':
      'from time import sleep as nap\nimport requests as rq\n\nasync def h():\n    nap(1)\n    rq.get("u")\n    rq.Session()\n',
  });
  assert.deepEqual(rules(fs), ['EP101@5', 'EP101@6']);
  assert.match(fs[1].message, /requests\.get\(\)/);
});

test('instances are tracked: requests.Session, httpx.Client (module level), sqlite3 connection and cursor', async () => {
  const src = [
    'import httpx, requests, sqlite3',
    'client = httpx.Client()',
    'async def h():',
    '    s = requests.Session()',
    '    s.get("u")',
    '    client.post("u")',
    '    db = sqlite3.connect("x.db")',
    '    cur = db.cursor()',
    '    cur.execute("select 1")',
    '    with httpx.Client() as c:',
    '        c.get("u")',
    '',
  ].join('\n');
  const fs = await analyze({ 'a.py': src });
  assert.deepEqual(
    fs.map((f) => f.message.split('(')[0]),
    ['requests.Session.get', 'httpx.Client.post', 'sqlite3.connect', 'sqlite3.Cursor.execute', 'httpx.Client.get'],
  );
});

test('annotated parameters: a SQLAlchemy Session injected with Depends is blocking in async def', async () => {
  const src =
    'from sqlalchemy.orm import Session\nfrom fastapi import Depends\nasync def h(db: Session = Depends(get_db)):\n    return db.query(User).all()\n';
  const fs = await analyze({ 'a.py': src });
  assert.deepEqual(
    fs.map((f) => f.message.split('(')[0]),
    ['sqlalchemy.orm.Session.query'],
  );
});

test('awaited calls and references passed to offloaders are not flagged', async () => {
  const src = [
    'import asyncio, time, requests',
    'from starlette.concurrency import run_in_threadpool',
    'async def h(loop):',
    '    await asyncio.sleep(1)',
    '    await asyncio.to_thread(time.sleep, 1)',
    '    await loop.run_in_executor(None, requests.get, "u")',
    '    await run_in_threadpool(requests.get, "u")',
    '    await loop.run_in_executor(None, lambda: requests.get("u"))',
    '',
  ].join('\n');
  assert.deepEqual(await analyze({ 'a.py': src }), []);
});

test('FastAPI def handlers and def dependencies are not flagged; async def dependencies are', async () => {
  const src =
    'import time\nfrom fastapi import Depends\n\ndef dep():\n    time.sleep(1)\n\nasync def adep():\n    time.sleep(1)\n\ndef handler(d=Depends(dep)):\n    time.sleep(1)\n';
  const fs = await analyze({ 'a.py': src }, [route('a.py', 10, 'handler', { async: false, execution: 'threadpool' })]);
  assert.deepEqual(rules(fs), ['EP101@8']);
});

test('aiohttp/Sanic sync handlers run on the loop (route execution event-loop) and are flagged', async () => {
  const src = 'import time\n\ndef handle(request):\n    time.sleep(1)\n';
  const fs = await analyze({ 'a.py': src }, [route('a.py', 3, 'handle', { framework: 'aiohttp', async: false })]);
  assert.deepEqual(rules(fs), ['EP101@4']);
  assert.equal(fs[0].handler, 'handle');
  assert.equal(fs[0].fix, undefined, 'no await rewrite inside a sync function');
});

test('Flask routes (execution worker) get EP201 info for network calls only', async () => {
  const src = 'import requests\n\ndef view():\n    open("f")\n    return requests.get("u").text\n';
  const fs = await analyze({ 'a.py': src }, [
    route('a.py', 3, 'view', { framework: 'flask', async: false, execution: 'worker' }),
  ]);
  assert.deepEqual(rules(fs), ['EP201@5']);
  assert.equal(fs[0].severity, 'info');
  assert.match(fs[0].message, /ties up a flask worker/);
});

test('EP103: a FastAPI async handler that never awaits but blocks gets a "make it def" finding', async () => {
  const src = 'import time\n\nasync def h():\n    time.sleep(1)\n\nasync def g():\n    time.sleep(1)\n    await x()\n';
  const fs = await analyze({ 'a.py': src }, [route('a.py', 3, 'h'), route('a.py', 6, 'g')]);
  assert.deepEqual(rules(fs), ['EP103@3', 'EP101@4', 'EP101@7']);
});

test('suppression: # noqa and # noqa: EP101 silence the line; other codes do not', async () => {
  const src =
    'import time\nasync def h():\n    time.sleep(1)  # noqa\n    time.sleep(2)  # noqa: EP101\n    time.sleep(3)  # noqa: E501\n';
  assert.deepEqual(rules(await analyze({ 'a.py': src })), ['EP101@5']);
});

test('configuration adds blocking calls (fnmatch) and allows others', async () => {
  const src = 'import mylib, time\nasync def h():\n    mylib.slow_query()\n    mylib.fast()\n    time.sleep(1)\n';
  const fs = await analyze({ 'a.py': src }, [], {
    extraBlockingCalls: [{ pattern: 'mylib.slow_*', replacement: 'mylib.aio.slow_query' }],
    allowedCalls: ['time.sleep'],
  });
  assert.deepEqual(rules(fs), ['EP101@3']);
  assert.equal(fs[0].replacement, 'mylib.aio.slow_query');
});

test('os.path pure functions are allowed, disk-touching ones flagged (Ruff ASYNC240)', async () => {
  const src = 'import os\nasync def h(p):\n    os.path.join(p, "x")\n    os.path.exists(p)\n    os.path.basename(p)\n';
  assert.deepEqual(rules(await analyze({ 'a.py': src })), ['EP101@4']);
});

test('methods: self.helper() resolves to the class method and is followed', async () => {
  const src =
    'import time\nclass V:\n    def helper(self):\n        time.sleep(1)\n    async def get(self):\n        self.helper()\n';
  const fs = await analyze({ 'a.py': src });
  assert.deepEqual(rules(fs), ['EP102@6']);
  assert.deepEqual(fs[0].chain, ['V.get()', 'V.helper()', 'time.sleep (a.py:4)']);
});

test('SQLModel: `with Session(engine) as session: session.exec(...)` in async def', async () => {
  const src =
    'from sqlmodel import Session, create_engine, select\nengine = create_engine("sqlite://")\nasync def h():\n    with Session(engine) as session:\n        return session.exec(select(User)).all()\n';
  const fs = await analyze({ 'a.py': src });
  assert.deepEqual(
    fs.map((f) => f.message.split('(')[0]),
    ['sqlalchemy.orm.Session.exec'],
  );
});

test('noqa: codes are case-insensitive; a malformed code list suppresses nothing (as Ruff ignores an invalid noqa)', async () => {
  const src =
    'import time\nasync def h():\n    time.sleep(1)  # noqa: ep101\n    time.sleep(2)  # noqa: EP-101\n    time.sleep(3)  # noqa:EP102,EP101\n    time.sleep(4)  # noqa because it is a test\n';
  assert.deepEqual(rules(await analyze({ 'a.py': src })), ['EP101@4']);
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

test('Optional[httpx.Client], httpx.Client | None, Union[httpx.Client, None], typing.Optional and Annotated annotations are clients (Ruff ASYNC212)', async () => {
  const src = [
    'import httpx, typing',
    'from typing import Annotated, Optional, Union',
    'client: Optional[httpx.Client] = None',
    'async def h(b: httpx.Client | None, c: Union[httpx.Client, None], d: typing.Optional[httpx.Client], e: Annotated[httpx.Client, "x"], f: Union[int, str] = 1):',
    '    client.get("u")',
    '    b.get("u")',
    '    c.post("u")',
    '    d.stream("GET", "u")',
    '    e.request("GET", "u")',
    '    f.get("u")',
    '',
  ].join('\n');
  const fs = await analyze({ 'a.py': src });
  assert.deepEqual(
    fs.map((f) => `${f.line} ${f.message.split('(')[0]}`),
    [
      '5 httpx.Client.get',
      '6 httpx.Client.get',
      '7 httpx.Client.post',
      '8 httpx.Client.stream',
      '9 httpx.Client.request',
    ],
  );
});

test('calls inside a lambda run where the lambda is called: flagged, unless the lambda is handed to an offloading call', async () => {
  const src = [
    'import asyncio, time, threading',
    'async def h(loop, tasks, pool):',
    '    loop.call_soon(lambda: time.sleep(1))',
    '    items = sorted([1], key=lambda x: time.sleep(x))',
    '    await asyncio.to_thread(lambda: time.sleep(1))',
    '    await loop.run_in_executor(None, lambda: time.sleep(1))',
    '    threading.Thread(target=lambda: time.sleep(1)).start()',
    '    pool.submit(lambda: time.sleep(1))',
    '    tasks.add_task(lambda: time.sleep(1))',
    '    return items',
    'def sync_def(loop):',
    '    loop.call_soon(lambda: time.sleep(1))',
    '',
  ].join('\n');
  const fs = await analyze({ 'a.py': src });
  assert.deepEqual(rules(fs), ['EP101@3', 'EP101@4']);
  for (const f of fs)
    assert.deepEqual(
      [f.fix, ...f.alternativeFixes!].filter((x) => x).map((x) => x!.title),
      ['Suppress EP101 on this line'],
      'await is not allowed in a lambda',
    );
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

test('Django: terminal methods of QuerySet chains from X.objects, iterating a QuerySet, and Model.save(), in async views', async () => {
  const src = [
    'from app.models import Book',
    'async def view(q):',
    '    b = Book.objects.filter(title=q).first()',
    '    n = Book.objects.filter(a=1).exclude(b=2).order_by("x").count()',
    '    e = Book.objects.all().exists()',
    '    qs = Book.objects.filter(a=1)',
    '    one = qs.get(pk=1)',
    '    for x in qs:',
    '        pass',
    '    names = [x.name for x in Book.objects.all()]',
    '    total = len(Book.objects.filter(a=1))',
    '    obj = Book.objects.get(pk=1)',
    '    obj.save()',
    '    await Book.objects.filter(a=1).afirst()',
    '    async for y in Book.objects.all():',
    '        pass',
    '    return [b, n, e, one, names, total]',
    '',
  ].join('\n');
  const fs = await analyze({ 'app/views.py': src });
  assert.deepEqual(
    fs.map((f) => `${f.line} ${f.message.split('(')[0]}`),
    [
      '3 django.db.models.QuerySet.first',
      '4 django.db.models.QuerySet.count',
      '5 django.db.models.QuerySet.exists',
      '7 django.db.models.QuerySet.get',
      '8 Iterating a django.db.models.QuerySet blocks the event loop: while the database answers, this server answers no other request; 10 concurrent queries run one after another.',
      '10 Iterating a django.db.models.QuerySet blocks the event loop: while the database answers, this server answers no other request; 10 concurrent queries run one after another.',
      '11 Iterating a django.db.models.QuerySet blocks the event loop: while the database answers, this server answers no other request; 10 concurrent queries run one after another.',
      '12 app.models.Book.objects.get',
      '13 django.db.models.Model.save',
    ],
  );
  assert.match(fs[0].replacement!, /afirst|async ORM/);
  assert.deepEqual(
    fs[4].alternativeFixes!.map((x) => x.title),
    ['Suppress EP101 on this line'],
    'no rewrite of a for statement',
  );
});
