// Per-request placement is kept between edits (findings.ts place(): each file's roots and call edges are memo
// entries, and the last result is reused while an edit changes neither the call graph nor the roots). Edits that
// change what runs per request, and edits that only look like they might, must each give what a fresh build gives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Finding } from '../../src/core/model';
import { Parsers } from '../../src/core/parsing/parser';
import { ProjectIndex } from '../../src/core/project';
import { MemoryFs } from './memoryFs';

const ROOT = '/ws';

const MAIN = `from fastapi import FastAPI

from app.work import rebuild

app = FastAPI()


@app.get("/items")
async def items():
    await rebuild()
    return []


@app.get("/remote")
async def remote(client):
    return await client.fetch_remote("x")
`;

const WORK = `import time


async def rebuild():
    time.sleep(1)


async def reindex():
    time.sleep(2)
`;

const CLI = `import asyncio

import click

from app.work import rebuild, reindex


@click.command()
def main():
    asyncio.run(rebuild())
    asyncio.run(reindex())
`;

const SDK = `import requests


class Client:
    async def fetch_remote(self, key):
        return requests.get(f"https://example.com/{key}")
`;

/** A finding as the test reads it: where, which rule, and the "possibly reached …" note if any. */
const brief = (f: Finding) =>
  `${f.file}:${f.line}:${f.rule}${/possibly reached from (.*)$/.exec(f.message)?.[1] ?? ''}`;

/**
 * An index of `files` kept across edits: `edit` changes a file in it, `findings` gives its findings after checking
 * its routes and findings against a fresh build's.
 */
async function keptIndex(parsers: Parsers, files: Map<string, string>) {
  const fs = new MemoryFs(files);
  const kept = new ProjectIndex(ROOT, fs, parsers);
  await kept.refresh();
  const edit = async (file: string, text: string) => {
    files.set(file, text);
    await kept.update({ path: file, absPath: `${ROOT}/${file}`, language: 'python' }, text);
  };
  const findings = async (step: string): Promise<string[]> => {
    // Its own analysis configuration object: analysis state is kept per configuration, and this one starts empty
    const fresh = new ProjectIndex(ROOT, fs, parsers, { analysis: {} });
    await fresh.refresh();
    assert.deepEqual(kept.routes(), fresh.routes(), `routes after: ${step}`);
    assert.deepEqual(kept.findings(), fresh.findings(), `findings after: ${step}`);
    return kept.findings().map(brief).sort();
  };
  return { kept, edit, findings };
}

test('edits that change or keep per-request placement give what a fresh build gives', async () => {
  const parsers = await Parsers.load(undefined, ['python']);
  const files = new Map([
    ['app/__init__.py', ''],
    ['app/main.py', MAIN],
    ['app/work.py', WORK],
    ['app/cli.py', CLI],
    ['app/sdk.py', SDK],
  ]);
  const { kept, edit, findings } = await keptIndex(parsers, files);
  const remote = (path: string, line: number) =>
    `app/sdk.py:${line}:EP101GET ${path} via \`client.fetch_remote()\` (receiver unresolved)`;

  assert.deepEqual(await findings('the first build'), [remote('/remote', 6), 'app/work.py:5:EP101']);

  let main = MAIN.replace('    await rebuild()\n', '');
  await edit('app/main.py', main);
  assert.deepEqual(
    await findings('the handler stops calling the helper that blocks'),
    [remote('/remote', 6)],
    'only the command reaches rebuild now: one-time',
  );

  main += '\n\n@app.get("/reindex")\nasync def reindex_route():\n    await reindex()\n';
  await edit('app/main.py', main.replace('import rebuild', 'import rebuild, reindex'));
  assert.deepEqual(
    await findings('a new route reaches a one-time function'),
    [remote('/remote', 6), 'app/work.py:9:EP101'],
    'reindex runs per request now, though the command runs it too',
  );

  main = main.replace('import rebuild', 'import rebuild, reindex').replace('"/remote"', '"/remote/v2"');
  await edit('app/main.py', main);
  assert.deepEqual(await findings('a route path changes: same graph, and the note quotes the new path'), [
    remote('/remote/v2', 6),
    'app/work.py:9:EP101',
  ]);

  await edit('app/work.py', `# moved\n${WORK.replace('time.sleep(2)', 'time.sleep(2.5)')}`);
  await edit('app/sdk.py', `\n${SDK}`);
  assert.deepEqual(await findings('lines move in the other files: same graph, new function objects'), [
    remote('/remote/v2', 7),
    'app/work.py:10:EP101',
  ]);

  await edit('app/main.py', main.replace('    await reindex()\n', '    return []\n'));
  assert.deepEqual(await findings('the new route stops calling it: one-time again'), [remote('/remote/v2', 7)]);

  await edit('app/cli.py', CLI.replace('@click.command()\n', ''));
  assert.deepEqual(await findings('no command any more: nothing reaches the helpers, still not checked'), [
    remote('/remote/v2', 7),
  ]);

  await edit(
    'app/main.py',
    main.replace('client):', 'client: Client):').replace('from app', 'from app.sdk import Client\nfrom app'),
  );
  assert.deepEqual(await findings('the receiver gets a type: a resolved call, no guess by name'), [
    'app/sdk.py:7:EP101',
    'app/work.py:10:EP101',
  ]);

  files.delete('app/sdk.py');
  kept.remove('app/sdk.py');
  assert.deepEqual(await findings('the client file is deleted'), ['app/work.py:10:EP101']);
});

test("a function added above a route's handler without moving it: the handler is found again", async () => {
  // The handler keeps its line but is another function (index) now: what is nested in it must still be per
  // request. (Discovery gives the route a new object here; place() also finds the handler again for a kept route
  // object whose file changed.)
  const parsers = await Parsers.load(undefined, ['python']);
  const text = [
    'import time',
    'from fastapi import FastAPI',
    '',
    'app = FastAPI()',
    '',
    '',
    '@app.get("/nested")',
    'async def nested():',
    '    async def inner():',
    '        time.sleep(1)',
    '',
    '    await inner()',
    '',
  ].join('\n');
  const files = new Map([['main.py', text]]);
  const fs = new MemoryFs(files);
  const kept = new ProjectIndex(ROOT, fs, parsers);
  await kept.refresh();
  const lines = () => kept.findings().map((f) => `${f.line}:${f.rule}`);
  assert.deepEqual(lines(), ['10:EP101']);
  const routeBefore = kept.routes()[0];
  const edited = text.replace('app = FastAPI()\n\n', 'app = FastAPI()\ndef extra(): pass\n');
  files.set('main.py', edited);
  await kept.update({ path: 'main.py', absPath: `${ROOT}/main.py`, language: 'python' }, edited);
  assert.equal(kept.routes()[0].line, routeBefore.line, 'the handler did not move');
  const fresh = new ProjectIndex(ROOT, fs, parsers, { analysis: {} });
  await fresh.refresh();
  assert.deepEqual(kept.findings(), fresh.findings());
  assert.deepEqual(lines(), ['10:EP101']);
});

test('edits in another file that make or unmake a per-request root give what a fresh build gives', async () => {
  // A middleware base, a Protocol's implementer by shape and Sanic middleware, each decided by a file other than
  // the one that holds the function: an edit there must re-place (or re-check) the function.
  const parsers = await Parsers.load(undefined, ['python']);
  const BASE =
    'from starlette.middleware.base import BaseHTTPMiddleware\n\n\nclass AppMiddleware(BaseHTTPMiddleware):\n    pass\n';
  const REPOS = [
    'import time',
    'from typing import Protocol',
    '',
    '',
    'class Repo(Protocol):',
    '    async def load(self, key: str) -> dict: ...',
    '',
    '',
    'class FileRepo:',
    '    async def load(self, key):',
    '        time.sleep(0.1)',
    '        return {}',
    '',
  ].join('\n');
  const MAIN2 = [
    'import time',
    'from fastapi import FastAPI',
    'from app.base import AppMiddleware',
    'from app.repos import Repo',
    '',
    'app = FastAPI()',
    '',
    '',
    'class Audit(AppMiddleware):',
    '    async def dispatch(self, request, call_next):',
    '        time.sleep(0.01)',
    '        return await call_next(request)',
    '',
    '',
    'app.add_middleware(Audit)',
    '',
    '',
    '@app.get("/items/{key}")',
    'async def read_item(key: str, repo: Repo):',
    '    return await repo.load(key)',
    '',
  ].join('\n');
  const HOOKS = 'import time\n\n\ndef stamp(request):\n    time.sleep(0.01)\n';
  const SERVER = [
    'from sanic import Sanic',
    'from sanic.response import text',
    'from app.hooks import stamp',
    '',
    'sanic_app = Sanic("shop")',
    'sanic_app.register_middleware(stamp, "request")',
    '',
    '',
    '@sanic_app.get("/")',
    'async def index(request):',
    '    return text("ok")',
    '',
  ].join('\n');
  const files = new Map([
    ['app/__init__.py', ''],
    ['app/base.py', BASE],
    ['app/repos.py', REPOS],
    ['app/main.py', MAIN2],
    ['app/hooks.py', HOOKS],
    ['app/server.py', SERVER],
  ]);
  const { edit, findings } = await keptIndex(parsers, files);
  const all = ['app/hooks.py:5:EP101', 'app/main.py:11:EP101', 'app/repos.py:11:EP101'];
  assert.deepEqual(await findings('the first build'), all);

  await edit('app/base.py', BASE.replace('(BaseHTTPMiddleware)', ''));
  assert.deepEqual(await findings('the base is no middleware any more'), [all[0], all[2]]);
  await edit('app/base.py', BASE);
  assert.deepEqual(await findings('the base is middleware again'), all);

  await edit('app/repos.py', REPOS.replace('    async def load(self, key):', '    async def read(self, key):'));
  assert.deepEqual(await findings('the class no longer has the shape of the protocol'), [all[0], all[1]]);
  await edit('app/repos.py', REPOS);
  assert.deepEqual(await findings('it has the shape again'), all);

  await edit('app/server.py', SERVER.replace('sanic_app.register_middleware(stamp, "request")\n', ''));
  assert.deepEqual(await findings('the middleware is no longer registered'), [all[1], all[2]]);
  await edit('app/server.py', SERVER);
  assert.deepEqual(await findings('it is registered again'), all);
  // Still per request, now as a FastAPI dependency (a def: the threadpool), so no longer on Sanic's loop
  await edit(
    'app/server.py',
    SERVER.replace(
      'sanic_app.register_middleware(stamp, "request")',
      'from fastapi import APIRouter, Depends\nrouter = APIRouter(dependencies=[Depends(stamp)])',
    ),
  );
  assert.deepEqual(await findings('a dependency instead of Sanic middleware'), [all[1], all[2]]);
  await edit('app/server.py', SERVER);
  assert.deepEqual(await findings('it is registered again'), all);
});
