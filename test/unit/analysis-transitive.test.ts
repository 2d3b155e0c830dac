import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findBlockingCalls } from '../../src/core/analysis';
import { analyze, factsOf, route } from './analysis-helpers';

test('transitive across three files with relative imports: chain and chain locations', async () => {
  const fs = await analyze({
    'app/__init__.py': '',
    'app/main.py': 'from . import helpers\n\nasync def fetch_profile():\n    return helpers.load_profile(1)\n',
    'app/helpers.py': 'from .net.remote import load_remote\n\ndef load_profile(i):\n    return load_remote(i)\n',
    'app/net/remote.py': 'import requests\n\n\ndef load_remote(i):\n    x = 1\n    return requests.get(f"u/{i}")\n',
  });
  assert.equal(fs.length, 1);
  const f = fs[0];
  assert.equal(f.rule, 'EP102');
  assert.equal(f.file, 'app/main.py');
  assert.equal(f.line, 4);
  assert.deepEqual(f.chain, [
    'fetch_profile()',
    'load_profile()',
    'load_remote()',
    'requests.get (app/net/remote.py:6)',
  ]);
  assert.deepEqual(
    f.chainLocations?.map((l) => `${l.file}:${l.line}`),
    ['app/helpers.py:3', 'app/net/remote.py:4', 'app/net/remote.py:6'],
  );
});

test('absolute imports, `import pkg.mod as m` and `from ..x import y` resolve', async () => {
  const fs = await analyze({
    'svc/api/views.py':
      'import svc.util as u\nfrom ..util import work\nfrom svc.util import work as w2\n\nasync def a():\n    u.work()\n\nasync def b():\n    work()\n\nasync def c():\n    w2()\n',
    'svc/util.py': 'import subprocess\n\ndef work():\n    subprocess.run(["ls"])\n',
  });
  assert.deepEqual(
    fs.map((f) => `${f.rule}@${f.line}`),
    ['EP102@6', 'EP102@9', 'EP102@12'],
  );
});

test('helpers without blocking calls are not flagged, and cycles terminate', async () => {
  const fs = await analyze({
    'a.py':
      'from b import pong\n\ndef ping(n):\n    return pong(n - 1) if n else 0\n\nasync def h():\n    return ping(3)\n',
    'b.py': 'from a import ping\n\ndef pong(n):\n    return ping(n)\n',
  });
  assert.deepEqual(fs, []);
});

test('a cycle that blocks somewhere is still found', async () => {
  const fs = await analyze({
    'a.py':
      'import time\nfrom b import pong\n\ndef ping(n):\n    pong(n)\n    time.sleep(1)\n\nasync def h():\n    return ping(3)\n',
    'b.py': 'from a import ping\n\ndef pong(n):\n    return ping(n)\n\nasync def g():\n    return pong(1)\n',
  });
  // pong is first explored inside ping's search (cut at the cycle); that must not stick as "clean".
  assert.deepEqual(
    fs.map((f) => `${f.file}:${f.rule}@${f.line}`),
    ['a.py:EP102@9', 'b.py:EP102@7'],
  );
  assert.deepEqual(fs[1].chain, ['g()', 'pong()', 'ping()', 'time.sleep (a.py:6)']);
});

test('awaited async helpers are their own context: flagged inside, not at the await', async () => {
  const fs = await analyze({
    'a.py': 'import time\n\nasync def helper():\n    time.sleep(1)\n\nasync def h():\n    await helper()\n',
  });
  assert.deepEqual(
    fs.map((f) => `${f.rule}@${f.line}`),
    ['EP101@4'],
  );
});

test('a nested def called from the async function is followed', async () => {
  const fs = await analyze({
    'a.py': 'import time\n\nasync def h():\n    def inner():\n        time.sleep(1)\n    inner()\n',
  });
  assert.deepEqual(
    fs.map((f) => `${f.rule}@${f.line}`),
    ['EP102@6'],
  );
});

test('a suppressed blocking call in a helper does not propagate', async () => {
  const fs = await analyze({
    'a.py': 'import time\n\ndef helper():\n    time.sleep(1)  # noqa: EP101\n\nasync def h():\n    helper()\n',
  });
  assert.deepEqual(fs, []);
});

const REMOTE = 'import requests\n\ndef load_remote(i):\n    return requests.get(f"u/{i}")\n';
const CALLS =
  'from app.helpers import load_remote\nfrom app import helpers\nimport app.helpers as h\nfrom .helpers import load_remote as lr\n\nasync def a():\n    return load_remote(1)\n\nasync def b():\n    return helpers.load_remote(1)\n\nasync def c():\n    return h.load_remote(1)\n\nasync def d():\n    return lr(1)\n';

test('a project below the workspace root: `from app.helpers import …` in backend/app resolves under the source root backend/', async () => {
  const atRoot = await analyze({ 'app/__init__.py': '', 'app/main.py': CALLS, 'app/helpers.py': REMOTE });
  const below = await analyze({
    'backend/app/__init__.py': '',
    'backend/app/main.py': CALLS,
    'backend/app/helpers.py': REMOTE,
  });
  assert.deepEqual(
    below.map((f) => `${f.rule}@${f.line}`),
    ['EP102@7', 'EP102@10', 'EP102@13', 'EP102@16'],
  );
  assert.deepEqual(
    below.map((f) => f.chain),
    atRoot.map((f) => f.chain!.map((s) => s.replace('app/helpers.py', 'backend/app/helpers.py'))),
  );
});

test('a workspace root that is a package: `from myapp.helpers import …` in myapp/ resolves to its own helpers.py', async () => {
  const files = {
    '__init__.py': '',
    'main.py':
      'from myapp.helpers import slow\nfrom myapp import helpers\n\nasync def a():\n    return slow()\n\nasync def b():\n    return helpers.slow()\n',
    'helpers.py': 'import time\n\ndef slow():\n    time.sleep(1)\n',
  };
  const fs = findBlockingCalls(await factsOf(files, '/src/myapp'), []);
  assert.deepEqual(
    fs.map((f) => `${f.file}:${f.rule}@${f.line}`),
    ['main.py:EP102@5', 'main.py:EP102@8'],
  );
  assert.deepEqual(fs[0].chain, ['a()', 'slow()', 'time.sleep (helpers.py:4)']);
});

test('`import rules` is the installed package, not a module of that name inside a workspace package', async () => {
  const fs = await analyze({
    'proj/__init__.py': '',
    'proj/perms/__init__.py': '',
    'proj/perms/rules.py': 'import time\n\ndef add_perm(name):\n    time.sleep(1)\n',
    'proj/views.py':
      'import rules\nfrom perms.rules import add_perm\n\nasync def a():\n    rules.add_perm("x")\n\nasync def b():\n    add_perm("x")\n',
    'tools/__init__.py': '',
    'tools/run.py': 'from proj.perms.rules import add_perm\n\nasync def c():\n    add_perm("x")\n',
  });
  // only the import Python resolves to proj/perms/rules.py (`perms.rules` from proj/ is no import either)
  assert.deepEqual(
    fs.map((f) => `${f.file}:${f.rule}@${f.line}`),
    ['tools/run.py:EP102@4'],
  );
});

test('two projects with the same package name: each resolves to its own; a file outside both sees an ambiguous name and follows neither', async () => {
  const fs = await analyze({
    'svc_a/app/main.py': CALLS.split('\n').slice(0, 1).join('\n') + '\n\nasync def a():\n    return load_remote(1)\n',
    'svc_a/app/helpers.py': REMOTE,
    'svc_b/app/main.py': CALLS.split('\n').slice(0, 1).join('\n') + '\n\nasync def a():\n    return load_remote(1)\n',
    'svc_b/app/helpers.py': 'def load_remote(i):\n    return i\n',
    'tools/check.py': 'from app.helpers import load_remote\n\nasync def t():\n    return load_remote(1)\n',
    'scripts/only.py': 'from lib.net import fetch\n\nasync def t():\n    return fetch()\n',
    'libs/lib/net.py': 'import time\n\ndef fetch():\n    time.sleep(1)\n',
  });
  assert.deepEqual(
    fs.map((f) => `${f.file}:${f.rule}@${f.line}`),
    ['scripts/only.py:EP102@4', 'svc_a/app/main.py:EP102@4'],
  );
  assert.deepEqual(
    fs[0].chain,
    ['t()', 'fetch()', 'time.sleep (libs/lib/net.py:4)'],
    'a unique module suffix elsewhere in the workspace',
  );
});

const SERVICES = [
  'import requests',
  'class Base:',
  '    def fetch(self, u):',
  '        return requests.get(u)',
  'class UserService(Base):',
  '    def __init__(self):',
  '        self.http = requests.Session()',
  '        self.repo = Repo()',
  '    def load(self):',
  '        return self.fetch("u")',
  '    def cached(self):',
  '        return self.http.get("u")',
  '    def via_repo(self):',
  '        return self.repo.find()',
  '    async def aload(self):',
  '        return self.fetch("u")',
  'class Repo:',
  '    def find(self):',
  '        import time',
  '        time.sleep(1)',
  'service = UserService()',
  '',
].join('\n');

test('methods of workspace classes: module-level and local instances, Depends() class parameters, self attributes and inherited methods', async () => {
  const main = [
    'from typing import Annotated',
    'from fastapi import Depends',
    'from app.services import UserService, service',
    'async def a():',
    '    return service.load()',
    'async def b():',
    '    s = UserService()',
    '    return s.cached()',
    'async def c(svc: UserService = Depends()):',
    '    return svc.via_repo()',
    'async def d(svc: Annotated[UserService, Depends()]):',
    '    return svc.load()',
    'async def e(x=Depends(UserService)):',
    '    return x.load()',
    'async def f(thing: NotAClass, other=make()):',
    '    thing.load()',
    '    other.load()',
    '    return await UserService().aload()',
    '',
  ].join('\n');
  const fs = await analyze({ 'app/__init__.py': '', 'app/services.py': SERVICES, 'app/main.py': main });
  const inMain = fs.filter((f) => f.file === 'app/main.py');
  assert.deepEqual(
    inMain.map((f) => `${f.rule}@${f.line}`),
    ['EP102@5', 'EP102@8', 'EP102@10', 'EP102@12', 'EP102@14'],
  );
  assert.deepEqual(inMain[0].chain, ['a()', 'UserService.load()', 'Base.fetch()', 'requests.get (app/services.py:4)']);
  assert.deepEqual(inMain[1].chain, ['b()', 'UserService.cached()', 'requests.Session.get (app/services.py:12)']);
  assert.deepEqual(inMain[2].chain, [
    'c()',
    'UserService.via_repo()',
    'Repo.find()',
    'time.sleep (app/services.py:20)',
  ]);
  assert.match(inMain[0].message, /^UserService\.load\(\) runs on the event loop/);
  // The async method is its own loop context, flagged where it blocks.
  assert.deepEqual(
    fs.filter((f) => f.file === 'app/services.py').map((f) => `${f.rule}@${f.line}`),
    ['EP102@16'],
  );
});

test('NestJS constructor injection: this.catsService.findAll() follows into the workspace class CatsService; new CatsService() too', async () => {
  const service =
    "import { Injectable } from '@nestjs/common';\nimport * as fs from 'fs';\n\n@Injectable()\nexport class CatsService {\n  findAll() {\n    return JSON.parse(fs.readFileSync('cats.json', 'utf8'));\n  }\n}\n";
  const controller = [
    "import { Controller, Get } from '@nestjs/common';",
    "import { CatsService } from './cats.service';",
    "import { Logger } from '@nestjs/common';",
    "@Controller('cats')",
    'export class CatsController {',
    '  private readonly extra = new CatsService();',
    '  constructor(private readonly catsService: CatsService, private readonly logger: Logger) {}',
    '  @Get()',
    '  findAll() {',
    "    this.logger.log('x');",
    '    return this.catsService.findAll();',
    '  }',
    "  @Get('x')",
    '  other() {',
    '    const s = new CatsService();',
    '    return [s.findAll(), this.extra.findAll()];',
    '  }',
    '}',
    '',
  ].join('\n');
  const nest = (line: number, handler: string) =>
    route('src/cats/cats.controller.ts', line, handler, { framework: 'nestjs' });
  const fs = await analyze({ 'src/cats/cats.service.ts': service, 'src/cats/cats.controller.ts': controller }, [
    nest(9, 'CatsController.findAll'),
    nest(14, 'CatsController.other'),
  ]);
  assert.deepEqual(
    fs.map((f) => `${f.rule}@${f.line}:${f.column}`),
    ['EP102@11:12', 'EP102@16:13', 'EP102@16:26'],
  );
  assert.deepEqual(fs[0].chain, [
    'CatsController.findAll()',
    'CatsService.findAll()',
    'fs.readFileSync (src/cats/cats.service.ts:7)',
  ]);
});
