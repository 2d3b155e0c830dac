import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  decodeHistogram,
  encodeHistogram,
  newHistogram,
  recordUs,
  recordUsBoth,
  scanHistogram,
  summarizeHistogram,
} from '../../src/core/load/histogram';
import { InflightList, type Linked } from '../../src/core/load/inflight';
import { Recorder } from '../../src/core/load/recorder';
import { dueCount, lateSlackMs, scheduledAt } from '../../src/core/load/schedule';
import { classifyError, describeError } from '../../src/core/load/errors';
import { isLoopbackUrl, LoadOptionsError, validateLoadOptions } from '../../src/core/load/engine';

test('summary percentiles of 1..1000 ms match within HDR precision (3 digits)', () => {
  const h = newHistogram();
  for (let ms = 1; ms <= 1000; ms++) recordUs(h, ms * 1000);
  const s = summarizeHistogram(h);
  for (const [got, want] of [
    [s.p50, 500],
    [s.p90, 900],
    [s.p99, 990],
    [s.max, 1000],
    [s.min, 1],
    [s.mean, 500.5],
  ] as const) {
    assert.ok(Math.abs(got - want) / want < 0.002, `${got} vs ${want}`);
  }
});

test('histogram survives base64 round trip; decoded buckets hold every count, percentiles ascend', () => {
  const h = newHistogram();
  for (let i = 0; i < 300; i++) recordUs(h, 1000 + (i % 3) * 50_000);
  const d = decodeHistogram(encodeHistogram(h), 10);
  assert.equal(
    d.buckets.reduce((a, b) => a + b.count, 0),
    300,
  );
  assert.equal(d.buckets[0].count, 100);
  for (let i = 1; i < d.percentiles.length; i++) assert.ok(d.percentiles[i].ms >= d.percentiles[i - 1].ms);
  assert.ok(Math.abs(d.percentiles.at(-1)!.ms - 101) < 0.2);
});

test('values beyond one hour are clamped, not thrown', () => {
  const h = newHistogram();
  recordUs(h, 10 * 3_600_000_000);
  recordUs(h, 0);
  assert.equal(h.totalCount, 2);
});

test('timeline: one point per second with counts, errors and per-second percentiles', () => {
  const r = new Recorder(0);
  for (let i = 0; i < 10; i++) r.success(200, 5, 10_000, 10_000, 100 + i); // second 0: 10 ms
  r.failure('timeout', 900);
  for (let i = 0; i < 5; i++) r.success(503, 5, 200_000, 200_000, 2500 + i); // second 2: 200 ms
  const t = r.timelineSnapshot();
  assert.deepEqual(
    t.map((p) => [p.t, p.count, p.errors]),
    [
      [0, 11, 1],
      [1, 0, 0],
      [2, 5, 5], // 503 is outside the default --expect 200-399: an error of kind 'status'
    ],
  );
  assert.ok(Math.abs(t[0].p50 - 10) < 0.05 && Math.abs(t[2].p99 - 200) < 0.2);
  assert.deepEqual(r.statusCodes, { 200: 10, 503: 5 });
  assert.equal(r.ok, 10);
  assert.equal(r.bytes, 75);
  assert.deepEqual(r.errorKinds, { timeout: 1, status: 5 });
  assert.equal(r.errors, 6);
});

test('open-model schedule: constant arrival rate, latency origin at the scheduled time', () => {
  assert.equal(scheduledAt(1000, 100, 0), 1000);
  assert.equal(scheduledAt(1000, 100, 50), 1500);
  assert.equal(dueCount(1000, 100, 999), 0);
  assert.equal(dueCount(1000, 100, 1000), 1);
  assert.equal(dueCount(1000, 100, 1995), 100);
  assert.equal(dueCount(0, 3, 1000), 4);
  assert.equal(lateSlackMs(1000), 10);
  assert.equal(lateSlackMs(10), 100);
});

test('error kinds from Node and undici codes, including nested causes', () => {
  assert.equal(classifyError({ code: 'ECONNREFUSED' }), 'refused');
  assert.equal(classifyError({ code: 'UND_ERR_HEADERS_TIMEOUT' }), 'timeout');
  assert.equal(classifyError({ code: 'UND_ERR_SOCKET' }), 'reset');
  assert.equal(classifyError({ message: 'fetch failed', cause: { code: 'ENOTFOUND' } }), 'dns');
  assert.equal(classifyError(new Error('x')), 'other');
});

test('validation refuses bad input before any connection', () => {
  const ok = { url: 'http://127.0.0.1:1/', concurrency: 1, requests: 1 };
  validateLoadOptions(ok);
  for (const bad of [
    { ...ok, url: 'not a url' },
    { ...ok, url: 'ftp://127.0.0.1/' },
    { ...ok, url: 'http://example.com/' },
    { ...ok, concurrency: 0 },
    { ...ok, requests: -1 },
    { ...ok, durationS: 0 },
    { ...ok, rate: -5 },
    { ...ok, concurrency: 1.5 },
    { url: ok.url, concurrency: 1 },
  ])
    assert.throws(() => validateLoadOptions(bad), LoadOptionsError, JSON.stringify(bad));
  validateLoadOptions({ ...ok, url: 'http://example.com/', allowRemote: true });
  assert.ok(
    isLoopbackUrl('http://[::1]:8000/') && isLoopbackUrl('http://localhost/') && isLoopbackUrl('http://127.1.2.3/'),
  );
  assert.ok(!isLoopbackUrl('http://10.0.0.1/') && !isLoopbackUrl('http://127.0.0.1.evil.com/'));
});

test('percentiles are clamped to the exact [min, max]: HDR bucket tops never exceed the slowest request', () => {
  const h = newHistogram();
  recordUs(h, 300_123); // one request: every percentile is that request
  const one = summarizeHistogram(h);
  for (const k of ['p50', 'p75', 'p90', 'p95', 'p99', 'p999'] as const) assert.equal(one[k], one.max, k);
  for (let i = 0; i < 9; i++) recordUs(h, 1_000_001 + i);
  const ten = summarizeHistogram(h);
  assert.ok(ten.p999 <= ten.max && ten.p50 <= ten.max && ten.p50 >= ten.min, JSON.stringify(ten));
});

test('running out of file descriptors is named fd-limit, with its message kept', () => {
  const emfile = Object.assign(new Error('connect EMFILE 127.0.0.1:80 - Local (undefined:undefined)'), {
    code: 'EMFILE',
  });
  assert.equal(classifyError(emfile), 'fd-limit');
  assert.equal(classifyError(Object.assign(new Error('fetch failed'), { cause: emfile })), 'fd-limit');
  assert.equal(classifyError(Object.assign(new Error('x'), { code: 'ENFILE' })), 'fd-limit');
  assert.equal(
    describeError(Object.assign(new Error('fetch failed'), { cause: emfile })),
    `fetch failed: ${emfile.message}`,
  );
});

test('one-pass summary equals hdr-histogram-js getters exactly (percentiles, mean, stdev) on random data', () => {
  let seed = 16;
  const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let k = 0; k < 40; k++) {
    const h = newHistogram();
    const n = 1 + Math.floor(rnd() * 5000);
    const scale = 10 ** (1 + rnd() * 6);
    for (let i = 0; i < n; i++) recordUs(h, scale * Math.exp(rnd() * 3) * (rnd() < 0.01 ? 100 : 1));
    const ps = [0, 1, 50, 75, 90, 95, 99, 99.9, 99.99, 100];
    const { values, mean, stdev } = scanHistogram(h, ps);
    ps.forEach((p, j) =>
      assert.equal(values[j], Math.min(h.maxValue, Math.max(h.minNonZeroValue, h.getValueAtPercentile(p))), `p${p}`),
    );
    assert.ok(Math.abs(mean - h.mean) <= 1e-9 * h.mean, `mean ${mean} vs ${h.mean}`);
    assert.ok(Math.abs(stdev - h.stdDeviation) <= 1e-6 * (h.stdDeviation + 1), `stdev ${stdev} vs ${h.stdDeviation}`);
  }
  assert.deepEqual(scanHistogram(newHistogram(), [50]), { values: [0], mean: 0, stdev: 0 });
});

test('recordUs and recordUsBoth put every value in the slot hdr-histogram-js does (same counts, min, max, total)', () => {
  // The recording path computes hdr's slot itself (integer arithmetic); hdr's own recordValue is the oracle.
  const values: number[] = [
    0, -5, 0.4, 0.6, 1, 1.5, 2, 1023, 1024, 1025, 2047, 2048, 2049, 3_600_000_000, 5e9, 3_599_999_999.6,
  ];
  for (let k = 1; k < 32; k++) values.push(2 ** k - 1, 2 ** k, 2 ** k + 1, 2 ** k + 0.5);
  let seed = 7;
  for (let i = 0; i < 20_000; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    values.push(Math.exp((seed / 0x80000000) * Math.log(4e9))); // log-uniform over the whole range
  }
  const ours = newHistogram();
  const run = newHistogram();
  const second = newHistogram();
  const hdr = newHistogram();
  for (const v of values) {
    recordUs(ours, v);
    recordUsBoth(run, second, v);
    hdr.recordValue(Math.min(3_600_000_000, Math.max(1, Math.round(v))));
  }
  type Raw = { _counts: Float64Array; totalCount: number; minNonZeroValue: number; maxValue: number };
  const raw = (h: unknown): Raw => h as Raw;
  for (const h of [ours, run, second]) {
    assert.deepEqual(raw(h)._counts, raw(hdr)._counts);
    assert.equal(raw(h).totalCount, raw(hdr).totalCount);
    assert.equal(raw(h).minNonZeroValue, raw(hdr).minNonZeroValue);
    assert.equal(raw(h).maxValue, raw(hdr).maxValue);
  }
  assert.equal(summarizeHistogram(run).p99, summarizeHistogram(hdr).p99);
});

test('the in-flight list keeps send order through removals; its front is what a deadline sweep sees', () => {
  interface F extends Linked<F> {
    id: number;
  }
  const mk = (id: number): F => ({ id, prev: undefined, next: undefined, linked: false });
  const list = new InflightList<F>();
  const fs = Array.from({ length: 8 }, (_, i) => mk(i));
  for (const f of fs) list.add(f);
  list.add(fs[3]); // already in: no-op
  list.delete(fs[0]);
  list.delete(fs[4]);
  list.delete(fs[7]);
  list.delete(fs[7]); // twice: no-op
  assert.deepEqual(
    list.toArray().map((f) => f.id),
    [1, 2, 3, 5, 6],
  );
  assert.equal(list.size, 5);
  assert.equal(fs[4].next, undefined, 'a removed entry holds no neighbour alive');
  assert.deepEqual(
    list.frontWhile((f) => f.id < 5).map((f) => f.id),
    [1, 2, 3],
  );
  // Acting on the front while the list changes (an abort completes the request, its lane adds the next).
  for (const f of list.frontWhile((f) => f.id < 5)) {
    list.delete(f);
    list.add(mk(10 + f.id));
  }
  assert.deepEqual(
    list.toArray().map((f) => f.id),
    [5, 6, 11, 12, 13],
  );
  for (const f of list.toArray()) list.delete(f);
  assert.equal(list.size, 0);
  assert.equal(list.head, undefined);
  list.add(fs[0]);
  assert.equal(list.head, fs[0]);
});
