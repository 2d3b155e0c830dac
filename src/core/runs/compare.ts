// Compares runs against the first (the baseline). Verdicts account for noise without
// treating correlated requests as independent samples: each run's per-second timeline
// points are the samples (one p50, one p99, one throughput figure per second), and a
// percentile bootstrap (1000 resamples, seeded so results are reproducible) gives a 95%
// interval for the mean of each. Non-overlapping intervals => better/worse; overlapping
// => 'same' when the point delta is under 5%, else 'inconclusive'.
// Runs shorter than 3 full seconds (e.g. the seeds' "10 concurrent, 10 requests") have no
// per-second series to speak of; their latency rows fall back to bootstrapping the statistic
// itself over the run's requests (read off its HDR histogram), which needs ≥ 10 requests a run.
// Their throughput is judged from the count of requests over the run's duration, with a 95%
// counting interval (N ± 1.96·√N requests over the same time), so 10 requests in 10 s against
// 10 in 1 s is a clear difference and 10 in 1.00 s against 10 in 1.01 s is not. Tail
// percentiles need enough requests to exist at all (p99: 100, p99.9: 1,000), else inconclusive.
// Whatever the intervals, a difference under 5% is never better or worse: run-to-run noise on a
// shared machine is larger than that, and "+1.2 % p99: worse" misleads.
import { decodeRaw, recordedValues } from '../load/histogram';
import type { RunRecord, TimelinePoint } from '../model';
import { DEFAULT_EXPECT } from './expect';
import type { Comparison, ComparisonRow, Verdict } from './comparison';
import { stripUserinfo } from './redact';
import { seededRandom } from '../stats/seededRandom';

export type { Comparison, ComparisonRow, Verdict };

export const METHOD =
  'bootstrap 95% intervals (1000 resamples) over per-second timeline samples; runs under 3 s: latency over their requests (≥ 10; p99 ≥ 100, p99.9 ≥ 1,000), throughput from the request count over the duration (N ± 1.96·√N); under 5% apart => same, else non-overlapping => better/worse, overlapping => inconclusive';

const MIN_SECONDS = 3;
const MIN_REQUESTS = 10;
/** Requests kept per run for the per-request bootstrap: evenly ranked, so the distribution is kept. */
const MAX_REQUEST_SAMPLE = 2000;
const SAME_WITHIN = 0.05;

/** A statistic of a run's request latencies (ms, sorted ascending). */
type Statistic = (sorted: ArrayLike<number>) => number;
const quantile =
  (q: number): Statistic =>
  (xs) =>
    xs[Math.min(xs.length - 1, Math.floor(q * xs.length))];
const mean: Statistic = (xs) => {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return s / xs.length;
};

type Metric = {
  metric: string;
  unit: string;
  lowerIsBetter: boolean;
  value: (r: RunRecord) => number;
  samples?: (t: TimelinePoint) => number;
  perRequest?: Statistic;
  /** Requests a run needs before the per-request statistic means anything (default MIN_REQUESTS). */
  minRequests?: number;
};

const METRICS: Metric[] = [
  { metric: 'rps', unit: 'req/s', lowerIsBetter: false, value: (r) => r.summary.rps, samples: (t) => t.count },
  {
    metric: 'p50',
    unit: 'ms',
    lowerIsBetter: true,
    value: (r) => r.summary.latencyMs.p50,
    samples: (t) => t.p50,
    perRequest: quantile(0.5),
  },
  { metric: 'p90', unit: 'ms', lowerIsBetter: true, value: (r) => r.summary.latencyMs.p90, perRequest: quantile(0.9) },
  {
    metric: 'p99',
    unit: 'ms',
    lowerIsBetter: true,
    value: (r) => r.summary.latencyMs.p99,
    samples: (t) => t.p99,
    perRequest: quantile(0.99),
    minRequests: 100,
  },
  {
    metric: 'p999',
    unit: 'ms',
    lowerIsBetter: true,
    value: (r) => r.summary.latencyMs.p999,
    perRequest: quantile(0.999),
    minRequests: 1000,
  },
  { metric: 'max', unit: 'ms', lowerIsBetter: true, value: (r) => r.summary.latencyMs.max },
  { metric: 'mean', unit: 'ms', lowerIsBetter: true, value: (r) => r.summary.latencyMs.mean, perRequest: mean },
  {
    metric: 'errors',
    unit: '%',
    lowerIsBetter: true,
    // count − ok, not summary.errors: records written before `--expect` existed counted a 404 as
    // neither ok nor an error, and must not read as "errors 0 %".
    value: (r) =>
      r.summary.count ? (100 * Math.max(r.summary.errors, r.summary.count - r.summary.ok)) / r.summary.count : 0,
    samples: (t) => (t.count ? (100 * t.errors) / t.count : 0),
  },
];

/** 95% percentile-bootstrap interval of `stat` over resamples of `xs` (stat gets each resample sorted). */
export function bootstrapInterval(
  xs: ArrayLike<number>,
  stat: Statistic = mean,
  resamples = 1000,
  seed = 1,
): [number, number] {
  const next = seededRandom(seed);
  const sample = new Float64Array(xs.length);
  const stats: number[] = [];
  for (let i = 0; i < resamples; i++) {
    for (let j = 0; j < xs.length; j++) sample[j] = xs[Math.floor(next() * xs.length)];
    sample.sort();
    stats.push(stat(sample));
  }
  stats.sort((a, b) => a - b);
  return [stats[Math.floor(0.025 * resamples)], stats[Math.ceil(0.975 * resamples) - 1]];
}

/** A run's request latencies in ms, ascending: all of them, or MAX_REQUEST_SAMPLE evenly ranked ones. */
export function requestLatencies(r: RunRecord): Float64Array {
  if (!r.histogram) return new Float64Array(0);
  const h = decodeRaw(r.histogram);
  const total = h.totalCount;
  const n = Math.min(total, MAX_REQUEST_SAMPLE);
  const out = new Float64Array(n);
  let k = 0;
  let seen = 0;
  for (const { value, count } of recordedValues(h)) {
    seen += count;
    // Rank k (of n) stands for request floor((k + 0.5) · total / n).
    while (k < n && Math.floor(((k + 0.5) * total) / n) < seen) out[k++] = value / 1000;
  }
  return out;
}

/** Full seconds only: the last bucket of a run is usually partial and would bias throughput. */
function fullSeconds(r: RunRecord): TimelinePoint[] {
  const t = r.timeline.filter((p) => p.count > 0);
  return t.length > 1 && r.summary.durationS < t.length ? t.slice(0, -1) : t;
}

/** Verdict from per-second samples of one metric (the mean of each run's series is compared). */
export function verdictFor(base: number[], other: number[], lowerIsBetter: boolean): Verdict {
  if (base.length < MIN_SECONDS || other.length < MIN_SECONDS) return 'inconclusive';
  return fromIntervals(bootstrapInterval(base), bootstrapInterval(other), mean(base), mean(other), lowerIsBetter);
}

/** Verdict from two runs' request latencies (sorted, ms) for a statistic such as p50. */
export function requestVerdictFor(
  base: Float64Array,
  other: Float64Array,
  stat: Statistic,
  lowerIsBetter: boolean,
  minRequests = MIN_REQUESTS,
): Verdict {
  if (base.length < minRequests || other.length < minRequests) return 'inconclusive';
  return fromIntervals(
    bootstrapInterval(base, stat),
    bootstrapInterval(other, stat),
    stat(base),
    stat(other),
    lowerIsBetter,
  );
}

/** 95% interval of a rate from `count` events over `seconds` (normal approximation to the count's spread). */
export function rateInterval(count: number, seconds: number): [number, number] {
  const spread = 1.96 * Math.sqrt(count);
  return [Math.max(0, count - spread) / seconds, (count + spread) / seconds];
}

/** Throughput verdict of two runs from their request counts over their durations. */
export function rateVerdictFor(
  base: { count: number; durationS: number },
  other: { count: number; durationS: number },
): Verdict {
  if (base.count < MIN_REQUESTS || other.count < MIN_REQUESTS || !(base.durationS > 0) || !(other.durationS > 0))
    return 'inconclusive';
  return fromIntervals(
    rateInterval(base.count, base.durationS),
    rateInterval(other.count, other.durationS),
    base.count / base.durationS,
    other.count / other.durationS,
    false,
  );
}

function fromIntervals(
  [bl, bh]: [number, number],
  [ol, oh]: [number, number],
  bm: number,
  om: number,
  lowerIsBetter: boolean,
): Verdict {
  const scale = Math.max(Math.abs(bm), Math.abs(om));
  const small = scale === 0 || Math.abs(om - bm) / scale < SAME_WITHIN;
  if (small) return 'same'; // inside the noise of one machine, whatever the intervals say
  if (oh < bl) return lowerIsBetter ? 'better' : 'worse';
  if (ol > bh) return lowerIsBetter ? 'worse' : 'better';
  return 'inconclusive';
}

function configOf(r: RunRecord): Record<string, string> {
  // No userinfo, even from run files of older versions; a record without `expect` was judged by the default.
  const out: Record<string, string> = { url: stripUserinfo(r.target.url), method: r.target.method };
  for (const [k, v] of Object.entries(r.config)) if (v !== undefined) out[k] = String(v);
  out.expect ??= DEFAULT_EXPECT;
  if (r.server)
    for (const [k, v] of Object.entries(r.server)) out[`server.${k}`] = typeof v === 'string' ? v : JSON.stringify(v);
  return out;
}

export function compareRuns(runs: RunRecord[]): Comparison {
  if (runs.length < 2) throw new Error('compare needs at least two runs');
  const seconds = runs.map(fullSeconds);
  const short = seconds.map((s) => s.length < MIN_SECONDS);
  const requests = new Map<number, Float64Array>();
  const latencies = (i: number): Float64Array => requests.get(i) ?? requests.set(i, requestLatencies(runs[i])).get(i)!;
  // undefined: this metric has no verdict of its own for run i (it may borrow one below).
  const verdictOf = (m: Metric, i: number): Verdict | undefined => {
    if (short[0] || short[i]) {
      if (m.perRequest)
        return requestVerdictFor(latencies(0), latencies(i), m.perRequest, m.lowerIsBetter, m.minRequests);
      if (m.metric === 'rps') return rateVerdictFor(runs[0].summary, runs[i].summary);
      return m.value(runs[0]) === m.value(runs[i]) ? 'same' : 'inconclusive'; // e.g. 0 % errors in both
    }
    return m.samples ? verdictFor(seconds[0].map(m.samples), seconds[i].map(m.samples), m.lowerIsBetter) : undefined;
  };
  const rows: ComparisonRow[] = METRICS.map((m) => {
    const values = runs.map(m.value);
    const b = values[0];
    const verdicts = runs.map((_, i): Verdict => (i === 0 ? 'same' : (verdictOf(m, i) ?? 'inconclusive')));
    return {
      metric: m.metric,
      unit: m.unit,
      values,
      deltas: values.map((v) => v - b),
      ratios: values.map((v) => (b === 0 ? (v === 0 ? 1 : Infinity) : v / b)),
      verdicts,
    };
  });
  // Long runs: metrics without a per-second series (p90, p999, max, mean) borrow the verdict of the nearest sampled one.
  const byName = new Map(rows.map((r) => [r.metric, r]));
  for (const [metric, proxy] of [
    ['p90', 'p99'],
    ['p999', 'p99'],
    ['max', 'p99'],
    ['mean', 'p50'],
  ] as const) {
    const row = byName.get(metric);
    const p = byName.get(proxy);
    if (row && p)
      row.verdicts = row.verdicts.map((v, i) =>
        i === 0 || short[0] || short[i]
          ? v
          : p.verdicts[i] === 'same' || sameDirection(row, i) === p.verdicts[i]
            ? p.verdicts[i]
            : 'inconclusive',
      );
  }
  const configs = runs.map(configOf);
  const keys = [...new Set(configs.flatMap((c) => Object.keys(c)))];
  const configDiffs = keys
    .map((key) => ({ key, values: configs.map((c) => c[key] ?? '') }))
    .filter((d) => new Set(d.values).size > 1);
  return {
    runs: runs.map((r) => ({ id: r.id, ...(r.label ? { label: r.label } : {}) })),
    rows,
    configDiffs,
    method: METHOD,
  };
}

/** Direction of a lower-is-better row's point delta, as a verdict word. */
function sameDirection(row: ComparisonRow, i: number): Verdict {
  return row.deltas[i] < 0 ? 'better' : row.deltas[i] > 0 ? 'worse' : 'same';
}
