// Wiring only: starts the index worker and registers providers, views and commands.
// Activation is lazy (package.json activationEvents); the first workspace scan runs after
// activate() returns, and in a worker thread (core/indexWorker), so the host never waits on it.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CONFIG_FILE, parseAnalysisConfig } from './core/analysis';
import type { RunRecord } from './core/model';
import { IndexClient } from './core/indexWorker/client';
import { defaultJobs } from './core/indexWorker/extractPool';
import { ruleAnchors, ruleLines, ruleLinkUri, SHOW_RULE_COMMAND } from './vscode/diagnosticModel';
import { BlockingCallDiagnostics } from './vscode/diagnostics';
import { HandlerHover, HandlerLenses, trackHandlerContext, type HandlerSource } from './vscode/handlerAnnotations';
import { latestRunByRoute } from './vscode/handlerModel';
import { loopHoverLines } from './vscode/loopEvidenceModel';
import { EndpointProfiler } from './vscode/profileCommand';
import { ResultsPanels } from './vscode/resultsPanel';
import { registerRoutesView } from './vscode/routesView';
import { openRunStore, registerRunsView } from './vscode/runsView';
import { startServer, stopStartedServers } from './vscode/serverStarter';
import { registerSweeps } from './vscode/sweepWiring';
import { errorMessage as message } from './core/errors';

const SOURCE_GLOB = '**/*.{py,js,mjs,cjs,jsx,ts,mts,cts,tsx}';
/** Root files that change what is scanned or how it is judged. */
const SETTINGS_FILES = `{**/.gitignore,${CONFIG_FILE}}`;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder || folder.uri.scheme !== 'file') {
    return explainEveryCommand(
      context,
      'Endpoint Profiler works on a folder on this machine: open one (File → Open Folder) to find its routes and profile them.',
    );
  }
  const root = folder.uri.fsPath;
  const output = vscode.window.createOutputChannel('Endpoint Profiler');
  context.subscriptions.push(output);
  const log = (line: string): void => output.appendLine(`[${new Date().toLocaleTimeString()}] ${line}`);
  if ((vscode.workspace.workspaceFolders?.length ?? 0) > 1) log(`Only the first workspace folder is analysed: ${root}`);

  const settings = (): vscode.WorkspaceConfiguration =>
    vscode.workspace.getConfiguration('endpointProfiler', folder.uri);
  const scanOptions = async () => ({
    exclude: settings().get<string[]>('exclude', []),
    analysis: await readAnalysisConfig(root),
    // A first scan (or many changed files) is parsed in worker threads of the index worker
    jobs: defaultJobs(),
  });
  // Parsing, extraction and linking run in the worker; it reads the disk with Node's fs, and
  // unsaved editor text reaches it through update(). A crashed worker is replaced once, empty.
  let index: IndexClient;
  try {
    index = await IndexClient.start(root, {
      options: await scanOptions(),
      log,
      onRestart: () => void rescan(),
    });
  } catch (err) {
    log(`Could not start the analysis: ${message(err)}`);
    return explainEveryCommand(
      context,
      `Endpoint Profiler could not start its analysis (${message(err)}); reinstalling the extension may help.`,
    );
  }
  context.subscriptions.push({ dispose: () => void index.dispose() });
  const rulesDoc = vscode.Uri.joinPath(context.extensionUri, 'media', 'rules.md');
  const rulesText = readFileSync(rulesDoc.fsPath, 'utf8');
  const ruleLine = ruleLines(rulesText);
  const ruleAnchor = ruleAnchors(rulesText);
  let lastError = '';
  let allRuns: RunRecord[] = []; // watched runs confirm findings and add measured stalls (EP301)
  const diagnostics = new BlockingCallDiagnostics(index, {
    runs: () => allRuns,
    // The rule link opens rules.md rendered, at the rule's heading (showRule below), not its raw text.
    explain: (rule) => vscode.Uri.parse(ruleLinkUri(rule)),
    log,
    error: (text) => {
      log(text);
      if (text !== lastError) void vscode.window.showWarningMessage(`Endpoint Profiler ${text}`);
      lastError = text;
    },
  });
  const rescan = (): Promise<void> =>
    diagnostics.refresh().catch((err: unknown) => {
      log(`Could not analyse the workspace: ${message(err)}`);
      void vscode.window.showWarningMessage(`Endpoint Profiler could not analyse the workspace: ${message(err)}`);
    });
  const reconfigure = async (): Promise<void> => {
    try {
      await index.reconfigure(await scanOptions());
    } catch (err) {
      log(`Could not apply the new settings: ${message(err)}`);
      return;
    }
    await rescan();
  };

  // Runs live in one store per folder under global storage, shared by every window (README says why).
  const store = openRunStore(context, folder);
  const panels = new ResultsPanels(context, store);
  const runs = registerRunsView(context, store, panels);
  // Hovers show the latest run of each route, following saves, renames and deletions in the Runs view.
  let lastRuns = new Map<string, RunRecord>();
  const runsChanged = new vscode.EventEmitter<void>();
  const runsListener = runs.onDidChange(() => {
    allRuns = runs.records();
    lastRuns = latestRunByRoute(allRuns);
    diagnostics.runsChanged();
    runsChanged.fire();
  });

  const sweeps = registerSweeps(context, {
    folder,
    store,
    runs,
    showRun: (run) => panels.showRun(run),
    routes: () => index.routes(),
    files: () => index.paths(),
  });
  const source: HandlerSource = {
    routes: () => index.routes(),
    findings: () => index.findings(),
    lastRun: (key) => lastRuns.get(key),
    loopLines: (route) => loopHoverLines(route, diagnostics.loopEvidence()),
    lastSweep: (key) => sweeps.lastSweep(key),
    // Annotations change when the analysis or the run history does.
    onDidChange: (listener, thisArg, disposables) => {
      const both = vscode.Disposable.from(
        diagnostics.onDidChange(listener, thisArg),
        runsChanged.event(listener, thisArg),
      );
      disposables?.push(both);
      return both;
    },
  };
  const profiler = new EndpointProfiler({
    context,
    folder,
    store,
    panels,
    routes: () => index.routes(),
    files: () => index.paths(),
    onRunSaved: () => runs.refresh(),
  });

  const languages: vscode.DocumentSelector = [
    'python',
    'javascript',
    'typescript',
    'typescriptreact',
    'javascriptreact',
  ].map((language) => ({ scheme: 'file', language }));
  const sources = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, SOURCE_GLOB));
  const settingsFiles = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, SETTINGS_FILES));
  context.subscriptions.push(
    profiler,
    diagnostics,
    panels,
    runsChanged,
    runsListener,
    sources,
    settingsFiles,
    vscode.languages.registerCodeActionsProvider(languages, diagnostics, {
      providedCodeActionKinds: [vscode.CodeActionKind.QuickFix],
    }),
    vscode.languages.registerCodeLensProvider(languages, new HandlerLenses(source)),
    vscode.languages.registerHoverProvider(languages, new HandlerHover(source)),
    trackHandlerContext(source),
    vscode.workspace.onDidChangeTextDocument((e) => diagnostics.schedule(e.document)),
    vscode.workspace.onDidSaveTextDocument((doc) => diagnostics.schedule(doc)),
    vscode.workspace.onDidOpenTextDocument((doc) => diagnostics.schedule(doc)),
    vscode.workspace.onDidCloseTextDocument((doc) => diagnostics.scheduleClosed(doc)),
    sources.onDidCreate((uri) => diagnostics.scheduleFile(uri)),
    sources.onDidChange((uri) => diagnostics.scheduleFile(uri)),
    sources.onDidDelete((uri) => diagnostics.scheduleFile(uri)),
    settingsFiles.onDidCreate(() => void reconfigure()),
    settingsFiles.onDidChange(() => void reconfigure()),
    settingsFiles.onDidDelete(() => void reconfigure()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('endpointProfiler.exclude', folder.uri)) void reconfigure();
    }),
    vscode.commands.registerCommand('endpointProfiler.profileEndpoint', (arg?: unknown) => profiler.profile(arg)),
    vscode.commands.registerCommand('endpointProfiler.profileUrl', () => profiler.profileUrl()),
    vscode.commands.registerCommand(SHOW_RULE_COMMAND, async (rule?: unknown) => {
      const id = typeof rule === 'string' ? rule : '';
      try {
        await vscode.commands.executeCommand(
          'markdown.showPreview',
          rulesDoc.with({ fragment: ruleAnchor.get(id) ?? '' }),
        );
      } catch {
        // The built-in Markdown extension is disabled: the text at the rule's line instead.
        await vscode.commands.executeCommand('vscode.open', rulesDoc.with({ fragment: `L${ruleLine.get(id) ?? 1}` }));
      }
    }),
    vscode.commands.registerCommand('endpointProfiler.startServer', () =>
      startServer({
        folder,
        routes: index.routes(),
        files: index.paths(),
        baseUrl: settings().get<string>('baseUrl', 'http://127.0.0.1:8000'),
        state: context.workspaceState,
      }),
    ),
    { dispose: () => void stopStartedServers() }, // servers Start Server started end with the window
  );
  registerRoutesView(context, {
    routes: () => index.routes(),
    findings: () => index.findings(),
    root,
    onDidChange: diagnostics.onDidChange,
    refresh: rescan,
  });
  void rescan();
}

/**
 * Without a folder (or parsers) nothing can be analysed or profiled; every contributed command
 * says why instead of failing with "command not found".
 */
function explainEveryCommand(context: vscode.ExtensionContext, why: string): void {
  const commands =
    (context.extension.packageJSON as { contributes?: { commands?: Array<{ command: string }> } }).contributes
      ?.commands ?? [];
  for (const { command } of commands) {
    context.subscriptions.push(
      vscode.commands.registerCommand(command, () => void vscode.window.showInformationMessage(why)),
    );
  }
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
    void vscode.window.showWarningMessage(`Endpoint Profiler: ${CONFIG_FILE} ignored: ${message(err)}`);
    return undefined;
  }
}

// Everything, a running load and the index worker included, hangs off context.subscriptions.
export function deactivate(): void {}
