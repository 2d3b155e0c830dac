// Hosts the sweep panel: the results page and script (dist/webview.js) in a panel of its own
// view type, fed complete `sweep` snapshots (sweepModel.ts), live while a sweep or a server
// comparison runs; a level's "open" button shows its run in the results panel. Restored after a
// reload from the run ids the webview kept.
import * as vscode from 'vscode';
import type { RunRecord } from '../core/model';
import type { RunStore } from '../core/runs/store';
import { SWEEP_VIEW_TYPE, type HostMessage, type SweepMessage, type WebviewMessage } from '../shared/protocol';
import { makeNonce, resultsHtml, Throttle } from './resultsModel';
import { sweepMessageOfRuns } from './sweepModel';
import { errorLine as oneLine } from '../core/errors';

const LIVE_INTERVAL_MS = 250;

/** The handle of a sweep panel while its sweep runs (sweepCommand.ts drives it). */
export interface LiveSweep {
  /** A new snapshot; live ones are throttled to one per 250 ms, a final one goes at once. */
  show(message: SweepMessage): void;
  error(message: string): void;
  reveal(): void;
}

class SweepPanel {
  private snapshot: HostMessage | undefined;
  private ready = false;
  closed = false;
  onCancel: (() => void) | undefined;
  /** The runs a saved sweep's panel shows (sorted ids), to bring it forward instead of opening another. */
  key: string | undefined;

  constructor(
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly openRun: (runId: string) => Promise<void>,
    onDispose: () => void,
  ) {
    const webview = panel.webview;
    webview.options = { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist')] };
    webview.html = resultsHtml({
      cspSource: webview.cspSource,
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.js')).toString(),
      nonce: makeNonce(),
      title: panel.title,
    });
    webview.onDidReceiveMessage((m: WebviewMessage) => void this.receive(m));
    panel.onDidDispose(() => {
      this.closed = true;
      onDispose();
    });
  }

  show(message: HostMessage): void {
    if (this.closed) return;
    this.snapshot = message;
    if (this.ready) void this.post(message);
  }

  private async post(message: HostMessage): Promise<void> {
    try {
      if (!this.closed) await this.panel.webview.postMessage(message);
    } catch (err) {
      if (!this.closed) void vscode.window.showErrorMessage(`Endpoint Profiler: ${oneLine(err)}`);
    }
  }

  private async receive(m: WebviewMessage): Promise<void> {
    try {
      if (m.type === 'ready') {
        this.ready = true;
        if (this.snapshot) await this.post(this.snapshot);
      } else if (m.type === 'cancel') this.onCancel?.();
      else if (m.type === 'openRun' && typeof m.runId === 'string') await this.openRun(m.runId);
    } catch (err) {
      void vscode.window.showErrorMessage(`Endpoint Profiler: ${oneLine(err)}`);
    }
  }
}

export class SweepPanels implements vscode.Disposable {
  private readonly panels = new Set<SweepPanel>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly store: RunStore,
    /** Shows one run in the results panel. */
    private readonly showRun: (run: RunRecord) => void,
  ) {
    this.disposables.push(
      vscode.window.registerWebviewPanelSerializer(SWEEP_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel, state) => {
          await this.restore(panel, state);
        },
      }),
    );
  }

  private adopt(panel: vscode.WebviewPanel): SweepPanel {
    const p = new SweepPanel(
      panel,
      this.context.extensionUri,
      async (id) => {
        let run: RunRecord;
        try {
          run = await this.store.load(id);
        } catch (err) {
          const why = /\b(ENOENT|ENOTDIR)\b/.test(oneLine(err)) ? 'it was deleted or moved' : oneLine(err);
          throw new Error(`the run ${id} cannot be opened: ${why}`);
        }
        this.showRun(run);
      },
      () => this.panels.delete(p),
    );
    this.panels.add(p);
    return p;
  }

  private create(title: string): SweepPanel {
    return this.adopt(
      vscode.window.createWebviewPanel(SWEEP_VIEW_TYPE, title, vscode.ViewColumn.Active, { enableScripts: true }),
    );
  }

  /** A new panel for a sweep about to run; Cancel in it calls `onCancel` while it is live. */
  openLive(title: string, onCancel: () => void): LiveSweep {
    const panel = this.create(title);
    panel.onCancel = onCancel;
    const throttle = new Throttle<SweepMessage>(LIVE_INTERVAL_MS, (m) => panel.show(m));
    return {
      show: (m) => {
        if (m.live) return throttle.push(m);
        throttle.cancel();
        panel.onCancel = undefined;
        panel.show(m);
      },
      error: (message) => {
        throttle.cancel();
        panel.onCancel = undefined;
        panel.show({ type: 'error', message });
      },
      reveal: () => {
        if (!panel.closed) panel.panel.reveal();
      },
    };
  }

  /** The saved sweep(s) these runs belong to: the panel already showing them comes forward, else a new one. */
  showRuns(runs: readonly RunRecord[]): void {
    const message = sweepMessageOfRuns(runs);
    const key = runs
      .map((r) => r.id)
      .sort()
      .join(',');
    const open = [...this.panels].find((p) => p.key === key && !p.closed);
    const panel = open ?? this.create(message.title);
    panel.key = key;
    if (open) panel.panel.reveal();
    panel.show(message);
  }

  private async restore(webviewPanel: vscode.WebviewPanel, state: unknown): Promise<void> {
    const panel = this.adopt(webviewPanel);
    const ids = (state as { kind?: unknown; runIds?: unknown } | undefined)?.runIds;
    if (!Array.isArray(ids) || ids.length === 0 || !ids.every((id) => typeof id === 'string')) {
      panel.show({ type: 'error', message: 'This sweep cannot be restored: open it again from the Runs view.' });
      return;
    }
    const loaded = await Promise.allSettled(ids.map((id: string) => this.store.load(id)));
    const runs = loaded.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    if (runs.length === 0) {
      panel.show({ type: 'error', message: 'This sweep cannot be shown again: its runs were deleted or moved.' });
      return;
    }
    panel.show(sweepMessageOfRuns(runs));
    const missing = ids.length - runs.length;
    if (missing > 0)
      void vscode.window.showWarningMessage(`Endpoint Profiler: ${missing} run(s) of this sweep are gone.`);
  }

  dispose(): void {
    for (const p of [...this.panels]) p.panel.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
