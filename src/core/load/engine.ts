// Public entry of the load engine: validate options on the caller's thread, then measure in
// worker threads (threads.ts) so the caller (the extension host) never blocks, or, for the CLI's
// one-thread runs, on the calling thread itself.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import type { RunRecord, ServerConfig } from '../model';
import { parseExpect } from '../runs/expect';
import * as os from 'node:os';
import type * as Measure from './measure';
import type * as Threads from './threads';
import { settleStartupHeap, SETTLE_MIN_REQUESTS } from './settleHeap';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const threadsModule = (): typeof Threads => require('./threads') as typeof Threads;

export interface LoadOptions {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  concurrency: number;
  requests?: number;
  durationS?: number;
  rate?: number; // total req/s => open model
  timeoutS?: number;
  warmup?: number;
  keepAlive?: boolean;
  /**
   * Requests in flight per connection, written together (HTTP/1.1 pipelining). The run keeps
   * concurrency × pipelining requests in flight, as autocannon's -c and -p. Default 1.
   */
  pipelining?: number;
  /**
   * Worker threads sharing the lanes (and -n, -q, --warmup), their figures merged exactly. Default:
   * defaultThreads() (1 on ≤ 2 cores); never more than the concurrency or the request count.
   */
  threads?: number;
  /** 'lean' (raw sockets; the default for http:) or 'undici' (the default, and the only one, for https:). */
  client?: 'lean' | 'undici';
  /** Statuses that count as ok, e.g. '200-399' (the default), '200,201', '2xx'; recorded as config.expect. */
  expect?: string;
  allowRemote?: boolean;
  label?: string;
  group?: string;
  route?: RunRecord['route'];
  server?: ServerConfig;
}
export interface LoadProgress {
  snapshot: RunRecord;
  elapsedS: number;
  fraction?: number; /* 0..1 when known */
}
export interface LoadHandle {
  result: Promise<RunRecord>;
  cancel(): void;
}

export class LoadOptionsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LoadOptionsError';
  }
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

export function isLoopbackUrl(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    return false;
  }
  return LOOPBACK_HOSTS.has(host) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

function positive(name: string, v: number | undefined, integer: boolean): void {
  if (v === undefined) return;
  if (!Number.isFinite(v) || v <= 0 || (integer && !Number.isInteger(v)))
    throw new LoadOptionsError(`${name} must be a positive ${integer ? 'integer' : 'number'}, got ${v}`);
}

// RFC 9110 token for names; values as undici accepts them (no CR, LF, NUL or other controls but tab).
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

function validateHeaders(headers: Record<string, string> | undefined): void {
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (!HEADER_NAME.test(name)) throw new LoadOptionsError(`invalid header name ${JSON.stringify(name)}`);
    if (typeof value !== 'string' || !HEADER_VALUE.test(value))
      throw new LoadOptionsError(
        `invalid value for header '${name}': ${/[\r\n]/.test(String(value)) ? 'it contains CR or LF' : 'it contains a control character'}`,
      );
  }
}

/**
 * The process's soft open-file limit (`ulimit -n`): /proc/self/limits on Linux, else asked of
 * the shell; undefined when unlimited or unknown. Read once.
 */
let fdLimitCache: { limit?: number } | undefined;
export function openFileLimit(): number | undefined {
  if (fdLimitCache) return fdLimitCache.limit;
  let text: string | undefined;
  try {
    text = /^Max open files\s+(\S+)/m.exec(readFileSync('/proc/self/limits', 'utf8'))?.[1];
  } catch {
    try {
      const r = spawnSync('/bin/sh', ['-c', 'ulimit -n'], { encoding: 'utf8', timeout: 2000 });
      text = r.status === 0 ? r.stdout.trim() : undefined;
    } catch {
      text = undefined;
    }
  }
  const n = Number(text);
  fdLimitCache = { limit: Number.isInteger(n) && n > 0 ? n : undefined };
  return fdLimitCache.limit;
}

/** File descriptors this process has open now (Linux), or a conservative guess. */
function openFileCount(): number {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return 64;
  }
}

/** Descriptors kept free besides the load's sockets: the worker, stdio, --out, DNS, the editor's own files. */
const FD_RESERVE = 64;

/** The highest concurrency the open-file limit allows now (each in-flight request holds one socket). */
export function maxConcurrency(): { max: number; limit: number; inUse: number } | undefined {
  const limit = openFileLimit();
  if (limit === undefined) return undefined;
  const inUse = openFileCount();
  return { max: Math.max(0, limit - inUse - FD_RESERVE), limit, inUse };
}

/** Throws LoadOptionsError for any input that must be refused before a connection is opened. */
export function validateLoadOptions(o: LoadOptions): void {
  let u: URL;
  try {
    u = new URL(o.url);
  } catch {
    throw new LoadOptionsError(`invalid URL: ${o.url}`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw new LoadOptionsError(`unsupported scheme '${u.protocol.replace(':', '')}' (use http or https)`);
  if (!o.allowRemote && !isLoopbackUrl(o.url))
    throw new LoadOptionsError(`refusing to load non-loopback host '${u.hostname}' without --allow-remote`);
  positive('concurrency', o.concurrency, true);
  positive('requests', o.requests, true);
  positive('duration', o.durationS, false);
  positive('rate', o.rate, false);
  positive('timeout', o.timeoutS, false);
  positive('pipelining', o.pipelining, true);
  positive('threads', o.threads, true);
  if (o.client !== undefined && o.client !== 'lean' && o.client !== 'undici')
    throw new LoadOptionsError(`client must be 'lean' or 'undici', got '${String(o.client)}'`);
  if (o.client === 'lean' && u.protocol !== 'http:')
    throw new LoadOptionsError('the lean client speaks plain http: only (use --client undici for https)');
  if (o.warmup !== undefined && (!Number.isInteger(o.warmup) || o.warmup < 0))
    throw new LoadOptionsError(`warmup must be a non-negative integer, got ${o.warmup}`);
  if (o.requests === undefined && o.durationS === undefined)
    throw new LoadOptionsError('give a request count or a duration');
  if (o.method !== undefined && !/^[A-Za-z]+$/.test(o.method))
    throw new LoadOptionsError(`invalid method: ${o.method}`);
  validateHeaders(o.headers);
  const fds = maxConcurrency();
  if (fds && o.concurrency > fds.max)
    throw new LoadOptionsError(
      `concurrency ${o.concurrency} needs ${o.concurrency} sockets but the open-file limit is ${fds.limit} (ulimit -n; ${fds.inUse} in use, ${FD_RESERVE} kept free): use at most ${fds.max}, or raise the limit`,
    );
  if (o.expect !== undefined) {
    try {
      parseExpect(o.expect);
    } catch (e) {
      throw new LoadOptionsError((e as Error).message);
    }
  }
}

/** Threads used by default: 1 on ≤ 2 cores (the server under test needs the rest), else half the cores, at most 4. */
export function defaultThreads(): number {
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return cores <= 2 ? 1 : Math.min(4, Math.floor(cores / 2));
}

/** Threads a run will use: as asked (or the default), never more than its connections or requests. */
export function threadsFor(o: LoadOptions): number {
  return Math.max(1, Math.min(o.threads ?? defaultThreads(), o.concurrency, o.requests ?? Infinity));
}

/**
 * Measures on the calling thread (the CLI: nothing else runs on its loop, and no worker to start
 * or tear down) when the run has one thread; in worker threads when it has more. The measuring
 * code is loaded here, on first use, not when the engine is imported.
 */
export function startLoadHere(options: LoadOptions): LoadHandle {
  validateLoadOptions(options);
  const threads = threadsFor(options);
  if (threads > 1) return threadsModule().startThreads(options, threads);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { measure } = require('./measure') as typeof Measure;
  if (options.durationS !== undefined || (options.requests ?? 0) >= SETTLE_MIN_REQUESTS) settleStartupHeap();
  const m = measure(options);
  return { result: m.done, cancel: () => m.cancel() };
}

/**
 * Measures in worker threads (at least one), so the caller's thread (the extension host) never
 * blocks; progress snapshots are built on the caller's thread from the threads' deltas.
 */
export function startLoad(options: LoadOptions, onProgress?: (p: LoadProgress) => void): LoadHandle {
  validateLoadOptions(options);
  return threadsModule().startThreads(options, threadsFor(options), onProgress);
}
