// The verdict of a concurrency sweep, as a pure function of what each level measured.
//
// Method (ARCHITECTURE.md has the why):
// - Throughput X(N) counts ok requests only (ok / the level's measured duration); R(N) is the
//   mean latency (Little's law needs the mean; the sentence quotes medians, a typical request).
//   Speedup s(N) = X(N) / X₀, N₀ the lowest level (normally 1), X₀ = max(X(N₀), N₀ / its median
//   latency) (`baseline`: a few slow requests alone must not make every higher level look faster).
// - Refused before any kind is given: a level where most requests failed, and a level where
//   Little's law says the client (or a connection limit) kept fewer than half the requested
//   requests in flight (X·R / N < 0.5) — the server was not what was measured.
// - Kinds, with dead bands between them (a figure in a band is `inconclusive`, never a guess):
//     degrades   X at the top level ≤ 75% of the peak, the peak below the top and ≥ 1.5× X(N₀)
//     scales     efficiency s(top) / (top/N₀) ≥ 0.7
//     serialised the best speedup ≤ 1.5 (≤ 1.25 with only a 2× range) and R grew ≥ half as much as N
//     saturates  the best speedup ≥ 1.8 and X at the top within 25% of the peak;
//                saturatesAt = round(best speedup × N₀), the requests served in parallel
// - Noise: each level's X is resampled (per-second throughput when a level lasts ≥ 3 full
//   seconds, else its request latencies through Little's law, X* = X·R̄/R̄*); when fewer than
//   80% of 200 resampled sweeps get the same kind, the verdict is `inconclusive`.
// - The Universal Scalability Law is fitted (ml-levenberg-marquardt) and reported with a
//   residual-bootstrap interval for α, but it does not decide the kind: with 4–5 levels α and β
//   trade off against each other, while the ratios above are read straight off the data.
import { levenbergMarquardt } from 'ml-levenberg-marquardt';
import { seededRandom } from '../stats/seededRandom';

export type SweepKind = 'serialised' | 'scales' | 'saturates' | 'degrades' | 'inconclusive';

/** What one level measured (the verdict's input). */
export interface LevelMeasure {
  concurrency: number;
  /** Ok requests per second over the measured phase. */
  rps: number;
  latencyMs: { p50: number; p99: number; mean: number };
  count: number;
  ok: number;
  errors: number;
  /** Why requests failed, e.g. { timeout: 12 }. */
  errorKinds?: Record<string, number>;
  /** The load engine saw its own event loop lag: the client, not the server, may be the limit. */
  clientBound?: boolean;
  /** Ok requests in each full second of the level, for the noise check. */
  secondRates?: readonly number[];
  /** Request latencies (ms), for the noise check of levels too short for per-second rates. */
  latencySample?: ArrayLike<number>;
}

export interface SweepVerdict {
  kind: SweepKind;
  /** Effective parallel requests at the top level: X(top) · R(N₀) (R in seconds). */
  parallelism: number;
  saturatesAt?: number;
  /** The sentence a person reads. */
  text: string;
  /** For inconclusive: what to run instead. */
  advice?: string;
  /** Share of resampled sweeps that got this kind (when resamples were possible). */
  agreement?: number;
}

export interface UslFit {
  alpha: number;
  beta: number;
  lambda: number;
  peakConcurrency?: number;
  r2: number;
  /** 95% residual-bootstrap interval of α. */
  alphaInterval?: [number, number];
}

const round = (x: number, digits: number): number => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

export function formatMs(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toFixed(ms >= 10_000 ? 0 : 1)} s`;
  if (ms >= 10) return `${Math.round(ms)} ms`;
  return `${round(ms, 1)} ms`;
}

export function formatRps(x: number): string {
  return x >= 100 ? String(Math.round(x)) : x.toFixed(1);
}

const ratioText = (r: number): string => (r >= 3 ? String(Math.round(r)) : String(round(r, 1)));
/** Throughput ratios keep their decimal: 7.6× is not 8×. */
const speedupText = (r: number): string => (r >= 10 ? String(Math.round(r)) : String(round(r, 1)));

interface Shape {
  kind: SweepKind;
  saturatesAt?: number;
  /** Index of the level with the highest throughput. */
  peak: number;
  reason?: string;
}

/**
 * The kind for throughputs `x` and mean latencies `r` at concurrencies `c` (ascending, ≥ 2 levels).
 * Speedups are relative to `base`, the lowest level's throughput (see `baseline`).
 */
export function classify(c: readonly number[], x: readonly number[], r: readonly number[], base: number = x[0]): Shape {
  const top = c.length - 1;
  const range = c[top] / c[0];
  const s = x.map((v) => v / base);
  let peak = 0;
  for (let i = 1; i <= top; i++) if (x[i] > x[peak]) peak = i;
  const sMax = s[peak];
  const efficiency = s[top] / range;
  if (!(x[0] > 0)) return { kind: 'inconclusive', peak, reason: `no request succeeded at ${c[0]} concurrent` };
  if (peak < top && x[top] <= 0.75 * x[peak] && sMax >= 1.5) return { kind: 'degrades', peak };
  if (efficiency >= 0.7) return { kind: 'scales', peak };
  const flat = range >= 4 ? 1.5 : 1.25;
  if (sMax <= flat) {
    if (r[top] / r[0] >= 0.5 * range) return { kind: 'serialised', peak };
    return {
      kind: 'inconclusive',
      peak,
      reason: `throughput stayed flat but latency grew only ${ratioText(r[top] / r[0])}× from ${c[0]} to ${c[top]} concurrent requests`,
    };
  }
  if (sMax >= 1.8 && x[top] >= 0.75 * x[peak]) return { kind: 'saturates', peak, saturatesAt: Math.round(sMax * c[0]) };
  return {
    kind: 'inconclusive',
    peak,
    reason: `throughput rose ${ratioText(sMax)}× from ${c[0]} to ${c[peak]} concurrent requests: between serialising and saturating`,
  };
}

/**
 * The lowest level's throughput as the yardstick for speedups: the measured X(N₀), or N₀ over its
 * median latency when that is higher. Alone, each request also pays the client's round trip and,
 * on a busy machine, the wake-up of an idle server and client; a few slow ones pull X(N₀) down
 * (never the median), and every higher level then looks faster than it is: a serialising handler
 * measured 15 → 22 req/s (1.5×) with a 65 ms mean but a 52 ms median alone.
 */
export function baseline(l: LevelMeasure): number {
  const byMedian = l.latencyMs.p50 > 0 ? (l.concurrency * 1000) / l.latencyMs.p50 : 0;
  return Math.max(l.rps, byMedian);
}

function mean(xs: ArrayLike<number>): number {
  let t = 0;
  for (let i = 0; i < xs.length; i++) t += xs[i];
  return xs.length ? t / xs.length : 0;
}

/** One resampled throughput for a level (see the header), or its measured one. */
function resampledRps(l: LevelMeasure, next: () => number): number {
  const sec = l.secondRates;
  if (sec && sec.length >= 3) {
    let t = 0;
    for (let i = 0; i < sec.length; i++) t += sec[Math.floor(next() * sec.length)];
    return t / sec.length;
  }
  const lat = l.latencySample;
  if (lat && lat.length >= 10) {
    let t = 0;
    for (let i = 0; i < lat.length; i++) t += lat[Math.floor(next() * lat.length)];
    const m = t / lat.length;
    return m > 0 ? (l.rps * mean(lat)) / m : l.rps;
  }
  return l.rps;
}

function usableSamples(l: LevelMeasure): boolean {
  return (l.secondRates?.length ?? 0) >= 3 || (l.latencySample?.length ?? 0) >= 10;
}

/** Fits X(N) = λN / (1 + α(N−1) + βN(N−1)); undefined with fewer than 3 levels or no convergence. */
export function fitUsl(c: readonly number[], x: readonly number[], bootstrap = 100): UslFit | undefined {
  if (c.length < 3 || !(x[0] > 0)) return undefined;
  const scale = x[0] / c[0]; // fit in units of one request's throughput: better conditioned
  const y = x.map((v) => v / scale);
  const model =
    ([l, a, b]: number[]) =>
    (n: number): number =>
      (l * n) / (1 + a * (n - 1) + b * n * (n - 1));
  const solve = (ys: readonly number[]): number[] | undefined => {
    let best: { p: number[]; sse: number } | undefined;
    for (const start of [
      [1, 0.05, 0.001],
      [1, 0.5, 0.01],
      [1, 0.95, 0.0001],
    ]) {
      try {
        const { parameterValues: p } = levenbergMarquardt({ x: c, y: ys }, model, {
          initialValues: start,
          minValues: [1e-9, 0, 0],
          maxValues: [1e9, 1, 10],
          maxIterations: 200,
          damping: 1e-2,
          gradientDifference: 1e-6,
          centralDifference: true,
          errorTolerance: 1e-10,
        });
        const f = model(p);
        const sse = c.reduce((t, n, i) => t + (ys[i] - f(n)) ** 2, 0);
        if (Number.isFinite(sse) && (!best || sse < best.sse)) best = { p, sse };
      } catch {
        // a start that diverges: the others remain
      }
    }
    return best?.p;
  };
  const p = solve(y);
  if (!p) return undefined;
  const f = model(p);
  const fitted = c.map((n) => f(n));
  const my = mean(y);
  const sst = y.reduce((t, v) => t + (v - my) ** 2, 0);
  const sse = y.reduce((t, v, i) => t + (v - fitted[i]) ** 2, 0);
  const [lambda, alpha, beta] = p;
  const out: UslFit = {
    alpha: round(alpha, 4),
    beta: round(beta, 6),
    lambda: round(lambda * scale, 4),
    r2: round(sst > 0 ? 1 - sse / sst : 1, 4),
  };
  if (beta > 1e-6 && alpha < 1) out.peakConcurrency = round(Math.sqrt((1 - alpha) / beta), 1);
  if (bootstrap > 0 && c.length >= 4) {
    const next = seededRandom(7);
    const residuals = y.map((v, i) => v - fitted[i]);
    const alphas: number[] = [];
    for (let b = 0; b < bootstrap; b++) {
      const yb = fitted.map((v) => Math.max(1e-9, v + residuals[Math.floor(next() * residuals.length)]));
      const pb = solve(yb);
      if (pb) alphas.push(pb[1]);
    }
    alphas.sort((a, b) => a - b);
    if (alphas.length >= bootstrap / 2)
      out.alphaInterval = [
        round(alphas[Math.floor(0.025 * alphas.length)], 4),
        round(alphas[Math.ceil(0.975 * alphas.length) - 1], 4),
      ];
  }
  return out;
}

function failureSummary(l: LevelMeasure): string {
  const kinds = Object.entries(l.errorKinds ?? {})
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k} ×${n}`);
  return kinds.length ? ` (${kinds.join(', ')})` : '';
}

/**
 * When the server's worker count is known and matches what was served in parallel, say so:
 * each worker then handles one request at a time (a sync worker by design; an async worker
 * whose event loop a blocking call holds, because a connection stays with the worker that accepted it).
 */
function workersNote(shape: Shape, workers: number | undefined): string {
  if (!workers || workers < 2) return '';
  if (shape.kind === 'saturates' && Math.abs((shape.saturatesAt ?? 0) - workers) <= Math.max(0.5, 0.25 * workers))
    return ` That is one request per worker (${workers} workers): each worker serves one at a time.`;
  if (shape.kind === 'serialised') return ` Its ${workers} workers did not share the load.`;
  return '';
}

/**
 * The sentence for a decided kind. `r`: what a typical request waited — the median alone, and at
 * higher levels the larger of median and mean (the median trails while a level's queue fills; the
 * mean shows the slow side when connections split unevenly over workers: 117 ms median, 400 ms mean).
 */
function sentence(
  subject: string,
  shape: Shape,
  c: readonly number[],
  x: readonly number[],
  r: readonly number[],
): string {
  const top = c.length - 1;
  const N = c[top];
  const alone = c[0] === 1 ? 'alone' : `at ${c[0]}`;
  const one = c[0] === 1 ? 'one' : `${c[0]}`;
  const waits = `each waits ~${ratioText(r[top] / r[0])}× as long as ${alone} (${formatMs(r[top])} vs ${formatMs(r[0])})`;
  switch (shape.kind) {
    case 'serialised':
      return `${subject} serialises: at ${N} concurrent requests ${waits} and throughput stays at ${formatRps(x[top])} req/s.`;
    case 'scales': {
      const same = r[top] / r[0] < 1.5;
      return (
        `${subject} scales: at ${N} concurrent requests throughput is ${speedupText(x[top] / x[0])}× that of ${one} ` +
        `(${formatRps(x[top])} vs ${formatRps(x[0])} req/s) and ${same ? `each request takes about as long as ${alone} (${formatMs(r[top])} vs ${formatMs(r[0])})` : waits}.`
      );
    }
    case 'saturates':
      return (
        `${subject} saturates at ≈ ${shape.saturatesAt} in parallel: throughput levels off at ${formatRps(x[shape.peak])} req/s ` +
        `(${speedupText(x[shape.peak] / x[0])}× that of ${one}); at ${N} concurrent requests ${waits}.`
      );
    default:
      return (
        `${subject} degrades past ${c[shape.peak]} concurrent requests: throughput peaks at ${formatRps(x[shape.peak])} req/s ` +
        `there and falls to ${formatRps(x[top])} req/s at ${N} (${formatMs(r[top])} a request vs ${formatMs(r[0])} ${alone}).`
      );
  }
}

/**
 * The verdict for a sweep's levels (any order). `subject` names the endpoint in the sentence,
 * e.g. "GET /blocking".
 */
export function sweepVerdict(
  levels: readonly LevelMeasure[],
  subject: string,
  context: { workers?: number } = {},
): { verdict: SweepVerdict; usl?: UslFit } {
  const ls = [...levels].sort((a, b) => a.concurrency - b.concurrency);
  const inconclusive = (reason: string, advice: string, parallelism = 0): { verdict: SweepVerdict; usl?: UslFit } => ({
    verdict: {
      kind: 'inconclusive',
      parallelism: round(parallelism, 2),
      text: `${subject}: inconclusive — ${reason}. ${advice}`,
      advice,
    },
  });
  if (ls.length < 2 || ls[ls.length - 1].concurrency / ls[0].concurrency < 2)
    return inconclusive(
      'a verdict needs at least two concurrency levels, the highest at least twice the lowest',
      'Sweep e.g. --levels 1,2,4,8.',
    );
  for (const l of ls) {
    if (l.count === 0 || l.ok < 0.5 * l.count)
      return inconclusive(
        `${l.count - l.ok} of ${l.count} requests failed at ${l.concurrency} concurrent${failureSummary(l)}`,
        l.errorKinds?.timeout
          ? 'Raise the request timeout (-t) or sweep lower levels, then run again.'
          : 'Fix what makes them fail (see the run records), then sweep again.',
      );
  }
  const c = ls.map((l) => l.concurrency);
  const x = ls.map((l) => l.rps);
  const r = ls.map((l) => l.latencyMs.mean);
  const top = ls.length - 1;
  const parallelism = (x[top] * r[0]) / 1000;
  for (const l of ls) {
    const inFlight = (l.rps * l.latencyMs.mean) / 1000;
    if (inFlight < 0.5 * l.concurrency)
      return inconclusive(
        `at ${l.concurrency} concurrent requests only ${round(inFlight, 1)} were in flight on average (Little's law, X·R = ${formatRps(l.rps)} req/s × ${formatMs(l.latencyMs.mean)}): the client or a connection limit was the bottleneck${l.clientBound ? ' (the load generator itself lagged)' : ''}`,
        'Give each level more requests (-n) or a duration (-z), and check nothing limits connections between client and server.',
        parallelism,
      );
  }
  const usl = fitUsl(c, x);
  const base = baseline(ls[0]);
  const shape = classify(c, x, r, base);

  // Noise: does the kind survive resampling each level's throughput?
  let agreement: number | undefined;
  if (ls.some(usableSamples)) {
    const next = seededRandom(1);
    const resamples = 200;
    let same = 0;
    for (let b = 0; b < resamples; b++) {
      const xb = ls.map((l) => resampledRps(l, next));
      const rb = xb.map((v, i) => (v > 0 ? (r[i] * x[i]) / v : r[i])); // Little's law: R moves against X
      if (classify(c, xb, rb, Math.max(xb[0], base)).kind === shape.kind) same++;
    }
    agreement = same / resamples;
  }
  const withUsl = (v: SweepVerdict): { verdict: SweepVerdict; usl?: UslFit } => ({
    verdict: v,
    ...(usl ? { usl } : {}),
  });
  if (shape.kind === 'inconclusive')
    return withUsl({
      ...inconclusive(
        shape.reason ?? 'the levels fit no clear shape',
        `Run longer levels (-n or -z), add levels (--levels ${c.join(',')},${c[top] * 2}), or sweep on a quieter machine.`,
        parallelism,
      ).verdict,
      ...(agreement !== undefined ? { agreement: round(agreement, 2) } : {}),
    });
  if (agreement !== undefined && agreement < 0.8)
    return withUsl({
      ...inconclusive(
        `the levels looked like “${shape.kind}”, but only ${Math.round(agreement * 100)}% of resampled sweeps agree (noise too large)`,
        'Run longer levels (-z 10s) or on a quieter machine.',
        parallelism,
      ).verdict,
      agreement: round(agreement, 2),
    });

  const text =
    sentence(
      subject,
      shape,
      c,
      x,
      ls.map((l, i) => (i === 0 ? l.latencyMs.p50 : Math.max(l.latencyMs.p50, l.latencyMs.mean))),
    ) + workersNote(shape, context.workers);
  return withUsl({
    kind: shape.kind,
    parallelism: round(parallelism, 2),
    ...(shape.saturatesAt !== undefined ? { saturatesAt: shape.saturatesAt } : {}),
    text,
    ...(agreement !== undefined ? { agreement: round(agreement, 2) } : {}),
  });
}
