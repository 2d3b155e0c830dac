// "Truthful measurements": each test runs against a misbehaving node:http server on 127.0.0.1
// (test/fixtures/servers/fault-server.ts) and failed on the engine before this issue was fixed.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { startLoad } from '../../src/core/load/engine';
import { decodeRaw } from '../../src/core/load/histogram';
import { toJson } from '../../src/core/runs/export';
import { writeRunFile } from '../../src/core/runs/format';
import { startFaultServer, type FaultServer } from '../fixtures/servers/fault-server';

let srv: FaultServer;
const dir = mkdtempSync(path.join(tmpdir(), 'ep-truthful-'));
before(async () => {
  srv = await startFaultServer();
});
after(async () => {
  await srv.close();
  rmSync(dir, { recursive: true, force: true });
});

// Async on purpose: the test server lives in this process and must keep answering.
const cli = (...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> =>
  new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', path.join(__dirname, '../../src/cli.ts'), ...args],
      { encoding: 'utf8', timeout: 30_000 },
      (err, stdout, stderr) => {
        resolve({ status: err ? (typeof err.code === 'number' ? err.code : null) : 0, stdout, stderr });
      },
    );
  });

test('1. a 404 is an error: ok counts expected statuses only, errorKinds.status the rest', async () => {
  const r = await startLoad({ url: `${srv.url}/status/404`, concurrency: 2, requests: 10 }).result;
  assert.equal(r.summary.count, 10);
  assert.equal(r.summary.ok, 0);
  assert.equal(r.summary.errors, 10);
  assert.equal(r.errorKinds.status, 10);
  assert.deepEqual(r.statusCodes, { 404: 10 });
  assert.equal(r.config.expect, '200-399');
  assert.equal(
    r.timeline.reduce((a, p) => a + p.errors, 0),
    10,
  );
  const asked = await startLoad({ url: `${srv.url}/status/404`, concurrency: 2, requests: 4, expect: '404' }).result;
  assert.equal(asked.summary.ok, 4);
  assert.equal(asked.summary.errors, 0);
  assert.equal(asked.config.expect, '404');
  assert.throws(() => startLoad({ url: srv.url, concurrency: 1, requests: 1, expect: '2yy' }), /invalid --expect/);
});

test('1. CLI: exit 1 when nothing was expected, unexpected statuses above the histogram, compare shows the errors', async () => {
  const bad = path.join(dir, 'bad.json');
  const good = path.join(dir, 'good.json');
  const r = await cli('load', '-n', '6', '-c', '2', '--out', bad, `${srv.url}/status/503`);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /no response had an expected status \(--expect 200-399\): 6 × 503/);
  const unexpected = r.stdout.indexOf('Unexpected statuses');
  assert.ok(unexpected > 0 && unexpected < r.stdout.indexOf('Response time histogram:'), r.stdout);
  assert.match(r.stdout, /\[503\]\t6 responses/);
  assert.equal((await cli('load', '-n', '6', '-c', '2', '--out', good, `${srv.url}/ok`)).status, 0);
  assert.equal((await cli('load', '-n', '2', '--expect', '503', `${srv.url}/status/503`)).status, 0);
  const usage = await cli('load', '-n', '2', '--expect', '600', `${srv.url}/ok`);
  assert.equal(usage.status, 2);
  assert.match(usage.stderr, /invalid --expect '600'/);
  const cmp = await cli('compare', good, bad);
  assert.equal(cmp.status, 0, cmp.stderr);
  assert.match(cmp.stdout, /^errors\s+%\s+0\.000\s+100\.0\s/m);
});

test('2. -t bounds headers AND body: a body trickling 1 byte / 300 ms is a timeout at -t', async () => {
  const t = Date.now();
  const r = await startLoad({ url: `${srv.url}/trickle?n=20&ms=300`, concurrency: 1, requests: 1, timeoutS: 1 }).result;
  assert.equal(r.errorKinds.timeout, 1, JSON.stringify(r.errorKinds));
  assert.equal(r.summary.ok, 0);
  assert.deepEqual(r.statusCodes, {});
  assert.match(r.errorSamples?.timeout ?? '', /-t 1 s/);
  assert.ok(r.summary.durationS < 1.5, `measured ${r.summary.durationS} s`);
  assert.ok(Date.now() - t < 5000, `took ${Date.now() - t} ms including worker start`);
});

test('2. -t deadlines follow each other: 6 silent requests at c=2 with -t 0.5 time out in ~1.5 s', async () => {
  const r = await startLoad({ url: `${srv.url}/silent`, concurrency: 2, requests: 6, timeoutS: 0.5 }).result;
  assert.equal(r.errorKinds.timeout, 6, JSON.stringify(r.errorKinds));
  assert.ok(r.summary.durationS >= 1.45 && r.summary.durationS < 2.2, `measured ${r.summary.durationS} s`);
});

test('3. -z bounds the run: in-flight requests are aborted at the deadline and counted apart', async () => {
  for (const target of [`${srv.url}/trickle?n=20&ms=300`, `${srv.url}/silent`]) {
    const t = Date.now();
    const r = await startLoad({ url: target, concurrency: 2, durationS: 1, timeoutS: 10 }).result;
    assert.equal(r.status, 'complete');
    assert.equal(r.summary.cancelledInFlight, 2, target);
    assert.equal(r.summary.count, 0, 'aborted requests are not results');
    assert.equal(decodeRaw(r.histogram).totalCount, 0, 'nor latencies');
    assert.ok(r.summary.durationS >= 0.99 && r.summary.durationS < 1.3, `measured ${r.summary.durationS} s`);
    assert.ok(Date.now() - t < 5000, `${target} took ${Date.now() - t} ms including worker start`);
  }
});

test('4. open model: requests due but never sent are recorded as unsent', async () => {
  // One connection, a server that never answers: 200 req/s for 1 s calls for 200 requests; 1 goes out.
  const r = await startLoad({ url: `${srv.url}/silent`, concurrency: 1, rate: 200, durationS: 1, timeoutS: 10 }).result;
  assert.equal(r.config.model, 'open');
  assert.equal(r.summary.cancelledInFlight, 1);
  assert.equal(r.summary.unsent, 199);
});

test('6. warm-up is counted at send time: --warmup 50 -c 10 sends exactly 50 warm-up requests', async () => {
  const before = srv.received();
  const r = await startLoad({ url: `${srv.url}/ok?ms=20`, concurrency: 10, requests: 5, warmup: 50 }).result;
  assert.equal(r.summary.count, 5);
  assert.equal(srv.received() - before, 55);
});

test('3/4. CLI report shows unsent and cancelled-in-flight requests', async () => {
  const r = await cli('load', '-q', '100', '-c', '1', '-z', '1s', `${srv.url}/silent`);
  assert.match(r.stdout, /Unsent:\t99 /);
  assert.match(r.stdout, /Cancelled in flight:\t1 /);
});

test('5. percentiles of a real run never exceed its max', async () => {
  const r = await startLoad({ url: `${srv.url}/ok?ms=300`, concurrency: 1, requests: 1 }).result;
  const l = r.summary.latencyMs;
  for (const k of ['p50', 'p75', 'p90', 'p95', 'p99', 'p999'] as const)
    assert.ok(l[k] <= l.max && l[k] >= l.min, `${k} ${l[k]} outside [${l.min}, ${l.max}]`);
});

test('12. secrets are sent but never written: headers hashed, URL userinfo stripped (record, file, export, CLI)', async () => {
  const port = new URL(srv.url).port;
  const secrets = ['Bearer s3cr3t-token', 'session=c00kie', 'k3y-value', 'tok-123', 'pa55word'];
  const headers = {
    Authorization: secrets[0],
    Cookie: secrets[1],
    'X-Api-Key': secrets[2],
    'X-Auth-Token': secrets[3],
    'X-Plain': 'visible',
  };
  const r = await startLoad({
    url: `http://user:${secrets[4]}@127.0.0.1:${port}/ok`,
    concurrency: 1,
    requests: 1,
    headers,
  }).result;
  assert.equal(srv.lastHeaders()?.authorization, secrets[0], 'the request carries the real value');
  assert.equal(srv.lastHeaders()?.cookie, secrets[1]);
  assert.equal(r.target.url, `http://127.0.0.1:${port}/ok`);
  assert.equal(r.target.headers['X-Plain'], 'visible');
  assert.match(r.target.headers.Authorization, /^redacted:sha256:[0-9a-f]{8}$/);
  assert.notEqual(r.target.headers.Authorization, r.target.headers.Cookie, 'distinct values, distinct hashes');
  const leaks = (text: string): string[] =>
    secrets.filter((s) => text.includes(s) || text.includes(s.split(' ').at(-1)!));
  assert.deepEqual(leaks(JSON.stringify(r)), []);

  // URL userinfo alone is sent as Basic auth, as curl and hey do.
  await startLoad({ url: `http://user:${secrets[4]}@127.0.0.1:${port}/ok`, concurrency: 1, requests: 1 }).result;
  assert.equal(srv.lastHeaders()?.authorization, `Basic ${Buffer.from(`user:${secrets[4]}`).toString('base64')}`);

  // A record from an older version, still holding secrets: written and exported redacted.
  const old = { ...r, target: { ...r.target, url: `http://u:${secrets[4]}@127.0.0.1:${port}/ok`, headers } };
  const file = path.join(dir, 'secret.json');
  await writeRunFile(file, old);
  assert.deepEqual(leaks(readFileSync(file, 'utf8')), []);
  assert.deepEqual(leaks(toJson(old)), []);

  const out = path.join(dir, 'cli-secret.json');
  const c = await cli(
    'load',
    '-n',
    '1',
    '--json',
    '--out',
    out,
    '-H',
    `Authorization: ${secrets[0]}`,
    '-H',
    `Cookie: ${secrets[1]}`,
    `http://user:${secrets[4]}@127.0.0.1:${port}/ok`,
  );
  assert.equal(c.status, 0, c.stderr);
  assert.deepEqual(leaks(c.stdout + c.stderr + readFileSync(out, 'utf8')), []);
});

test('9. an invalid HTTP response keeps its message in errorSamples', async () => {
  const r = await startLoad({ url: `${srv.url}/invalid`, concurrency: 1, requests: 2 }).result;
  assert.equal(r.errorKinds.other, 2);
  assert.match(r.errorSamples?.other ?? '', /HTTP\/1\.1 protocol/);
});

test('8. lanes open in batches: every lane runs, and a cancel during a 2,000-connection start is prompt', async () => {
  const before = srv.received();
  const all = await startLoad({ url: `${srv.url}/ok?ms=50`, concurrency: 600, requests: 600 }).result;
  assert.equal(all.summary.count, 600);
  assert.equal(srv.received() - before, 600);
  let first: () => void = () => undefined;
  const progressed = new Promise<void>((r) => (first = r));
  const h = startLoad({ url: `${srv.url}/silent`, concurrency: 2000, durationS: 30, timeoutS: 30 }, () => first());
  await progressed;
  const t = Date.now();
  h.cancel();
  const r = await h.result;
  assert.ok(Date.now() - t < 3000, `cancel took ${Date.now() - t} ms`);
  assert.equal(r.status, 'cancelled');
  assert.ok((r.summary.cancelledInFlight ?? 0) > 0);
});
