// Latency histograms: hdr-histogram-js in pure-JS mode (no wasm init to await, works in a
// worker and bundled), values in microseconds from 1 µs to 1 h with 3 significant digits.
import * as hdr from 'hdr-histogram-js';
import RecordedValuesIterator from 'hdr-histogram-js/dist/RecordedValuesIterator';
import type { LatencySummary } from '../model';

export type Histogram = hdr.Histogram;

const HIGHEST_US = 3_600_000_000;

export function newHistogram(): Histogram {
  return hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_US,
    numberOfSignificantValueDigits: 3,
    bitBucketSize: 64,
    useWebAssembly: false,
  });
}

/** Records a latency in µs, clamped into the trackable range so an hour-long stall never throws. */
export function recordUs(h: Histogram, us: number): void {
  h.recordValue(Math.min(HIGHEST_US, Math.max(1, Math.round(us))));
}

export function encodeHistogram(h: Histogram): string {
  return hdr.encodeIntoCompressedBase64(h);
}

export function decodeRaw(base64: string): Histogram {
  return hdr.decodeFromCompressedBase64(base64, 64, false);
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

export function summarizeHistogram(h: Histogram): LatencySummary {
  if (h.totalCount === 0) return { min: 0, mean: 0, stdev: 0, p50: 0, p75: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0 };
  const ms = (p: number): number => round3(percentileUs(h, p) / 1000);
  return {
    min: round3(h.minNonZeroValue / 1000),
    mean: round3(h.mean / 1000),
    stdev: round3(h.stdDeviation / 1000),
    p50: ms(50),
    p75: ms(75),
    p90: ms(90),
    p95: ms(95),
    p99: ms(99),
    p999: ms(99.9),
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
  return Math.min(h.maxValue, Math.max(h.minNonZeroValue, h.getValueAtPercentile(p)));
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
