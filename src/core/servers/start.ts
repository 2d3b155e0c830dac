// Start a server command on a loopback port, wait until it serves, stop it with everything it
// forked. Used by the CLI's matrix, by runtime confirmation and by the editor's Start Server.
//
// - No shell: argv is spawned directly; a string command goes through `splitCommand`, which
//   refuses shell-only syntax. `{port}` and `{host}` are substituted word by word afterwards.
// - Its own process group (`detached`), so stop() reaches gunicorn's workers, uvicorn's
//   reloader children and `npm run`'s node alike: SIGTERM to the group, SIGKILL after a grace.
// - The last lines of stdout/stderr are kept in a ring buffer for error messages.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';
import { splitCommand } from './words';

export interface StartServerOptions {
  /** argv (spawned as is), or one string split by `splitCommand` (never given to a shell). */
  command: string | readonly string[];
  cwd: string;
  /** The base environment (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** Added on top of `env` (and of the command's own `NAME=value` prefix). */
  extraEnv?: Record<string, string>;
  /** Folders put first on PYTHONPATH (e.g. one holding a sitecustomize.py). */
  pythonPathPrepend?: readonly string[];
  /** The port to use; a free loopback port is picked when omitted. */
  port?: number;
  /** Loopback only: 127.0.0.1 (default), ::1 or localhost. */
  host?: string;
  /** When given, ready also means `GET <readinessPath>` answered (any status). */
  readinessPath?: string;
  /** How long to wait for readiness before stopping the server and failing. */
  timeoutMs: number;
  /** Lines of output kept (default 200). */
  outputLines?: number;
  /** How long stop() waits after SIGTERM before SIGKILL (default 3000 ms). */
  stopGraceMs?: number;
  /** Every chunk the server prints, as it arrives (the editor shows it in an output channel). */
  onOutput?: (chunk: string, stream: 'out' | 'err') => void;
}

export interface ServerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface RunningServer {
  /** `http://host:port` (no trailing slash). */
  url: string;
  host: string;
  port: number;
  pid: number;
  /** The argv that was spawned, placeholders substituted. */
  argv: string[];
  /** The last lines the server printed (stdout and stderr, in arrival order). */
  output(): string[];
  /** Settles when the process (the group leader) exits, for whatever reason. */
  exited: Promise<ServerExit>;
  /** Stops the whole process group; resolves once the leader has exited and no member is left. */
  stop(): Promise<ServerExit>;
}

export type ServerStartFailure = 'syntax' | 'busy' | 'spawn' | 'exited' | 'timeout';

export class ServerStartError extends Error {
  constructor(
    message: string,
    readonly kind: ServerStartFailure,
    readonly output: string[] = [],
    readonly exit?: ServerExit,
  ) {
    super(message);
    this.name = 'ServerStartError';
  }
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/** A TCP port free on `host` right now (the OS picks it). */
export async function freeLoopbackPort(host = '127.0.0.1'): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve, reject) => {
    s.once('error', reject);
    s.listen(0, host, resolve);
  });
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** Keeps the last `max` complete lines of a stream of chunks (plus the unfinished one). */
export class LineRing {
  private lines: string[] = [];
  private partial = new Map<string, string>();
  constructor(private readonly max: number) {}
  push(chunk: string, stream = 'out'): void {
    const parts = ((this.partial.get(stream) ?? '') + chunk).split(/\r?\n/);
    this.partial.set(stream, parts.pop() ?? '');
    for (const p of parts) this.lines.push(p);
    if (this.lines.length > this.max) this.lines.splice(0, this.lines.length - this.max);
  }
  snapshot(): string[] {
    const tail = [...this.partial.values()].filter((p) => p !== '');
    return [...this.lines, ...tail].slice(-this.max);
  }
}

const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function tcpUp(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port, timeout: 1000 });
    const done = (up: boolean): void => {
      s.destroy();
      resolve(up);
    };
    s.once('connect', () => done(true));
    s.once('timeout', () => done(false));
    s.once('error', () => done(false));
  });
}

function httpAnswers(host: string, port: number, p: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ host, port, path: p, agent: false, timeout: 5000 }, (res) => {
      res.resume();
      resolve(true);
    });
    req.once('timeout', () => {
      req.destroy();
      resolve(false);
    });
    req.once('error', () => resolve(false));
  });
}

/** Live (non-zombie) members of a process group, read from /proc, with the CPU clock ticks each has used. */
function procGroup(pgid: number): { pid: number; ticks: number }[] {
  const out: { pid: number; ticks: number }[] = [];
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    names = [];
  }
  for (const n of names) {
    if (!/^\d+$/.test(n)) continue;
    try {
      const stat = readFileSync(path.join('/proc', n, 'stat'), 'utf8');
      // pid (comm) state ppid pgrp … utime stime (fields 14, 15); comm may hold spaces and parentheses.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid && fields[0] !== 'Z')
        out.push({ pid: Number(n), ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // the process ended while we read
    }
  }
  return out;
}

/**
 * Live (non-zombie) members of process group `pgid`. Linux reads /proc (a zombie whose parent
 * does not reap it is not a running server); elsewhere `kill(-pgid, 0)` says whether any is left.
 */
export function processGroupMembers(pgid: number): number[] {
  if (process.platform === 'linux') return procGroup(pgid).map((m) => m.pid);
  try {
    process.kill(-pgid, 0);
    return [pgid];
  } catch {
    return [];
  }
}

/** The window over which a started server must be quiet, and how busy "quiet" may be (clock ticks, 10 ms each). */
const SETTLE_WINDOW_MS = 200;
const SETTLE_QUIET_TICKS = 4;
/** At most this long: past it, readiness is what the port and the path said. */
const SETTLE_LIMIT_MS = 15_000;

/**
 * Waits (Linux, until `until`) for the process group to go quiet: no new member and at most
 * 20 % of one core used over a window. A server that binds its port before its workers have
 * imported the app (uvicorn --workers, gunicorn, a cluster) accepts connections while those
 * workers still boot; measured then, a level counts their start-up, and a loop watch reports
 * their imports as stalls in the load's window. Past `until`, a server that never goes quiet
 * (a busy background job) is taken as it is.
 */
async function settle(pgid: number, until: number, exited: Promise<unknown>): Promise<void> {
  if (process.platform !== 'linux') return;
  let before = procGroup(pgid);
  while (Date.now() < until) {
    const gone = await Promise.race([exited.then(() => true), delay(SETTLE_WINDOW_MS).then(() => false)]);
    if (gone) return;
    const now = procGroup(pgid);
    const sum = (ms: { ticks: number }[]): number => ms.reduce((a, m) => a + m.ticks, 0);
    const pids = new Set(before.map((m) => m.pid));
    // A member that ended in the window takes its ticks with it: compare only those in both.
    const kept = before.filter((m) => now.some((n) => n.pid === m.pid));
    const used = sum(now.filter((m) => pids.has(m.pid))) - sum(kept);
    if (now.every((m) => pids.has(m.pid)) && used <= SETTLE_QUIET_TICKS) return;
    before = now;
  }
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    if (process.platform === 'win32') process.kill(pid, signal);
    else process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/** Groups started here and not stopped yet: killed if this process exits first. */
const live = new Set<number>();
let exitHookInstalled = false;
function trackGroup(pid: number): void {
  live.add(pid);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const g of live) killGroup(g, 'SIGKILL');
    });
  }
}

function formatHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** What the server printed last, for an error message (at most `n` non-empty lines). */
export function lastLines(lines: readonly string[], n = 10): string[] {
  return lines.filter((l) => l.trim() !== '').slice(-n);
}

function describeExit(e: ServerExit): string {
  return e.signal ? `was killed by ${e.signal}` : `exited with code ${e.code}`;
}

function commandWords(command: string | readonly string[]): { argv: string[]; env: Record<string, string> } {
  let split: { argv: string[]; env: Record<string, string> };
  try {
    split = typeof command === 'string' ? splitCommand(command) : { argv: [...command], env: {} };
  } catch (e) {
    throw new ServerStartError((e as Error).message, 'syntax');
  }
  if (split.argv.length === 0) throw new ServerStartError('the command is empty', 'syntax');
  return split;
}

function serverEnv(
  o: StartServerOptions,
  commandEnv: Record<string, string>,
  host: string,
  port: number,
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...(o.env ?? process.env),
    ...commandEnv,
    PORT: String(port),
    HOST: host,
    ...(o.extraEnv ?? {}),
  };
  if (o.pythonPathPrepend?.length)
    env.PYTHONPATH = [...o.pythonPathPrepend, ...(env.PYTHONPATH ? [env.PYTHONPATH] : [])].join(path.delimiter);
  env.PYTHONUNBUFFERED ??= '1'; // so a Python server's last words reach the ring before it exits
  return env;
}

/**
 * Starts `command` and resolves once it serves (the port accepts connections and, with
 * `readinessPath`, answers an HTTP GET) and its processes have gone quiet (`settle`). Rejects with a `ServerStartError` (the process group
 * already stopped) when the command cannot be split or spawned, exits before it is ready, or
 * is not ready within `timeoutMs`.
 */
export async function startServer(o: StartServerOptions): Promise<RunningServer> {
  const host = o.host ?? '127.0.0.1';
  if (!LOOPBACK.has(host))
    throw new ServerStartError(`refusing to start a server on '${host}': loopback only (127.0.0.1, ::1)`, 'syntax');
  const { argv: words, env: commandEnv } = commandWords(o.command);
  const port = o.port ?? (await freeLoopbackPort(host === 'localhost' ? '127.0.0.1' : host));
  // A given port that already answers would pass readiness on someone else's server.
  if (o.port !== undefined && (await tcpUp(host, port)))
    throw new ServerStartError(`something already listens on ${host}:${port}; stop it or choose another port`, 'busy');
  const fill = (w: string): string => w.replaceAll('{port}', String(port)).replaceAll('{host}', host);
  const argv = words.map(fill);
  const env = serverEnv(o, commandEnv, host, port);

  const ring = new LineRing(o.outputLines ?? 200);
  let child: ChildProcess;
  try {
    child = spawn(argv[0], argv.slice(1), { cwd: o.cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    throw new ServerStartError(`${argv[0]}: ${(e as Error).message}`, 'spawn');
  }
  child.stdout?.setEncoding('utf8').on('data', (d: string) => {
    ring.push(d, 'out');
    o.onOutput?.(d, 'out');
  });
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    ring.push(d, 'err');
    o.onOutput?.(d, 'err');
  });

  let exitInfo: ServerExit | undefined;
  let spawnError: Error | undefined;
  const exited = new Promise<ServerExit>((resolve) => {
    child.once('error', (e) => {
      spawnError = e;
      // A failed spawn emits no 'exit' (or 'exit' with a null pid): settle here.
      if (child.pid === undefined) {
        exitInfo = { code: null, signal: null };
        resolve(exitInfo);
      }
    });
    child.once('exit', (code, signal) => {
      exitInfo = { code, signal };
      resolve(exitInfo);
    });
  });
  // stdout/stderr may still hold the last lines when 'exit' fires; 'close' follows once drained.
  const drained = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const pid = child.pid;
  if (pid !== undefined) trackGroup(pid);

  const stop = async (): Promise<ServerExit> => {
    if (pid === undefined) return exited;
    killGroup(pid, 'SIGTERM');
    const grace = o.stopGraceMs ?? 3000;
    const until = Date.now() + grace;
    while (Date.now() < until && (exitInfo === undefined || processGroupMembers(pid).length > 0)) await delay(25);
    if (exitInfo === undefined || processGroupMembers(pid).length > 0) {
      killGroup(pid, 'SIGKILL');
      const hard = Date.now() + 2000;
      while (Date.now() < hard && (exitInfo === undefined || processGroupMembers(pid).length > 0)) await delay(25);
    }
    live.delete(pid);
    return exited;
  };

  const fail = async (message: string, kind: ServerStartFailure): Promise<never> => {
    await stop();
    await Promise.race([drained, delay(500)]);
    const out = lastLines(ring.snapshot());
    throw new ServerStartError(out.length ? `${message}:\n${out.join('\n')}` : message, kind, out, exitInfo);
  };

  const name = path.basename(argv[0]);
  const until = Date.now() + o.timeoutMs;
  let tcpReady = false;
  for (;;) {
    if (spawnError && (spawnError as NodeJS.ErrnoException).code === 'ENOENT')
      return fail(`${name}: command not found (looked for '${argv[0]}' on PATH, from ${o.cwd})`, 'spawn');
    if (spawnError) return fail(`${name}: cannot start: ${spawnError.message}`, 'spawn');
    if (exitInfo) {
      await Promise.race([drained, delay(500)]);
      return fail(`${name} ${describeExit(exitInfo)} before serving on ${host}:${port}`, 'exited');
    }
    if (!tcpReady) tcpReady = await tcpUp(host, port);
    if (tcpReady && (o.readinessPath === undefined || (await httpAnswers(host, port, o.readinessPath)))) break;
    if (Date.now() >= until)
      return fail(
        `${name} did not ${tcpReady ? `answer GET ${o.readinessPath}` : `accept connections on ${host}:${port}`} within ${Math.round(o.timeoutMs / 100) / 10} s`,
        'timeout',
      );
    await Promise.race([exited, delay(100)]);
  }
  await settle(pid!, Math.min(until, Date.now() + SETTLE_LIMIT_MS), exited);
  if (exitInfo) return fail(`${name} ${describeExit(exitInfo)} right after it started serving`, 'exited');

  return {
    url: `http://${formatHost(host)}:${port}`,
    host,
    port,
    pid: pid!,
    argv,
    output: () => ring.snapshot(),
    exited,
    stop,
  };
}
