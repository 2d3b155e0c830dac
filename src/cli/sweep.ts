// `endpoint-profiler sweep URL`: the closed model at each concurrency level, then a verdict
// (serialised, scales, saturates, degrades, inconclusive). Also the flags `matrix` shares.
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { LoadOptionsError } from '../core/load/engine';
import type { Route, RunRecord } from '../core/model';
import { describeStall } from '../core/runs/report';
import { RunStore } from '../core/runs/store';
import { afterStallsWritten, attachLevelReports } from '../core/runtime/levelWindows';
import { prepareLoopWatch, type LoopWatch } from '../core/runtime/loopWatch';
import { lastLines, serverConfig, ServerStartError, startServer, type RunningServer } from '../core/servers';
import { runSweep, SweepError, sweepReport, validateLevels, type SweepOptions, type SweepResult } from '../core/sweep';
import { nodeFileSystem } from '../core/fs';
import { Parsers } from '../core/parsing/parser';
import { ProjectIndex } from '../core/project';

export const HELP = `Usage: endpoint-profiler sweep [options] URL

Runs the closed model at each concurrency level in turn (each level one run record, all of one
group) and says whether the endpoint serialises, scales, saturates or degrades under concurrency.

Options:
  --levels L   Concurrency levels, comma-separated. Default 1,2,4,8,16.
  -n N         Requests per level (at least the level). Default max(10, 3 × level).
  -z D         Duration per level instead, e.g. 5s, 500ms. In-flight requests at the end are dropped.
  --warmup N   Warm-up requests per level, left out of its figures. Default: the level (one a connection).
  -m, -H, -d, -D, -T, -A, -t, -disable-keepalive   As for 'load'.
  --label TEXT Label stored in each run record (suffixed with c=N).
  --json       Print the sweep as JSON (kind "sweep": levels, verdict, usl).
  --out DIR    Save each level's run record as a run file <id>.json in DIR.
  -h, --help   Show this help.

Starting the server (its own process group, a free loopback port, stopped after the sweep):
  --server CMD     Start CMD first, e.g. 'uvicorn app:app --port {port}'; {port} and {host} are
                   replaced and the URL's host and port point at it. Run without a shell.
  --cwd DIR        Folder to start it in (default: the current folder); also the workspace whose
                   code the loop watch names.
  --start-timeout S  Seconds to wait for the server to serve the URL's path. Default 60.
  --watch-loop     Watch the server's event loop (Python asyncio/uvloop, Node): each level's record
                   gets 'loopStalls' and 'loopLag' for its own window, the sweep (--json) the sites
                   of all levels merged as 'loopStalls', and the report lists the top stalls.

Targets loopback only (127.0.0.1, ::1, localhost).
Exit codes: 0 the sweep completed (whatever the verdict), 1 it failed, 2 usage error.
`;

export class UsageError extends Error {}

export const STOP_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

function num(flag: string, v: string): number {
  const n = Number(v);
  if (v === '' || !Number.isFinite(n)) throw new UsageError(`${flag} needs a number, got '${v}'`);
  return n;
}

export function parseDurationArg(v: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(v);
  if (!m) throw new UsageError(`-z needs a duration like 5s or 500ms, got '${v}'`);
  return Number(m[1]) * ({ ms: 0.001, s: 1, m: 60, h: 3600 }[m[2] ?? 's'] as number);
}

export function parseLevels(v: string): number[] {
  const levels = v.split(',').map((s) => Number(s.trim()));
  try {
    validateLevels(levels);
  } catch (e) {
    throw new UsageError(`--levels ${v}: ${(e as Error).message}`);
  }
  return levels;
}

/** The per-level load flags shared by `sweep` and `matrix`. */
export interface SweepFlags {
  options: Omit<SweepOptions, 'url'>;
  bodyFile?: string;
  json: boolean;
  help: boolean;
}

/**
 * Parses the flags common to `sweep` and `matrix`; `other(flag, value)` gets the rest (it
 * returns false for an unknown flag). Positional arguments go to `positional`.
 */
export function parseSweepFlags(
  argv: string[],
  other: (flag: string, value: () => string) => boolean,
  positional: (arg: string) => void,
): SweepFlags {
  const headers: Record<string, string> = {};
  const options: Omit<SweepOptions, 'url'> = { headers, timeoutS: 20 };
  let body: string | undefined;
  let bodyFile: string | undefined;
  let contentType: string | undefined;
  let json = false;
  let help = false;
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
      case '--levels':
        options.levels = parseLevels(val());
        break;
      case '-n':
        options.requests = num(a, val());
        break;
      case '-z':
        options.durationS = parseDurationArg(val());
        break;
      case '--warmup':
        options.warmup = num(a, val());
        break;
      case '-m':
        options.method = val();
        break;
      case '-H': {
        const h = val();
        const at = h.indexOf(':');
        if (at <= 0) throw new UsageError(`-H needs "Name: value", got '${h}'`);
        headers[h.slice(0, at).trim()] = h.slice(at + 1).trim();
        break;
      }
      case '-t':
        options.timeoutS = num(a, val());
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
        options.keepAlive = false;
        break;
      case '--label':
        options.label = val();
        break;
      case '--json':
        json = true;
        break;
      case '-c':
      case '-q':
      case '--rate':
        throw new UsageError(`${a} does not apply to a sweep: the levels (--levels) set the concurrency`);
      default:
        if (other(a, val)) break;
        if (a.startsWith('-')) throw new UsageError(`unknown option ${a}`);
        positional(a);
    }
  }
  if (options.requests !== undefined && options.durationS !== undefined)
    throw new UsageError('give -n or -z, not both');
  if (body !== undefined && bodyFile !== undefined) throw new UsageError('give -d or -D, not both');
  if (body !== undefined) options.body = body;
  const hasType = Object.keys(headers).some((k) => k.toLowerCase() === 'content-type');
  if ((body !== undefined || bodyFile !== undefined) && !hasType) headers['content-type'] = contentType ?? 'text/html';
  else if (contentType) headers['content-type'] = contentType;
  return { options, bodyFile, json, help };
}

export async function readBodyFile(flags: SweepFlags): Promise<void> {
  if (flags.bodyFile) flags.options.body = new Uint8Array(await fsp.readFile(flags.bodyFile));
}

/** Saves each record in DIR (run files named by id); returns the paths. */
export async function saveRecords(dir: string, records: readonly RunRecord[]): Promise<void> {
  const store = new RunStore(dir);
  for (const r of records) await store.save(r);
}

/** Level-by-level lines on stderr while a sweep runs (the report itself goes to stdout). */
export function progressPrinter(prefix = ''): (p: { concurrency: number; partial: { levels: unknown[] } }) => void {
  let last = -1;
  return (p) => {
    if (p.concurrency === last) return;
    last = p.concurrency;
    process.stderr.write(`${prefix}level ${p.concurrency}…\n`);
  };
}

interface ServerSpec {
  command?: string;
  cwd?: string;
  startTimeoutS: number;
  watchLoop: boolean;
}

/** --server, --cwd, --start-timeout, --watch-loop; false for any other flag. */
function serverFlag(spec: ServerSpec, flag: string, value: () => string): boolean {
  if (flag === '--server') spec.command = value();
  else if (flag === '--cwd') spec.cwd = value();
  else if (flag === '--start-timeout') spec.startTimeoutS = num(flag, value());
  else if (flag === '--watch-loop') spec.watchLoop = true;
  else return false;
  return true;
}

function checkServerSpec(spec: ServerSpec, url: string): void {
  if (spec.watchLoop && !spec.command)
    throw new UsageError('--watch-loop needs --server: only a server started here can be watched');
  if (spec.cwd !== undefined && !spec.command) throw new UsageError('--cwd goes with --server');
  if (!spec.command) return;
  try {
    new URL(url); // a bad URL is a usage error before anything starts
  } catch {
    throw new UsageError(`not a URL: '${url}'`);
  }
}

export async function run(argv: string[]): Promise<number> {
  const fail = (message: string, code: number): number => {
    process.stderr.write(
      `endpoint-profiler sweep: ${message}\n${code === 2 ? "Run 'endpoint-profiler sweep --help' for usage.\n" : ''}`,
    );
    return code;
  };
  let url: string | undefined;
  let out: string | undefined;
  const spec: ServerSpec = { startTimeoutS: 60, watchLoop: false };
  let flags: SweepFlags;
  try {
    flags = parseSweepFlags(
      argv,
      (flag, value) => {
        if (flag !== '--out') return serverFlag(spec, flag, value);
        out = value();
        return true;
      },
      (arg) => {
        if (url) throw new UsageError(`unexpected argument '${arg}' (one URL only)`);
        url = arg;
      },
    );
    if (flags.help) {
      process.stdout.write(HELP);
      return 0;
    }
    if (!url) throw new UsageError('missing URL');
    checkServerSpec(spec, url);
  } catch (e) {
    return fail((e as Error).message, 2);
  }
  try {
    await readBodyFile(flags);
  } catch (e) {
    return fail(
      `cannot read body file ${flags.bodyFile}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      2,
    );
  }
  const ctrl = new AbortController();
  // Ctrl-C, SIGTERM (timeout, CI, docker stop) and SIGHUP stop after the current level; started
  // servers are stopped and finished levels kept.
  const onSignal = (): void => ctrl.abort();
  for (const sig of STOP_SIGNALS) process.once(sig, onSignal);
  let started: { server: RunningServer; watch?: LoopWatch; cwd: string } | undefined;
  try {
    if (spec.command) {
      const s = await startSweptServer(spec, url);
      if ('exitCode' in s) return s.exitCode;
      started = s;
      url = s.url;
    }
    // Each level's start, so its record gets the stalls of its own window.
    const starts: number[] = [];
    const printer = flags.json ? undefined : progressPrinter();
    const { result, records } = await runSweep(
      { ...flags.options, url, signal: ctrl.signal, ...(spec.command ? { server: serverConfig(spec.command) } : {}) },
      (p) => {
        starts[p.index] ??= Date.now();
        printer?.(p);
      },
    );
    if (started?.watch) await addLoopReports(result, records, starts, started.watch, started.cwd);
    if (out) await saveRecords(out, records);
    process.stdout.write(flags.json ? `${JSON.stringify(result)}\n` : sweepReport(result) + loopLines(result));
    return result.cancelled ? 1 : 0;
  } catch (e) {
    if (e instanceof LoadOptionsError) return fail(e.message.replace(' without --allow-remote', ' (loopback only)'), 2);
    if (e instanceof SweepError && out) await saveRecords(out, e.records).catch(() => undefined);
    return fail((e as Error).message, 1);
  } finally {
    if (started) {
      await started.server.stop();
      started.watch?.dispose();
    }
    for (const sig of STOP_SIGNALS) process.off(sig, onSignal);
  }
}

/** Starts --server (with the loop watch when asked) and returns the URL pointed at it. */
async function startSweptServer(
  spec: ServerSpec,
  url: string,
): Promise<{ server: RunningServer; watch?: LoopWatch; cwd: string; url: string } | { exitCode: number }> {
  const cwd = path.resolve(spec.cwd ?? '.');
  const target = new URL(url);
  const watch = spec.watchLoop ? prepareLoopWatch({ root: cwd }) : undefined;
  try {
    const server = await startServer({
      command: spec.command!,
      cwd,
      ...(watch ? { extraEnv: watch.env() } : {}),
      readinessPath: target.pathname,
      timeoutMs: spec.startTimeoutS * 1000,
    });
    target.hostname = server.host.includes(':') ? `[${server.host}]` : server.host;
    target.port = String(server.port);
    return { server, cwd, url: target.toString(), ...(watch ? { watch } : {}) };
  } catch (e) {
    watch?.dispose();
    const lines = e instanceof ServerStartError ? lastLines(e.output, 10) : [];
    process.stderr.write(
      `endpoint-profiler sweep: ${(e as Error).message}\n${lines.map((l) => `  | ${l}\n`).join('')}`,
    );
    return { exitCode: e instanceof ServerStartError && (e.kind === 'syntax' || e.kind === 'busy') ? 2 : 1 };
  }
}

/** Each level's stalls on its record, all levels' merged on the sweep. */
async function addLoopReports(
  result: SweepResult,
  records: RunRecord[],
  starts: readonly number[],
  watch: LoopWatch,
  cwd: string,
): Promise<void> {
  await afterStallsWritten();
  let routes: Route[] = [];
  try {
    const index = new ProjectIndex(cwd, nodeFileSystem, await Parsers.load());
    await index.refresh();
    routes = index.routes();
  } catch {
    // routes only name the stalls; without them the file and line still do
  }
  const { loopStalls, processes } = attachLevelReports(records, starts, Date.now(), watch, routes);
  result.loopStalls = loopStalls;
  if (processes === 0)
    process.stderr.write(
      'endpoint-profiler sweep: the loop watch saw no event loop in the server (it watches Python asyncio/uvloop and Node servers)\n',
    );
}

/** The report's loop section: where the loop was blocked over the whole sweep. */
function loopLines(result: SweepResult): string {
  if (!result.loopStalls) return '';
  const lines = ['', 'Server event loop (--watch-loop), all levels:'];
  if (result.loopStalls.length === 0) lines.push('  No stall over the threshold in workspace code.');
  for (const s of result.loopStalls.slice(0, 10)) lines.push(`  ${describeStall(s)}`);
  return `${lines.join('\n')}\n`;
}
