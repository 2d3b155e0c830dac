// `endpoint-profiler sweep` end to end (the CLI from source): the JSON contract of the issue,
// run files in --out, and one-line usage errors with their exit codes.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { readRunFile } from '../../src/core/runs/format';
import { startDelayServer, type TestServer } from '../fixtures/servers/delay-server';
import { freePort } from '../fixtures/servers/ports';

const CLI = path.join(__dirname, '..', '..', 'src', 'cli.ts');

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', CLI, ...args], { timeout: 90_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

let server: TestServer;
before(async () => {
  server = await startDelayServer();
});
after(() => server.close());

test('sweep --json: the contract of the issue; --out saves one run file per level, one group', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ep-sweep-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const { code, stdout, stderr } = await cli([
    'sweep',
    `${server.url}wait?ms=100`,
    '--levels',
    '1,2,4',
    '-z',
    '1s',
    '--json',
    '--out',
    dir,
  ]);
  assert.equal(code, 0, stderr);
  const r = JSON.parse(stdout) as {
    kind: string;
    group: string;
    url: string;
    levels: Array<{
      concurrency: number;
      runId: string;
      rps: number;
      latencyMs: Record<string, number>;
      errors: number;
    }>;
    verdict: { kind: string; parallelism: number; saturatesAt?: number; text: string };
    usl?: { alpha: number; beta: number; lambda: number; r2: number };
  };
  assert.equal(r.kind, 'sweep');
  assert.match(r.group, /^sweep-/);
  assert.equal(r.url, `${server.url}wait?ms=100`);
  assert.deepEqual(
    r.levels.map((l) => l.concurrency),
    [1, 2, 4],
  );
  for (const l of r.levels) {
    assert.equal(typeof l.runId, 'string');
    assert.ok(l.rps > 0);
    assert.deepEqual(Object.keys(l.latencyMs).sort(), ['mean', 'p50', 'p99']);
    assert.equal(l.errors, 0);
  }
  assert.equal(r.verdict.kind, 'scales', r.verdict.text);
  assert.equal(typeof r.verdict.parallelism, 'number');
  assert.ok(
    r.usl && ['alpha', 'beta', 'lambda', 'r2'].every((k) => typeof (r.usl as Record<string, number>)[k] === 'number'),
  );
  const files = readdirSync(dir).sort();
  assert.deepEqual(files, r.levels.map((l) => `${l.runId}.json`).sort());
  for (const f of files) {
    const rec = await readRunFile(path.join(dir, f));
    assert.equal(rec.group, r.group);
  }
});

test('sweep text report: a table, the verdict and the USL line', async () => {
  const { code, stdout } = await cli(['sweep', `${server.url}blocking?stallMs=30`, '--levels', '1,4', '-n', '8']);
  assert.equal(code, 0);
  assert.match(stdout, /^Sweep of GET http:\/\/127\.0\.0\.1:\d+\/blocking\?stallMs=30 \(group sweep-/);
  assert.match(stdout, /concurrency\s+req\/s\s+p50\s+p99\s+mean\s+errors/);
  assert.match(stdout, /\nVerdict: serialised\nGET \/blocking\?stallMs=30 serialises: at 4 concurrent requests/);
});

test('sweep: usage errors exit 2 with one line and no stack; a refused port exits 1', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['sweep'], /missing URL/],
    [['sweep', server.url, '-c', '4'], /-c does not apply to a sweep/],
    [['sweep', server.url, '--levels', '0,2'], /--levels 0,2: concurrency levels must be whole numbers/],
    [['sweep', server.url, '--levels', '2,2'], /levels must differ/],
    [['sweep', server.url, '-n', '5', '-z', '1s'], /give -n or -z, not both/],
    [['sweep', 'http://192.0.2.1/'], /refusing to load non-loopback host '192\.0\.2\.1' \(loopback only\)/],
    [['sweep', server.url, '--bogus'], /unknown option --bogus/],
  ];
  for (const [args, why] of cases) {
    const { code, stderr, stdout } = await cli(args);
    assert.equal(code, 2, args.join(' '));
    assert.match(stderr, why, args.join(' '));
    assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
    assert.equal(stdout, '');
  }
  const port = await freePort();
  const refused = await cli(['sweep', `http://127.0.0.1:${port}/`, '--levels', '1,2', '-n', '2', '--json']);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /^endpoint-profiler sweep: level 1: connection refused/m);
  assert.equal(refused.stdout, '');
});
