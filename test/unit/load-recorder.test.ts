// The recorder's per-second points: computed off the hot path (not in the record that crosses
// into a new second), and the same as scanning each second's latencies apart.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newHistogram, percentilesUs, recordUs, scanHistogram } from '../../src/core/load/histogram';
import { Recorder } from '../../src/core/load/recorder';

const immediate = (): Promise<void> => new Promise((r) => setImmediate(r));

/** Counts reads of the slots of the histogram the recorder is filling now (its current second). */
function watchCurrentSecond(r: Recorder): { watching: boolean; reads: number } {
  const w = { watching: false, reads: 0 };
  const second = (r as unknown as { second: { _counts: Float64Array } }).second;
  second._counts = new Proxy(second._counts, {
    get(target, key) {
      if (w.watching && typeof key === 'string' && /^\d+$/.test(key)) w.reads++;
      const v = Reflect.get(target, key) as unknown;
      return typeof v === 'function' ? (v as () => unknown).bind(target) : v; // fill() and the like
    },
    set(target, key, value: number) {
      return Reflect.set(target, key, value);
    },
  });
  return w;
}

for (const deltas of [false, true])
  test(`the response that starts a new second does not scan the second that ended (${deltas ? 'delta' : 'timeline'} mode)`, async () => {
    const r = new Recorder(0, false, undefined, deltas);
    const w = watchCurrentSecond(r);
    const want = newHistogram();
    for (let i = 0; i < 500; i++) {
      r.success(200, 2, 10_000 + i * 7, 0, 100 + i);
      recordUs(want, 10_000 + i * 7);
    }
    w.watching = true;
    r.success(200, 2, 10_000, 0, 1000.5); // the first response of second 1
    assert.equal(w.reads, 0, 'no slot of second 0 read while recording the response that ended it');
    await immediate();
    await immediate();
    assert.ok(w.reads > 0, 'second 0 was settled two immediates later');
    const reads = w.reads;
    if (deltas) {
      const d = r.drain(1500);
      assert.equal(d.seconds[0].t, 0);
      assert.equal(d.seconds[0].count, 500);
      assert.equal(d.seconds[0].latency?.total, 500);
      assert.equal(d.seconds[1].count, 1);
    } else {
      const [p50, p99] = scanHistogram(want, [50, 99]).values;
      const t = r.timelineSnapshot();
      assert.deepEqual(t[0], { t: 0, count: 500, errors: 0, p50: p50 / 1000, p99: p99 / 1000 });
      assert.equal(t[1].count, 1);
    }
    assert.equal(w.reads, reads, 'settled once: nothing left to scan when the figures were asked for');
  });

test('per-second points match each second scanned apart, settled late, early or several at once', async () => {
  let seed = 7;
  const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const r = new Recorder(0, false);
  const apart = new Map<number, number[]>();
  // Seconds 0-3 and 6-7 with latencies, 4-5 empty (one response jumps three seconds ahead).
  for (const s of [0, 1, 2, 3, 6, 7]) {
    const n = 50 + Math.floor(rnd() * 400);
    for (let i = 0; i < n; i++) {
      const us = Math.round(200 + rnd() * (s + 1) * 20_000);
      r.success(200, 1, us, 0, s * 1000 + (i * 999) / n);
      apart.set(s, [...(apart.get(s) ?? []), us]);
    }
    if (s % 2 === 0) {
      await immediate(); // the deferred settle runs before the next second starts
      await immediate();
    }
  }
  const t = r.timelineSnapshot();
  assert.deepEqual(
    t.map((p) => p.t),
    [0, 1, 2, 3, 4, 5, 6, 7],
  );
  for (const p of t) {
    const us = apart.get(p.t) ?? [];
    const h = newHistogram();
    for (const v of us) recordUs(h, v);
    const [p50, p99] = us.length ? scanHistogram(h, [50, 99]).values : [0, 0];
    assert.deepEqual(p, { t: p.t, count: us.length, errors: 0, p50: p50 / 1000, p99: p99 / 1000 }, `second ${p.t}`);
  }
});

test('percentilesUs gives the percentiles scanHistogram gives', () => {
  let seed = 11;
  const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const ps = [0, 1, 50, 90, 99, 99.9, 100];
  for (let round = 0; round < 200; round++) {
    const h = newHistogram();
    const n = 1 + Math.floor(rnd() * 3000);
    const scale = 10 ** (1 + Math.floor(rnd() * 8));
    for (let i = 0; i < n; i++) recordUs(h, rnd() * scale);
    assert.deepEqual(percentilesUs(h, ps), scanHistogram(h, ps).values, `round ${round}`);
  }
  assert.deepEqual(percentilesUs(newHistogram(), [50, 99]), [0, 0]);
});
