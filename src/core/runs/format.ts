// Run files: one RunRecord as JSON (schemaVersion 1). Reads validate the shape and refuse
// newer schemas; writes are atomic (tmp + rename) and never replace a file we cannot read.
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { RunRecord } from '../model';
import { decodeRaw } from '../load/histogram';
import { redactRecord } from './redact';

export const SCHEMA_VERSION = 1;

export class RunFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunFileError';
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function parseRunRecord(text: string): RunRecord {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    // V8 quotes the text around the error, newlines included: keep the message one line.
    throw new RunFileError(`not a run file: invalid JSON (${(e as Error).message.replace(/\s+/g, ' ').trim()})`);
  }
  if (!isObject(data)) throw new RunFileError('not a run file: expected a JSON object');
  const v = data.schemaVersion;
  if (typeof v !== 'number') throw new RunFileError('not a run file: schemaVersion missing');
  if (v > SCHEMA_VERSION)
    throw new RunFileError(
      `run file has schema version ${v}, newer than this tool supports (${SCHEMA_VERSION}); upgrade endpoint-profiler`,
    );
  if (v !== SCHEMA_VERSION) throw new RunFileError(`unsupported run file schema version ${v}`);
  const missing = [
    'id',
    'createdAt',
    'target',
    'config',
    'summary',
    'statusCodes',
    'timeline',
    'histogram',
    'status',
  ].filter((k) => data[k] === undefined);
  if (missing.length) throw new RunFileError(`corrupt run file: missing ${missing.join(', ')}`);
  checkRecord(data);
  return data as unknown as RunRecord;
}

// ---------------------------------------------------------------- field types
// Every field a reader relies on is checked, so a hand-edited or damaged file is refused with the
// path of the bad field instead of printing "inf … same" or failing later as an internal error.

type Obj = Record<string, unknown>;
const bad = (where: string, what: string, got: unknown): RunFileError =>
  new RunFileError(
    `corrupt run file: ${where} must be ${what}, got ${got === null ? 'null' : Array.isArray(got) ? 'an array' : typeof got === 'string' ? JSON.stringify(got.slice(0, 40)) : typeof got}`,
  );

function obj(v: unknown, where: string): Obj {
  if (!isObject(v)) throw bad(where, 'an object', v);
  return v;
}
function num(o: Obj, key: string, where: string, optional = false): void {
  const v = o[key];
  if (optional && v === undefined) return;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw bad(`${where}.${key}`, 'a number', v);
}
function str(o: Obj, key: string, where: string, optional = false): void {
  const v = o[key];
  if (optional && v === undefined) return;
  if (typeof v !== 'string') throw bad(`${where}.${key}`, 'a string', v);
}
function bool(o: Obj, key: string, where: string): void {
  const v = o[key];
  if (v !== undefined && typeof v !== 'boolean') throw bad(`${where}.${key}`, 'true or false', v);
}
function mapOf(v: unknown, where: string, type: 'number' | 'string', optional = false): void {
  if (optional && v === undefined) return;
  const o = obj(v, where);
  for (const [k, x] of Object.entries(o)) {
    const ok = type === 'number' ? typeof x === 'number' && Number.isFinite(x) : typeof x === 'string';
    if (!ok) throw bad(`${where}.${k}`, `a ${type}`, x);
  }
}
function histogram(v: unknown, where: string): void {
  if (typeof v !== 'string') throw bad(where, 'a string (HDR, compressed base64)', v);
  try {
    decodeRaw(v);
  } catch (e) {
    throw new RunFileError(`corrupt run file: ${where} cannot be decoded (${(e as Error).message})`);
  }
}

const LATENCY_KEYS = ['min', 'mean', 'stdev', 'p50', 'p75', 'p90', 'p95', 'p99', 'p999', 'max'] as const;

function checkRecord(d: Obj): void {
  str(d, 'id', 'run');
  str(d, 'createdAt', 'run');
  str(d, 'label', 'run', true);
  str(d, 'group', 'run', true);
  const target = obj(d.target, 'target');
  str(target, 'url', 'target');
  str(target, 'method', 'target');
  mapOf(target.headers, 'target.headers', 'string');
  num(target, 'bodyBytes', 'target');
  const config = obj(d.config, 'config');
  if (config.model !== 'closed' && config.model !== 'open')
    throw bad('config.model', "'closed' or 'open'", config.model);
  num(config, 'concurrency', 'config');
  for (const k of ['requests', 'durationS', 'rate', 'pipelining', 'threads']) num(config, k, 'config', true);
  num(config, 'timeoutS', 'config');
  num(config, 'warmup', 'config');
  bool(config, 'keepAlive', 'config');
  str(config, 'expect', 'config', true);
  if (d.environment !== undefined) {
    const env = obj(d.environment, 'environment');
    for (const k of ['host', 'node', 'tool', 'version']) str(env, k, 'environment', true);
    num(env, 'cpus', 'environment', true);
  }
  if (d.server !== undefined) obj(d.server, 'server');
  if (d.route !== undefined) str(obj(d.route, 'route'), 'path', 'route');
  const summary = obj(d.summary, 'summary');
  for (const k of ['count', 'ok', 'errors', 'rps', 'durationS']) num(summary, k, 'summary');
  for (const k of ['bytes', 'unsent', 'cancelledInFlight']) num(summary, k, 'summary', true);
  const latency = obj(summary.latencyMs, 'summary.latencyMs');
  for (const k of LATENCY_KEYS) num(latency, k, 'summary.latencyMs');
  mapOf(d.statusCodes, 'statusCodes', 'number');
  mapOf(d.errorKinds ?? {}, 'errorKinds', 'number');
  mapOf(d.errorSamples, 'errorSamples', 'string', true);
  if (!Array.isArray(d.timeline)) throw bad('timeline', 'an array', d.timeline);
  d.timeline.forEach((p: unknown, i) => {
    const point = obj(p, `timeline[${i}]`);
    for (const k of ['t', 'count', 'errors', 'p50', 'p99']) num(point, k, `timeline[${i}]`);
  });
  histogram(d.histogram, 'histogram');
  if (d.uncorrectedHistogram !== undefined) histogram(d.uncorrectedHistogram, 'uncorrectedHistogram');
  bool(d, 'clientBound', 'run');
  if (d.status !== 'complete' && d.status !== 'cancelled' && d.status !== 'failed')
    throw bad('status', "'complete', 'cancelled' or 'failed'", d.status);
  str(d, 'failure', 'run', true);
  if (d.loopStalls !== undefined) {
    if (!Array.isArray(d.loopStalls)) throw bad('loopStalls', 'an array', d.loopStalls);
    d.loopStalls.forEach((v: unknown, i) => {
      const stall = obj(v, `loopStalls[${i}]`);
      for (const k of ['file', 'function']) str(stall, k, `loopStalls[${i}]`);
      str(stall, 'route', `loopStalls[${i}]`, true);
      for (const k of ['line', 'count', 'totalMs', 'maxMs']) num(stall, k, `loopStalls[${i}]`);
    });
  }
  if (d.loopLag !== undefined) {
    const lag = obj(d.loopLag, 'loopLag');
    for (const k of ['p50Ms', 'p99Ms', 'maxMs']) num(lag, k, 'loopLag');
    if (!Array.isArray(lag.timeline)) throw bad('loopLag.timeline', 'an array', lag.timeline);
    lag.timeline.forEach((p: unknown, i) => {
      const point = obj(p, `loopLag.timeline[${i}]`);
      for (const k of ['t', 'maxMs']) num(point, k, `loopLag.timeline[${i}]`);
    });
  }
}

export async function readRunFile(file: string): Promise<RunRecord> {
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (e) {
    throw new RunFileError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    return parseRunRecord(text);
  } catch (e) {
    throw new RunFileError(`${file}: ${(e as Error).message}`);
  }
}

const why = (e: unknown): string => (e as NodeJS.ErrnoException).code ?? (e as Error).message;

/**
 * Throws RunFileError when `file` must not be written: it is a folder, or an existing file that
 * cannot be read as a run file of this schema (corrupt, or newer: never overwritten).
 */
async function refuseToReplace(file: string): Promise<void> {
  let existing: string;
  try {
    if ((await fsp.stat(file)).isDirectory()) throw new RunFileError(`refusing to write ${file}: it is a folder`);
    existing = await fsp.readFile(file, 'utf8');
  } catch (e) {
    if (e instanceof RunFileError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return; // nothing there to replace
    throw new RunFileError(`refusing to overwrite ${file}: cannot read it (${why(e)})`);
  }
  try {
    parseRunRecord(existing);
  } catch (e) {
    throw new RunFileError(`refusing to overwrite ${file}: ${(e as Error).message}`);
  }
}

/**
 * Checks, before any request is sent, that a run file can later be written at `file`: its folder
 * exists and takes a new file, and `file` is not a folder nor a file we would refuse to replace.
 * A full disk cannot be foreseen; writers fall back (writeRunFileOrFallback).
 */
export async function checkRunFileTarget(file: string): Promise<void> {
  await refuseToReplace(file);
  const dir = path.dirname(path.resolve(file));
  try {
    if (!(await fsp.stat(dir)).isDirectory()) throw new RunFileError(`cannot write ${file}: ${dir} is not a folder`);
  } catch (e) {
    if (e instanceof RunFileError) throw e;
    throw new RunFileError(
      `cannot write ${file}: folder ${dir} ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : `cannot be read (${why(e)})`}`,
    );
  }
  let probe: string | undefined;
  try {
    probe = await fsp.mkdtemp(path.join(dir, '.ep-write-check-'));
  } catch (e) {
    throw new RunFileError(`cannot write ${file}: folder ${dir} does not take new files (${why(e)})`);
  } finally {
    if (probe) await fsp.rm(probe, { recursive: true, force: true });
  }
}

/** fsync a folder so a rename in it survives a crash; not every platform can open a folder. */
async function syncDir(dir: string): Promise<void> {
  let fh: fsp.FileHandle | undefined;
  try {
    fh = await fsp.open(dir, 'r');
    await fh.sync();
  } catch {
    // Windows cannot open folders; some file systems refuse fsync on them: the rename is still atomic.
  } finally {
    await fh?.close();
  }
}

/**
 * Writes atomically with secrets redacted, mode 0600: the JSON goes to a new file (`wx`) in a fresh
 * mkdtemp folder beside the target (no predictable name, so a planted symlink is never followed),
 * is fsynced, renamed over the target, and the folder fsynced. Never replaces a file it cannot read.
 */
export async function writeRunFile(file: string, record: RunRecord): Promise<void> {
  await refuseToReplace(file);
  const dir = path.dirname(file);
  let tmpDir: string | undefined;
  try {
    tmpDir = await fsp.mkdtemp(path.join(dir, `.${path.basename(file)}.`));
    const tmp = path.join(tmpDir, 'run.json');
    const fh = await fsp.open(tmp, 'wx', 0o600);
    try {
      await fh.writeFile(`${JSON.stringify(redactRecord(record), null, 2)}\n`, 'utf8');
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fsp.rename(tmp, file);
    await syncDir(dir);
  } catch (e) {
    throw new RunFileError(`cannot write ${file}: ${why(e)}`);
  } finally {
    if (tmpDir) await fsp.rm(tmpDir, { recursive: true, force: true }).catch(() => undefined);
  }
}

/** Where a run goes when its own path cannot be written (full disk, folder gone…). */
export const fallbackRunDir = (): string => path.join(os.tmpdir(), 'endpoint-profiler-runs');

export interface SavedRun {
  /** Where the record is now, when it could be written anywhere. */
  file?: string;
  /** Set when `file` is not the path asked for: one sentence saying what failed and where the run went. */
  error?: string;
}

/**
 * Writes `record` to `file`; when that fails, to `<fallbackDir>/<id>.json`. Never throws: a
 * finished run must not turn into a failed one because the disk is full.
 */
export async function writeRunFileOrFallback(
  file: string,
  record: RunRecord,
  fallbackDir = fallbackRunDir(),
): Promise<SavedRun> {
  let first: string;
  try {
    await writeRunFile(file, record);
    return { file };
  } catch (e) {
    first = (e as Error).message;
  }
  const safeId = /^[\w.-]+$/.test(record.id) && !record.id.startsWith('.') ? record.id : 'run';
  const other = path.join(fallbackDir, `${safeId}.json`);
  try {
    await fsp.mkdir(fallbackDir, { recursive: true, mode: 0o700 });
    await writeRunFile(other, record);
    return { file: other, error: `${first}; the run was saved to ${other} instead` };
  } catch (e) {
    return { error: `${first}; saving it to ${other} failed too (${(e as Error).message}), so the run was not kept` };
  }
}
