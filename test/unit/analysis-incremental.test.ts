// findBlockingCalls keeps results between calls; an edit anywhere down a chain must show.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findBlockingCalls, type AnalysisConfig } from '../../src/core/analysis';
import { fileResultCounts } from '../../src/core/analysis/findings';
import { factsOf, route } from './analysis-helpers';

const rules = (fs: Array<{ file: string; rule: string; line: number }>) =>
  fs.map((f) => `${f.file}:${f.rule}@${f.line}`);

test('editing, adding and removing helper files updates findings in the files that call them', async () => {
  const main = {
    'app/main.py':
      'from app.helpers import load\nfrom app.extra import later\n\nasync def h():\n    load()\n    later()\n',
  };
  const blocking = await factsOf({
    ...main,
    'app/helpers.py': 'import time\ndef load():\n    return inner()\ndef inner():\n    time.sleep(1)\n',
  });
  assert.deepEqual(rules(findBlockingCalls(blocking, [])), ['app/main.py:EP102@5']);

  const fixedHelper = await factsOf({
    'app/helpers.py': 'def load():\n    return inner()\ndef inner():\n    return 1\n',
  });
  const step2 = new Map([...blocking, ...fixedHelper]);
  assert.deepEqual(findBlockingCalls(step2, []), [], 'the helper no longer blocks');

  const added = await factsOf({ 'app/extra.py': 'import subprocess\ndef later():\n    subprocess.run(["ls"])\n' });
  const step3 = new Map([...step2, ...added]);
  assert.deepEqual(
    rules(findBlockingCalls(step3, [])),
    ['app/main.py:EP102@6'],
    'a new file defines a name that was unresolved',
  );

  const step4 = new Map(step3);
  step4.delete('app/extra.py');
  assert.deepEqual(findBlockingCalls(step4, []), [], 'the file is gone again');
  assert.deepEqual(rules(findBlockingCalls(blocking, [])), ['app/main.py:EP102@5'], 'back to the first workspace');
});

test('a route appearing for an unchanged file changes its findings (sync aiohttp handler)', async () => {
  const files = await factsOf({ 'h.py': 'import time\ndef handle(request):\n    time.sleep(1)\n' });
  assert.deepEqual(findBlockingCalls(files, []), []);
  const r = {
    framework: 'aiohttp' as const,
    methods: ['GET'],
    path: '/',
    file: 'h.py',
    line: 2,
    handler: 'handle',
    async: false,
    execution: 'event-loop' as const,
  };
  assert.deepEqual(rules(findBlockingCalls(files, [r])), ['h.py:EP101@3']);
});

test('a module found under a source root: adding, editing and removing it updates the caller', async () => {
  const main = await factsOf({ 'backend/app/main.py': 'from app.helpers import load\n\nasync def h():\n    load()\n' });
  assert.deepEqual(findBlockingCalls(main, []), []);
  const helper = await factsOf({ 'backend/app/helpers.py': 'import time\ndef load():\n    time.sleep(1)\n' });
  const step2 = new Map([...main, ...helper]);
  assert.deepEqual(rules(findBlockingCalls(step2, [])), ['backend/app/main.py:EP102@4'], 'the module appears');
  const clean = await factsOf({ 'backend/app/helpers.py': 'def load():\n    return 1\n' });
  assert.deepEqual(findBlockingCalls(new Map([...step2, ...clean]), []), [], 'the helper is fixed');
  assert.deepEqual(rules(findBlockingCalls(step2, [])), ['backend/app/main.py:EP102@4'], 'and broken again');
  const twin = await factsOf({ 'other/app/helpers.py': 'def load():\n    return 1\n' });
  assert.deepEqual(
    rules(findBlockingCalls(new Map([...step2, ...twin]), [])),
    ['backend/app/main.py:EP102@4'],
    'a same-named module elsewhere does not take over',
  );
  assert.deepEqual(findBlockingCalls(main, []), [], 'the module is gone');
});

test('a client module switching to an async client clears the findings that used its instance', async () => {
  const main = { 'app/main.py': 'from app.clients import http\n\nasync def h(u):\n    return http.get(u)\n' };
  const sync = await factsOf({ ...main, 'app/clients.py': 'import requests\nhttp = requests.Session()\n' });
  assert.deepEqual(rules(findBlockingCalls(sync, [])), ['app/main.py:EP101@4']);
  const asyncClient = await factsOf({ 'app/clients.py': 'import httpx\nhttp = httpx.AsyncClient()\n' });
  assert.deepEqual(findBlockingCalls(new Map([...sync, ...asyncClient]), []), []);
});

test('a method reached through an instance and a base class: editing the base class re-checks the caller', async () => {
  const main = {
    'app/main.py': 'from app.services import UserService\n\nasync def h():\n    return UserService().load()\n',
  };
  const blocking = await factsOf({
    ...main,
    'app/base.py': 'import time\nclass Base:\n    def load(self):\n        time.sleep(1)\n',
    'app/services.py': 'from app.base import Base\nclass UserService(Base):\n    pass\n',
  });
  assert.deepEqual(rules(findBlockingCalls(blocking, [])), ['app/main.py:EP102@4']);
  const fixed = await factsOf({ 'app/base.py': 'class Base:\n    def load(self):\n        return 1\n' });
  assert.deepEqual(findBlockingCalls(new Map([...blocking, ...fixed]), []), []);
  assert.deepEqual(rules(findBlockingCalls(blocking, [])), ['app/main.py:EP102@4']);
});

test('registering a middleware in another file flags it; unregistering clears it (its own file unchanged)', async () => {
  const mw = await factsOf({
    'mw.js':
      "const fs = require('fs');\nexports.audit = function (req, res, next) { fs.appendFileSync('a', 'b'); next(); };\n",
  });
  const without = await factsOf({
    'server.js': "const { audit } = require('./mw');\napp.get('/', (req, res) => res.send('ok'));\n",
  });
  const withMw = await factsOf({
    'server.js': "const { audit } = require('./mw');\napp.use(audit);\napp.get('/', (req, res) => res.send('ok'));\n",
  });
  assert.deepEqual(findBlockingCalls(new Map([...mw, ...without]), []), []);
  assert.deepEqual(rules(findBlockingCalls(new Map([...mw, ...withMw]), [])), ['mw.js:EP101@2']);
  assert.deepEqual(findBlockingCalls(new Map([...mw, ...without]), []), []);
});

test('a startup hook registered in another file: unregistering it flags its body again', async () => {
  const hooks = await factsOf({ 'app/hooks.py': 'import time\nasync def warm():\n    time.sleep(1)\n' });
  const registered = await factsOf({
    'app/main.py': 'from app.hooks import warm\napp.add_event_handler("startup", warm)\n',
  });
  const plain = await factsOf({ 'app/main.py': 'from app.hooks import warm\n' });
  assert.deepEqual(findBlockingCalls(new Map([...hooks, ...registered]), []), []);
  assert.deepEqual(rules(findBlockingCalls(new Map([...hooks, ...plain]), [])), ['app/hooks.py:EP101@3']);
  assert.deepEqual(findBlockingCalls(new Map([...hooks, ...registered]), []), []);
});

test('placement follows edits elsewhere: a command in another file makes a function one-time, a route reaching it per request', async () => {
  const tasks = await factsOf({ 'app/tasks.py': 'import time\nasync def rebuild():\n    time.sleep(1)\n' });
  const command = await factsOf({
    'app/cli.py':
      'import asyncio, click\nfrom app.tasks import rebuild\n@click.command()\ndef main():\n    asyncio.run(rebuild())\n',
  });
  const api = await factsOf({
    'app/api.py': 'from app.tasks import rebuild\nasync def handler():\n    await rebuild()\n',
  });
  assert.deepEqual(rules(findBlockingCalls(tasks, [])), ['app/tasks.py:EP101@3'], 'placed nowhere: loop code');
  assert.deepEqual(findBlockingCalls(new Map([...tasks, ...command]), []), [], 'only a command reaches it');
  const all = new Map([...tasks, ...command, ...api]);
  assert.deepEqual(findBlockingCalls(all, []), [], 'a function nothing routes to is still one-time');
  assert.deepEqual(
    rules(findBlockingCalls(all, [route('app/api.py', 2, 'handler')])),
    ['app/tasks.py:EP101@3'],
    'a route reaches it: per request',
  );
  assert.deepEqual(findBlockingCalls(new Map([...tasks, ...command]), []), [], 'the route is gone again');
});

test('an abstract method: adding an implementation in another file that blocks shows at the call, removing it clears it', async () => {
  const base = await factsOf({
    'app/base.py':
      'from abc import ABC, abstractmethod\nclass Store(ABC):\n    @abstractmethod\n    def fetch(self): ...\n',
    'app/main.py': 'from app.base import Store\nasync def h(store: Store):\n    return store.fetch()\n',
  });
  const impl = await factsOf({
    'app/http.py':
      'import requests\nfrom app.base import Store\nclass HttpStore(Store):\n    def fetch(self):\n        return requests.get("u")\n',
  });
  assert.deepEqual(findBlockingCalls(base, []), []);
  const withImpl = findBlockingCalls(new Map([...base, ...impl]), []);
  assert.deepEqual(rules(withImpl), ['app/main.py:EP102@3']);
  assert.deepEqual(withImpl[0].chain, ['h()', 'HttpStore.fetch()', 'requests.get (app/http.py:5)']);
  assert.deepEqual(findBlockingCalls(base, []), [], 'the implementation is gone again');
});

test('an edit in one file asks only the files it can change: not the other files, each unchanged', async () => {
  const sources: Record<string, string> = {
    'app/helpers.py': 'import time\ndef load():\n    return inner()\ndef inner():\n    time.sleep(1)\n',
  };
  for (let i = 0; i < 30; i++)
    sources[`app/m${i}.py`] = `from app.helpers import load\n\nasync def h${i}():\n    load()\n`;
  const files = await factsOf(sources);
  const config: AnalysisConfig = {}; // an analysis of its own, so the counts are this test's
  assert.equal(findBlockingCalls(files, [], config).length, 30);
  const counts = () => fileResultCounts(config);
  const cold = counts();
  assert.deepEqual([cold.asked, cold.computed], [31, 31]);

  const edited = new Map([
    ...files,
    ...(await factsOf({ 'app/m3.py': 'from app.helpers import load\n\n\nasync def h3():\n    load()\n' })),
  ]);
  const found = findBlockingCalls(edited, [], config);
  assert.deepEqual(
    found.filter((f) => f.file === 'app/m3.py').map((f) => f.line),
    [5],
    'the edited file is checked again',
  );
  assert.equal(found.length, 30);
  const leaf = counts();
  assert.deepEqual(
    [leaf.asked - cold.asked, leaf.computed - cold.computed],
    [1, 1],
    'one file asked and computed, not the 30 others',
  );

  const fixed = new Map([...edited, ...(await factsOf({ 'app/helpers.py': 'def load():\n    return 1\n' }))]);
  assert.deepEqual(findBlockingCalls(fixed, [], config), [], 'a helper every file reaches: every file follows');
  const helper = counts();
  assert.deepEqual([helper.asked - leaf.asked, helper.computed - leaf.computed], [31, 31]);
  assert.deepEqual(findBlockingCalls(fixed, [], {}), [], 'as a fresh analysis finds');
});
