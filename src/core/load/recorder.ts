// Aggregates results as they arrive with constant memory: two HDR histograms for the whole
// run, one for the current second, counters, and one timeline point per second. In a thread of
// a --threads run it instead hands out what it recorded since the last drain (drain()), for the
// coordinator (threads.ts) to merge exactly.
// A second's point (its p50/p99, or its part in delta mode) is computed off the hot path: the
// response that crosses into a new second only swaps histograms, and the scan of the second
// that ended runs two immediates later (settle()). Done in that response's record, the scan
// (0.2-1.4 ms in cold code) delayed every later response of the same read burst: at c=10
// against a 10 ms server, up to 9 responses a second, ~1 % of a run's latencies, its p99.
import type { ErrorKind, TimelinePoint } from '../model';
import { DEFAULT_EXPECT, isExpected, parseExpect, type ExpectRanges } from '../runs/expect';
import {
  clearHistogram,
  drainHistogram,
  newHistogram,
  percentilesUs,
  recordUs,
  recordUsBoth,
  type Histogram,
  type SparseHistogram,
} from './histogram';

/** One second of the timeline as recorded by one thread: merged by adding counts and histograms. */
export interface SecondPart {
  t: number;
  count: number;
  errors: number;
  latency?: SparseHistogram;
}

/** What a thread recorded since its previous drain. Every field adds up across parts and threads. */
export interface RecorderDelta {
  count: number;
  ok: number;
  errors: number;
  bytes: number;
  statusCodes: Record<string, number>;
  errorKinds: Partial<Record<ErrorKind, number>>;
  errorSamples: Partial<Record<ErrorKind, string>>;
  latency?: SparseHistogram;
  uncorrected?: SparseHistogram;
  seconds: SecondPart[];
  /** Seconds before this one can get nothing more from this thread (it is past them). */
  upTo: number;
}

/** A timeline point's percentiles. */
const PS = [50, 99];

export class Recorder {
  readonly latency: Histogram = newHistogram();
  readonly uncorrected: Histogram = newHistogram();
  /** The points of the seconds settled so far (timelineSnapshot() settles and adds the current one). */
  private readonly timeline: TimelinePoint[] = [];
  statusCodes: Record<string, number> = {};
  errorKinds: Partial<Record<ErrorKind, number>> = {};
  /** The first message seen for each error kind. */
  readonly errorSamples: Partial<Record<ErrorKind, string>> = {};
  count = 0;
  ok = 0;
  errors = 0;
  bytes = 0;
  private second = newHistogram();
  private secondIndex = 0;
  private secondCount = 0;
  private secondErrors = 0;
  /** The second that ended last, its point or part not computed yet (settle()). */
  private ended: { t: number; count: number; errors: number; latency: Histogram } | undefined;
  /**
   * A cleared histogram for the next second (the one `ended` had, once settled). Made up front:
   * making one (188 KB of counts) in the record that crosses a second cost 0.5-0.9 ms.
   */
  private spare: Histogram | undefined = newHistogram();
  private settleQueued = false;
  /** Delta mode: completed seconds not drained yet. */
  private secondParts: SecondPart[] = [];
  private samplesSent = 0;

  /**
   * `trackUncorrected`: only the open model has a latency origin other than the send time.
   * `expect`: the statuses that count as ok; any other answer is an error of kind 'status'.
   * `deltas`: a thread of a --threads run; its seconds are kept as histograms until drain().
   */
  constructor(
    readonly startMs: number,
    private readonly trackUncorrected = true,
    private readonly expect: ExpectRanges = parseExpect(DEFAULT_EXPECT),
    private readonly deltas = false,
  ) {}

  /** The last status found expected: nearly every response of a run has it, so one compare answers. */
  private lastOkStatus = -1;
  private isOk(status: number): boolean {
    if (!isExpected(status, this.expect)) return false;
    this.lastOkStatus = status;
    return true;
  }

  /** `doneMs` is when the response ended; rolls the per-second bucket forward first. */
  private roll(doneMs: number): void {
    const idx = Math.floor((doneMs - this.startMs) / 1000);
    while (idx > this.secondIndex) this.flushSecond();
  }

  /** The point of second `t` whose latencies `h` holds. */
  private static point(t: number, count: number, errors: number, h: Histogram): TimelinePoint {
    const [p50, p99] = percentilesUs(h, PS);
    return { t, count, errors, p50: p50 / 1000, p99: p99 / 1000 };
  }

  /** The current second ended: set it aside for settle() and start the next (no scan here). */
  private flushSecond(): void {
    this.settle(); // one second set aside at most (several ending at once settle in turn, here)
    this.ended = { t: this.secondIndex, count: this.secondCount, errors: this.secondErrors, latency: this.second };
    this.second = this.spare ?? newHistogram();
    this.spare = undefined;
    this.secondIndex++;
    this.secondCount = 0;
    this.secondErrors = 0;
    if (!this.settleQueued) {
      this.settleQueued = true;
      // Two hops: the first runs in this turn's check phase, beside the lean pool's write of the
      // turn's held requests (queued after it), the second in the next turn's, once they are out.
      setImmediate(() => setImmediate(this.settleLater));
    }
  }

  private readonly settleLater = (): void => {
    this.settleQueued = false;
    this.settle();
  };

  /** Computes the ended second's point (or delta part) and clears its histogram for reuse. */
  private settle(): void {
    const e = this.ended;
    if (!e) return;
    this.ended = undefined;
    if (this.deltas) {
      if (e.count > 0)
        this.secondParts.push({ t: e.t, count: e.count, errors: e.errors, latency: drainHistogram(e.latency) });
    } else {
      this.timeline.push(Recorder.point(e.t, e.count, e.errors, e.latency));
      clearHistogram(e.latency);
    }
    this.spare = e.latency;
  }

  /**
   * A complete HTTP answer. Its latency is recorded whatever the status (as hey and k6 do: a 503
   * still took that long); only an expected status counts as ok.
   */
  success(status: number, bytes: number, latencyUs: number, uncorrectedUs: number, doneMs: number): void {
    this.roll(doneMs);
    this.count++;
    this.secondCount++;
    this.bytes += bytes;
    this.statusCodes[status] = (this.statusCodes[status] ?? 0) + 1;
    if (status === this.lastOkStatus || this.isOk(status)) this.ok++;
    else {
      this.errors++;
      this.secondErrors++;
      this.errorKinds.status = (this.errorKinds.status ?? 0) + 1;
      this.errorSamples.status ??= `unexpected status ${status}`;
    }
    recordUsBoth(this.latency, this.second, latencyUs);
    if (this.trackUncorrected) recordUs(this.uncorrected, uncorrectedUs);
  }

  failure(kind: ErrorKind, doneMs: number, message?: string): void {
    this.roll(doneMs);
    this.count++;
    this.errors++;
    this.secondCount++;
    this.secondErrors++;
    this.errorKinds[kind] = (this.errorKinds[kind] ?? 0) + 1;
    if (message) this.errorSamples[kind] ??= message;
  }

  /** Not a failed request: the open model could not send one on schedule. */
  late(): void {
    this.errorKinds.late = (this.errorKinds.late ?? 0) + 1;
  }

  /**
   * Delta mode: everything recorded since the previous drain, and the recorder emptied of it (its
   * second index and error samples' first-seen state are kept). `nowMs` bounds `upTo`: a response
   * recorded later ends at or after it.
   */
  drain(nowMs: number): RecorderDelta {
    this.roll(nowMs);
    this.settle();
    const seconds = this.secondParts;
    if (this.secondCount > 0) {
      seconds.push({
        t: this.secondIndex,
        count: this.secondCount,
        errors: this.secondErrors,
        latency: drainHistogram(this.second),
      });
      this.secondCount = 0;
      this.secondErrors = 0;
    }
    this.secondParts = [];
    const sampleKinds = Object.keys(this.errorSamples);
    const delta: RecorderDelta = {
      count: this.count,
      ok: this.ok,
      errors: this.errors,
      bytes: this.bytes,
      statusCodes: this.statusCodes,
      errorKinds: this.errorKinds,
      // Only when a new kind was seen: samples are first-seen and never change.
      errorSamples: sampleKinds.length > this.samplesSent ? { ...this.errorSamples } : {},
      latency: drainHistogram(this.latency),
      uncorrected: this.trackUncorrected ? drainHistogram(this.uncorrected) : undefined,
      seconds,
      upTo: this.secondIndex,
    };
    this.samplesSent = sampleKinds.length;
    this.count = this.ok = this.errors = this.bytes = 0;
    this.statusCodes = {};
    this.errorKinds = {};
    return delta;
  }

  /** Timeline including the partial current second (only if it saw anything). */
  timelineSnapshot(): TimelinePoint[] {
    this.settle();
    if (this.secondCount === 0) return this.timeline.slice();
    return [...this.timeline, Recorder.point(this.secondIndex, this.secondCount, this.secondErrors, this.second)];
  }
}
