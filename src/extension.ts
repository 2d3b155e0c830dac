// Wiring only: builds the core over VS Code's file system and registers providers, views
// and commands. Activation is lazy (package.json activationEvents); the first workspace scan
// runs after activate() returns, so the extension host is never held up by it.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CONFIG_FILE, parseAnalysisConfig } from './core/analysis';
import type { RunRecord } from './core/model';
import { nodeWasmLoader, Parsers } from './core/parsing/parser';
import { ProjectIndex } from './core/project';
import { RunStore } from './core/runs/store';
import { ruleLines } from './vscode/diagnosticModel';
import { BlockingCallDiagnostics } from './vscode/diagnostics';
import { vscodeFileSystem } from './vscode/fileSystem';
import { HandlerHover, HandlerLenses, trackHandlerContext, type HandlerSource } from './vscode/handlerAnnotations';
import { latestRunByRoute } from './vscode/handlerModel';
import { EndpointProfiler } from './vscode/profileCommand';
import { ResultsPanels } from './vscode/resultsPanel';
import { registerRoutesView } from './vscode/routesView';
import { registerRunsView } from './vscode/runsView';
import { startServer } from './vscode/serverStarter';

const SOURCE_GLOB = '**/*.{py,js,mjs,cjs,jsx,ts,mts,cts,tsx}';

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
  const rulesDoc = vscode.Uri.joinPath(context.extensionUri, 'media', 'rules.md');
  const ruleLine = ruleLines(readFileSync(rulesDoc.fsPath, 'utf8'));
  const diagnostics = new BlockingCallDiagnostics(index, (rule) => rulesDoc.with({ fragment: `L${ruleLine.get(rule) ?? 1}` }));

  // Runs live in workspace storage (per workspace, outside the repo); export copies them out.
  const store = new RunStore(path.join((context.storageUri ?? context.globalStorageUri).fsPath, 'runs'));
  let lastRuns = new Map<string, RunRecord>();
  const runsChanged = new vscode.EventEmitter<void>();
  const reloadRuns = async (): Promise<void> => {
    lastRuns = latestRunByRoute((await store.list()).flatMap((e) => (e.record ? [e.record] : [])));
    runsChanged.fire();
  };

  const source: HandlerSource = {
    routes: () => index.routes(),
    findings: () => index.findings(),
    lastRun: (key) => lastRuns.get(key),
    // Annotations change when the analysis or the run history does.
    onDidChange: (listener, thisArg, disposables) => {
      const both = vscode.Disposable.from(diagnostics.onDidChange(listener, thisArg), runsChanged.event(listener, thisArg));
      disposables?.push(both);
      return both;
    },
  };
  const panels = new ResultsPanels(context, store);
  const runs = registerRunsView(context, store, panels);
  const profiler = new EndpointProfiler({
    context, folder, store, panels,
    routes: () => index.routes(),
    files: () => index.files().map((f) => f.path),
    onRunSaved: () => { runs.refresh(); void reloadRuns(); },
  });

  const languages: vscode.DocumentSelector = ['python', 'javascript', 'typescript', 'typescriptreact', 'javascriptreact'].map((language) => ({ scheme: 'file', language }));
  const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, SOURCE_GLOB));
  context.subscriptions.push(
    diagnostics, panels, runsChanged, watcher,
    vscode.languages.registerCodeActionsProvider(languages, diagnostics, { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] }),
    vscode.languages.registerCodeLensProvider(languages, new HandlerLenses(source)),
    vscode.languages.registerHoverProvider(languages, new HandlerHover(source)),
    trackHandlerContext(source),
    vscode.workspace.onDidChangeTextDocument((e) => diagnostics.schedule(e.document)),
    vscode.workspace.onDidSaveTextDocument((doc) => diagnostics.schedule(doc)),
    vscode.workspace.onDidOpenTextDocument((doc) => diagnostics.schedule(doc)),
    watcher.onDidCreate((uri) => diagnostics.scheduleFile(uri)),
    watcher.onDidChange((uri) => diagnostics.scheduleFile(uri)),
    watcher.onDidDelete((uri) => diagnostics.scheduleFile(uri)),
    vscode.commands.registerCommand('endpointProfiler.profileEndpoint', (arg?: unknown) => profiler.profile(arg)),
    vscode.commands.registerCommand('endpointProfiler.startServer', () => startServer({ folder, routes: index.routes(), files: index.files().map((f) => f.path), baseUrl: vscode.workspace.getConfiguration('endpointProfiler', folder.uri).get<string>('baseUrl', 'http://127.0.0.1:8000') })),
  );
  registerRoutesView(context, { routes: () => index.routes(), findings: () => index.findings(), root, onDidChange: diagnostics.onDidChange, refresh: () => diagnostics.refresh() });

  void reloadRuns();
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
