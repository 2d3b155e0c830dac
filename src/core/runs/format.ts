// Run files: one RunRecord as JSON (schemaVersion 1). Reads validate the shape and refuse
// newer schemas; writes are atomic (tmp + rename) and never replace a file we cannot read.
import { promises as fsp } from 'node:fs';
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
    throw new RunFileError(`not a run file: invalid JSON (${(e as Error).message})`);
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

export async function writeRunFile(file: string, record: RunRecord): Promise<void> {
  let existing: string | undefined;
  try {
    existing = await fsp.readFile(file, 'utf8');
  } catch {
    existing = undefined;
  }
  if (existing !== undefined) {
    try {
      parseRunRecord(existing);
    } catch (e) {
      throw new RunFileError(`refusing to overwrite ${file}: ${(e as Error).message}`);
    }
  }
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  try {
    await fsp.writeFile(tmp, `${JSON.stringify(redactRecord(record), null, 2)}\n`, 'utf8');
    await fsp.rename(tmp, file);
  } catch (e) {
    await fsp.rm(tmp, { force: true });
    throw new RunFileError(`cannot write ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}
