// Whether a run got the answers it expected, as plain data every editor surface shares (Runs
// row, hover, CodeLens, results panel): judged from the statuses outside `config.expect` and
// the network error kinds, never from `summary.ok` alone, because records from engines before
// `--expect` counted a 404 as ok.
import type { ErrorKind, RunRecord } from '../core/model';
import { DEFAULT_EXPECT, unexpectedStatuses } from '../core/runs/expect';
import type { RunOutcome } from '../shared/protocol';

export function runOutcome(run: Pick<RunRecord, 'statusCodes' | 'config' | 'errorKinds' | 'errorSamples'>): RunOutcome {
  const unexpected = unexpectedStatuses(run);
  const answered = Object.values(run.statusCodes).reduce((n, c) => n + (c > 0 ? c : 0), 0);
  const unexpectedCount = unexpected.reduce((n, s) => n + s.count, 0);
  // `status` errors are the unexpected statuses again (newer engines count them as both).
  const errors = (Object.entries(run.errorKinds) as Array<[ErrorKind, number | undefined]>)
    .filter((e): e is [ErrorKind, number] => e[0] !== 'status' && (e[1] ?? 0) > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([kind, count]) => ({ kind, count, ...(run.errorSamples?.[kind] ? { sample: run.errorSamples[kind] } : {}) }));
  const expected = answered - unexpectedCount;
  const failed = unexpectedCount + errors.reduce((n, e) => n + e.count, 0);
  // Nothing answered and nothing failed (a run cancelled before its first answer) is not a failure of the endpoint.
  const kind = failed === 0 ? 'ok' : expected === 0 ? 'failed' : 'partial';
  return {
    kind,
    expect: run.config.expect ?? DEFAULT_EXPECT,
    expected,
    failed,
    unexpected,
    errors,
    text: failureText(unexpected, errors),
  };
}

/** "10 × 404", "3 × 500, 2 × timeout"; "no response" when nothing was answered or failed. */
function failureText(unexpected: RunOutcome['unexpected'], errors: RunOutcome['errors']): string {
  const parts = [...unexpected.map((s) => `${s.count} × ${s.status}`), ...errors.map((e) => `${e.count} × ${e.kind}`)];
  return parts.length ? parts.join(', ') : 'no response';
}
