// The run record a measurement ends with, built from its figures: shared by one measuring thread
// (measure.ts) and the coordinator that merges several (threads.ts), so both write the same record.
import { randomUUID } from 'node:crypto';
import * as os from 'node:os';
import packageJson from '../../../package.json';
import type { ErrorKind, RunRecord, TimelinePoint } from '../model';
import { DEFAULT_EXPECT } from '../runs/expect';
import { redactHeaders, stripUserinfo } from '../runs/redact';
import type { LoadOptions } from './engine';
import { addSparse, copySparse, encodeHistogram, newHistogram, summarizeHistogram, type Histogram } from './histogram';

export const TOOL = 'endpoint-profiler';
const VERSION = packageJson.version;

/** The headers sent: as curl and hey, user:password@ in the URL becomes Basic auth unless Authorization is given. */
export function requestHeaders(o: LoadOptions): Record<string, string> {
  const url = new URL(o.url);
  const headers = { ...(o.headers ?? {}) };
  if ((url.username || url.password) && !Object.keys(headers).some((k) => k.toLowerCase() === 'authorization')) {
    const user = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
    headers.authorization = `Basic ${Buffer.from(user).toString('base64')}`;
  }
  return headers;
}

/** The client that measures: lean for http: unless undici is asked for; undici for https:. */
export function clientOf(o: LoadOptions): 'lean' | 'undici' {
  return o.client ?? (new URL(o.url).protocol === 'http:' ? 'lean' : 'undici');
}

export function newRunIdentity(): { id: string; createdAt: string } {
  const now = new Date();
  return { id: `${now.toISOString().replace(/[:.]/g, '-')}-${randomUUID().slice(0, 8)}`, createdAt: now.toISOString() };
}

export interface RunFigures {
  count: number;
  ok: number;
  errors: number;
  bytes: number;
  statusCodes: Record<string, number>;
  errorKinds: Partial<Record<ErrorKind, number>>;
  errorSamples: Partial<Record<ErrorKind, string>>;
  latency: Histogram;
  /** Open model only. */
  uncorrected?: Histogram;
  timeline: TimelinePoint[];
  durationS: number;
  unsent?: number;
  cancelledInFlight: number;
  clientBound: boolean;
  threads: number;
}

/** Why a finished run failed as a whole: every request refused or unresolvable. */
export function runFailure(
  f: Pick<RunFigures, 'count' | 'ok' | 'errors' | 'errorKinds'>,
  url: URL,
): string | undefined {
  const unreachable = (f.errorKinds.refused ?? 0) + (f.errorKinds.dns ?? 0);
  if (f.count > 0 && f.ok === 0 && unreachable === f.errors && f.errors === f.count)
    return f.errorKinds.dns ? `cannot resolve host '${url.hostname}'` : `connection refused by ${url.host}`;
  return undefined;
}

/** os.cpus() reads /proc for every core (~0.5 ms): once per process, not once per progress snapshot. */
let environmentCache: RunRecord['environment'] | undefined;
const environment = (): RunRecord['environment'] =>
  (environmentCache ??= {
    host: os.hostname(),
    cpus: os.cpus().length,
    node: process.version,
    tool: TOOL,
    version: VERSION,
  });

/**
 * `lazyHistograms` (progress snapshots): the histograms are encoded when first read, not here.
 * Encoding is most of a snapshot's cost (~2 ms for a long run) and most readers only show the
 * summary; the editor's panel reads one snapshot's histogram per 250 ms of the ten it gets.
 */
export function buildRunRecord(
  o: LoadOptions,
  identity: { id: string; createdAt: string },
  f: RunFigures,
  status: RunRecord['status'],
  { failure, lazyHistograms = false }: { failure?: string; lazyHistograms?: boolean } = {},
): RunRecord {
  const open = o.rate !== undefined;
  const bodyBytes =
    o.body === undefined ? 0 : typeof o.body === 'string' ? Buffer.byteLength(o.body) : o.body.byteLength;
  const record: RunRecord = {
    schemaVersion: 1,
    id: identity.id,
    label: o.label,
    group: o.group,
    createdAt: identity.createdAt,
    // What records show: secret header values hashed, no userinfo (the requests send the real values).
    target: {
      url: stripUserinfo(o.url),
      method: (o.method ?? 'GET').toUpperCase(),
      headers: redactHeaders(requestHeaders(o)),
      bodyBytes,
    },
    config: {
      model: open ? 'open' : 'closed',
      concurrency: o.concurrency,
      requests: o.requests,
      durationS: o.durationS,
      rate: o.rate,
      timeoutS: o.timeoutS ?? 20,
      warmup: o.warmup ?? 0,
      keepAlive: o.keepAlive !== false,
      pipelining: o.pipelining ?? 1,
      threads: f.threads,
      client: clientOf(o),
      expect: o.expect ?? DEFAULT_EXPECT,
    },
    environment: { ...environment() },
    server: o.server,
    route: o.route,
    summary: {
      count: f.count,
      ok: f.ok,
      errors: f.errors,
      rps: Math.round((f.count / f.durationS) * 100) / 100,
      durationS: Math.round(f.durationS * 1000) / 1000,
      bytes: f.bytes,
      ...(open ? { unsent: f.unsent } : {}),
      cancelledInFlight: f.cancelledInFlight,
      latencyMs: summarizeHistogram(f.latency),
    },
    statusCodes: { ...f.statusCodes },
    errorKinds: { ...f.errorKinds },
    ...(Object.keys(f.errorSamples).length ? { errorSamples: { ...f.errorSamples } } : {}),
    timeline: f.timeline,
    histogram: lazyHistograms ? '' : encodeHistogram(f.latency),
    ...(open && f.uncorrected ? { uncorrectedHistogram: lazyHistograms ? '' : encodeHistogram(f.uncorrected) } : {}),
    ...(f.clientBound ? { clientBound: true } : {}),
    status,
    ...(failure ? { failure } : {}),
  };
  const out = JSON.parse(JSON.stringify(record)) as RunRecord; // drops undefined fields
  if (lazyHistograms) {
    lazy(out, 'histogram', f.latency);
    if (open && f.uncorrected) lazy(out, 'uncorrectedHistogram', f.uncorrected);
  }
  return out;
}

/**
 * An enumerable property encoded on first read (JSON.stringify and structured clone read it too)
 * from a copy of `h`'s occupied slots taken now, so it matches the summary beside it.
 */
function lazy(record: RunRecord, key: 'histogram' | 'uncorrectedHistogram', h: Histogram): void {
  const counts = copySparse(h);
  let value: string | undefined;
  const encode = (): string => {
    const copy = newHistogram();
    addSparse(copy, counts);
    return encodeHistogram(copy);
  };
  Object.defineProperty(record, key, {
    enumerable: true,
    configurable: true,
    get: () => (value ??= encode()),
    set: (v: string) => {
      value = v;
    },
  });
}
