// Runs a load in worker threads (worker.ts) and merges what they measure, as autocannon's workers:
// each thread takes a share of the lanes (and of -n, -q and --warmup), all start together from a
// common start once every thread is warm, and their figures arrive as deltas (recorder.ts) that
// add up exactly: counters, status codes and error kinds by sum, HDR histograms slot by slot, the
// timeline second by second (each second's histogram merged before its p50/p99 are read). The
// measuring threads never build a record: snapshots and the final record are built here.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { ErrorKind, RunRecord, TimelinePoint } from '../model';
import type { LoadHandle, LoadOptions, LoadProgress } from './engine';
import { addSparse, newHistogram, scanHistogram, type Histogram } from './histogram';
import type { FromThread, ThreadInput, ToThread } from './protocol';
import type { RecorderDelta } from './recorder';
import { buildRunRecord, newRunIdentity, runFailure } from './runRecord';

const PROGRESS_MS = 100;
/** Without a listener, threads still send deltas each second so their histograms stay small. */
const QUIET_DELTA_MS = 1000;
/**
 * Each thread's young generation, capped: V8 otherwise grows it to 32 MB per thread under a load
 * generator's allocation rate, most of a run's RSS (see bench/README.md, memory).
 */
const YOUNG_GENERATION_MB = 8;

/** `total` split into `n` integer parts differing by at most one, the larger first. */
export function splitEvenly(total: number, n: number): number[] {
  return Array.from({ length: n }, (_, k) => Math.floor(total / n) + (k < total % n ? 1 : 0));
}

/** Each thread's options: its connections, requests, warm-up and (open model) its part of the rate. */
export function threadShares(o: LoadOptions, n: number): LoadOptions[] {
  const lanes = splitEvenly(o.concurrency, n);
  const requests = o.requests === undefined ? undefined : splitEvenly(o.requests, n);
  const warmup = splitEvenly(o.warmup ?? 0, n);
  return lanes.map((c, k) => ({
    ...o,
    threads: 1,
    concurrency: c,
    ...(requests ? { requests: requests[k] } : {}),
    warmup: warmup[k],
    ...(o.rate !== undefined ? { rate: (o.rate * c) / o.concurrency } : {}),
  }));
}

/**
 * Bundled: dist/loadWorker.js beside the bundle (`__dirname` is dist/ for the CLI and the
 * extension). From source under tsx (tests): Node 20 workers inherit `--import tsx` in
 * execArgv but still refuse a .ts entry, so a tiny eval'd entry registers tsx's CommonJS hook first.
 */
function createWorker(input: ThreadInput): Worker {
  const resourceLimits = { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB };
  const bundled = path.join(__dirname, 'loadWorker.js');
  if (existsSync(bundled)) return new Worker(bundled, { workerData: input, resourceLimits });
  const source = path.join(__dirname, 'worker.ts');
  return new Worker(`require('tsx/cjs'); require(${JSON.stringify(source)});`, {
    eval: true,
    workerData: input,
    resourceLimits,
  });
}

interface OpenSecond {
  count: number;
  errors: number;
  latency: Histogram;
}

/** The run's figures merged from every thread's deltas. */
export class MergedFigures {
  count = 0;
  ok = 0;
  errors = 0;
  bytes = 0;
  readonly statusCodes: Record<string, number> = {};
  readonly errorKinds: Partial<Record<ErrorKind, number>> = {};
  readonly errorSamples: Partial<Record<ErrorKind, string>> = {};
  readonly latency = newHistogram();
  readonly uncorrected = newHistogram();
  /** Seconds every thread is past: final points, by second. */
  private readonly closed: TimelinePoint[] = [];
  /** Seconds some thread may still add to. */
  private readonly open = new Map<number, OpenSecond>();
  private readonly upTo: number[];

  constructor(threads: number) {
    this.upTo = new Array<number>(threads).fill(0);
  }

  add(thread: number, d: RecorderDelta, last = false): void {
    this.count += d.count;
    this.ok += d.ok;
    this.errors += d.errors;
    this.bytes += d.bytes;
    for (const [code, n] of Object.entries(d.statusCodes)) this.statusCodes[code] = (this.statusCodes[code] ?? 0) + n;
    for (const [kind, n] of Object.entries(d.errorKinds) as Array<[ErrorKind, number]>)
      this.errorKinds[kind] = (this.errorKinds[kind] ?? 0) + n;
    for (const [kind, text] of Object.entries(d.errorSamples) as Array<[ErrorKind, string]>)
      this.errorSamples[kind] ??= text;
    if (d.latency) addSparse(this.latency, d.latency);
    if (d.uncorrected) addSparse(this.uncorrected, d.uncorrected);
    for (const s of d.seconds) {
      let at = this.open.get(s.t);
      if (!at) this.open.set(s.t, (at = { count: 0, errors: 0, latency: newHistogram() }));
      at.count += s.count;
      at.errors += s.errors;
      if (s.latency) addSparse(at.latency, s.latency);
    }
    this.upTo[thread] = last ? Infinity : d.upTo;
    const past = Math.min(...this.upTo);
    for (const [t, s] of this.open)
      if (t < past) {
        this.closed[t] = point(t, s);
        this.open.delete(t);
      }
  }

  /** One point per second from the first to the last that saw a response; empty seconds between are zeros. */
  timeline(): TimelinePoint[] {
    let last = this.closed.length - 1;
    for (const t of this.open.keys()) last = Math.max(last, t);
    const out: TimelinePoint[] = [];
    for (let t = 0; t <= last; t++) {
      const open = this.open.get(t);
      out.push(this.closed[t] ?? (open ? point(t, open) : { t, count: 0, errors: 0, p50: 0, p99: 0 }));
    }
    return out;
  }
}

function point(t: number, s: OpenSecond): TimelinePoint {
  const [p50, p99] = scanHistogram(s.latency, [50, 99]).values;
  return { t, count: s.count, errors: s.errors, p50: p50 / 1000, p99: p99 / 1000 };
}

const epochNow = (): number => performance.timeOrigin + performance.now();

/** Measures `o` in `threads` worker threads; progress snapshots are built here, on the caller's thread. */
export function startThreads(o: LoadOptions, threads: number, onProgress?: (p: LoadProgress) => void): LoadHandle {
  const shares = threadShares(o, threads);
  const identity = newRunIdentity();
  const url = new URL(o.url);
  const open = o.rate !== undefined;
  const merged = new MergedFigures(threads);
  const deltaMs = onProgress ? PROGRESS_MS : QUIET_DELTA_MS;
  const workers = shares.map((options) => createWorker({ options, deltaMs, gated: threads > 1 }));
  const send = (w: Worker, m: ToThread): void => w.postMessage(m);
  let startEpochMs: number | undefined;
  let endEpochMs = 0;
  let ready = 0;
  let finished = 0;
  let unsent = 0;
  let cancelledInFlight = 0;
  let saturated = false;
  let cancelled = false;
  let settled = false;
  let progressTimer: NodeJS.Timeout | undefined;
  const doneThreads = workers.map(() => false);

  const elapsedS = (): number =>
    startEpochMs === undefined
      ? 0
      : Math.max(1e-6, ((finished === threads ? endEpochMs : epochNow()) - startEpochMs) / 1000);
  const record = (status: RunRecord['status'], failure?: string, lazyHistograms = false): RunRecord => {
    const durationS = elapsedS() || 1e-6;
    return buildRunRecord(
      o,
      identity,
      {
        count: merged.count,
        ok: merged.ok,
        errors: merged.errors,
        bytes: merged.bytes,
        statusCodes: merged.statusCodes,
        errorKinds: merged.errorKinds,
        errorSamples: merged.errorSamples,
        latency: merged.latency,
        uncorrected: open ? merged.uncorrected : undefined,
        timeline: merged.timeline(),
        durationS,
        unsent: open && finished === threads ? unsent : undefined,
        cancelledInFlight,
        clientBound: durationS >= 0.5 && saturated,
        threads,
      },
      status,
      { failure, lazyHistograms },
    );
  };
  const fraction = (): number | undefined => {
    const parts: number[] = [];
    if (o.requests !== undefined) parts.push(merged.count / o.requests);
    if (o.durationS !== undefined) parts.push(elapsedS() / o.durationS);
    return parts.length ? Math.min(1, Math.max(...parts)) : undefined;
  };

  const result = new Promise<RunRecord>((resolve, reject) => {
    const end = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      clearInterval(progressTimer);
      outcome();
      for (const w of workers) void w.terminate();
    };
    const fail = (message: string): void => {
      for (const w of workers) send(w, { type: 'cancel' });
      end(() => reject(new Error(message)));
    };
    const startProgress = (): void => {
      if (onProgress)
        progressTimer = setInterval(
          () =>
            onProgress({
              snapshot: record(cancelled ? 'cancelled' : 'complete', undefined, true),
              elapsedS: elapsedS(),
              fraction: fraction(),
            }),
          PROGRESS_MS,
        );
    };
    workers.forEach((w, k) => {
      w.on('message', (m: FromThread) => {
        if (settled) return;
        if (m.type === 'ready') {
          // Several threads: all warm, so all start together from one common start.
          if (++ready < threads) return;
          startEpochMs = epochNow();
          for (const x of workers) send(x, { type: 'start', startEpochMs });
          startProgress();
        } else if (m.type === 'started') {
          if (threads === 1) {
            startEpochMs = m.startEpochMs;
            startProgress();
          }
        } else if (m.type === 'delta') merged.add(k, m.delta);
        else if (m.type === 'done') {
          doneThreads[k] = true;
          merged.add(k, m.delta, true);
          endEpochMs = Math.max(endEpochMs, m.endEpochMs);
          unsent += m.unsent ?? 0;
          cancelledInFlight += m.cancelledInFlight;
          saturated ||= m.utilization > 0.9;
          if (++finished < threads) return;
          if (startEpochMs === undefined) startEpochMs = endEpochMs; // cancelled before the start
          const why = cancelled ? undefined : runFailure(merged, url);
          end(() => resolve(record(cancelled ? 'cancelled' : why ? 'failed' : 'complete', why)));
        } else if (m.type === 'failed') fail(m.message);
      });
      w.on('error', (e) => fail(`load worker failed: ${e.message}`));
      w.on('exit', (code) => {
        if (!doneThreads[k]) fail(`load worker exited (code ${code})`);
      });
    });
  });
  return {
    result,
    cancel: () => {
      if (settled) return;
      cancelled = true;
      for (const w of workers) send(w, { type: 'cancel' });
    },
  };
}
