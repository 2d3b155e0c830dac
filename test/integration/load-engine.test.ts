import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { startLoad, type LoadProgress } from '../../src/core/load/engine';
import { decodeRaw } from '../../src/core/load/histogram';
import { parseRunRecord } from '../../src/core/runs/format';
import { startDelayServer, type TestServer } from '../fixtures/servers/delay-server';
import { freePort } from '../fixtures/servers/ports';

let srv: TestServer;
before(async () => {
  srv = await startDelayServer();
});
after(async () => {
  await srv.close();
});

test('10 requests at c=10 to a 200 ms endpoint overlap; at c=1 they queue', async () => {
  let t = Date.now();
  const wide = await startLoad({ url: `${srv.url}?ms=200`, concurrency: 10, requests: 10 }).result;
  const wideMs = Date.now() - t;
  assert.equal(wide.status, 'complete');
  assert.equal(wide.summary.ok, 10);
  assert.ok(wide.summary.latencyMs.min >= 199, `min ${wide.summary.latencyMs.min}`);
  assert.ok(wide.summary.durationS < 1, `c=10 measured ${wide.summary.durationS} s`);
  assert.ok(wideMs < 4000, `c=10 took ${wideMs} ms including worker start`);
  t = Date.now();
  const narrow = await startLoad({ url: `${srv.url}?ms=200`, concurrency: 1, requests: 10 }).result;
  assert.ok(Date.now() - t >= 1800 && narrow.summary.durationS >= 1.8, `c=1 took ${narrow.summary.durationS} s`);
  assert.deepEqual(narrow.statusCodes, { 200: 10 });
  assert.equal(decodeRaw(narrow.histogram).totalCount, 10);
});

test('warm-up requests are sent but excluded from the results', async () => {
  const r = await startLoad({ url: `${srv.url}?ms=1`, concurrency: 2, requests: 6, warmup: 4 }).result;
  assert.equal(r.summary.count, 6);
  assert.equal(r.config.warmup, 4);
});

test('keep-alive reuses connections, keepAlive: false opens one per request; bodies are sent', async () => {
  let before = srv.connections();
  await startLoad({ url: `${srv.url}?ms=1`, concurrency: 2, requests: 20 }).result;
  assert.ok(srv.connections() - before <= 2, `keep-alive: ${srv.connections() - before} connections`);
  before = srv.connections();
  const bytesBefore = srv.bodyBytes();
  const r = await startLoad({
    url: `${srv.url}?ms=1`,
    concurrency: 2,
    requests: 20,
    keepAlive: false,
    method: 'POST',
    body: new Uint8Array(1000),
  }).result;
  assert.equal(r.summary.ok, 20);
  assert.equal(srv.connections() - before, 20);
  assert.equal(srv.bodyBytes() - bytesBefore, 20_000);
  assert.equal(r.target.bodyBytes, 1000);
});

test('refused port: run marked failed with a one-line reason, errors counted as refused', async () => {
  const port = await freePort();
  const r = await startLoad({ url: `http://127.0.0.1:${port}/`, concurrency: 2, requests: 4 }).result;
  assert.equal(r.status, 'failed');
  assert.equal(r.errorKinds.refused, 4);
  assert.match(r.failure ?? '', /connection refused/);
});

test('socket destroyed mid-response is a reset; slow answers beyond the timeout are timeouts', async () => {
  const reset = await startLoad({ url: `${srv.url}?destroy=1`, concurrency: 2, requests: 4 }).result;
  assert.equal(reset.errorKinds.reset, 4, JSON.stringify(reset.errorKinds));
  const slow = await startLoad({ url: `${srv.url}?ms=2000`, concurrency: 2, requests: 2, timeoutS: 0.3 }).result;
  assert.equal(slow.errorKinds.timeout, 2, JSON.stringify(slow.errorKinds));
  assert.equal(slow.status, 'complete');
});

test('a 100 MiB response is streamed and counted, not buffered', async () => {
  const before = process.memoryUsage().rss;
  const r = await startLoad({ url: `${srv.url}?mb=100`, concurrency: 1, requests: 1 }).result;
  assert.equal(r.summary.bytes, 100 * 1024 * 1024);
  assert.equal(r.summary.ok, 1);
  assert.ok(process.memoryUsage().rss - before < 80 * 1024 * 1024, 'RSS grew by less than the body size');
});

test('progress ~10/s with complete snapshots; cancel yields a valid cancelled record', async () => {
  const seen: LoadProgress[] = [];
  let first: () => void = () => undefined;
  const started = new Promise<void>((r) => {
    first = r;
  });
  const h = startLoad({ url: `${srv.url}?ms=20`, concurrency: 4, durationS: 30 }, (p) => {
    seen.push(p);
    first();
  });
  await started; // worker start-up (tsx compiles it) is not part of the interval
  await new Promise((r) => setTimeout(r, 1000));
  const t = Date.now();
  h.cancel();
  const r = await h.result;
  assert.ok(Date.now() - t < 2000, 'cancel is prompt');
  assert.equal(r.status, 'cancelled');
  assert.ok(r.summary.count > 0);
  parseRunRecord(JSON.stringify(r));
  assert.ok(seen.length >= 5 && seen.length <= 15, `${seen.length} progress events in ~1 s`);
  const last = seen.at(-1)!;
  assert.ok(
    last.snapshot.summary.count >= seen[0].snapshot.summary.count && typeof last.snapshot.histogram === 'string',
  );
  assert.ok(last.fraction !== undefined && last.fraction > 0 && last.fraction < 0.2);
});

test('open model: a server stall is charged to the requests scheduled behind it (corrected vs uncorrected)', async () => {
  // Once measuring has begun, one request blocks the server for 600 ms; at 50 req/s ~30 scheduled requests wait behind it.
  let stalled = false;
  const h = startLoad({ url: `${srv.url}?ms=1`, concurrency: 1, rate: 50, requests: 60 }, (p) => {
    if (!stalled && p.snapshot.summary.count >= 5) {
      stalled = true;
      void fetch(`${srv.url}?stallMs=600`).catch(() => undefined);
    }
  });
  const r = await h.result;
  assert.equal(r.config.model, 'open');
  assert.equal(r.summary.count, 60);
  assert.ok(stalled && r.uncorrectedHistogram);
  const corrected = decodeRaw(r.histogram).getValueAtPercentile(90) / 1000;
  const uncorrected = decodeRaw(r.uncorrectedHistogram).getValueAtPercentile(90) / 1000;
  assert.ok(corrected > 150, `corrected p90 ${corrected} ms`);
  assert.ok(corrected > uncorrected * 1.5, `corrected ${corrected} vs uncorrected ${uncorrected}`);
  assert.ok(r.summary.durationS >= 1.1 && r.summary.durationS < 3, `open model paced: ${r.summary.durationS} s`);
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

test('CLI load: JSON record, text report, exit codes 0/1/2, one-line errors without stacks', async () => {
  const ok = await cli('load', '-n', '5', '-c', '2', '--json', `${srv.url}?ms=1`);
  assert.equal(ok.status, 0, ok.stderr);
  assert.equal(parseRunRecord(ok.stdout).summary.count, 5);
  const text = await cli('load', '-n', '5', '-c', '2', '-m', 'POST', '-d', 'hi', '-H', 'X-A: 1', `${srv.url}?ms=1`);
  assert.equal(text.status, 0, text.stderr);
  for (const section of [
    'Summary:',
    'Response time histogram:',
    'Latency distribution:',
    'Status code distribution:',
    '[200]\t5 responses',
  ])
    assert.ok(text.stdout.includes(section), section);
  const port = await freePort();
  const cases: Array<[string[], number, RegExp]> = [
    [['load', `http://127.0.0.1:${port}/`, '-n', '2'], 1, /connection refused/],
    [['load', 'http://example.com/'], 2, /--allow-remote/],
    [['load', '-n', '0', srv.url], 2, /positive/],
    [['load', 'nope://x'], 2, /unsupported scheme|invalid URL/],
    [['load'], 2, /missing URL/],
    [['load', '-x', srv.url], 2, /unknown option/],
    [['load', '-D', '/nonexistent/body', srv.url], 2, /cannot read body file/],
    [['compare', '/nonexistent/a.json', '/nonexistent/b.json'], 1, /cannot read/],
    [['compare', 'a.json'], 2, /at least two/],
  ];
  for (const [args, code, msg] of cases) {
    const r = await cli(...args);
    assert.equal(r.status, code, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, msg);
    assert.ok(!/\n\s+at /.test(r.stderr), `no stack trace: ${r.stderr}`);
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'ep-cli-'));
  try {
    for (const name of ['a', 'b'])
      assert.equal(
        (await cli('load', '-n', '5', '-c', '1', '--out', path.join(dir, `${name}.json`), `${srv.url}?ms=1`)).status,
        0,
      );
    const cmp = await cli('compare', path.join(dir, 'a.json'), path.join(dir, 'b.json'));
    assert.equal(cmp.status, 0, cmp.stderr);
    assert.match(cmp.stdout, /^p99 .*inconclusive$/m); // sub-second runs are too short to judge
    const md = await cli('compare', '--format', 'md', path.join(dir, 'a.json'), path.join(dir, 'b.json'));
    assert.match(md.stdout, /^\| p50 \| ms \|/m);
    const asJson = JSON.parse(
      (await cli('compare', '--json', path.join(dir, 'a.json'), path.join(dir, 'b.json'))).stdout,
    );
    assert.equal(asJson.rows.length, 8);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const help = await cli('load', '--help');
  assert.equal(help.status, 0);
  assert.match(help.stdout, /TOTAL/);
});
