import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { FIXTURES } from '../fixtures/python/discover';

const CLI = path.join(__dirname, '..', '..', 'src', 'cli.ts');

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', CLI, ...args], { timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

test('routes --json prints the contract fields for every route', async () => {
  const { code, stdout } = await cli(['routes', path.join(FIXTURES, 'fastapi_app'), '--json']);
  assert.equal(code, 0);
  const routes = JSON.parse(stdout) as Array<Record<string, unknown>>;
  const item = routes.find((r) => r.handler === 'read_item');
  assert.deepEqual(
    {
      framework: item?.framework,
      methods: item?.methods,
      path: item?.path,
      file: item?.file,
      line: item?.line,
      async: item?.async,
    },
    {
      framework: 'fastapi',
      methods: ['GET'],
      path: '/api/v1/items/{item_id}',
      file: 'app/api/routes/items.py',
      line: 14,
      async: false,
    },
  );
  for (const r of routes)
    for (const k of ['framework', 'methods', 'path', 'file', 'line', 'handler', 'async'])
      assert.ok(k in r, `missing ${k}`);
});

test('routes --exclude drops matching files; the table is aligned and marks where handlers run', async () => {
  const { code, stdout } = await cli(['routes', path.join(FIXTURES, 'fastapi_app'), '--exclude', 'app/orphan.py']);
  assert.equal(code, 0);
  assert.doesNotMatch(stdout, /orphan_ping/);
  const line = stdout.split('\n').find((l) => l.includes('read_item'))!;
  assert.match(
    line,
    /^GET\s+\/api\/v1\/items\/\{item_id\}\s+read_item\s+app\/api\/routes\/items\.py:14\s+sync \(threadpool\)$/,
  );
  const header = stdout.split('\n')[0];
  assert.equal(header.indexOf('PATH'), line.indexOf('/api'));
});

test('a missing folder is a one-line usage error with exit 2', async () => {
  const { code, stdout, stderr } = await cli(['routes', '/nonexistent/folder', '--json']);
  assert.equal(code, 2);
  assert.equal(stdout, '');
  assert.equal(stderr.trim().split('\n').length, 1);
  assert.match(stderr, /\/nonexistent\/folder does not exist$/m);
});

test('routes --help exits 0; an unknown flag exits 2 without a stack trace', async () => {
  assert.match((await cli(['routes', '--help'])).stdout, /Usage: endpoint-profiler routes/);
  const bad = await cli(['routes', '--frobnicate']);
  assert.equal(bad.code, 2);
  assert.doesNotMatch(bad.stderr, /\n\s+at /);
});

test('routes marks unresolved paths: JSON carries unresolved and its reason, the table a ? column and footnotes', async () => {
  const dir = path.join(FIXTURES, 'unresolved');
  const json = await cli(['routes', dir, '--json']);
  assert.equal(json.code, 0);
  const routes = JSON.parse(json.stdout) as Array<Record<string, unknown>>;
  const items = routes.find((r) => r.handler === 'list_items');
  assert.equal(items?.path, '{settings.API_PREFIX?}/items');
  assert.equal(items?.unresolved, true);
  assert.match(String(items?.unresolvedReason), /`settings\.API_PREFIX` could not be evaluated/);
  assert.equal('unresolved' in routes.find((r) => r.handler === 'health')!, false);
  const { stdout } = await cli(['routes', dir]);
  const lines = stdout.split('\n');
  assert.match(lines[0], /^\? +METHOD +PATH/);
  assert.ok(lines.some((l) => /^\?1 +GET +\{settings\.API_PREFIX\?\}\/items/.test(l)));
  assert.ok(lines.some((l) => /^ +GET +\/health/.test(l)));
  assert.match(stdout, /6 routes, 4 with a path part that could not be evaluated/);
  assert.match(stdout, /\n\?1 `settings\.API_PREFIX` could not be evaluated statically/);
});

test('routes lists socket.io event handlers apart: their own table, and JSON rows marked kind "event"', async () => {
  const dir = path.join(__dirname, '..', 'fixtures', 'node', 'socketio-chat');
  const json = await cli(['routes', dir, '--json']);
  assert.equal(json.code, 0);
  const rows = JSON.parse(json.stdout) as Array<Record<string, unknown>>;
  const health = rows.find((r) => r.path === '/health')!;
  assert.deepEqual(Object.keys(health), [
    'framework',
    'methods',
    'path',
    'file',
    'line',
    'handler',
    'async',
    'execution',
    'routers',
  ]);
  const kick = rows.find((r) => r.handler === 'kick')!;
  assert.deepEqual(
    [kick.kind, kick.framework, kick.methods, kick.path, kick.namespace, kick.file],
    ['event', 'socket.io', ['EVENT'], 'kick', '/admin', 'handlers/admin.js'],
  );
  assert.equal('namespace' in rows.find((r) => r.handler === 'onMessage')!, false);
  const { stdout } = await cli(['routes', dir]);
  const [http, events] = stdout.split('\n\n');
  assert.match(http, /^METHOD +PATH +HANDLER[^\n]*\nGET +\/health /);
  assert.doesNotMatch(http, /EVENT|kick/);
  assert.match(events, /^socket\.io events:\nNAMESPACE +EVENT +HANDLER +FILE:LINE +RUNS ON\n/);
  assert.match(events, /\n\/admin +kick +kick +handlers\/admin\.js:1 +async \(event loop\)/);
  assert.match(stdout, /\n1 route, 9 socket\.io event handlers\n$/);
});

test('routes --jobs 2 (worker threads) prints what --jobs 1 prints; a bad --jobs is a usage error', async () => {
  // Every Python fixture at once: enough files to parse for the workers to start
  const one = await cli(['routes', FIXTURES, '--json', '--no-cache', '--jobs', '1']);
  const two = await cli(['routes', FIXTURES, '--json', '--no-cache', '--jobs', '2']);
  assert.equal(one.code, 0, one.stderr);
  assert.ok((JSON.parse(one.stdout) as unknown[]).length > 100);
  assert.deepEqual(two, one);
  for (const bad of ['0', '-1', 'two', '1.5']) {
    const r = await cli(['routes', FIXTURES, '--jobs', bad]);
    assert.equal(r.code, 2, bad);
    assert.match(r.stderr, /^endpoint-profiler routes: [^\n]*--jobs[^\n]*\n$/, 'one line');
  }
});
