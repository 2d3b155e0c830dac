// Run records built from chosen latencies, statuses and timelines (no server, no waiting), for
// the editor models and the results webview: a 404 run as today's engine writes it, runs that
// are tight (107–111 ms), wide (1 ms–10 s), short (10 requests) or long (60 s).
import { encodeHistogram, newHistogram, recordUs, summarizeHistogram } from '../../src/core/load/histogram';
import type { RunRecord, TimelinePoint } from '../../src/core/model';

export interface SyntheticRun {
  id?: string;
  label?: string;
  /** One latency per request, ms. */
  latenciesMs: number[];
  statusCodes?: Record<string, number>;
  errorKinds?: RunRecord['errorKinds'];
  errorSamples?: RunRecord['errorSamples'];
  durationS?: number;
  concurrency?: number;
  /** Spread the requests over whole seconds of the run (the last one partial) unless given. */
  timeline?: TimelinePoint[];
  status?: RunRecord['status'];
  url?: string;
  server?: RunRecord['server'];
  route?: RunRecord['route'];
  createdAt?: string;
}

let n = 0;

/** Requests spread evenly over `durationS`, one point per started second, each with its p50/p99. */
export function spreadTimeline(latenciesMs: number[], durationS: number): TimelinePoint[] {
  const seconds = Math.ceil(durationS);
  const points: TimelinePoint[] = [];
  for (let t = 0; t < seconds; t++) {
    const width = Math.min(1, durationS - t);
    const from = Math.floor((t / durationS) * latenciesMs.length);
    const to = Math.floor(((t + width) / durationS) * latenciesMs.length);
    const slice = latenciesMs.slice(from, to).sort((a, b) => a - b);
    const at = (q: number): number => slice[Math.min(slice.length - 1, Math.floor(q * slice.length))] ?? 0;
    points.push({ t, count: slice.length, errors: 0, p50: at(0.5), p99: at(0.99) });
  }
  return points;
}

export function syntheticRun(o: SyntheticRun): RunRecord {
  const h = newHistogram();
  for (const ms of o.latenciesMs) recordUs(h, ms * 1000);
  const count = o.latenciesMs.length;
  const durationS = o.durationS ?? 1;
  const statusCodes = o.statusCodes ?? { '200': count };
  const errors = Object.values(o.errorKinds ?? {}).reduce((s, x) => s + (x ?? 0), 0);
  n++;
  return {
    schemaVersion: 1,
    id: o.id ?? `synthetic-${n}`,
    ...(o.label ? { label: o.label } : {}),
    createdAt: o.createdAt ?? new Date(Date.UTC(2026, 0, 1, 12, 0, n)).toISOString(),
    target: { url: o.url ?? 'http://127.0.0.1:8000/items', method: 'GET', headers: {}, bodyBytes: 0 },
    config: { model: 'closed', concurrency: o.concurrency ?? 10, requests: count, timeoutS: 10, warmup: 0 },
    environment: { host: 'test', cpus: 2, node: process.version, tool: 'endpoint-profiler', version: '0.0.0' },
    ...(o.server ? { server: o.server } : {}),
    ...(o.route ? { route: o.route } : {}),
    // As today's engine writes it: every answered request counts as ok, whatever its status.
    summary: {
      count: count + errors,
      ok: count,
      errors,
      rps: count / durationS,
      durationS,
      latencyMs: summarizeHistogram(h),
    },
    statusCodes,
    errorKinds: o.errorKinds ?? {},
    ...(o.errorSamples ? { errorSamples: o.errorSamples } : {}),
    timeline: o.timeline ?? spreadTimeline(o.latenciesMs, durationS),
    histogram: encodeHistogram(h),
    status: o.status ?? 'complete',
  };
}

/** `count` latencies evenly from `lo` to `hi` ms (log-spaced when `log`). */
export function latencies(count: number, lo: number, hi: number, log = false): number[] {
  return Array.from({ length: count }, (_, i) => {
    const f = count === 1 ? 0 : i / (count - 1);
    return log ? lo * (hi / lo) ** f : lo + (hi - lo) * f;
  });
}
