// The measuring loop, run inside the worker (extension) or on the CLI's main thread. The lean
// client (lean.ts, raw sockets) for http:, undici's Pool for https: or client 'undici'; one
// connection per unit of concurrency, bodies counted and discarded, never buffered.
import { performance } from 'node:perf_hooks';
import type * as Undici from 'undici';
import type { Dispatcher, Pool } from 'undici';
import type { RunRecord } from '../model';
import type { LoadOptions } from './engine';
import { classifyError, describeError } from './errors';
import { InflightList, type Linked } from './inflight';
import { buildRequest, LeanPool, type LeanHandler } from './lean';
import { Recorder, type RecorderDelta } from './recorder';
import { buildRunRecord, clientOf, newRunIdentity, requestHeaders, runFailure, type RunFigures } from './runRecord';
import { dueCount, lateSlackMs, scheduledAt } from './schedule';
import { DEFAULT_EXPECT, parseExpect } from '../runs/expect';

export { TOOL } from './runRecord';

export interface Measurement {
  /** Resolves with the final record; `cancel()` stops early and still resolves (status 'cancelled'). */
  done: Promise<RunRecord>;
  cancel(): void;
  snapshot(): RunRecord;
  elapsedS(): number;
  fraction(): number | undefined;
  /** A thread of a --threads run (hooks.deltas): what it recorded since the last drain. */
  drain(): RecorderDelta;
  /** What the coordinator needs besides the deltas, once `done` has settled. */
  final(): ThreadFinal;
}

export interface ThreadFinal {
  /** When the measured phase ended, in this thread's performance.now() time. */
  endMs: number;
  unsent?: number;
  cancelledInFlight: number;
  /** Event-loop utilisation of this thread over the run. */
  utilization: number;
}

/** How a thread of a --threads run is driven by its coordinator (threads.ts). */
export interface MeasureHooks {
  /** Keep per-second histograms for drain() instead of timeline points. */
  deltas?: boolean;
  /**
   * Resolves with the common start (this thread's performance.now() time) once every thread is
   * ready (warm-up done): the measured phase, its seconds and -z's deadline count from it.
   */
  gate?: () => Promise<number>;
}

/** Requests started before the worker yields to its event loop (I/O, the cancel message). */
const LANE_BATCH = 256;
const yieldToLoop = (): Promise<void> => new Promise((r) => setImmediate(r));

/**
 * A request in flight. `reason` is set when it is aborted (deadline or cancel), before the client
 * reports it. Its deadline is `sentMs` + `-t` (not a field: a double field is a heap box per request).
 */
interface Flight extends Linked<Flight> {
  sentMs: number;
  warm: boolean;
  abort?: (err: Error) => void;
  reason?: Error;
}

/** `-t` passed: the request's total time (connect, headers and body) ran out. Classified as 'timeout'. */
class RequestDeadlineError extends Error {
  readonly code = 'EP_REQUEST_DEADLINE';
  constructor(timeoutMs: number) {
    super(`no complete response within -t ${timeoutMs / 1000} s (headers and body)`);
    this.name = 'TimeoutError';
  }
}

/** In flight when the run's deadline (-z) or a cancel stopped it: counted in summary.cancelledInFlight only. */
const CANCELLED = new Error('cancelled in flight');

/** undici, loaded only when used (https: or --client undici): most of the bundle's start-up cost. */
function newUndiciPool(
  origin: string,
  connections: number,
  pipelining: number,
  timeoutMs: number,
  keepAlive: boolean,
): Pool {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Pool: UndiciPool } = require('undici') as typeof Undici;
  return new UndiciPool(origin, {
    connections,
    pipelining,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    connectTimeout: timeoutMs,
    ...(keepAlive ? {} : { keepAliveTimeout: 1, keepAliveMaxTimeout: 1 }),
  });
}

export function measure(o: LoadOptions, hooks: MeasureHooks = {}): Measurement {
  const url = new URL(o.url);
  const method = (o.method ?? 'GET').toUpperCase();
  const headers = requestHeaders(o);
  const body = o.body;
  const timeoutMs = (o.timeoutS ?? 20) * 1000;
  const keepAlive = o.keepAlive !== false;
  const open = o.rate !== undefined;
  const expectSpec = o.expect ?? DEFAULT_EXPECT;
  const expect = parseExpect(expectSpec);
  const pathQuery = url.pathname + url.search;
  const pipelining = o.pipelining ?? 1;
  const client = clientOf(o);
  /** Requests kept in flight: `pipelining` on each of the `concurrency` connections. */
  const lanes = o.concurrency * pipelining;
  const lean =
    client === 'lean'
      ? new LeanPool({
          host: url.hostname.replace(/^\[|\]$/g, ''),
          port: Number(url.port || 80),
          connections: o.concurrency,
          pipelining,
          keepAlive,
          head: method === 'HEAD',
          request: buildRequest(method, pathQuery, url.host, headers, o.body, keepAlive),
        })
      : undefined;
  const pool: Pick<Pool, 'dispatch' | 'destroy'> =
    (lean as unknown as Pool | undefined) ?? newUndiciPool(url.origin, o.concurrency, pipelining, timeoutMs, keepAlive);
  /** Aborts a request on its client: the lean pool by the request itself, undici by the closure it gave. */
  const abortFlight = (f: Flight, reason: Error): void => {
    // A lean request already answered (its response read, its handler called at the turn's end) is not aborted.
    if (f.reason || (lean && (f as Exchange).leanDone)) return;
    f.reason = reason;
    if (lean) lean.abort(f as Exchange, reason);
    else f.abort?.(reason);
  };

  const warmup = o.warmup ?? 0;
  let warmSent = 0; // warm-up requests sent (counted at send time, so exactly `warmup` go out)
  let started = 0; // measured requests started (closed) / scheduled (open)
  let stopped = false;
  let cancelled = false;
  let cancelledInFlight = 0;
  let endMs: number | undefined; // when the measured phase ended (deadline, count reached or cancel)
  let rec = new Recorder(performance.now(), open, expect, hooks.deltas);
  let measureStart = rec.startMs;
  const deadline = (): number => (o.durationS !== undefined ? measureStart + o.durationS * 1000 : Infinity);
  const elu0 = performance.eventLoopUtilization();

  // Requests in flight, in send order. Every request has the same `-t`, so send order is also
  // deadline order: one timer for the oldest bounds them all (headers and body: undici's
  // bodyTimeout only bounds the gap between two chunks, so a trickling body never ended).
  const inflight = new InflightList<Flight>();
  let sweepTimer: NodeJS.Timeout | undefined;
  let sweeping = false;
  const sweep = (): void => {
    sweeping = true; // aborting starts lanes' next requests: they must not arm a second timer
    const now = performance.now();
    const due = (f: Flight): boolean => f.sentMs + timeoutMs <= now + 0.5;
    for (const f of inflight.frontWhile(due)) abortFlight(f, new RequestDeadlineError(timeoutMs));
    // The oldest not aborted yet (aborted ones whose client reports later are skipped): the
    // requests the aborts just started are due in a new -t, and only the next sweep sees them.
    let next = inflight.head;
    while (next?.reason) next = next.next;
    sweeping = false;
    sweepTimer = next ? setTimeout(sweep, Math.max(0, next.sentMs + timeoutMs - now)) : undefined;
  };
  const track = (f: Flight): void => {
    inflight.add(f);
    if (!sweeping) sweepTimer ??= setTimeout(sweep, timeoutMs);
  };
  /** At the deadline (-z) or on cancel: stop sending, abort what is in flight (counted apart, not in latency). */
  const halt = (): void => {
    stopped = true;
    endMs ??= performance.now();
    for (const f of inflight.toArray()) abortFlight(f, CANCELLED);
    // Requests not yet on a socket have no abort handle: destroying the pool fails them with CANCELLED too.
    if (inflight.size) void pool.destroy(CANCELLED).catch(() => undefined);
  };
  let deadlineTimer: NodeJS.Timeout | undefined;
  const armDeadline = (): void => {
    // From the measured start: a thread of a --threads run starts from the common start it was given.
    if (o.durationS !== undefined) deadlineTimer = setTimeout(halt, Math.max(0, deadline() - performance.now()));
  };

  /** `end`: when the response arrived (the lean client's read time), else now. */
  const record = (f: Exchange, err: unknown, end: number): void => {
    if (f.warm) return;
    if (f.reason === CANCELLED) {
      cancelledInFlight++;
      return;
    }
    if (err !== undefined) {
      rec.failure(classifyError(err), end, describeError(err));
      return;
    }
    rec.success(f.status, f.bytes, (end - (f.scheduledMs ?? f.sentMs)) * 1000, (end - f.sentMs) * 1000, end);
  };
  // One request through undici's dispatch API: no Readable stream per response (measured
  // faster than pool.request, see notes/load.md); body chunks are counted and dropped.
  const dispatchOpts = { path: pathQuery, method, headers, body, reset: !keepAlive } as Dispatcher.DispatchOptions;
  /**
   * One request: its Flight (deadline, abort) and its dispatch handler in one object with
   * prototype methods, not a closure per callback (ten allocations per request were a fifth of
   * a run's garbage). Pool.dispatch in undici 7 takes the classic handler shape
   * (onConnect/onHeaders/onData/onComplete/onError) and calls it as methods, as lean.ts does; the
   * lean pool keeps its own state on it too (leanConn, leanDone: no object of its own per request).
   */
  class Exchange implements Flight, LeanHandler {
    prev: Flight | undefined = undefined;
    next: Flight | undefined = undefined;
    linked = false;
    abort?: (err: Error) => void = undefined;
    reason?: Error = undefined;
    leanConn: object | undefined = undefined;
    leanDone = false;
    status = 0;
    bytes = 0;
    private finished = false;
    /**
     * `scheduledMs`: the open model's schedule; undefined for a closed lane, whose latency counts
     * from `sentMs` (one number, not a second heap box of the same value).
     */
    constructor(
      readonly scheduledMs: number | undefined,
      public sentMs: number,
      private readonly resolve: () => void,
      readonly warm: boolean,
    ) {}
    onConnect(abort: (err: Error) => void): void {
      if (this.reason) abort(this.reason);
      else this.abort = abort;
    }
    onHeaders(code: number): boolean {
      this.status = code;
      return true;
    }
    onData(chunk: Buffer): boolean {
      this.bytes += chunk.length;
      return true;
    }
    onBytes(n: number): void {
      this.bytes += n;
    }
    /** undici's: the response ended just now. */
    onComplete(): void {
      this.finish(undefined, performance.now());
    }
    /** The lean pool's: the response ended at `arrivedMs`, when its last read began to be handled. */
    onCompleteAt(arrivedMs: number): void {
      this.finish(undefined, arrivedMs);
    }
    /** The lean pool's: written at `sentMs`, after being held while the loop turn's reads were handled. */
    onSentAt(sentMs: number): void {
      this.sentMs = sentMs;
    }
    onError(err: Error): void {
      this.finish(this.reason ?? err, performance.now());
    }
    finish(err: unknown, endMs: number): void {
      if (this.finished) return;
      this.finished = true;
      inflight.delete(this);
      record(this, err, endMs);
      this.resolve();
    }
  }
  /** One request; a closed lane passes no `scheduledMs` (its latency counts from the send: one clock read). */
  const oneCb = (
    scheduledMs: number | undefined,
    resolve: () => void,
    warm = false,
    sentMs = performance.now(),
  ): void => {
    const x = new Exchange(scheduledMs, sentMs, resolve, warm);
    track(x);
    try {
      pool.dispatch(dispatchOpts, x);
    } catch (err) {
      x.finish(err, performance.now());
    }
  };
  const one = (scheduledMs: number | undefined, warm = false): Promise<void> =>
    new Promise<void>((resolve) => oneCb(scheduledMs, resolve, warm));

  // No clock read without -z: the request count bounds the run.
  const untimed = o.durationS === undefined;
  const moreClosed = (): boolean =>
    !stopped && (o.requests === undefined || started < o.requests) && (untimed || performance.now() < deadline());

  const warmupPhase = async (): Promise<void> => {
    const lane = async (): Promise<void> => {
      while (warmSent < warmup && !stopped) {
        warmSent++;
        await one(undefined, true);
      }
    };
    const running: Array<Promise<void>> = [];
    for (let i = 0; i < Math.min(lanes, warmup) && !stopped; i++) {
      running.push(lane());
      if ((i + 1) % LANE_BATCH === 0) await yieldToLoop();
    }
    await Promise.all(running);
    rec = new Recorder(performance.now(), open, expect, hooks.deltas);
    measureStart = rec.startMs;
  };

  // Closed model: each lane sends its next request from the previous one's completion
  // callback (no promise per request: measurably cheaper at high rates).
  // Lanes open LANE_BATCH at a time with a yield between batches, so the first requests go out
  // (and a cancel is heard) while thousands of connections are still being opened.
  const closed = (): Promise<void> =>
    new Promise<void>((resolve) => {
      let active = 0;
      let opened = 0;
      let opening = true;
      const lane = (): void => {
        if (!moreClosed()) {
          if (--active === 0 && !opening) resolve();
          return;
        }
        started++;
        oneCb(undefined, lane);
      };
      const openBatch = (): void => {
        const end = Math.min(lanes, opened + LANE_BATCH);
        while (opened < end && moreClosed()) {
          opened++;
          active++;
          lane();
        }
        if (opened < lanes && moreClosed()) setImmediate(openBatch);
        else {
          opening = false;
          if (active === 0) resolve();
        }
      };
      openBatch();
    });

  // Open model, as wrk2: request i is due at its scheduled time and goes out as soon as one of
  // the `concurrency` connections is free. Waiting requests are just the index range
  // [started, due), so a stalled server never grows memory. Latency counts from the schedule.
  const openModel = async (): Promise<void> => {
    const rate = o.rate as number;
    const slack = lateSlackMs(rate);
    const limit = o.requests ?? Infinity;
    let busy = 0;
    let wake: (() => void) | undefined;
    const settled = new Set<Promise<void>>();
    while (!stopped && started < limit) {
      const now = performance.now();
      if (now >= deadline()) break;
      const due = Math.min(limit, dueCount(measureStart, rate, now));
      let batch = 0;
      while (started < due && busy < lanes && batch++ < LANE_BATCH) {
        const at = scheduledAt(measureStart, rate, started);
        started++;
        if (now - at > slack) rec.late();
        busy++;
        const p = one(at).finally(() => {
          busy--;
          settled.delete(p);
          wake?.();
        });
        settled.add(p);
      }
      const waitMs =
        batch > LANE_BATCH && busy < lanes
          ? 0 // more due and connections free: only yield
          : started < due
            ? 50
            : Math.max(0, Math.min(50, scheduledAt(measureStart, rate, started) - performance.now()));
      await new Promise<void>((r) => {
        const t = setTimeout(r, waitMs);
        wake = () => {
          clearTimeout(t);
          r();
        };
      });
      wake = undefined;
    }
    endMs ??= Math.min(performance.now(), deadline());
    await Promise.all(settled);
  };

  /**
   * Open model: requests the schedule called for by the end (or now) that never went out. Due
   * means scheduled strictly before the deadline, so `-q 2000 -z 5s` calls for exactly 10,000.
   */
  const unsent = (): number | undefined => {
    if (!open) return undefined;
    const rate = o.rate as number;
    const at = Math.min(endMs ?? performance.now(), deadline());
    const due = at >= deadline() ? Math.ceil((o.durationS as number) * rate - 1e-9) : dueCount(measureStart, rate, at);
    return Math.max(0, Math.min(o.requests ?? Infinity, due) - started);
  };

  /** Where this thread's figures stand: the measured time so far and what the record's summary needs. */
  const figures = (): RunFigures => {
    const durationS = Math.max(1e-6, ((endMs ?? performance.now()) - measureStart) / 1000);
    return {
      count: rec.count,
      ok: rec.ok,
      errors: rec.errors,
      bytes: rec.bytes,
      statusCodes: rec.statusCodes,
      errorKinds: rec.errorKinds,
      errorSamples: rec.errorSamples,
      latency: rec.latency,
      uncorrected: open ? rec.uncorrected : undefined,
      timeline: rec.timelineSnapshot(),
      durationS,
      unsent: unsent(),
      cancelledInFlight,
      clientBound: clientBound(durationS),
      threads: 1,
    };
  };
  // The client was the bottleneck if its own event loop was saturated (its timings then include its own queueing).
  // Event-loop utilisation costs nothing to read; a delay monitor's 10 ms timer measurably skewed c=1 latency.
  // Runs under 0.5 s are dominated by start-up work and are not judged.
  const clientBound = (durationS: number): boolean =>
    durationS >= 0.5 && (rec.count > 0 || hooks.deltas === true) && utilization() > 0.9;
  const utilization = (): number => performance.eventLoopUtilization(elu0).utilization;

  const snapshot = (status: RunRecord['status'] = 'complete', failure?: string): RunRecord =>
    buildRunRecord(o, identity, figures(), status, { failure });

  const identity = newRunIdentity();

  const done = (async (): Promise<RunRecord> => {
    try {
      if (warmup > 0) await warmupPhase();
      if (hooks.gate) {
        const start = await hooks.gate();
        rec = new Recorder(start, open, expect, hooks.deltas);
        measureStart = start;
        if (stopped) return snapshot('cancelled'); // cancelled while waiting for the other threads
      }
      armDeadline();
      await (open ? openModel() : closed());
      endMs ??= performance.now();
    } finally {
      clearTimeout(deadlineTimer);
      clearTimeout(sweepTimer);
      await pool.destroy().catch(() => undefined);
    }
    if (cancelled) return snapshot('cancelled');
    const why = runFailure(rec, url);
    return why ? snapshot('failed', why) : snapshot('complete');
  })();

  return {
    done,
    cancel: () => {
      cancelled = true;
      halt();
    },
    snapshot: () => snapshot(cancelled ? 'cancelled' : 'complete'),
    drain: () => rec.drain(performance.now()),
    final: () => ({
      endMs: endMs ?? performance.now(),
      unsent: unsent(),
      cancelledInFlight,
      utilization: utilization(),
    }),
    elapsedS: () => ((endMs ?? performance.now()) - measureStart) / 1000,
    fraction: () => {
      const parts: number[] = [];
      if (o.requests !== undefined) parts.push(rec.count / o.requests);
      if (o.durationS !== undefined) parts.push((performance.now() - measureStart) / 1000 / o.durationS);
      return parts.length ? Math.min(1, Math.max(...parts)) : undefined;
    },
  };
}
