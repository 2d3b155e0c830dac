// Messages between a load coordinator (threads.ts, on the caller's thread) and its measuring
// worker threads (worker.ts). Figures travel as deltas (recorder.ts), merged exactly.
import type { LoadOptions } from './engine';
import type { RecorderDelta } from './recorder';

export interface ThreadInput {
  /** This thread's share of the run: its lanes, requests, rate and warm-up. */
  options: LoadOptions;
  /** How often it sends what it recorded. */
  deltaMs: number;
  /** One of several threads: wait after warm-up for the common start ('start'); a lone thread starts at once. */
  gated: boolean;
}

export type ToThread = { type: 'start'; startEpochMs: number } | { type: 'cancel' };

export type FromThread =
  | { type: 'ready' }
  | { type: 'started'; startEpochMs: number }
  | { type: 'delta'; delta: RecorderDelta }
  | {
      type: 'done';
      delta: RecorderDelta;
      /** Epoch times (performance.timeOrigin + now): threads have their own performance clocks. */
      endEpochMs: number;
      unsent?: number;
      cancelledInFlight: number;
      utilization: number;
    }
  | { type: 'failed'; message: string };
