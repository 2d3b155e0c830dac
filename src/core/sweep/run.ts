// A concurrency sweep: the closed model at each level in turn (through the load engine's public
// startLoad), one `group` id on every run record, then the verdict. Progress is reported per
// level with the partial result, so the editor can draw the curve while it grows.
import { randomBytes } from 'node:crypto';
import { startLoad, validateLoadOptions, type LoadOptions, type LoadProgress } from '../load/engine';
import type { LoopStall, RunRecord } from '../model';
import { requestLatencies } from '../runs/compare';
import { sweepVerdict, type LevelMeasure, type SweepVerdict, type UslFit } from './verdict';

export const DEFAULT_LEVELS: readonly number[] = [1, 2, 4, 8, 16];

export interface SweepOptions extends Omit<LoadOptions, 'concurrency' | 'rate' | 'requests' | 'durationS' | 'warmup'> {
  /** Concurrency levels, run in the order given (default 1,2,4,8,16). */
  levels?: readonly number[];
  /** Requests per level (at least the level's concurrency). Default: max(10, 3 × level). */
  requests?: number;
  /** Seconds per level instead of a request count. */
  durationS?: number;
  /** Warm-up requests per level, left out of its figures. Default: the level (one per connection). */
  warmup?: number;
  /** Stops the level under way; the sweep then resolves with `cancelled: true`. */
  signal?: AbortSignal;
}

/** One level as the JSON contract shows it. */
export interface SweepLevel {
  concurrency: number;
  runId: string;
  /** Ok requests per second (failed ones never count as throughput). */
  rps: number;
  latencyMs: { p50: number; p99: number; mean: number };
  errors: number;
  count: number;
  ok: number;
  durationS: number;
  /** Matrix with repeat: the run of each round, pooled into this level (runId is the first). */
  runIds?: string[];
}

/** `endpoint-profiler sweep --json`. */
export interface SweepResult {
  kind: 'sweep';
  group: string;
  url: string;
  method: string;
  levels: SweepLevel[];
  verdict: SweepVerdict;
  usl?: UslFit;
  /** Set when the sweep was stopped before its last level. */
  cancelled?: boolean;
  /** With a watched server (`sweep --server … --watch-loop`): every level's stall sites merged, largest total first. */
  loopStalls?: LoopStall[];
}

export interface SweepProgress {
  /** Index (in `levels`) of the level under way, and its concurrency. */
  index: number;
  concurrency: number;
  /** The level's latest snapshot (every ~100 ms while it runs). */
  load?: LoadProgress;
  /** Levels finished so far, with the verdict they give (inconclusive before two levels). */
  partial: SweepResult;
  /** Run records of the finished levels. */
  records: RunRecord[];
}

export interface SweepOutcome {
  result: SweepResult;
  /** One run record per finished level, all with `group` = result.group. */
  records: RunRecord[];
}

export class SweepError extends Error {
  constructor(
    message: string,
    readonly records: RunRecord[],
  ) {
    super(message);
    this.name = 'SweepError';
  }
}

export function newGroupId(now = new Date()): string {
  return `sweep-${now.toISOString().replace(/[-:]/g, '').replace(/\..*/, '')}-${randomBytes(3).toString('hex')}`;
}

/** Ok requests in each full second of a run (the last, partial bucket left out). */
function secondRates(r: RunRecord): number[] {
  // Whole seconds inside the level only. The first also completes requests that queued behind the
  // warm-up (a serialising server showed 16 and 20 ok in its first seconds, ~9 a second after) and
  // the last is partial; a second with no completion stays in, as a rate of 0.
  return r.timeline.slice(1, -1).map((p) => p.count - p.errors);
}

/** A finished level's record, reduced to what the verdict and the contract need. */
export function levelOf(r: RunRecord): { level: SweepLevel; measure: LevelMeasure } {
  const s = r.summary;
  const rps = s.durationS > 0 ? Math.round((s.ok / s.durationS) * 100) / 100 : 0;
  const latencyMs = { p50: s.latencyMs.p50, p99: s.latencyMs.p99, mean: s.latencyMs.mean };
  const level: SweepLevel = {
    concurrency: r.config.concurrency,
    runId: r.id,
    rps,
    latencyMs,
    errors: s.errors,
    count: s.count,
    ok: s.ok,
    durationS: s.durationS,
  };
  let latencySample: Float64Array | undefined;
  try {
    latencySample = requestLatencies(r);
  } catch {
    latencySample = undefined; // an unreadable histogram only costs the noise check
  }
  const measure: LevelMeasure = {
    concurrency: level.concurrency,
    rps,
    latencyMs,
    count: s.count,
    ok: s.ok,
    errors: s.errors,
    errorKinds: r.errorKinds,
    ...(r.clientBound ? { clientBound: true } : {}),
    secondRates: secondRates(r),
    ...(latencySample ? { latencySample } : {}),
  };
  return { level, measure };
}

/** "GET /path?q" for the verdict's sentence. */
export function subjectOf(url: string, method = 'GET'): string {
  try {
    const u = new URL(url);
    return `${method.toUpperCase()} ${u.pathname}${u.search}`;
  } catch {
    return `${method.toUpperCase()} ${url}`;
  }
}

/** The result for the levels measured so far. */
export function sweepResult(
  group: string,
  url: string,
  method: string,
  finished: ReadonlyArray<{ level: SweepLevel; measure: LevelMeasure }>,
  workers?: number,
): SweepResult {
  const { verdict, usl } = sweepVerdict(
    finished.map((f) => f.measure),
    subjectOf(url, method),
    { workers },
  );
  return {
    kind: 'sweep',
    group,
    url,
    method: method.toUpperCase(),
    levels: finished.map((f) => f.level),
    verdict,
    ...(usl ? { usl } : {}),
  };
}

export function validateLevels(levels: readonly number[]): void {
  if (levels.length === 0) throw new Error('give at least one concurrency level');
  for (const l of levels)
    if (!Number.isInteger(l) || l <= 0 || l > 10_000)
      throw new Error(`concurrency levels must be whole numbers from 1 to 10000, got ${l}`);
  if (new Set(levels).size !== levels.length) throw new Error('concurrency levels must differ');
}

/**
 * Runs the sweep. Options are validated (by the load engine's rules) before any connection;
 * a LoadOptionsError or a levels error is thrown synchronously-ish (the promise rejects before
 * the first level). A level that fails outright (e.g. connection refused) rejects with a
 * SweepError holding the records so far.
 */
export async function runSweep(options: SweepOptions, onProgress?: (p: SweepProgress) => void): Promise<SweepOutcome> {
  const levels = [...(options.levels ?? DEFAULT_LEVELS)];
  validateLevels(levels);
  const group = options.group ?? newGroupId();
  const method = (options.method ?? 'GET').toUpperCase();
  const { levels: _l, signal, requests, durationS, warmup, ...load } = options;
  void _l;
  const perLevel = (c: number): LoadOptions => ({
    ...load,
    group,
    label: `${options.label ? `${options.label} ` : ''}c=${c}`,
    concurrency: c,
    warmup: warmup ?? c,
    ...(durationS !== undefined ? { durationS } : { requests: Math.max(requests ?? Math.max(10, 3 * c), c) }),
  });
  // Refuse bad options (non-loopback URL, bad numbers) before the first connection.
  for (const c of levels) validateLoadOptions(perLevel(c));

  const finished: Array<{ level: SweepLevel; measure: LevelMeasure }> = [];
  const records: RunRecord[] = [];
  const partial = (): SweepResult => sweepResult(group, options.url, method, finished, options.server?.workers);
  let cancelled = signal?.aborted ?? false;
  for (let index = 0; index < levels.length && !cancelled; index++) {
    const c = levels[index];
    onProgress?.({ index, concurrency: c, partial: partial(), records: [...records] });
    const handle = startLoad(perLevel(c), (load) =>
      onProgress?.({ index, concurrency: c, load, partial: partial(), records: [...records] }),
    );
    const onAbort = (): void => {
      cancelled = true;
      handle.cancel();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    let record: RunRecord;
    try {
      record = await handle.result;
    } catch (e) {
      throw new SweepError(`level ${c}: ${(e as Error).message}`, records);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
    if (record.status === 'failed') {
      records.push(record);
      throw new SweepError(`level ${c}: ${record.failure ?? 'the run failed'}`, records);
    }
    if (record.status === 'cancelled') {
      cancelled = true;
      break;
    }
    records.push(record);
    finished.push(levelOf(record));
  }
  const result = partial();
  if (cancelled) result.cancelled = true;
  return { result, records };
}
