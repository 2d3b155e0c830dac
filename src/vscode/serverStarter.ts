// "Start Server…": runs the configured or detected command in a VS Code terminal (visible,
// so the user sees its output and owns its lifetime) and waits for the port to open.
import * as net from 'node:net';
import * as vscode from 'vscode';
import type { Route } from '../core/model';
import { baseUrlProblem, detectServerCommands, hostAndPort } from './serverModel';

/** The terminal Start Server runs commands in; one is reused while it lives. */
export const SERVER_TERMINAL = 'Endpoint Profiler: server';

export interface StartServerInput {
  folder: vscode.WorkspaceFolder;
  routes: readonly Route[];
  files: readonly string[];
  baseUrl: string;
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

/** Terminals this session started a server in, and what they were started to serve. */
const started = new Map<vscode.Terminal, { command: string; host: string; port: number }>();

const alive = (t: vscode.Terminal): boolean => t.exitStatus === undefined && vscode.window.terminals.includes(t);

function forgetClosed(): void {
  for (const t of [...started.keys()]) if (!alive(t)) started.delete(t);
}

/**
 * The command Start Server ran in this session for the server at `url`'s host and port, while
 * its terminal is still open (the run records it as the server configuration).
 */
export function startedServerFor(url: string): string | undefined {
  let target: { host: string; port: number };
  try {
    target = hostAndPort(url);
  } catch {
    return undefined;
  }
  forgetClosed();
  return [...started.values()].reverse().find((s) => s.host === target.host && s.port === target.port)?.command;
}

const sameEnv = (
  a: Readonly<Record<string, string | null | undefined>> | undefined,
  b: Record<string, string> | undefined,
): boolean => {
  const ka = Object.keys(a ?? {}).sort();
  const kb = Object.keys(b ?? {}).sort();
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && a![k] === b![k]);
};

/**
 * Our server terminal, if one is open and free for a new command: not one whose server (started
 * for another port) still listens, and created with the environment this command needs.
 */
async function reusableTerminal(
  env: Record<string, string> | undefined,
  probe: NonNullable<StartServerInput['probe']>,
): Promise<vscode.Terminal | undefined> {
  const ours = vscode.window.terminals.filter((t) => t.name === SERVER_TERMINAL && alive(t)).reverse();
  for (const t of ours) {
    const runs = started.get(t);
    if (runs && (await probe(runs.host, runs.port))) continue; // still serving: typing into it would go to that server
    const options = t.creationOptions as Readonly<vscode.TerminalOptions>;
    if (!sameEnv(options.env, env)) continue; // a terminal's environment is fixed when it is created
    return t;
  }
  return undefined;
}

/**
 * Asks which command (configured, detected, or typed) and runs it in the server terminal;
 * undefined when the user backed out or the baseUrl setting is unusable. When something already
 * listens at the port, says so and starts nothing.
 */
export async function startServer(input: StartServerInput): Promise<StartedServer | undefined> {
  const problem = baseUrlProblem(input.baseUrl);
  if (problem) {
    const open = 'Open Settings';
    if ((await vscode.window.showErrorMessage(problem, open)) === open)
      void vscode.commands.executeCommand('workbench.action.openSettings', 'endpointProfiler.baseUrl');
    return undefined;
  }
  const { host, port } = hostAndPort(input.baseUrl);
  const probe = input.probe ?? tcpProbe;
  forgetClosed();
  if (await probe(host, port)) {
    const serving = [...started.entries()].reverse().find(([, s]) => s.host === host && s.port === port);
    serving?.[0].show(true);
    void vscode.window.showInformationMessage(
      serving
        ? `The server started in the “${SERVER_TERMINAL}” terminal already listens at ${host}:${port} (${serving[1].command}); not starting a second one.`
        : `Something already listens at ${host}:${port}; not starting a second server. Stop it first to start another command there.`,
    );
    return { ...(serving ? { command: serving[1].command } : {}), host, port, alreadyListening: true };
  }

  const configured = vscode.workspace
    .getConfiguration('endpointProfiler', input.folder.uri)
    .get<string>('serverCommand', '');
  let command = configured;
  let env: Record<string, string> | undefined;
  if (!command) {
    const scripts = await packageScripts(input.folder);
    const detected = detectServerCommands(input.routes, input.baseUrl, input.files, scripts);
    const typeOwn = { label: 'Enter a command…', command: '', env: undefined };
    const pick = await vscode.window.showQuickPick(
      [...detected.map((d) => ({ label: d.label, description: d.command, command: d.command, env: d.env })), typeOwn],
      {
        title: 'Start the server under test',
        placeHolder: 'Detected from the workspace (set endpointProfiler.serverCommand to skip this)',
      },
    );
    if (!pick) return undefined;
    env = pick.env;
    command =
      pick.command ||
      (await vscode.window.showInputBox({
        title: 'Command that starts the server',
        placeHolder: 'uvicorn app.main:app --port 8000',
      })) ||
      '';
    if (!command) return undefined;
  }
  const terminal =
    (await reusableTerminal(env, probe)) ??
    vscode.window.createTerminal({ name: SERVER_TERMINAL, cwd: input.folder.uri, ...(env ? { env } : {}) });
  terminal.show(true);
  terminal.sendText(command);
  started.set(terminal, { command, host, port });
  return { command, host, port, alreadyListening: false };
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

/** Waits (up to 60 s, cancellable) for the port to accept connections. */
export async function waitForPort(
  host: string,
  port: number,
  probe: (host: string, port: number) => Promise<boolean>,
): Promise<boolean> {
  return vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: `Waiting for the server on ${host}:${port}…`,
      cancellable: true,
    },
    async (_p, token) => {
      const until = Date.now() + 60_000;
      while (!token.isCancellationRequested && Date.now() < until) {
        if (await probe(host, port)) return true;
        await new Promise((r) => setTimeout(r, 500));
      }
      if (!token.isCancellationRequested)
        void vscode.window.showErrorMessage(
          `The server did not open ${host}:${port} within 60 s; see the “${SERVER_TERMINAL}” terminal.`,
        );
      return false;
    },
  );
}

async function packageScripts(folder: vscode.WorkspaceFolder): Promise<Record<string, string>> {
  try {
    const text = new TextDecoder().decode(
      await vscode.workspace.fs.readFile(vscode.Uri.joinPath(folder.uri, 'package.json')),
    );
    const scripts = (JSON.parse(text) as { scripts?: unknown }).scripts;
    return typeof scripts === 'object' && scripts !== null ? (scripts as Record<string, string>) : {};
  } catch {
    return {}; // no or unreadable package.json: nothing to offer from it
  }
}
