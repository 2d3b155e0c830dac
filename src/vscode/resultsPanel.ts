// Hosts the results webview: one WebviewPanel per shown run or comparison, each holding the
// latest complete snapshot (re-sent whenever the webview says 'ready', e.g. after being
// hidden), plus the serializer that restores panels after a reload from the run store.
// Pure parts (page, CSP, messages, throttle) live in resultsModel.ts.
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LoadProgress } from '../core/load/engine';
import type { RunRecord } from '../core/model';
import { compareRuns } from '../core/runs/compare';
import { comparisonMarkdown, toCsv, toJson, toMarkdown } from '../core/runs/export';
import type { RunStore } from '../core/runs/store';
import { PANEL_VIEW_TYPE, type HostMessage, type PanelState, type WebviewMessage } from '../shared/protocol';
import {
  compareMessage,
  makeNonce,
  parsePanelState,
  restoreFailure,
  resultsHtml,
  runMessage,
  Throttle,
} from './resultsModel';
import { compareNames, exportDefaultPath, LAST_EXPORT_DIR_KEY } from './runsTreeModel';
import { stallLinkTarget } from './sourceLinkModel';
import { errorLine as oneLine } from '../core/errors';

/** The handle of a run in progress on its panel (Profile Endpoint drives it). */
export interface LiveRun {
  progress(p: LoadProgress): void;
  finish(run: RunRecord): void;
  fail(message: string): void;
  /** Brings the live panel to the front (nothing once the user closed it). */
  reveal?(): void;
}

const LIVE_INTERVAL_MS = 250;

/**
 * One panel: its latest snapshot, the runs behind it, and what Cancel does while live.
 * Once the user closes it (onDidDispose) VS Code throws "Webview is disposed" on any use of
 * the panel, so every call here becomes a no-op instead.
 */
class ResultsPanel {
  private snapshot: HostMessage | undefined;
  private runs: RunRecord[] = [];
  private ready = false;
  private closed = false;
  private readonly closeListeners = new Set<() => void>();
  onCancel: (() => void) | undefined;
  onDispose: (() => void) | undefined;

  constructor(
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    /** Remembers the folder of the last export (global state: it is the user's, not the workspace's). */
    private readonly state?: vscode.Memento,
  ) {
    const webview = panel.webview;
    webview.options = {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
    };
    webview.html = resultsHtml({
      cspSource: webview.cspSource,
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.js')).toString(),
      nonce: makeNonce(),
      title: panel.title,
    });
    webview.onDidReceiveMessage((m: WebviewMessage) => {
      void this.receive(m);
    });
    panel.onDidDispose(() => {
      this.closed = true;
      for (const listener of [...this.closeListeners]) listener();
      this.closeListeners.clear();
      this.onDispose?.();
    });
  }

  get isDisposed(): boolean {
    return this.closed;
  }

  /** Calls `listener` when the panel is closed; the returned function unregisters it. */
  whenDisposed(listener: () => void): () => void {
    this.closeListeners.add(listener);
    return () => {
      this.closeListeners.delete(listener);
    };
  }

  /** The ids currently shown, to find a panel already showing a run or comparison. */
  key(): string {
    return this.runs.map((r) => r.id).join(',');
  }

  show(message: HostMessage, runs: RunRecord[]): void {
    if (this.closed) return;
    if (message.type !== 'error') this.runs = runs;
    this.snapshot = message;
    if (this.ready)
      void this.post(message).catch((err: unknown) => {
        void vscode.window.showErrorMessage(`Endpoint Profiler: could not update the results panel: ${oneLine(err)}`);
      });
  }

  error(message: string): void {
    this.show({ type: 'error', message }, this.runs);
  }

  /** Resolves without posting once the panel is closed (a close between the check and the post counts too). */
  private async post(message: HostMessage): Promise<void> {
    if (this.closed) return;
    try {
      await this.panel.webview.postMessage(message);
    } catch (err) {
      if (!this.closed) throw err;
    }
  }

  private async receive(m: WebviewMessage): Promise<void> {
    try {
      if (m.type === 'ready') {
        this.ready = true;
        if (this.snapshot) await this.post(this.snapshot);
      } else if (m.type === 'cancel') {
        this.onCancel?.();
      } else if (m.type === 'export') {
        await this.export(m.runIds, m.format);
      } else if (m.type === 'openSource') {
        await this.openSource(m.file, m.line);
      }
    } catch (err) {
      void vscode.window.showErrorMessage(`Endpoint Profiler: ${oneLine(err)}`);
    }
  }

  /** A loop stall's link: its line in the workspace, in the editor column beside the panel's. */
  private async openSource(file: unknown, line: unknown): Promise<void> {
    const target = stallLinkTarget(this.runs, file, line);
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!target || !folder) return; // not a stall of a shown run: nothing to open
    const at = new vscode.Position(target.line - 1, 0);
    await vscode.window.showTextDocument(vscode.Uri.joinPath(folder.uri, ...target.segments), {
      selection: new vscode.Range(at, at),
      viewColumn: vscode.ViewColumn.One,
    });
  }

  private async export(runIds: string[], format: 'json' | 'csv' | 'markdown'): Promise<void> {
    const runs = runIds.map((id) => this.runs.find((r) => r.id === id)).filter((r): r is RunRecord => r !== undefined);
    if (runs.length === 0) throw new Error('nothing to export: the run is not shown in this panel any more');
    if (format === 'csv' && runs.length > 1) throw new Error('CSV export holds one run; export the runs one by one');
    const ext = { json: 'json', csv: 'csv', markdown: 'md' }[format];
    const text =
      format === 'markdown'
        ? runs.length > 1
          ? comparisonMarkdown(runs, compareRuns(runs), compareNames(runs))
          : toMarkdown(runs)
        : format === 'csv'
          ? toCsv(runs[0])
          : runs.length === 1
            ? toJson(runs[0])
            : `${JSON.stringify(runs, null, 2)}\n`;
    // Save As starts where the user last exported (else home), not in the repository's root.
    const lastDir = this.state?.get<string>(LAST_EXPORT_DIR_KEY);
    const target = await vscode.window.showSaveDialog({
      title: runs.length > 1 ? `Export the comparison of ${runs.length} runs` : 'Export the run',
      defaultUri: vscode.Uri.file(exportDefaultPath(runs, ext, lastDir, os.homedir(), (d, n) => path.join(d, n))),
      filters: { [format === 'markdown' ? 'Markdown' : format.toUpperCase()]: [ext] },
    });
    if (!target) return;
    await fsp.writeFile(target.fsPath, text);
    await this.state?.update(LAST_EXPORT_DIR_KEY, path.dirname(target.fsPath));
    void vscode.window.showInformationMessage(`Endpoint Profiler: exported to ${target.fsPath}`);
  }
}

export class ResultsPanels implements vscode.Disposable {
  private readonly panels = new Set<ResultsPanel>();
  private live: ResultsPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly store: RunStore,
  ) {
    this.disposables.push(
      vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel, state) => {
          await this.restore(panel, state);
        },
      }),
    );
  }

  private adopt(panel: vscode.WebviewPanel): ResultsPanel {
    const p = new ResultsPanel(panel, this.context.extensionUri, this.context.globalState);
    this.panels.add(p);
    p.onDispose = () => {
      this.panels.delete(p);
      if (this.live === p) this.live = undefined;
    };
    return p;
  }

  private create(title: string): ResultsPanel {
    return this.adopt(
      vscode.window.createWebviewPanel(PANEL_VIEW_TYPE, title, vscode.ViewColumn.Active, {
        enableScripts: true,
        enableFindWidget: true,
      }),
    );
  }

  /** An open panel already showing exactly these runs, brought to the front; or a new one. */
  private panelFor(runs: RunRecord[], title: string): ResultsPanel {
    const key = runs.map((r) => r.id).join(',');
    const existing = [...this.panels].find((p) => p !== this.live && p.key() === key);
    if (existing) {
      existing.panel.reveal();
      return existing;
    }
    return this.create(title);
  }

  /**
   * The panel of a run in progress. Closing it does not cancel the run (the notification's
   * Cancel does): the handle's calls turn into no-ops, and when the run finishes the user is
   * offered its saved results in a new panel.
   */
  openLive(title: string, onCancel: () => void): LiveRun {
    // Reuse the live panel once its run has ended, so repeated profiling does not pile up tabs.
    const panel = this.live && !this.live.onCancel ? this.live : this.create(title);
    this.live = panel;
    panel.panel.title = title;
    panel.panel.reveal(undefined, true);
    panel.onCancel = onCancel;
    const throttle = new Throttle<LoadProgress>(LIVE_INTERVAL_MS, (p) => {
      try {
        panel.show(
          runMessage(p.snapshot, true, {
            elapsedS: p.elapsedS,
            ...(p.fraction !== undefined ? { fraction: p.fraction } : {}),
          }),
          [p.snapshot],
        );
      } catch (err) {
        panel.error(`Could not show progress: ${oneLine(err)}`);
      }
    });
    const forget = panel.whenDisposed(() => throttle.cancel());
    const end = (): void => {
      throttle.cancel();
      forget();
      panel.onCancel = undefined;
    };
    return {
      progress: (p) => {
        if (!panel.isDisposed) throttle.push(p);
      },
      finish: (run) => {
        end();
        if (panel.isDisposed) {
          this.offerClosedRun(title, run);
          return;
        }
        try {
          panel.show(runMessage(run, false), [run]);
        } catch (err) {
          panel.error(`Could not show the run: ${oneLine(err)}`);
        }
      },
      // The caller reports the failure itself; a closed panel has nothing to add.
      fail: (message) => {
        end();
        panel.error(`The run failed: ${message}`);
      },
      reveal: () => {
        if (!panel.isDisposed) panel.panel.reveal();
      },
    };
  }

  /** The live panel was closed before the run ended: the run is saved, so offer its results. */
  private offerClosedRun(title: string, run: RunRecord): void {
    const open = 'Open Results';
    const ended = run.status === 'complete' ? 'finished' : run.status === 'cancelled' ? 'was cancelled' : 'failed';
    void vscode.window
      .showInformationMessage(`Endpoint Profiler: ${title} ${ended}; the run is saved in the Runs view.`, open)
      .then(
        (answer) => {
          if (answer === open) this.showRun(run);
        },
        () => undefined,
      );
  }

  showRun(run: RunRecord): void {
    const panel = this.panelFor([run], `Run: ${run.label ?? run.id}`);
    try {
      panel.show(runMessage(run, false), [run]);
    } catch (err) {
      panel.error(`Could not show run ${run.id}: ${oneLine(err)}`);
    }
  }

  showComparison(runs: RunRecord[]): void {
    const panel = this.panelFor(runs, `Compare ${runs.length} runs: ${compareNames(runs).join(' vs ')}`);
    try {
      panel.show(compareMessage(runs), runs);
    } catch (err) {
      panel.error(`Could not compare these runs: ${oneLine(err)}`);
    }
  }

  /** After a reload: re-read the runs the webview remembered; anything missing becomes a one-line error in the panel. */
  private async restore(webviewPanel: vscode.WebviewPanel, state: unknown): Promise<void> {
    const panel = this.adopt(webviewPanel);
    const saved: PanelState | undefined = parsePanelState(state);
    if (!saved) {
      panel.error(
        'These results cannot be restored: the panel kept no run ids. Open the run again from the Runs view.',
      );
      return;
    }
    const loaded = await Promise.allSettled(saved.runIds.map((id) => this.store.load(id)));
    const errors = loaded.map((r) => (r.status === 'rejected' ? (r.reason as unknown) : undefined));
    if (errors.some((e) => e !== undefined)) {
      panel.error(restoreFailure(saved.kind, saved.runIds, errors));
      return;
    }
    const runs = loaded.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    try {
      panel.show(saved.kind === 'run' ? runMessage(runs[0], false) : compareMessage(runs), runs);
    } catch (err) {
      panel.error(`These results cannot be restored: ${oneLine(err)}`);
    }
  }

  dispose(): void {
    for (const p of [...this.panels]) p.panel.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
