// Start Server's pure decisions: whether the baseUrl setting is usable (and what to say when it
// is not), and how many workers a server command runs (recorded with each run for Compare).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Route } from '../../src/core/model';
import { shellWords, splitCommand } from '../../src/core/servers';
import {
  baseUrlProblem,
  commandParts,
  consentKey,
  detectServerCommands,
  fastapiEntrypoint,
  hostAndPort,
  isLoopbackHost,
  quoteWord,
  rememberFirst,
  serverConfig,
  serverWorkers,
  withPreload,
} from '../../src/vscode/serverModel';

test('baseUrl: usable http(s) URLs pass; malformed ones get a message naming the setting and the fix', () => {
  for (const ok of [
    'http://127.0.0.1:8000',
    'https://localhost',
    'http://[::1]:3000/api',
    'http://127.0.0.1:8000/base?x=1',
  ])
    assert.equal(baseUrlProblem(ok), undefined, ok);
  const cases: Array<[unknown, RegExp]> = [
    ['127.0.0.1:8000', /not a valid URL: “127\.0\.0\.1:8000” \(it needs the scheme: http:\/\/…\)/],
    ['localhost:8000', /must be an http:\/\/ or https:\/\/ URL.*needs the scheme/],
    ['ws://127.0.0.1:8000', /must be an http:\/\/ or https:\/\/ URL/],
    ['http://', /not a valid URL/],
    ['', /is empty/],
    [undefined, /is empty/],
  ];
  for (const [bad, why] of cases) {
    const problem = baseUrlProblem(bad);
    assert.match(problem ?? '', /^The endpointProfiler\.baseUrl setting /, String(bad));
    assert.match(problem ?? '', why, String(bad));
    assert.match(problem ?? '', /e\.g\. http:\/\/127\.0\.0\.1:8000/);
  }
});

test('hostAndPort: default ports, IPv6 brackets dropped, and the clear message instead of "Invalid URL"', () => {
  assert.deepEqual(hostAndPort('http://127.0.0.1:8000/x'), { host: '127.0.0.1', port: 8000 });
  assert.deepEqual(hostAndPort('https://localhost/'), { host: 'localhost', port: 443 });
  assert.deepEqual(hostAndPort('http://[::1]/'), { host: '::1', port: 80 });
  assert.throws(
    () => hostAndPort('127.0.0.1:8000'),
    /^Error: The endpointProfiler\.baseUrl setting is not a valid URL/,
  );
});

test('commands are split like a shell: quotes, escapes, and one word list per && ; | part', () => {
  assert.deepEqual(commandParts(`cd api && WEB_CONCURRENCY=2 uvicorn "my app:app" --workers 3; echo 'a b'\\ c`), [
    ['cd', 'api'],
    ['WEB_CONCURRENCY=2', 'uvicorn', 'my app:app', '--workers', '3'],
    ['echo', 'a b c'],
  ]);
  assert.deepEqual(commandParts('a || b | c & d'), [['a'], ['b'], ['c'], ['d']]);
});

test('workers come from the server command in uvicorn, gunicorn, hypercorn, sanic, granian and fastapi-cli syntax', () => {
  const cases: Array<[string, number | undefined]> = [
    ['uvicorn main:app --host 127.0.0.1 --port 8000', 1],
    ['uvicorn main:app --workers 4', 4],
    ['uvicorn main:app --workers=4 --port 8000', 4],
    ['python -m uvicorn main:app --workers 2', 2],
    ['/usr/bin/python3 -m uvicorn app.main:app --workers 3', 3],
    ['poetry run uvicorn main:app --workers 2', 2],
    ['uv run uvicorn main:app --workers 5 --workers 6', 6], // the last one wins, as in click
    ['uvicorn main:app --workers 4 --reload', 1],
    ['WEB_CONCURRENCY=3 uvicorn main:app', 3],
    ['env WEB_CONCURRENCY=3 uvicorn main:app --workers 2', 2],
    ['gunicorn -w 4 -k uvicorn.workers.UvicornWorker main:app', 4],
    ['gunicorn -w4 main:app', 4],
    ['gunicorn --workers=8 --worker-class uvicorn.workers.UvicornWorker main:app', 8],
    ['gunicorn --workers 2 --worker-connections 1000 main:app', 2],
    ['gunicorn main:app', undefined], // a gunicorn.conf.py may set it
    ['gunicorn -c gunicorn.conf.py main:app', undefined],
    ['WEB_CONCURRENCY=6 gunicorn main:app', 6],
    ['GUNICORN_CMD_ARGS="--workers 3 --bind 127.0.0.1:8000" gunicorn main:app', 3],
    ['GUNICORN_CMD_ARGS="-w 3" gunicorn -w 5 main:app', 5],
    ['gunicorn -w $(nproc) main:app', undefined],
    ['gunicorn -w 0 main:app', undefined],
    ['hypercorn main:app -w 2', 2],
    ['hypercorn main:app', 1],
    ['hypercorn -c hypercorn.toml main:app', undefined],
    ['sanic server:app --workers=4', 4],
    ['sanic server:app -w 3', 3],
    ['sanic server:app', 1],
    ['sanic server:app --fast', undefined],
    ['sanic server:app --single-process', 1],
    ['granian --interface asgi main:app --workers 2', 2],
    ['fastapi run main.py --workers 4', 4],
    ['fastapi dev main.py', 1],
    ['C:\\Python312\\Scripts\\uvicorn.exe main:app --workers 2', 2],
    ['source .venv/bin/activate && uvicorn main:app --workers 2', 2],
    ['flask --app shop run --port 5000', undefined],
    ['python manage.py runserver 127.0.0.1:8000', undefined],
    ['node app.js -w 4', undefined], // -w means something else to other programs
    ['npm run dev', undefined],
    ['tsc -w', undefined],
  ];
  for (const [command, workers] of cases) assert.equal(serverWorkers(command), workers, command);
});

test('the server part of a run: the command, and workers when the command decides them', () => {
  assert.deepEqual(serverConfig('gunicorn -w 4 -k uvicorn.workers.UvicornWorker main:app'), {
    command: 'gunicorn -w 4 -k uvicorn.workers.UvicornWorker main:app',
    workers: 4,
  });
  assert.deepEqual(serverConfig('npm run dev'), { command: 'npm run dev' });
});

const fastapiRoute = (file: string, routers: string[], path = '/items'): Route => ({
  framework: 'fastapi',
  methods: ['GET'],
  path,
  file,
  line: 5,
  handler: 'items',
  async: true,
  execution: 'event-loop',
  routers,
});

test('detected commands are argv: a folder named like shell code stays one word, never run by a shell', () => {
  const evil = 'svc;touch X;#';
  const [cmd] = detectServerCommands([fastapiRoute(`${evil}/main.py`, ['main.app'])], [`${evil}/main.py`]);
  assert.deepEqual(cmd.argv, ['python3', '-m', 'uvicorn', `${evil}.main:app`, '--host', '{host}', '--port', '{port}']);
  assert.equal(cmd.command, "python3 -m uvicorn 'svc;touch X;#.main:app' --host {host} --port {port}");
  assert.deepEqual(splitCommand(cmd.command).argv, cmd.argv, 'what the user is shown reads back as the same argv');
  for (const w of ["it's", 'a b', '$(x)', '`x`', '', 'C:\\py']) assert.deepEqual(shellWords(quoteWord(w)), [w], w);
});

test('[tool.fastapi] entrypoint wins and runs from the pyproject folder, with the selected interpreter', () => {
  // full-stack-fastapi-template: backend/pyproject.toml declares the app; routes hang off api_router.
  const pyproject =
    '[project]\nname = "app"\n\n[tool.fastapi]\nentrypoint = "app.main:app"  # fastapi run\n\n[tool.x]\nentrypoint = "no"\n';
  assert.equal(fastapiEntrypoint(pyproject), 'app.main:app');
  assert.equal(fastapiEntrypoint('[tool.fastapi]\n'), undefined);
  assert.equal(fastapiEntrypoint("[tool.fastapi]\nentrypoint = 'a:b'"), 'a:b');
  const routes = [fastapiRoute('backend/app/api/routes/items.py', ['main.api_router'])];
  const files = ['backend/app/main.py', 'backend/app/api/main.py', 'backend/app/api/routes/items.py'];
  const [first, second] = detectServerCommands(
    routes,
    files,
    {},
    {
      python: '/venv/bin/python',
      pyprojects: { backend: pyproject },
    },
  );
  assert.deepEqual(first.argv, [
    '/venv/bin/python',
    '-m',
    'uvicorn',
    'app.main:app',
    '--host',
    '{host}',
    '--port',
    '{port}',
  ]);
  assert.equal(first.cwd, 'backend');
  assert.match(first.detail ?? '', /\[tool\.fastapi\] entrypoint in backend\/pyproject\.toml/);
  assert.equal(second.cwd, 'backend', 'modules are relative to the project folder, not the workspace root');
  assert.equal(second.argv[3], 'app.api.main:api_router');
});

test('the app that holds the profiled route comes first; npm scripts after, saying what they run', () => {
  const express = (file: string): Route => ({
    framework: 'express',
    methods: ['GET'],
    path: '/',
    file,
    line: 1,
    handler: 'GET /',
    async: true,
    execution: 'event-loop',
    routers: [`${file}:app`],
  });
  const routes = [express('admin/server.js'), express('shop/server.js')];
  const files = ['admin/server.js', 'shop/server.js'];
  const cmds = detectServerCommands(routes, files, { start: 'node admin/server.js' }, { prefer: routes[1] });
  assert.deepEqual(
    cmds.map((c) => c.command),
    ['node shop/server.js', 'node admin/server.js', 'npm run start'],
  );
  assert.equal(cmds[2].detail, 'runs: node admin/server.js');
});

test('an app with a name of its own gets `uvicorn module:app`; one a factory returns unnamed gets none', () => {
  const starlette = (router: string): Route => ({
    framework: 'starlette',
    methods: ['GET'],
    path: '/',
    file: 'svc/main.py',
    line: 1,
    handler: 'health',
    async: true,
    execution: 'event-loop',
    routers: [router],
  });
  const files = ['svc/__init__.py', 'svc/main.py'];
  const uvicorn = (router: string) =>
    detectServerCommands([starlette(router)], files, {}, {})
      .map((c) => c.argv.join(' '))
      .filter((a) => a.includes('uvicorn'));
  assert.deepEqual(uvicorn('main.app'), ['python3 -m uvicorn svc.main:app --host {host} --port {port}']);
  // `create_app() (line 9)` is not an attribute uvicorn could import
  assert.deepEqual(uvicorn('main.create_app() (line 9)'), []);
});

test('custom commands are remembered most recent first; approvals are keyed by folder and exact words', () => {
  assert.deepEqual(rememberFirst(['a', 'b', 'c'], 'b'), ['b', 'a', 'c']);
  assert.deepEqual(rememberFirst(undefined, 'x'), ['x']);
  assert.equal(rememberFirst(['1', '2', '3', '4', '5', '6', '7', '8'], '9').length, 8);
  assert.notEqual(consentKey('node app.js', ''), consentKey('node app.js', 'shop'));
  assert.notEqual(consentKey('node app.js', ''), consentKey('node  app.js --x', ''));
  assert.ok(isLoopbackHost('127.0.0.1') && isLoopbackHost('::1') && !isLoopbackHost('0.0.0.0'));
});

test('the loopback preload joins NODE_OPTIONS without dropping what is there', () => {
  assert.equal(withPreload(undefined, '/tmp/p.cjs'), '--require /tmp/p.cjs');
  assert.equal(withPreload('--max-old-space-size=512', '/tmp/p.cjs'), '--max-old-space-size=512 --require /tmp/p.cjs');
  assert.equal(withPreload('', '/tmp/a b/p.cjs'), '--require "/tmp/a b/p.cjs"');
});
