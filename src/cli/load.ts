// `endpoint-profiler load URL` with hey's flags. Prints a hey-like report, or one run record with --json.
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import {
  LoadOptionsError,
  startLoadHere,
  validateLoadOptions,
  type LoadHandle,
  type LoadOptions,
} from '../core/load/engine';
import { checkRunFileTarget, RunFileError, writeRunFileOrFallback } from '../core/runs/format';
import { textReport } from '../core/runs/report';
import { DEFAULT_EXPECT, unexpectedStatuses } from '../core/runs/expect';
import type { Route, RunRecord } from '../core/model';
import * as path from 'node:path';
import type { LoopWatch } from '../core/runtime/loopWatch';
import type { RunningServer } from '../core/servers';
// --server, --watch-loop and the routes that name a stall load their modules (the analysis engine,
// parsers, process control) only when asked: imported up front they were ~11 MB of a plain run's RSS.

export const HELP = `Usage: endpoint-profiler load [options] URL

Options (as in hey):
  -n  Number of requests to run. Default is 200.
  -c  Number of concurrent connections (in-flight requests). Default is 50. Refused
      (exit 2) above what the open-file limit (ulimit -n) allows, less 64 kept free.
  -q  Rate limit, in requests per second, TOTAL across all connections (open model:
      latency measured from each request's scheduled send time). NOTE: hey's -q is per
      worker; ours is the total rate. Alias: --rate. Requests the schedule called for
      but that were never sent are reported as 'unsent'.
  -z  Duration of the run, e.g. 10s, 2m. When given, -n is ignored. At the deadline,
      requests still in flight are aborted and reported as 'cancelledInFlight' (not in
      the latency figures).
  -m  HTTP method: GET, POST, PUT, DELETE, HEAD, OPTIONS. Default GET.
  -H  Custom HTTP header, "Name: value". Repeatable.
  -t  Timeout for each request in seconds, for the whole request: connect, headers and
      body. Default 20.
  -d  HTTP request body.
  -D  HTTP request body from file.
  -T  Content-type, defaults to "text/html" when a body is given.
  -A  HTTP Accept header.
  -disable-keepalive  Open a new connection for every request.

Extra options:
  --expect SPEC    Statuses that count as ok. Default 200-399 (as k6); e.g. 200,201 or 2xx or
                   200-299,404. Any other status is an error of kind 'status' (statusCodes keeps
                   every code) and the report lists it above the histogram.
  --warmup N       Send N requests first and leave them out of the results.
  -p, --pipelining N
                   Requests in flight on each connection (HTTP/1.1 pipelining), written
                   together: -c 50 -p 10 keeps 500 in flight on 50 connections, as
                   autocannon. Default 1. Recorded as config.pipelining.
  --threads N      Worker threads sharing the connections (and -n, -q, --warmup), their
                   histograms and timelines merged exactly. Default 1 on machines with up
                   to 2 cores (the server under test needs the other), else half the cores,
                   at most 4; never more than -c. With 1, the run measures on this thread.
                   Recorded as config.threads.
  --client NAME    lean (default for http:): raw sockets, prebuilt request bytes; or undici
                   (the only client for https:).
  --rate R         Same as -q.
  --json           Print the run record (JSON) instead of the report.
  --out FILE       Also write the run record to FILE (atomically, mode 0600). Checked before
                   the first request (exit 2 if its folder is missing or read-only, or FILE
                   is a folder or a corrupt or newer run file). If the write still fails,
                   the record is saved to a fallback file named on stderr (exit 1).
  --label TEXT     Label stored in the run record.
  --allow-remote   Allow a target other than loopback (127.0.0.1, ::1, localhost).
  -h, --help       Show this help.

Starting the server (its own process group, a free loopback port, stopped after the run):
  --server CMD     Start CMD first, e.g. 'uvicorn app:app --port {port}'; {port} and {host} are
                   replaced and the URL's host and port point at it. CMD is split into words and
                   run without a shell: ; | & $ and redirections are refused. Its worker count is
                   recorded in the run's 'server'.
  --cwd DIR        Folder to start it in (default: the current folder); also the workspace whose
                   code the loop watch names.
  --start-timeout S  Seconds to wait for the server to accept connections. Default 60.
  --watch-loop     Watch the server's event loop during the run (Python asyncio/uvloop servers via
                   a sitecustomize.py on PYTHONPATH; Node servers via NODE_OPTIONS --require) and
                   add 'loopStalls' (where in DIR the loop was blocked, per site: count, total and
                   max ms, and the route) and 'loopLag' to the record; the report lists the top stalls.

Secrets are not written down: values of Authorization, Proxy-Authorization, Cookie,
Set-Cookie, X-Api-Key and any header whose name contains token, secret, key or auth are
recorded as 'redacted:sha256:<8 hex>', and user:password@ is removed from the URL (it is
sent as Basic auth). The requests themselves carry the real values.

Ctrl-C, SIGTERM and SIGHUP stop the run: in-flight requests are aborted, the record is
printed and saved with status 'cancelled', and the exit code is 128 + the signal number
(130, 143, 129). A second identical signal ends the process at once.

Exit codes: 0 ok, 1 run failed (e.g. connection refused), no response had an expected
status (ok = 0) or --out could not be written, 2 usage error, 128+n stopped by signal n.
`;

class UsageError extends Error {}

const STOP_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

function num(flag: string, v: string | undefined): number {
  const n = Number(v);
  if (v === undefined || v === '' || !Number.isFinite(n))
    throw new UsageError(`${flag} needs a number, got '${v ?? ''}'`);
  return n;
}

export function parseDuration(v: string | undefined): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(v ?? '');
  if (!m) throw new UsageError(`-z needs a duration like 10s or 2m, got '${v ?? ''}'`);
  const mult = { ms: 0.001, s: 1, m: 60, h: 3600 }[m[2] ?? 's'] as number;
  return Number(m[1]) * mult;
}

interface Parsed {
  options: LoadOptions;
  json: boolean;
  out?: string;
  bodyFile?: string;
  help: boolean;
  server?: { command: string; cwd: string; startTimeoutS: number; watchLoop: boolean };
}

export function parseLoadArgs(argv: string[]): Parsed {
  const headers: Record<string, string> = {};
  let url: string | undefined;
  let requests = 200;
  let concurrency = 50;
  let durationS: number | undefined;
  let rate: number | undefined;
  let method: string | undefined;
  let timeoutS = 20;
  let body: string | undefined;
  let bodyFile: string | undefined;
  let contentType: string | undefined;
  let keepAlive = true;
  let warmup = 0;
  let json = false;
  let out: string | undefined;
  let label: string | undefined;
  let allowRemote = false;
  let expect: string | undefined;
  let pipelining: number | undefined;
  let client: LoadOptions['client'];
  let threads: number | undefined;
  let help = false;
  let serverCommand: string | undefined;
  let cwd: string | undefined;
  let startTimeoutS = 60;
  let watchLoop = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = (): string => {
      if (i + 1 >= argv.length) throw new UsageError(`${a} needs a value`);
      return argv[++i];
    };
    switch (a) {
      case '-h':
      case '--help':
        help = true;
        break;
      case '-n':
        requests = num(a, val());
        break;
      case '-c':
        concurrency = num(a, val());
        break;
      case '-q':
      case '--rate':
        rate = num(a, val());
        break;
      case '-z':
        durationS = parseDuration(val());
        break;
      case '-m':
        method = val();
        break;
      case '-H': {
        const h = val();
        const at = h.indexOf(':');
        if (at <= 0) throw new UsageError(`-H needs "Name: value", got '${h}'`);
        headers[h.slice(0, at).trim()] = h.slice(at + 1).trim();
        break;
      }
      case '-t':
        timeoutS = num(a, val());
        break;
      case '-d':
        body = val();
        break;
      case '-D':
        bodyFile = val();
        break;
      case '-T':
        contentType = val();
        break;
      case '-A':
        headers.accept = val();
        break;
      case '-disable-keepalive':
      case '--disable-keepalive':
        keepAlive = false;
        break;
      case '--warmup':
        warmup = num(a, val());
        break;
      case '-p':
      case '--pipelining':
        pipelining = num(a, val());
        break;
      case '--threads':
        threads = num(a, val());
        break;
      case '--client': {
        const v = val();
        if (v !== 'lean' && v !== 'undici') throw new UsageError(`--client needs lean or undici, got '${v}'`);
        client = v;
        break;
      }
      case '--json':
        json = true;
        break;
      case '--out':
        out = val();
        break;
      case '--label':
        label = val();
        break;
      case '--expect':
        expect = val();
        break;
      case '--allow-remote':
        allowRemote = true;
        break;
      case '--server':
        serverCommand = val();
        break;
      case '--cwd':
        cwd = val();
        break;
      case '--start-timeout':
        startTimeoutS = num(a, val());
        break;
      case '--watch-loop':
        watchLoop = true;
        break;
      default:
        if (a.startsWith('-')) throw new UsageError(`unknown option ${a}`);
        if (url) throw new UsageError(`unexpected argument '${a}' (one URL only)`);
        url = a;
    }
  }
  if (!url && !help) throw new UsageError('missing URL');
  if (watchLoop && !serverCommand)
    throw new UsageError('--watch-loop needs --server: only a server started here can be watched');
  if (cwd !== undefined && !serverCommand) throw new UsageError('--cwd goes with --server');
  if (body !== undefined && bodyFile !== undefined) throw new UsageError('give -d or -D, not both');
  if (
    (body !== undefined || bodyFile !== undefined) &&
    !Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')
  )
    headers['content-type'] = contentType ?? 'text/html';
  else if (contentType) headers['content-type'] = contentType;
  const options: LoadOptions = {
    url: url ?? '',
    method,
    headers,
    body,
    concurrency,
    timeoutS,
    warmup,
    keepAlive,
    allowRemote,
    label,
    ...(expect !== undefined ? { expect } : {}),
    ...(pipelining !== undefined ? { pipelining } : {}),
    ...(client !== undefined ? { client } : {}),
    ...(threads !== undefined ? { threads } : {}),
    ...(durationS !== undefined ? { durationS } : { requests }),
    ...(rate !== undefined ? { rate } : {}),
  };
  return {
    options,
    json,
    out,
    bodyFile,
    help,
    ...(serverCommand !== undefined
      ? { server: { command: serverCommand, cwd: path.resolve(cwd ?? '.'), startTimeoutS, watchLoop } }
      : {}),
  };
}

/** One line for a run in which no response counted as ok. */
export function noneExpected(record: RunRecord): string {
  const expect = record.config.expect ?? DEFAULT_EXPECT;
  const statuses = unexpectedStatuses(record)
    .slice(0, 5)
    .map((u) => `${u.count} × ${u.status}`);
  const kinds = Object.entries(record.errorKinds)
    .filter(([k, n]) => k !== 'status' && k !== 'late' && (n ?? 0) > 0)
    .map(([k, n]) => `${n} × ${k}`);
  const got = [...statuses, ...kinds].join(', ') || 'no responses';
  return `no response had an expected status (--expect ${expect}): ${got}`;
}

export async function run(argv: string[]): Promise<number> {
  let parsed: Parsed;
  try {
    parsed = parseLoadArgs(argv);
  } catch (e) {
    process.stderr.write(
      `endpoint-profiler load: ${(e as Error).message}\nRun 'endpoint-profiler load --help' for usage.\n`,
    );
    return 2;
  }
  if (parsed.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const { options } = parsed;
  try {
    if (parsed.bodyFile) options.body = new Uint8Array(await fsp.readFile(parsed.bodyFile));
  } catch (e) {
    process.stderr.write(
      `endpoint-profiler load: cannot read body file ${parsed.bodyFile}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n`,
    );
    return 2;
  }
  try {
    validateLoadOptions(options);
    // Before the first request: a run whose record cannot be written must not be sent at all.
    if (parsed.out) await checkRunFileTarget(parsed.out);
  } catch (e) {
    process.stderr.write(`endpoint-profiler load: ${(e as Error).message}\n`);
    return e instanceof LoadOptionsError || e instanceof RunFileError ? 2 : 1;
  }
  // SIGTERM (timeout, CI runners, docker stop) and SIGHUP (terminal closed) stop the run like
  // Ctrl-C: in-flight requests are aborted, the record is marked cancelled, printed and saved, and
  // the exit code is 128 + the signal's number. A second signal of the same kind ends the process.
  let signal: NodeJS.Signals | undefined;
  let handle: LoadHandle | undefined;
  const onSignal = (sig: NodeJS.Signals): void => {
    signal ??= sig;
    handle?.cancel();
  };
  for (const sig of STOP_SIGNALS) process.once(sig, onSignal);
  const started = parsed.server ? await startTarget(parsed.server, options) : undefined;
  try {
    if (started && 'exitCode' in started) return started.exitCode;
    if (signal) return stoppedBy(signal);
    const startMs = Date.now(); // before the first request: the loop watch's window
    try {
      handle = startLoadHere(options);
    } catch (e) {
      process.stderr.write(`endpoint-profiler load: ${(e as Error).message}\n`);
      return e instanceof LoadOptionsError ? 2 : 1;
    }
    let record: RunRecord;
    try {
      record = await handle.result;
    } catch (e) {
      process.stderr.write(`endpoint-profiler load: ${(e as Error).message}\n`);
      return 1;
    }
    if (started?.watch) await addLoopReport(record, started.watch, parsed.server!.cwd, startMs);
    // Printed first, so a record that cannot be saved is never lost.
    process.stdout.write(parsed.json ? `${JSON.stringify(record)}\n` : textReport(record));
    let saveFailed = false;
    if (parsed.out) {
      const saved = await writeRunFileOrFallback(parsed.out, record);
      if (saved.error) {
        saveFailed = true;
        process.stderr.write(`endpoint-profiler load: ${saved.error}\n`);
      }
    }
    if (signal) return stoppedBy(signal);
    if (record.status === 'failed') {
      process.stderr.write(`endpoint-profiler load: ${record.failure}\n`);
      return 1;
    }
    if (record.status === 'complete' && record.summary.ok === 0) {
      process.stderr.write(`endpoint-profiler load: ${noneExpected(record)}\n`);
      return 1;
    }
    return record.status === 'complete' && !saveFailed ? 0 : 1;
  } finally {
    if (started && 'server' in started) {
      await started.server.stop();
      started.watch?.dispose();
    }
    for (const sig of STOP_SIGNALS) process.off(sig, onSignal);
  }
}

function stoppedBy(signal: NodeJS.Signals): number {
  process.stderr.write(`endpoint-profiler load: stopped by ${signal}; the run is recorded as cancelled\n`);
  return 128 + (os.constants.signals[signal] ?? 0);
}

type Started = { server: RunningServer; watch?: LoopWatch } | { exitCode: number };

/** Starts --server (with the loop watch when asked) and points the options' URL at it. */
async function startTarget(spec: NonNullable<Parsed['server']>, options: LoadOptions): Promise<Started> {
  const { prepareLoopWatch } = await import('../core/runtime/loopWatch');
  const { lastLines, serverConfig, ServerStartError, startServer } = await import('../core/servers');
  const watch = spec.watchLoop ? prepareLoopWatch({ root: spec.cwd }) : undefined;
  let server: RunningServer;
  try {
    server = await startServer({
      command: spec.command,
      cwd: spec.cwd,
      ...(watch ? { extraEnv: watch.env() } : {}),
      timeoutMs: spec.startTimeoutS * 1000,
    });
  } catch (e) {
    watch?.dispose();
    const lines = e instanceof ServerStartError ? lastLines(e.output, 10) : [];
    process.stderr.write(`endpoint-profiler load: ${(e as Error).message}\n${lines.map((l) => `  | ${l}\n`).join('')}`);
    return { exitCode: e instanceof ServerStartError && (e.kind === 'syntax' || e.kind === 'busy') ? 2 : 1 };
  }
  const url = new URL(options.url);
  url.hostname = server.host.includes(':') ? `[${server.host}]` : server.host;
  url.port = String(server.port);
  options.url = url.toString();
  options.server = serverConfig(spec.command);
  return { server, ...(watch ? { watch } : {}) };
}

/** The stalls the loop watch saw while the load ran, named by file, line and route. */
async function addLoopReport(record: RunRecord, watch: LoopWatch, cwd: string, startMs: number): Promise<void> {
  await new Promise((r) => setTimeout(r, 150)); // a stall is written once the loop runs again
  let routes: Route[] = [];
  try {
    const [{ ProjectIndex }, { nodeFileSystem }, { Parsers }] = await Promise.all([
      import('../core/project'),
      import('../core/fs'),
      import('../core/parsing/parser'),
    ]);
    const index = new ProjectIndex(cwd, nodeFileSystem, await Parsers.load());
    await index.refresh();
    routes = index.routes();
  } catch {
    // routes only name the stalls; without them the file and line still do
  }
  const report = watch.collect({ startMs, endMs: Date.now() }, routes);
  record.loopStalls = report.loopStalls;
  if (report.loopLag) record.loopLag = report.loopLag;
  if (report.processes === 0)
    process.stderr.write(
      'endpoint-profiler load: the loop watch saw no event loop in the server (it watches Python asyncio/uvloop and Node servers)\n',
    );
}
