// Which HTTP statuses count as a success: `--expect SPEC` in the CLI, `config.expect` in a run file.
// The default follows k6's `http_req_failed`: anything outside 200–399 failed.
import type { RunRecord } from '../model';

export const DEFAULT_EXPECT = '200-399';

/** Inclusive status ranges, e.g. '200,201' → [[200,200],[201,201]], '2xx' → [[200,299]]. */
export type ExpectRanges = ReadonlyArray<readonly [number, number]>;

export class ExpectSpecError extends Error {
  constructor(spec: string, why: string) {
    super(`invalid --expect '${spec}': ${why} (examples: 200-399, 200,201, 2xx)`);
    this.name = 'ExpectSpecError';
  }
}

const isStatus = (n: number): boolean => Number.isInteger(n) && n >= 100 && n <= 599;

/** Parses a comma-separated list of statuses (`201`), ranges (`200-299`) and classes (`2xx`); throws ExpectSpecError. */
export function parseExpect(spec: string): ExpectRanges {
  const items = spec.split(',').map((s) => s.trim());
  if (items.some((s) => s === '')) throw new ExpectSpecError(spec, 'empty item');
  return items.map((item): readonly [number, number] => {
    const cls = /^([1-5])xx$/i.exec(item);
    if (cls) return [Number(cls[1]) * 100, Number(cls[1]) * 100 + 99];
    const range = /^(\d{3})-(\d{3})$/.exec(item);
    if (range) {
      const [lo, hi] = [Number(range[1]), Number(range[2])];
      if (!isStatus(lo) || !isStatus(hi) || lo > hi) throw new ExpectSpecError(spec, `'${item}' is not a status range`);
      return [lo, hi];
    }
    if (/^\d{3}$/.test(item) && isStatus(Number(item))) return [Number(item), Number(item)];
    throw new ExpectSpecError(spec, `'${item}' is not a status, range or class`);
  });
}

export function isExpected(status: number, ranges: ExpectRanges): boolean {
  return ranges.some(([lo, hi]) => status >= lo && status <= hi);
}

/**
 * The statuses of a run that were not expected, most frequent first. Records written before
 * `config.expect` existed are judged by the default, so an old 404 run still reads as failed.
 */
export function unexpectedStatuses(record: Pick<RunRecord, 'statusCodes' | 'config'>): Array<{
  status: number;
  count: number;
}> {
  let ranges: ExpectRanges;
  try {
    ranges = parseExpect(record.config.expect ?? DEFAULT_EXPECT);
  } catch {
    ranges = parseExpect(DEFAULT_EXPECT);
  }
  return Object.entries(record.statusCodes)
    .map(([code, count]) => ({ status: Number(code), count }))
    .filter((s) => Number.isFinite(s.status) && s.count > 0 && !isExpected(s.status, ranges))
    .sort((a, b) => b.count - a.count || a.status - b.status);
}
