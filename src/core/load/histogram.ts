// Latency histograms: hdr-histogram-js in pure-JS mode (no wasm init to await, works in a
// worker and bundled), values in microseconds from 1 µs to 1 h with 3 significant digits.
// Only the histogram class is loaded up front: the package's index also loads its wasm build
// (a large inline base64 string) and its log writer, and the encoder is needed only at the end.
import type * as Hdr from 'hdr-histogram-js';
import type * as HdrEncoding from 'hdr-histogram-js/dist/encoding';
import Float64Histogram from 'hdr-histogram-js/dist/Float64Histogram';
import RecordedValuesIterator from 'hdr-histogram-js/dist/RecordedValuesIterator';
import ulp from 'hdr-histogram-js/dist/ulp';
import type { LatencySummary } from '../model';

export type Histogram = Hdr.Histogram;

const HIGHEST_US = 3_600_000_000;

export function newHistogram(): Histogram {
  // What hdr.build({ bitBucketSize: 64, useWebAssembly: false }) returns, without its imports.
  return new Float64Histogram(1, HIGHEST_US, 3);
}

let encoding: typeof HdrEncoding | undefined;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const enc = (): typeof HdrEncoding => (encoding ??= require('hdr-histogram-js/dist/encoding') as typeof HdrEncoding);

/** Records a latency in µs, clamped into the trackable range so an hour-long stall never throws. */
export function recordUs(h: Histogram, us: number): void {
  const v = clampUs(us);
  bump(h as unknown as Recordable, slotOf(v), v);
}

/** `recordUs` into two histograms (a run's and its current second's): the slot is computed once. */
export function recordUsBoth(a: Histogram, b: Histogram, us: number): void {
  const v = clampUs(us);
  const slot = slotOf(v);
  bump(a as unknown as Recordable, slot, v);
  bump(b as unknown as Recordable, slot, v);
}

const clampUs = (us: number): number => Math.min(HIGHEST_US, Math.max(1, Math.round(us)));

/**
 * hdr's countsArrayIndex for newHistogram()'s shape (unit 1, 3 digits: 1,024 slots a half
 * bucket, bucket = floor(log2 v) - 10), in integer arithmetic for an integer v in [1, HIGHEST_US]
 * (< 2^32): hdr's own takes a Math.log2, two Math.pow and a division per value, the larger part
 * of recording one. load-maths.test.ts checks it against hdr's recordValue across the range.
 */
function slotOf(v: number): number {
  const bucket = Math.max(0, 21 - Math.clz32(v));
  return bucket * 1024 + (v >>> bucket);
}

/** What hdr's recordSingleValue does for an in-range value, once its slot is known. */
interface Recordable {
  _counts: Float64Array;
  _totalCount: number;
  maxValue: number;
  minNonZeroValue: number;
}
function bump(h: Recordable, slot: number, v: number): void {
  h._counts[slot]++;
  h._totalCount++;
  // lowestDiscernibleValue is 1: hdr stores min and max as recorded (unit mask 0).
  if (v > h.maxValue) h.maxValue = v;
  if (v < h.minNonZeroValue) h.minNonZeroValue = v;
}

export function encodeHistogram(h: Histogram): string {
  return enc().encodeIntoCompressedBase64(h);
}

export function decodeRaw(base64: string): Histogram {
  return enc().decodeFromCompressedBase64(base64, 64, false);
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

const POW2 = Float64Array.from({ length: 64 }, (_, k) => 2 ** k);

/** The JsHistogram internals the one-pass summary reads (public fields, untyped in the .d.ts). */
interface Internals {
  totalCount: number;
  minNonZeroValue: number;
  maxValue: number;
  unitMagnitude: number;
  subBucketHalfCount: number;
  countsArrayIndex(v: number): number;
  _counts: ArrayLike<number>;
}

/**
 * The occupied slots of a histogram as [index, count, index, count, …] with its exact min, max and
 * total: what a measuring thread sends its coordinator. Adding every part back gives exactly the
 * histogram that recorded them all (same slots, same counts, same min and max), as hdr's add().
 */
export interface SparseHistogram {
  slots: number[];
  min: number;
  max: number;
  total: number;
}

/** Takes what `h` recorded since the last drain as a SparseHistogram and empties `h` (occupied range only). */
export function drainHistogram(h: Histogram): SparseHistogram | undefined {
  return sparse(h, true);
}

/** What `h` holds now as a SparseHistogram, `h` unchanged: a copy that costs its occupied slots only. */
export function copySparse(h: Histogram): SparseHistogram {
  return sparse(h, false) ?? { slots: [], min: Number.MAX_SAFE_INTEGER, max: 0, total: 0 };
}

function sparse(h: Histogram, clear: boolean): SparseHistogram | undefined {
  const x = h as unknown as Internals & { _counts: Float64Array; _totalCount: number };
  const total = x.totalCount;
  if (total === 0) return undefined;
  const counts = x._counts;
  const to = x.countsArrayIndex(x.maxValue);
  const slots: number[] = [];
  for (let i = x.countsArrayIndex(x.minNonZeroValue); i <= to; i++) {
    const c = counts[i];
    if (c === 0) continue;
    slots.push(i, c);
    if (clear) counts[i] = 0;
  }
  const part = { slots, min: x.minNonZeroValue, max: x.maxValue, total };
  if (!clear) return part;
  x._totalCount = 0;
  x.maxValue = 0;
  x.minNonZeroValue = Number.MAX_SAFE_INTEGER;
  return part;
}

/** Empties `h`: its occupied range only (hdr's reset() zeroes all 23,552 slots), natively (no slot read in JS). */
export function clearHistogram(h: Histogram): void {
  const x = h as unknown as Internals & { _counts: Float64Array; _totalCount: number };
  if (x.totalCount === 0) return;
  x._counts.fill(0, x.countsArrayIndex(x.minNonZeroValue), x.countsArrayIndex(x.maxValue) + 1);
  x._totalCount = 0;
  x.maxValue = 0;
  x.minNonZeroValue = Number.MAX_SAFE_INTEGER;
}

/** Adds a drained part into `h` (a histogram of the same shape, from newHistogram()). */
export function addSparse(h: Histogram, part: SparseHistogram): void {
  const x = h as unknown as Internals & { _counts: Float64Array; _totalCount: number };
  const counts = x._counts;
  const slots = part.slots;
  for (let k = 0; k < slots.length; k += 2) counts[slots[k]] += slots[k + 1];
  x._totalCount += part.total;
  // lowestDiscernibleValue is 1, so hdr's unit mask is 0 and min/max are stored as recorded.
  if (part.max > x.maxValue) x.maxValue = part.max;
  if (part.min < x.minNonZeroValue) x.minNonZeroValue = part.min;
}

/**
 * Percentiles (µs, clamped as percentileUs), mean and standard deviation in one pass over the
 * occupied index range only, with HDR's own arithmetic inlined (an index's value is the low end
 * of its equivalent range, the range is 2^(unitMagnitude + bucket) wide). hdr's getters each walk
 * the whole counts array (23,552 slots for 1 µs..1 h), mean and stdev through an iterator object
 * per slot: a summary cost ~10 of those walks, the bulk of a progress snapshot and of a short run.
 */
export function scanHistogram(h: Histogram, percentiles: number[]): { values: number[]; mean: number; stdev: number } {
  const x = h as unknown as Internals;
  const total = x.totalCount;
  if (total === 0) return { values: percentiles.map(() => 0), mean: 0, stdev: 0 };
  const counts = x._counts;
  const half = x.subBucketHalfCount;
  const unit = x.unitMagnitude;
  const from = x.countsArrayIndex(x.minNonZeroValue);
  const to = x.countsArrayIndex(x.maxValue);
  const wanted = percentiles.map((p) => {
    const fp = (Math.min(p, 100) / 100) * total;
    return Math.max(Math.ceil(fp - ulp(fp)), 1);
  });
  const values = percentiles.map(() => NaN);
  const order = percentiles.map((_, k) => k).sort((a, b) => wanted[a] - wanted[b]);
  let next = 0; // order[next]: the next percentile to reach
  let cumulative = 0;
  let sum = 0;
  // Weighted Welford: the variance in the same pass, as stable as a second pass around the mean.
  let runningMean = 0;
  let m2 = 0;
  // Slot i: bucket b = floor(i / half) - 1 (0 for the first two halves), low value and range width.
  for (let i = from; i <= to; i++) {
    const c = counts[i];
    if (c === 0) continue;
    let b = Math.floor(i / half) - 1;
    let sub = (i % half) + half;
    if (b < 0) {
      sub -= half;
      b = 0;
    }
    const width = POW2[unit + b];
    const low = sub * width;
    const mid = low + Math.floor(width / 2); // hdr's value for mean and stdev: the range's middle
    sum += mid * c;
    cumulative += c;
    const delta = mid - runningMean;
    runningMean += (delta * c) / cumulative;
    m2 += delta * (mid - runningMean) * c;
    while (next < order.length && cumulative >= wanted[order[next]]) {
      const k = order[next++];
      values[k] = percentiles[k] === 0 ? low : low + width - 1;
    }
  }
  const mean = sum / total;
  const clamp = (v: number): number => Math.min(x.maxValue, Math.max(x.minNonZeroValue, Number.isNaN(v) ? 0 : v));
  return { values: values.map(clamp), mean, stdev: Math.sqrt(m2 / total) };
}

/**
 * `scanHistogram(h, percentiles).values`, without the mean and deviation: its loop keeps integers
 * only (the slot each percentile falls in), so unoptimised code boxes no number per occupied
 * slot. A timeline point's scan runs once a second, never optimised, and allocated ~150-350 KB
 * there, a fifth to a third of a c=10 run's garbage.
 */
export function percentilesUs(h: Histogram, percentiles: number[]): number[] {
  const x = h as unknown as Internals;
  const total = x.totalCount;
  if (total === 0) return percentiles.map(() => 0);
  const counts = x._counts;
  const wanted = percentiles.map((p) => {
    const fp = (Math.min(p, 100) / 100) * total;
    return Math.max(Math.ceil(fp - ulp(fp)), 1);
  });
  const slotOfP = percentiles.map(() => -1);
  let left = percentiles.length;
  let cumulative = 0;
  const to = x.countsArrayIndex(x.maxValue);
  for (let i = x.countsArrayIndex(x.minNonZeroValue); i <= to && left > 0; i++) {
    const c = counts[i];
    if (c === 0) continue;
    cumulative += c;
    for (let k = 0; k < wanted.length; k++)
      if (slotOfP[k] < 0 && cumulative >= wanted[k]) {
        slotOfP[k] = i;
        left--;
      }
  }
  return slotOfP.map((i, k) => {
    if (i < 0) return Math.max(x.minNonZeroValue, Math.min(x.maxValue, 0));
    // As scanHistogram: slot i's bucket, its low value and the width of its range.
    let b = Math.floor(i / x.subBucketHalfCount) - 1;
    let sub = (i % x.subBucketHalfCount) + x.subBucketHalfCount;
    if (b < 0) {
      sub -= x.subBucketHalfCount;
      b = 0;
    }
    const width = POW2[x.unitMagnitude + b];
    const v = percentiles[k] === 0 ? sub * width : sub * width + width - 1;
    return Math.min(x.maxValue, Math.max(x.minNonZeroValue, v));
  });
}

const SUMMARY_PS = [50, 75, 90, 95, 99, 99.9];

export function summarizeHistogram(h: Histogram): LatencySummary {
  if (h.totalCount === 0) return { min: 0, mean: 0, stdev: 0, p50: 0, p75: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0 };
  const { values, mean, stdev } = scanHistogram(h, SUMMARY_PS);
  const ms = (us: number): number => round3(us / 1000);
  return {
    min: round3(h.minNonZeroValue / 1000),
    mean: round3(mean / 1000),
    stdev: round3(stdev / 1000),
    p50: ms(values[0]),
    p75: ms(values[1]),
    p90: ms(values[2]),
    p95: ms(values[3]),
    p99: ms(values[4]),
    p999: ms(values[5]),
    max: round3(h.maxValue / 1000),
  };
}

/**
 * A percentile in µs, clamped to the exact [min, max] recorded. HDR answers with the highest value
 * equivalent to the bucket (up to 0.1 % above what was recorded), which put p50 above max in a
 * run whose requests all fell in one bucket.
 */
export function percentileUs(h: Histogram, p: number): number {
  if (h.totalCount === 0) return 0;
  return scanHistogram(h, [p]).values[0];
}

/** Log-scaled buckets (`bucketCount` between min and max) and an HDR percentile curve, for charts. */
export function decodeHistogram(
  base64: string,
  bucketCount = 20,
): { buckets: Array<{ fromMs: number; toMs: number; count: number }>; percentiles: Array<{ p: number; ms: number }> } {
  const h = decodeRaw(base64);
  if (h.totalCount === 0) return { buckets: [], percentiles: [] };
  const lo = Math.max(1, h.minNonZeroValue);
  const hi = Math.max(lo + 1, h.maxValue);
  const step = Math.log(hi / lo) / bucketCount;
  const edges = Array.from({ length: bucketCount + 1 }, (_, i) => (i === bucketCount ? hi : lo * Math.exp(step * i)));
  const buckets = edges
    .slice(0, -1)
    .map((from, i) => ({ fromMs: round3(from / 1000), toMs: round3(edges[i + 1] / 1000), count: 0 }));
  // Walk recorded values once; each lands in the bucket whose upper edge bounds it.
  let b = 0;
  const values = recordedValues(h);
  for (const { value, count } of values) {
    while (b < bucketCount - 1 && value > edges[b + 1]) b++;
    buckets[b].count += count;
  }
  const ps = [0, 10, 25, 50, 75, 90, 95, 99, 99.9, 99.99, 100];
  return { buckets, percentiles: ps.map((p) => ({ p, ms: round3(percentileUs(h, p) / 1000) })) };
}

/** Distinct recorded values with their counts, ascending (equivalent-value ranges collapsed by HDR). */
export function recordedValues(h: Histogram): Array<{ value: number; count: number }> {
  const out: Array<{ value: number; count: number }> = [];
  const iter = new RecordedValuesIterator(h as unknown as ConstructorParameters<typeof RecordedValuesIterator>[0]);
  while (iter.hasNext()) {
    const v = iter.next();
    out.push({ value: v.valueIteratedTo, count: v.countAtValueIteratedTo });
  }
  return out;
}
