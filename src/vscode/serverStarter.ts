// "Start Server…": the configured, detected or typed command, shown and approved once per
// workspace, started through core/servers (argv without a shell, loopback only, its own process
// group, early exit detected with the last lines it printed). Its output goes to an output channel.
import { mkdtempSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Route } from '../core/model';
import { prepareLoopWatch, type LoopWatch } from '../core/runtime/loopWatch';
import {
  CommandSyntaxError,
  ServerStartError,
  splitCommand,
  startServer as startCoreServer,
  type RunningServer,
} from '../core/servers';
import {
  baseUrlProblem,
  consentKey,
  detectServerCommands,
  hostAndPort,
  isLoopbackHost,
  LOOPBACK_PRELOAD,
  rememberFirst,
  withPreload,
  type ServerCommand,
} from './serverModel';

/** The output channel Start Server shows servers' output in. */
export const SERVER_OUTPUT = 'Endpoint Profiler: server';
/** workspaceState keys: approved commands (`consentKey`s) and typed commands, most recent first. */
export const APPROVED_KEY = 'endpointProfiler.approvedServerCommands';
export const RECENT_KEY = 'endpointProfiler.recentServerCommands';
/** How long a started server may take to accept connections. */
export const READY_TIMEOUT_MS = 60_000;

interface Memento {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): Thenable<void>;
}

export interface StartServerInput {
  folder: vscode.WorkspaceFolder;
  routes: readonly Route[];
  files: readonly string[];
  baseUrl: string;
  /** Where approvals and recent commands are remembered (the workspace's state). */
  state: Memento;
  /** The route being profiled: commands that serve its app are offered first. */
  route?: Route;
  /** Whether something accepts connections at host:port (tests replace the TCP probe). */
  probe?: (host: string, port: number) => Promise<boolean>;
}

export interface StartedServer {
  /** The command started, or the one this session started that already serves the port (unknown if someone else started it). */
  command?: string;
  host: string;
  port: number;
  /** Something already listened at host:port, so nothing was started. */
  alreadyListening: boolean;
}

/** Servers this session started and that have not exited, by `host:port`, with their loop watch. */
const running = new Map<string, { command: string; server: RunningServer; watch?: LoopWatch }>();

let preloadFile: string | undefined;
/** The loopback preload on disk (written once per session), or undefined when the temp folder cannot take it. */
function loopbackPreload(): string | undefined {
  try {
    if (!preloadFile) {
      const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'endpoint-profiler-')), 'bind-loopback.cjs');
      writeFileSync(file, LOOPBACK_PRELOAD, { mode: 0o600 });
      preloadFile = file;
    }
    return preloadFile;
  } catch {
    return undefined; // the server still gets HOST; only a host-less listen() binds wider
  }
}

let channel: vscode.OutputChannel | undefined;
function output(): vscode.OutputChannel {
  channel ??= vscode.window.createOutputChannel(SERVER_OUTPUT);
  return channel;
}

/**
 * The command Start Server ran in this session for the server at `url`'s host and port, while
 * it still runs (the run records it as the server configuration).
 */
export function startedServerFor(url: string): string | undefined {
  try {
    const { host, port } = hostAndPort(url);
    return running.get(`${host}:${port}`)?.command;
  } catch {
    return undefined;
  }
}

/** The loop watch of the server Start Server runs at `url`'s host and port, if it is watched. */
export function loopWatchFor(url: string): LoopWatch | undefined {
  try {
    const { host, port } = hostAndPort(url);
    return running.get(`${host}:${port}`)?.watch;
  } catch {
    return undefined;
  }
}

/** Stops every server this session started (on deactivation, and for tests). */
export async function stopStartedServers(): Promise<void> {
  const all = [...running.values()];
  running.clear();
  await Promise.all(all.map((r) => r.server.stop()));
  for (const r of all) r.watch?.dispose();
}

/** The hook's temporary folder, or undefined (said in the output) when the setting is off or it cannot be made. */
function loopWatch(folder: vscode.WorkspaceFolder, wanted: boolean, out: vscode.OutputChannel): LoopWatch | undefined {
  if (!wanted) return undefined;
  try {
    return prepareLoopWatch({ root: folder.uri.fsPath });
  } catch (e) {
    out.appendLine(`[Endpoint Profiler] not watching the event loop: ${(e as Error).message}`);
    return undefined;
  }
}

/** The Python extension's selected interpreter for `folder`, when that extension is installed and active. */
async function selectedPython(folder: vscode.WorkspaceFolder): Promise<string | undefined> {
  try {
    const ext = vscode.extensions?.getExtension('ms-python.python');
    if (!ext) return undefined;
    const api = (ext.isActive ? ext.exports : await ext.activate()) as
      { environments?: { getActiveEnvironmentPath?(r?: vscode.Uri): { path?: string } | undefined } } | undefined;
    const p = api?.environments?.getActiveEnvironmentPath?.(folder.uri)?.path;
    // "python" alone means no interpreter is selected: python3 is the safer default on POSIX.
    return p && p !== 'python' ? p : undefined;
  } catch {
    return undefined; // an older or failing Python extension: fall back to python3
  }
}

async function readText(uri: vscode.Uri): Promise<string | undefined> {
  try {
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  } catch {
    return undefined;
  }
}

/** pyproject.toml texts in the folders at and above the routes' Python files. */
async function pyprojects(folder: vscode.WorkspaceFolder, routes: readonly Route[]): Promise<Record<string, string>> {
  const dirs = new Set<string>();
  for (const r of routes) {
    if (!r.file.endsWith('.py')) continue;
    const parts = r.file.split('/').slice(0, -1);
    for (let i = parts.length; i >= 0; i--) dirs.add(parts.slice(0, i).join('/'));
  }
  const out: Record<string, string> = {};
  for (const dir of [...dirs].slice(0, 50)) {
    const text = await readText(vscode.Uri.joinPath(folder.uri, ...(dir ? dir.split('/') : []), 'pyproject.toml'));
    if (text !== undefined) out[dir] = text;
  }
  return out;
}

async function packageScripts(folder: vscode.WorkspaceFolder): Promise<Record<string, string>> {
  try {
    const scripts = (
      JSON.parse((await readText(vscode.Uri.joinPath(folder.uri, 'package.json'))) ?? '{}') as {
        scripts?: unknown;
      }
    ).scripts;
    return typeof scripts === 'object' && scripts !== null ? (scripts as Record<string, string>) : {};
  } catch {
    return {}; // unreadable package.json: nothing to offer from it
  }
}

interface Chosen {
  /** argv, or a typed/configured line read by `splitCommand` (no shell). */
  argv: string[];
  env: Record<string, string>;
  /** What the user is shown and asked about. */
  command: string;
  cwd: string;
  source: string;
  /** Typed by the user just now: that is their approval. */
  typed: boolean;
}

/** A typed or configured line as argv, or undefined after saying why it cannot run without a shell. */
function parseLine(line: string, source: string): { argv: string[]; env: Record<string, string> } | undefined {
  try {
    return splitCommand(line);
  } catch (e) {
    if (!(e instanceof CommandSyntaxError)) throw e;
    void vscode.window.showErrorMessage(
      `Start Server: ${source} “${line}” cannot run: ${e.message}. Commands run without a shell.`,
    );
    return undefined;
  }
}

async function choose(input: StartServerInput): Promise<Chosen | undefined> {
  const settings = vscode.workspace.getConfiguration('endpointProfiler', input.folder.uri);
  const configured = settings.get<string>('serverCommand', '').trim();
  if (configured) {
    const split = parseLine(configured, 'the endpointProfiler.serverCommand setting');
    if (!split) return undefined;
    return {
      ...split,
      command: configured,
      cwd: '',
      source: 'the endpointProfiler.serverCommand setting',
      typed: false,
    };
  }
  const detected = detectServerCommands(input.routes, input.files, await packageScripts(input.folder), {
    python: await selectedPython(input.folder),
    pyprojects: await pyprojects(input.folder, input.routes),
    ...(input.route ? { prefer: input.route } : {}),
  });
  const recent = input.state.get<string[]>(RECENT_KEY) ?? [];
  type Item = vscode.QuickPickItem & { chosen?: Chosen; recent?: string };
  const items: Item[] = [
    ...recent.map((line): Item => ({ label: line, description: 'entered before', recent: line })),
    ...detected.map((d): Item => ({
      label: d.label,
      description: d.command,
      ...(d.detail ? { detail: d.detail } : {}),
      chosen: {
        argv: d.argv,
        env: d.env ?? {},
        command: d.command,
        cwd: d.cwd,
        source: 'a command detected from the workspace',
        typed: false,
      },
    })),
    { label: 'Enter a command…' },
  ];
  const pick = await vscode.window.showQuickPick(items, {
    ignoreFocusOut: true,
    title: 'Start the server under test',
    placeHolder: 'Runs on this machine, bound to the baseUrl address (set endpointProfiler.serverCommand to skip this)',
  });
  if (!pick) return undefined;
  if (pick.chosen) return pick.chosen;
  const recentLine = pick.recent;
  const line =
    recentLine ??
    (await vscode.window.showInputBox({
      ignoreFocusOut: true,
      title: 'Command that starts the server',
      placeHolder: 'python3 -m uvicorn app.main:app --host {host} --port {port}',
      prompt:
        'Run without a shell from the workspace folder; {host} and {port} are replaced, and PORT and HOST are set.',
      validateInput: (v) => {
        try {
          if (v.trim()) splitCommand(v);
          return undefined;
        } catch (e) {
          return (e as Error).message;
        }
      },
    }));
  if (!line?.trim()) return undefined;
  const split = parseLine(line.trim(), 'the command');
  if (!split) return undefined;
  await input.state.update(RECENT_KEY, rememberFirst(recent, line.trim()));
  return { ...split, command: line.trim(), cwd: '', source: 'a command you entered', typed: recentLine === undefined };
}

/**
 * Shows the exact command and where it runs, and asks before its first run in this workspace
 * (the answer is remembered per command and folder). The safe answer is the default.
 */
async function approved(chosen: Chosen, input: Pick<StartServerInput, 'state'>, watched: boolean): Promise<boolean> {
  const key = consentKey(chosen.command, chosen.cwd);
  const known = input.state.get<string[]>(APPROVED_KEY) ?? [];
  if (known.includes(key)) return true;
  if (!chosen.typed) {
    const dontRun = "Don't Run";
    const run = 'Run Command';
    const answer = await vscode.window.showWarningMessage(
      `Run this command to start the server?\n\n${chosen.command}`,
      {
        modal: true,
        detail: `From ${chosen.source}. It runs in ${chosen.cwd ? `${chosen.cwd}/` : 'the workspace folder'} with your user's rights, without a shell.${watched ? ' Its event loop is watched during runs (a hook on PYTHONPATH / NODE_OPTIONS; setting endpointProfiler.watchLoop).' : ''} Endpoint Profiler asks once per command in this workspace.`,
      },
      dontRun,
      run,
    );
    if (answer !== run) return false;
  }
  await input.state.update(APPROVED_KEY, [...known, key]);
  return true;
}

/** What Start Server would offer, for pickers of several commands (Compare Server Configurations). */
export async function offeredServerCommands(
  input: Pick<StartServerInput, 'folder' | 'routes' | 'files' | 'route' | 'state'>,
): Promise<{ configured?: string; recent: string[]; detected: ServerCommand[] }> {
  const configured = vscode.workspace
    .getConfiguration('endpointProfiler', input.folder.uri)
    .get<string>('serverCommand', '')
    .trim();
  const detected = detectServerCommands(input.routes, input.files, await packageScripts(input.folder), {
    python: await selectedPython(input.folder),
    pyprojects: await pyprojects(input.folder, input.routes),
    ...(input.route ? { prefer: input.route } : {}),
  });
  return { ...(configured ? { configured } : {}), recent: input.state.get<string[]>(RECENT_KEY) ?? [], detected };
}

/** A command about to run for the user, and where it came from (what the confirmation says). */
export interface CommandToApprove {
  command: string;
  /** Workspace-relative folder it runs in ('' = the root). */
  cwd: string;
  source: string;
  /** Typed by the user just now: that is their approval. */
  typed: boolean;
}

/**
 * Start Server's consent for several commands: nothing runs in an untrusted workspace, and each
 * command not approved before in this workspace is shown and confirmed (the safe answer the
 * default). False as soon as one is declined: none of them then runs. With `watched`, the text
 * says their event loop is watched (Compare Server Configurations under endpointProfiler.watchLoop).
 */
export async function approveServerCommands(
  commands: readonly CommandToApprove[],
  state: StartServerInput['state'],
  watched = false,
): Promise<boolean> {
  if (vscode.workspace.isTrusted === false) {
    void vscode.window.showErrorMessage(
      'Endpoint Profiler runs server commands only in a trusted workspace. Trust the workspace to compare its server configurations.',
    );
    return false;
  }
  for (const c of commands) if (!(await approved({ ...c, argv: [], env: {} }, { state }, watched))) return false;
  return true;
}

/**
 * Asks which command (configured, detected, or typed), asks before running it the first time,
 * starts it on the baseUrl's loopback address and waits until it accepts connections. Undefined
 * when the user backed out or the server could not start (said with its last output lines).
 * When something already listens at the port, says so and starts nothing.
 */
export async function startServer(input: StartServerInput): Promise<StartedServer | undefined> {
  const problem = baseUrlProblem(input.baseUrl);
  if (problem) {
    const open = 'Open Settings';
    if ((await vscode.window.showErrorMessage(problem, open)) === open)
      void vscode.commands.executeCommand('workbench.action.openSettings', 'endpointProfiler.baseUrl');
    return undefined;
  }
  if (vscode.workspace.isTrusted === false) {
    const manage = 'Manage Workspace Trust';
    if (
      (await vscode.window.showErrorMessage(
        'Start Server runs code from this workspace, which is not trusted. Trust the workspace to start its server, or start it yourself.',
        manage,
      )) === manage
    )
      void vscode.commands.executeCommand('workbench.trust.manage');
    return undefined;
  }
  const { host, port } = hostAndPort(input.baseUrl);
  if (!isLoopbackHost(host)) {
    void vscode.window.showErrorMessage(
      `Start Server starts servers on this machine only, and endpointProfiler.baseUrl points at ${host}. Start that server yourself, or point baseUrl at 127.0.0.1.`,
    );
    return undefined;
  }
  const probe = input.probe ?? tcpProbe;
  if (await probe(host, port)) {
    const serving = running.get(`${host}:${port}`);
    void vscode.window.showInformationMessage(
      serving
        ? `The server Endpoint Profiler started already listens at ${host}:${port} (${serving.command}); not starting a second one.`
        : `Something already listens at ${host}:${port}; not starting a second server. Stop it first to start another command there.`,
    );
    return { ...(serving ? { command: serving.command } : {}), host, port, alreadyListening: true };
  }

  const chosen = await choose(input);
  const watchWanted = vscode.workspace
    .getConfiguration('endpointProfiler', input.folder.uri)
    .get<boolean>('watchLoop', true);
  if (!chosen || !(await approved(chosen, input, watchWanted))) return undefined;

  const out = output();
  const watch = loopWatch(input.folder, watchWanted, out);
  const bind = host === 'localhost' ? '127.0.0.1' : host;
  const cwd = chosen.cwd ? path.join(input.folder.uri.fsPath, ...chosen.cwd.split('/')) : input.folder.uri.fsPath;
  out.appendLine(
    `$ ${chosen.command}    (in ${cwd}; HOST=${bind} PORT=${port}${watch ? '; event loop watched: endpointProfiler.watchLoop' : ''})`,
  );
  const started = await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: `Starting the server on ${host}:${port}…`,
      cancellable: true,
    },
    async (_p, token): Promise<RunningServer | Error | undefined> => {
      const starting = startCoreServer({
        command: chosen.argv,
        cwd,
        // Node servers that call listen(PORT) without a host bind HOST (loopback), not every interface;
        // the loop watch adds its hook to PYTHONPATH and NODE_OPTIONS on top of that.
        extraEnv: (() => {
          const preload = loopbackPreload();
          const env: Record<string, string> = preload
            ? { ...chosen.env, NODE_OPTIONS: withPreload(chosen.env.NODE_OPTIONS ?? process.env.NODE_OPTIONS, preload) }
            : chosen.env;
          return watch ? { ...env, ...watch.env({ ...process.env, ...env }) } : env;
        })(),
        host: bind,
        port,
        timeoutMs: READY_TIMEOUT_MS,
        onOutput: (chunk) => out.append(chunk),
      }).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e))));
      const cancelled = new Promise<undefined>((resolve) => {
        const l = token.onCancellationRequested(() => {
          l.dispose();
          resolve(undefined);
        });
        void starting.finally(() => {
          l.dispose();
        });
      });
      const first = await Promise.race([starting, cancelled]);
      // Cancelled while starting: stop it as soon as it is up (or let its failure go unsaid).
      if (first === undefined)
        void starting.then(async (s) => {
          if (!(s instanceof Error)) await s.stop();
        });
      return first;
    },
  );
  if (!started || started instanceof Error) watch?.dispose();
  if (!started) return undefined;
  if (started instanceof Error) {
    const lines = started instanceof ServerStartError ? started.output : [];
    out.appendLine(`[Endpoint Profiler] ${started.message.split('\n')[0]}`);
    const show = 'Show Output';
    const headline = started.message.split('\n')[0];
    const answer = await vscode.window.showErrorMessage(
      `The server did not start: ${headline}.${lines.length ? ` Last output:\n${lines.slice(-5).join('\n')}` : ''}`,
      show,
    );
    if (answer === show) out.show(true);
    return undefined;
  }
  const key = `${host}:${port}`;
  running.set(key, { command: chosen.command, server: started, ...(watch ? { watch } : {}) });
  void started.exited.then((e) => {
    if (running.get(key)?.server === started) running.delete(key);
    watch?.dispose();
    out.appendLine(
      `[Endpoint Profiler] the server ${e.signal ? `was stopped (${e.signal})` : `exited with code ${e.code}`}`,
    );
  });
  return { command: chosen.command, host, port, alreadyListening: false };
}

/** Whether something accepts TCP connections at host:port within a second. */
export function tcpProbe(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: 1000 });
    const done = (up: boolean): void => {
      socket.destroy();
      resolve(up);
    };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}
