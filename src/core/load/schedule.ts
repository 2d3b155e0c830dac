// Open-model arrival schedule: request i is due at start + i / rate (constant arrival rate,
// as wrk2/vegeta). Latency is measured from this scheduled time, so a stalled server is
// charged for the requests it delayed (no coordinated omission).

/** Scheduled send time (ms) of request `index` (0-based). */
export function scheduledAt(startMs: number, rate: number, index: number): number {
  return startMs + (index * 1000) / rate;
}

/** How many requests are due by `nowMs` in total (sent or not). */
export function dueCount(startMs: number, rate: number, nowMs: number): number {
  if (nowMs < startMs) return 0;
  return Math.floor(((nowMs - startMs) * rate) / 1000) + 1;
}

/** A request is 'late' when sent more than one interval (at least 10 ms, above timer jitter) after its schedule. */
export function lateSlackMs(rate: number): number {
  return Math.max(10, 1000 / rate);
}
