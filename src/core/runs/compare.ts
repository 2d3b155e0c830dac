// Compares runs against the first (the baseline). Verdicts account for noise without
// treating correlated requests as independent samples: each run's per-second timeline
// points are the samples (one p50, one p99, one throughput figure per second), and a
// percentile bootstrap (1000 resamples, seeded so results are reproducible) gives a 95%
// interval for the mean of each. Non-overlapping intervals => better/worse; overlapping
// => 'same' when the point delta is under 5%, else 'inconclusive'. Fewer than 3 full
// seconds in either run => 'inconclusive' (too little data to judge noise).
import type { RunRecord, TimelinePoint } from '../model';

export type Verdict = 'better' | 'worse' | 'same' | 'inconclusive';
export interface ComparisonRow { metric: string; unit: string; values: number[]; deltas: number[]; ratios: number[]; verdicts: Verdict[]; }
export interface Comparison { runs: Array<{ id: string; label?: string }>; rows: ComparisonRow[]; configDiffs: Array<{ key: string; values: string[] }>; method: string }

export const METHOD = 'bootstrap 95% intervals (1000 resamples) over per-second timeline samples; non-overlapping => better/worse, overlapping and <5% apart => same, else inconclusive; <3 seconds of data => inconclusive';

const MIN_SECONDS = 3;
const SAME_WITHIN = 0.05;

type Metric = { metric: string; unit: string; lowerIsBetter: boolean; value: (r: RunRecord) => number; samples?: (t: TimelinePoint) => number };

const METRICS: Metric[] = [
  { metric: 'rps', unit: 'req/s', lowerIsBetter: false, value: (r) => r.summary.rps, samples: (t) => t.count },
  { metric: 'p50', unit: 'ms', lowerIsBetter: true, value: (r) => r.summary.latencyMs.p50, samples: (t) => t.p50 },
  { metric: 'p90', unit: 'ms', lowerIsBetter: true, value: (r) => r.summary.latencyMs.p90 },
  { metric: 'p99', unit: 'ms', lowerIsBetter: true, value: (r) => r.summary.latencyMs.p99, samples: (t) => t.p99 },
  { metric: 'p999', unit: 'ms', lowerIsBetter: true, value: (r) => r.summary.latencyMs.p999 },
  { metric: 'max', unit: 'ms', lowerIsBetter: true, value: (r) => r.summary.latencyMs.max },
  { metric: 'mean', unit: 'ms', lowerIsBetter: true, value: (r) => r.summary.latencyMs.mean },
  { metric: 'errors', unit: '%', lowerIsBetter: true, value: (r) => (r.summary.count ? (100 * r.summary.errors) / r.summary.count : 0), samples: (t) => (t.count ? (100 * t.errors) / t.count : 0) },
];

/** Deterministic PRNG (mulberry32) so the same runs always get the same verdict. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** 95% percentile-bootstrap interval for the mean of `xs`. */
export function bootstrapMeanInterval(xs: number[], resamples = 1000, seed = 1): [number, number] {
  const next = rng(seed);
  const means: number[] = [];
  for (let i = 0; i < resamples; i++) {
    let s = 0;
    for (let j = 0; j < xs.length; j++) s += xs[Math.floor(next() * xs.length)];
    means.push(s / xs.length);
  }
  means.sort((a, b) => a - b);
  return [means[Math.floor(0.025 * resamples)], means[Math.ceil(0.975 * resamples) - 1]];
}

/** Full seconds only: the last bucket of a run is usually partial and would bias throughput. */
function fullSeconds(r: RunRecord): TimelinePoint[] {
  const t = r.timeline.filter((p) => p.count > 0);
  return t.length > 1 && r.summary.durationS < t.length ? t.slice(0, -1) : t;
}

export function verdictFor(base: number[], other: number[], lowerIsBetter: boolean): Verdict {
  if (base.length < MIN_SECONDS || other.length < MIN_SECONDS) return 'inconclusive';
  const [bl, bh] = bootstrapMeanInterval(base);
  const [ol, oh] = bootstrapMeanInterval(other);
  const bm = base.reduce((a, b) => a + b, 0) / base.length;
  const om = other.reduce((a, b) => a + b, 0) / other.length;
  if (oh < bl) return lowerIsBetter ? 'better' : 'worse';
  if (ol > bh) return lowerIsBetter ? 'worse' : 'better';
  const scale = Math.max(Math.abs(bm), Math.abs(om));
  return scale === 0 || Math.abs(om - bm) / scale < SAME_WITHIN ? 'same' : 'inconclusive';
}

function configOf(r: RunRecord): Record<string, string> {
  const out: Record<string, string> = { url: r.target.url, method: r.target.method };
  for (const [k, v] of Object.entries(r.config)) if (v !== undefined) out[k] = String(v);
  if (r.server) for (const [k, v] of Object.entries(r.server)) out[`server.${k}`] = typeof v === 'string' ? v : JSON.stringify(v);
  return out;
}

export function compareRuns(runs: RunRecord[]): Comparison {
  if (runs.length < 2) throw new Error('compare needs at least two runs');
  const base = runs[0];
  const rows: ComparisonRow[] = METRICS.map((m) => {
    const values = runs.map(m.value);
    const b = values[0];
    const verdicts = runs.map((r, i): Verdict => {
      if (i === 0) return 'same';
      if (!m.samples) return 'inconclusive';
      return verdictFor(fullSeconds(base).map(m.samples), fullSeconds(r).map(m.samples), m.lowerIsBetter);
    });
    // Metrics without a per-second series (p90, p999, max, mean) borrow the verdict of the nearest sampled one.
    return { metric: m.metric, unit: m.unit, values, deltas: values.map((v) => v - b), ratios: values.map((v) => (b === 0 ? (v === 0 ? 1 : Infinity) : v / b)), verdicts };
  });
  const byName = new Map(rows.map((r) => [r.metric, r]));
  for (const [metric, proxy] of [['p90', 'p99'], ['p999', 'p99'], ['max', 'p99'], ['mean', 'p50']] as const) {
    const row = byName.get(metric); const p = byName.get(proxy);
    if (row && p) row.verdicts = row.verdicts.map((v, i) => (i === 0 ? v : p.verdicts[i] === 'same' || sameDirection(row, i) === p.verdicts[i] ? p.verdicts[i] : 'inconclusive'));
  }
  const configs = runs.map(configOf);
  const keys = [...new Set(configs.flatMap((c) => Object.keys(c)))];
  const configDiffs = keys.map((key) => ({ key, values: configs.map((c) => c[key] ?? '') })).filter((d) => new Set(d.values).size > 1);
  return { runs: runs.map((r) => ({ id: r.id, ...(r.label ? { label: r.label } : {}) })), rows, configDiffs, method: METHOD };
}

/** Direction of a lower-is-better row's point delta, as a verdict word. */
function sameDirection(row: ComparisonRow, i: number): Verdict {
  return row.deltas[i] < 0 ? 'better' : row.deltas[i] > 0 ? 'worse' : 'same';
}
