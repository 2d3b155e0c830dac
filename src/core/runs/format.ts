// Run files: one RunRecord as JSON (schemaVersion 1). Reads validate the shape and refuse
// newer schemas; writes are atomic (tmp + rename) and never replace a file we cannot read.
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { RunRecord } from '../model';
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
  const summary = data.summary;
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
  if (typeof data.id !== 'string' || typeof data.histogram !== 'string' || !Array.isArray(data.timeline))
    throw new RunFileError('corrupt run file: wrong field types');
  if (!isObject(summary) || !isObject(summary.latencyMs) || typeof summary.count !== 'number')
    throw new RunFileError('corrupt run file: summary malformed');
  return data as unknown as RunRecord;
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
