// `--jobs N` of `routes` and `check`: threads that parse and extract files the facts cache does not
// hold (ProjectIndex's `jobs`; default `defaultJobs()`: one per core, at most 4).
export { defaultJobs } from '../core/indexWorker/extractPool';

const MAX_JOBS = 64;

/** The value of `--jobs`, or why it is not one. */
export function parseJobs(value: string | undefined): number | string {
  const n = Number(value);
  if (value === undefined || !/^\d+$/.test(value) || n < 1 || n > MAX_JOBS)
    return `--jobs needs a whole number from 1 to ${MAX_JOBS}, got '${value ?? ''}'`;
  return n;
}
