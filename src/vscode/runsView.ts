// The Runs view: saved profile runs, newest first, with the pinned baseline marked. What each
// row says comes from runsTreeModel; what the commands do, from runCommands.
import { mkdirSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunRecord } from '../core/model';
import { RunStore, runsFolderFor } from '../core/runs/store';
import { RunCommands, type BaselineState, type RunPanels, type RunsTree, type RunsUi } from './runCommands';
import { buildRunNodes, LAST_EXPORT_DIR_KEY, type RunEntry, type RunNode } from './runsTreeModel';
import { SweepCache } from './sweepModel';
import { expandGroups, groupRunNodes, isGroupNode, type RunsTreeItem } from './sweepTreeModel';

export type { RunPanels } from './runCommands';

export interface RunsView extends vscode.Disposable {
  /** Re-reads the store (after a run was saved). */
  refresh(): void;
  /** The pinned baseline run's id, if any. */
  baseline(): string | undefined;
  /** Fires after the list was re-read (a run saved, renamed, deleted, pinned). */
  onDidChange: vscode.Event<void>;
  /** The readable runs of the last listing, newest first. */
  records(): RunRecord[];
}

const BASELINE_KEY = 'endpointProfiler.baselineRunId';
/** Context key: the Runs view has read the store once (until then its welcome says "Loading runs…"). */
export const RUNS_LOADED_KEY = 'endpointProfiler.runsLoaded';

/**
 * The store of `folder`'s runs, shared by every window on that folder (`runsFolderFor` under
 * global storage). Runs an older version kept in this window's workspace storage move there.
 */
export function openRunStore(context: vscode.ExtensionContext, folder: vscode.WorkspaceFolder): RunStore {
  const store = new RunStore(runsFolderFor(context.globalStorageUri.fsPath, folder.uri.fsPath));
  try {
    mkdirSync(store.dir, { recursive: true, mode: 0o700 }); // so the watcher below has a folder to watch
  } catch {
    // a save says why later
  }
  if (context.storageUri) void store.adopt(path.join(context.storageUri.fsPath, 'runs'));
  return store;
}
const CLOCK_MS = 60_000;

/** Opens a sweep group's panel (registered by src/vscode/sweepCommand.ts). */
export const OPEN_SWEEP_COMMAND = 'endpointProfiler.openSweep';

class RunsProvider implements vscode.TreeDataProvider<RunsTreeItem> {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  /** Every run, flat (what the commands act on). */
  nodes: RunNode[] = [];
  /** The rows at the top: sweeps grouped under one row each. */
  private top: RunsTreeItem[] = [];
  private readonly sweeps = new SweepCache();
  private entries: RunEntry[] = [];
  private generation = 0;
  private loaded = false;

  constructor(
    private readonly store: RunStore,
    private readonly baseline: BaselineState,
  ) {}

  async reload(): Promise<void> {
    const generation = ++this.generation;
    const entries = await this.store.list();
    if (generation !== this.generation) return; // a newer reload superseded this one
    if (!this.loaded) {
      this.loaded = true;
      void vscode.commands.executeCommand('setContext', RUNS_LOADED_KEY, true);
    }
    const pinned = this.baseline.get();
    // A baseline whose file is gone (deleted outside the view) is forgotten.
    if (pinned && !entries.some((e) => e.id === pinned && e.record)) await this.baseline.set(undefined);
    this.entries = entries;
    this.render();
  }

  /** Rebuilds the rows from the last listing, so "5 min ago" keeps up with the clock. */
  render(): void {
    this.nodes = buildRunNodes(this.entries, this.baseline.get());
    this.top = groupRunNodes(this.nodes, this.sweeps);
    this.changed.fire();
  }

  getChildren(node?: RunsTreeItem): RunsTreeItem[] {
    return node ? (isGroupNode(node) ? node.children : []) : this.top;
  }

  getTreeItem(node: RunsTreeItem): vscode.TreeItem {
    if (isGroupNode(node)) {
      const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.Collapsed);
      item.id = node.id;
      item.description = node.description;
      item.tooltip = new vscode.MarkdownString(node.tooltip);
      item.iconPath = new vscode.ThemeIcon(node.icon, node.color ? new vscode.ThemeColor(node.color) : undefined);
      item.contextValue = node.contextValue;
      item.command = { command: OPEN_SWEEP_COMMAND, title: 'Open Sweep', arguments: [node.group] };
      return item;
    }
    const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
    item.id = node.id;
    item.description = node.description;
    item.tooltip = new vscode.MarkdownString(node.tooltip);
    item.iconPath = new vscode.ThemeIcon(node.icon, node.color ? new vscode.ThemeColor(node.color) : undefined);
    item.contextValue = node.contextValue;
    if (node.record) item.command = { command: 'endpointProfiler.openRun', title: 'Open Run', arguments: [node] };
    return item;
  }

  dispose(): void {
    this.changed.dispose();
  }
}

const ui: RunsUi = {
  info: (message) => {
    void vscode.window.showInformationMessage(message);
  },
  error: (message) => {
    void vscode.window.showErrorMessage(message);
  },
  confirm: async (message, action) =>
    (await vscode.window.showWarningMessage(message, { modal: true }, action)) === action,
  askText: ({ title, value, prompt, validate }) =>
    Promise.resolve(vscode.window.showInputBox({ title, value, prompt, validateInput: validate })),
  pick: (title, items) =>
    Promise.resolve(vscode.window.showQuickPick([...items], { title })) as Promise<(typeof items)[number] | undefined>,
  saveFile: async (defaultPath, filters) =>
    (await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.file(defaultPath), filters }))?.fsPath,
  pickFolder: async (title, defaultPath) =>
    (
      await vscode.window.showOpenDialog({
        title,
        canSelectFolders: true,
        canSelectFiles: false,
        canSelectMany: false,
        openLabel: 'Export Here',
        defaultUri: defaultPath ? vscode.Uri.file(defaultPath) : undefined,
      })
    )?.[0]?.fsPath,
};

/** An item menu's (clicked, selected) with each sweep row replaced by its runs (it stands for them). */
function asRuns(clicked: unknown, selected: unknown): [unknown, unknown] {
  const runs = Array.isArray(selected) ? expandGroups<RunNode>(selected as RunsTreeItem[]) : selected;
  if (!isGroupNode(clicked)) return [clicked, runs];
  const inSelection = Array.isArray(selected) && selected.includes(clicked);
  return [clicked.children[0], inSelection ? runs : clicked.children];
}

export function registerRunsView(context: vscode.ExtensionContext, store: RunStore, panels: RunPanels): RunsView {
  const baseline: BaselineState = {
    get: () => context.workspaceState.get<string>(BASELINE_KEY),
    set: (id) => Promise.resolve(context.workspaceState.update(BASELINE_KEY, id)),
  };
  const provider = new RunsProvider(store, baseline);
  const view = vscode.window.createTreeView('endpointProfiler.runs', {
    treeDataProvider: provider,
    canSelectMany: true,
  });
  const tree: RunsTree = {
    nodes: () => provider.nodes,
    selection: () => expandGroups<RunNode>(view.selection), // a selected sweep stands for its runs
    refresh: () => provider.reload(),
  };
  const commands = new RunCommands({
    store,
    panels,
    ui,
    baseline,
    tree,
    workspaceFolder: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
    exportFolder: {
      last: () => context.globalState.get<string>(LAST_EXPORT_DIR_KEY),
      remember: (dir) => Promise.resolve(context.globalState.update(LAST_EXPORT_DIR_KEY, dir)),
      home: os.homedir(),
    },
  });
  const refresh = (): void => {
    void commands.refresh();
  };
  const clock = setInterval(() => {
    if (view.visible) provider.render();
  }, CLOCK_MS);
  // Other windows on this folder save, rename and delete runs in the same store.
  let watcher: vscode.Disposable | undefined;
  let debounce: ReturnType<typeof setTimeout> | undefined;
  try {
    const w = vscode.workspace.createFileSystemWatcher(
      new vscode.RelativePattern(vscode.Uri.file(store.dir), '*.json'),
    );
    const later = (): void => {
      clearTimeout(debounce);
      debounce = setTimeout(refresh, 300);
    };
    w.onDidCreate(later);
    w.onDidChange(later);
    w.onDidDelete(later);
    watcher = w;
  } catch {
    watcher = undefined; // no watcher: the view still follows this window's changes and Refresh
  }

  context.subscriptions.push(
    provider,
    view,
    { dispose: () => clearInterval(clock) },
    { dispose: () => clearTimeout(debounce) },
    ...(watcher ? [watcher] : []),
    vscode.commands.registerCommand('endpointProfiler.openRun', (arg?: unknown) => commands.open(arg)),
    vscode.commands.registerCommand('endpointProfiler.renameRun', (arg?: unknown) => commands.rename(arg)),
    vscode.commands.registerCommand('endpointProfiler.deleteRun', (arg?: unknown, selected?: unknown) =>
      commands.delete(...asRuns(arg, selected)),
    ),
    vscode.commands.registerCommand('endpointProfiler.exportRun', (arg?: unknown) => commands.export(arg)),
    vscode.commands.registerCommand('endpointProfiler.pinBaseline', (arg?: unknown) => commands.pin(arg)),
    vscode.commands.registerCommand('endpointProfiler.unpinBaseline', () => commands.unpin()),
    vscode.commands.registerCommand('endpointProfiler.compareRuns', (arg?: unknown, selected?: unknown) =>
      commands.compare(...asRuns(arg, selected)),
    ),
    vscode.commands.registerCommand('endpointProfiler.exportRunsToWorkspace', () => commands.exportAll()),
    vscode.commands.registerCommand('endpointProfiler.refreshRuns', () => commands.refresh()),
  );
  refresh();
  const records = (): RunRecord[] => provider.nodes.flatMap((n) => (n.record ? [n.record] : []));
  return {
    refresh,
    baseline: () => baseline.get(),
    onDidChange: provider.onDidChangeTreeData,
    records,
    dispose: () => {
      view.dispose();
    },
  };
}
