// Wiring only: builds the core over VS Code's file system and registers the providers.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CONFIG_FILE, parseAnalysisConfig } from './core/analysis';
import { nodeWasmLoader, Parsers } from './core/parsing/parser';
import { ProjectIndex } from './core/project';
import { BlockingCallDiagnostics } from './vscode/diagnostics';
import { vscodeFileSystem } from './vscode/fileSystem';

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder || folder.uri.scheme !== 'file') return;
  const root = folder.uri.fsPath;
  const settings = vscode.workspace.getConfiguration('endpointProfiler', folder.uri);
  const parsers = await Parsers.load(nodeWasmLoader);
  const index = new ProjectIndex(root, vscodeFileSystem, parsers, {
    exclude: settings.get<string[]>('exclude', []),
    analysis: await readAnalysisConfig(root),
  });
  const diagnostics = new BlockingCallDiagnostics(index);
  const selector: vscode.DocumentSelector = [{ scheme: 'file', language: 'python' }, { scheme: 'file', language: 'javascript' }, { scheme: 'file', language: 'typescript' }, { scheme: 'file', language: 'typescriptreact' }];
  context.subscriptions.push(
    diagnostics,
    vscode.languages.registerCodeActionsProvider(selector, diagnostics, { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] }),
    vscode.workspace.onDidChangeTextDocument((e) => diagnostics.schedule(e.document)),
    vscode.workspace.onDidSaveTextDocument((doc) => diagnostics.schedule(doc)),
    vscode.workspace.onDidOpenTextDocument((doc) => diagnostics.schedule(doc)),
  );
  diagnostics.refresh().catch((err: unknown) => {
    void vscode.window.showWarningMessage(`Endpoint Profiler could not analyse the workspace: ${err instanceof Error ? err.message : String(err)}`);
  });
}

async function readAnalysisConfig(root: string) {
  let text: string;
  try {
    text = new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.file(path.join(root, CONFIG_FILE))));
  } catch {
    return undefined; // no config file: the catalog as shipped
  }
  try {
    return parseAnalysisConfig(text);
  } catch (err) {
    void vscode.window.showWarningMessage(`Endpoint Profiler: ${CONFIG_FILE} ignored: ${err instanceof Error ? err.message : String(err)}`);
    return undefined;
  }
}

export function deactivate(): void {}
