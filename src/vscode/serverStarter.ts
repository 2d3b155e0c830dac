// "Start Server…": runs the configured or detected command in a VS Code terminal (visible,
// so the user sees its output and owns its lifetime) and waits for the port to open.
import * as vscode from 'vscode';
import type { Route } from '../core/model';
import { detectServerCommands, hostAndPort } from './serverModel';

export interface StartServerInput {
  folder: vscode.WorkspaceFolder;
  routes: readonly Route[];
  files: readonly string[];
  baseUrl: string;
}

/** Asks which command (configured, detected, or typed) and starts it; false when the user backed out. */
export async function startServer(input: StartServerInput): Promise<boolean> {
  const configured = vscode.workspace.getConfiguration('endpointProfiler', input.folder.uri).get<string>('serverCommand', '');
  let command = configured;
  if (!command) {
    const scripts = await packageScripts(input.folder);
    const detected = detectServerCommands(input.routes, input.baseUrl, input.files, scripts);
    const typeOwn = { label: 'Enter a command…', command: '' };
    const pick = await vscode.window.showQuickPick([...detected.map((d) => ({ label: d.label, description: d.command, command: d.command })), typeOwn], {
      title: 'Start the server under test', placeHolder: 'Detected from the workspace (set endpointProfiler.serverCommand to skip this)',
    });
    if (!pick) return false;
    command = pick.command || (await vscode.window.showInputBox({ title: 'Command that starts the server', placeHolder: 'uvicorn app.main:app --port 8000' })) || '';
    if (!command) return false;
  }
  const terminal = vscode.window.createTerminal({ name: 'Endpoint Profiler: server', cwd: input.folder.uri });
  terminal.show(true);
  terminal.sendText(command);
  return true;
}

/** Waits (up to 60 s, cancellable) for the port to accept connections. */
export async function waitForPort(host: string, port: number, probe: (host: string, port: number) => Promise<boolean>): Promise<boolean> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Waiting for the server on ${host}:${port}…`, cancellable: true }, async (_p, token) => {
    const until = Date.now() + 60_000;
    while (!token.isCancellationRequested && Date.now() < until) {
      if (await probe(host, port)) return true;
      await new Promise((r) => setTimeout(r, 500));
    }
    if (!token.isCancellationRequested) void vscode.window.showErrorMessage(`The server did not open ${host}:${port} within 60 s; see the “Endpoint Profiler: server” terminal.`);
    return false;
  });
}

async function packageScripts(folder: vscode.WorkspaceFolder): Promise<Record<string, string>> {
  try {
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(folder.uri, 'package.json')));
    const scripts = (JSON.parse(text) as { scripts?: unknown }).scripts;
    return typeof scripts === 'object' && scripts !== null ? (scripts as Record<string, string>) : {};
  } catch {
    return {}; // no or unreadable package.json: nothing to offer from it
  }
}
