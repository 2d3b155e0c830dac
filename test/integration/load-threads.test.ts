// --threads: lanes split across worker threads, figures merged exactly. Against a real node:http
// server on 127.0.0.1 that counts what it answered, each run bounded in requests or seconds.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { startLoad, startLoadHere, type LoadProgress } from '../../src/core/load/engine';
import { decodeRaw } from '../../src/core/load/histogram';
import { parseRunRecord } from '../../src/core/runs/format';

// /ok?ms=N answers 200 after N ms; /mixed answers 200, 503, then resets the connection, in turn.
let server: http.Server;
let base = '';
const served = { total: 0, ok: 0, unavailable: 0, reset: 0, sockets: new Set<unknown>() };
before(async () => {
  let turn = 0;
  server = http.createServer((req, res) => {
    served.total++;
    served.sockets.add(req.socket);
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (u.pathname === '/mixed') {
      const k = turn++ % 3;
      if (k === 2) {
        served.reset++;
        req.socket.destroy();
        return;
      }
      if (k === 0) served.ok++;
      else served.unavailable++;
      res.writeHead(k === 0 ? 200 : 503, { 'content-length': '2' }).end('ok');
      return;
    }
    served.ok++;
    setTimeout(() => res.end('ok'), Number(u.searchParams.get('ms') ?? 0));
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});
const reset = (): void => {
  served.total = served.ok = served.unavailable = served.reset = 0;
  served.sockets.clear();
};
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 300));

test('-n across 3 threads: exactly n requests, counts, histogram and timeline equal the sum', async () => {
  reset();
  const r = await startLoad({ url: `${base}/ok?ms=1`, concurrency: 6, requests: 901, threads: 3 }).result;
  assert.equal(r.status, 'complete');
  assert.equal(r.config.threads, 3);
  assert.equal(r.summary.count, 901);
  assert.equal(r.summary.ok, 901);
  assert.deepEqual(r.statusCodes, { 200: 901 });
  assert.equal(served.total, 901, 'the server answered exactly -n requests');
  assert.equal(served.sockets.size, 6, 'one connection per lane, split across the threads');
  assert.equal(decodeRaw(r.histogram).totalCount, 901);
  assert.equal(
    r.timeline.reduce((s, p) => s + p.count, 0),
    901,
  );
  assert.equal(r.summary.bytes, 901 * 2);
  parseRunRecord(JSON.stringify(r));
});

test('error kinds from every thread are merged: statuses and resets as the server dealt them', async () => {
  reset();
  const r = await startLoad({ url: `${base}/mixed`, concurrency: 4, requests: 300, threads: 2 }).result;
  assert.equal(r.summary.count, 300);
  assert.equal(served.total, 300);
  assert.equal(r.statusCodes['200'], served.ok);
  assert.equal(r.statusCodes['503'], served.unavailable);
  assert.equal(r.errorKinds.status, served.unavailable);
  assert.equal(r.errorKinds.reset, served.reset);
  assert.equal(r.summary.errors, served.unavailable + served.reset);
  assert.ok(r.errorSamples?.reset && r.errorSamples.status, JSON.stringify(r.errorSamples));
  assert.equal(decodeRaw(r.histogram).totalCount, served.ok + served.unavailable);
});

test('-z is honoured by every thread: the run ends on time and nothing is sent after it', async () => {
  reset();
  const t = Date.now();
  const r = await startLoad({ url: `${base}/ok?ms=5`, concurrency: 4, durationS: 1, threads: 2 }).result;
  assert.ok(Date.now() - t < 10_000);
  assert.ok(r.summary.durationS >= 0.95 && r.summary.durationS < 1.5, `durationS ${r.summary.durationS}`);
  assert.ok(r.summary.count > 20, `count ${r.summary.count}`);
  assert.ok(r.timeline.length <= 2, `timeline ${r.timeline.length} s`);
  const total = served.total;
  await settle();
  assert.equal(served.total, total, 'no request after the deadline');
  // Every request the server saw was answered in time or aborted at the deadline.
  assert.ok(r.summary.count <= total && total <= r.summary.count + (r.summary.cancelledInFlight ?? 0));
});

test('cancel stops every thread; progress snapshots arrive merged', async () => {
  reset();
  const seen: number[] = [];
  let last: LoadProgress | undefined;
  let first: () => void = () => undefined;
  const started = new Promise<void>((r) => (first = r));
  const h = startLoad({ url: `${base}/ok?ms=10`, concurrency: 4, durationS: 30, threads: 2 }, (p) => {
    seen.push(p.snapshot.summary.count);
    assert.equal(p.snapshot.config.threads, 2);
    last = p;
    first();
  });
  await started;
  await new Promise((r) => setTimeout(r, 700));
  const t = Date.now();
  h.cancel();
  const r = await h.result;
  assert.ok(Date.now() - t < 2000, 'cancel is prompt');
  assert.equal(r.status, 'cancelled');
  assert.ok(r.summary.count > 0 && r.summary.durationS < 5);
  assert.ok(seen.length >= 3, `${seen.length} snapshots`);
  assert.ok(
    seen.every((n, i) => i === 0 || n >= seen[i - 1]),
    'counts never go back',
  );
  assert.ok(last && last.snapshot.summary.count <= r.summary.count, 'no snapshot counts more than the final record');
  const total = served.total;
  await settle();
  assert.equal(served.total, total, 'no thread sent anything after the cancel');
  parseRunRecord(JSON.stringify(r));
});

test('the CLI path: --threads 2 measures in workers; one thread stays on the calling thread', async () => {
  reset();
  const two = await startLoadHere({ url: `${base}/ok`, concurrency: 4, requests: 200, threads: 2 }).result;
  assert.equal(two.config.threads, 2);
  assert.equal(two.summary.count, 200);
  const one = await startLoadHere({ url: `${base}/ok`, concurrency: 4, requests: 50, threads: 1 }).result;
  assert.equal(one.config.threads, 1);
  assert.equal(served.total, 250);
  const cli = await new Promise<{ code: number; stderr: string }>((resolve) =>
    execFile(
      process.execPath,
      ['--import', 'tsx', path.join(__dirname, '../../src/cli.ts'), 'load', '--threads', '0', `${base}/ok`],
      { encoding: 'utf8', timeout: 30_000 },
      (err, _out, stderr) => resolve({ code: err ? Number(err.code) : 0, stderr }),
    ),
  );
  assert.equal(cli.code, 2);
  assert.match(cli.stderr, /threads must be a positive integer/);
});
