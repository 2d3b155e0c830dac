// Which loop stalls belong to which run when several runs share one watched server (the levels
// of a sweep, the runs of an editor session): each run gets the report of its own window, and
// the runs' sites are also merged into one list for the whole sweep.
import type { LoopStall, Route, RunRecord } from '../model';
import { mergeStalls, type LoopWatch } from './loopWatch';

/** The hook writes a stall once the loop runs again: wait this long after a run before collecting. */
export const STALL_WRITE_DELAY_MS = 150;

export const afterStallsWritten = (): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, STALL_WRITE_DELAY_MS));

/** Puts the watch's report for [startMs, endMs) on the record (`loopStalls`, `loopLag`); returns how many processes reported. */
export function attachLoopReport(
  record: RunRecord,
  watch: LoopWatch,
  window: { startMs: number; endMs: number },
  routes: readonly Route[] = [],
): number {
  const report = watch.collect(window, routes);
  record.loopStalls = report.loopStalls;
  if (report.loopLag) record.loopLag = report.loopLag;
  else delete record.loopLag;
  return report.processes;
}

/**
 * Records run one after another, each started at `starts[i]` (ms since the epoch): record i's
 * window ends where the next begins, the last at `endMs`. Returns the sites of all of them, merged.
 */
export function attachLevelReports(
  records: readonly RunRecord[],
  starts: readonly number[],
  endMs: number,
  watch: LoopWatch,
  routes: readonly Route[] = [],
): { loopStalls: LoopStall[]; processes: number } {
  let merged: LoopStall[] = [];
  let processes = 0;
  records.forEach((record, i) => {
    const startMs = starts[i];
    if (startMs === undefined) return;
    processes = Math.max(
      processes,
      attachLoopReport(record, watch, { startMs, endMs: starts[i + 1] ?? endMs }, routes),
    );
    merged = mergeStalls(merged, record.loopStalls ?? []);
  });
  return { loopStalls: merged, processes };
}
