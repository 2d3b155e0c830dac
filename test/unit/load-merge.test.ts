// Exact merging of what several measuring threads record (threads.ts): drained histogram parts
// add up to the histogram that recorded everything, and deltas from several delta-mode recorders
// merge into the same figures and timeline as one recorder that saw every response.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { threadsFor } from '../../src/core/load/engine';
import { addSparse, drainHistogram, newHistogram, recordUs, summarizeHistogram } from '../../src/core/load/histogram';
import { Recorder } from '../../src/core/load/recorder';
import { MergedFigures, splitEvenly, threadShares } from '../../src/core/load/threads';
import { seededRandom } from '../../src/core/stats/seededRandom';

const counts = (h: ReturnType<typeof newHistogram>): number[] =>
  Array.from((h as unknown as { _counts: Float64Array })._counts);

test('drained parts of several histograms add up to the histogram that recorded all of them', () => {
  const rand = seededRandom(7);
  const all = newHistogram();
  const parts = [newHistogram(), newHistogram(), newHistogram()];
  const merged = newHistogram();
  for (let round = 0; round < 5; round++) {
    for (let i = 0; i < 3000; i++) {
      // 50 µs .. ~2 s, log-spread, plus the clamped extremes
      const us = i === 0 ? 0.2 : i === 1 ? 5e12 : 50 * Math.exp(rand() * 10);
      recordUs(all, us);
      recordUs(parts[i % 3], us);
    }
    for (const p of parts) {
      const d = drainHistogram(p);
      assert.ok(d);
      addSparse(merged, d);
      assert.equal(p.totalCount, 0, 'a drained histogram is empty');
    }
  }
  assert.equal(drainHistogram(parts[0]), undefined, 'nothing to drain twice');
  assert.equal(merged.totalCount, all.totalCount);
  assert.equal(merged.minNonZeroValue, all.minNonZeroValue);
  assert.equal(merged.maxValue, all.maxValue);
  assert.deepEqual(counts(merged), counts(all));
  assert.deepEqual(summarizeHistogram(merged), summarizeHistogram(all));
  // The same as hdr's own add() of the whole histograms.
  const viaHdr = newHistogram();
  const again = [newHistogram(), newHistogram()];
  for (let i = 0; i < 1000; i++) recordUs(again[i % 2], 100 + i * 37);
  for (const h of again) viaHdr.add(h);
  const viaParts = newHistogram();
  for (const h of again) addSparse(viaParts, drainHistogram(h)!);
  assert.deepEqual(counts(viaParts), counts(viaHdr));
  assert.equal(viaParts.maxValue, viaHdr.maxValue);
  assert.equal(viaParts.minNonZeroValue, viaHdr.minNonZeroValue);
});

test('deltas of three threads merge into the figures and timeline one recorder would have', () => {
  const rand = seededRandom(11);
  const start = 1000;
  const whole = new Recorder(start, true);
  const threads = [0, 1, 2].map(() => new Recorder(start, true, undefined, true));
  const merged = new MergedFigures(3);
  // 4.5 s of responses with an empty second (2) in the middle, drained at uneven moments per thread.
  let now = start;
  while (now < start + 4500) {
    now += rand() * 3;
    if (now >= start + 2000 && now < start + 3000) continue;
    const k = Math.floor(rand() * 3);
    const r = rand();
    const lat = 200 + rand() * 50_000;
    for (const rec of [whole, threads[k]]) {
      if (r < 0.8) rec.success(200, 13, lat, lat / 2, now);
      else if (r < 0.9) rec.success(503, 5, lat, lat / 2, now);
      else if (r < 0.95) rec.failure('reset', now, 'other side closed');
      else rec.failure('timeout', now, 'no complete response');
    }
    if (rand() < 0.01) merged.add(k, threads[k].drain(now));
  }
  threads.forEach((t, k) => merged.add(k, t.drain(now), true));
  assert.equal(merged.count, whole.count);
  assert.equal(merged.ok, whole.ok);
  assert.equal(merged.errors, whole.errors);
  assert.equal(merged.bytes, whole.bytes);
  assert.deepEqual(merged.statusCodes, whole.statusCodes);
  assert.deepEqual(merged.errorKinds, whole.errorKinds);
  assert.deepEqual(Object.keys(merged.errorSamples).sort(), Object.keys(whole.errorSamples).sort());
  assert.deepEqual(counts(merged.latency), counts(whole.latency));
  assert.deepEqual(counts(merged.uncorrected), counts(whole.uncorrected));
  const timeline = merged.timeline();
  assert.deepEqual(timeline, whole.timelineSnapshot());
  assert.equal(timeline[2].count, 0, 'the empty second is a zero point');
  assert.equal(
    timeline.reduce((s, p) => s + p.count, 0),
    whole.count,
  );
});

test('shares split connections, requests, warm-up and rate exactly; threads never exceed connections', () => {
  assert.deepEqual(splitEvenly(10, 3), [4, 3, 3]);
  assert.deepEqual(splitEvenly(2, 4), [1, 1, 0, 0]);
  const o = { url: 'http://127.0.0.1:1/', concurrency: 7, requests: 1001, warmup: 5, rate: 700 };
  const shares = threadShares(o, 3);
  const sum = (k: 'concurrency' | 'requests' | 'warmup' | 'rate'): number =>
    shares.reduce((s, x) => s + (x[k] ?? 0), 0);
  assert.equal(sum('concurrency'), 7);
  assert.equal(sum('requests'), 1001);
  assert.equal(sum('warmup'), 5);
  assert.ok(Math.abs(sum('rate') - 700) < 1e-9);
  assert.ok(shares.every((s) => s.threads === 1));
  assert.equal(threadsFor({ url: o.url, concurrency: 2, threads: 8, requests: 100 }), 2);
  assert.equal(threadsFor({ url: o.url, concurrency: 50, threads: 8, requests: 3 }), 3);
  assert.equal(threadsFor({ url: o.url, concurrency: 50, threads: 3, durationS: 1 }), 3);
});
