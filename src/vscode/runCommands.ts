// The Runs view's commands over the real RunStore. The editor UI comes in through the small
// RunsUi port (runsView.ts implements it with vscode.window), so this logic runs in unit tests
// against run files on disk. Every command reports failures as one line and never throws.
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { RunRecord } from '../core/model';
import { toCsv, toJson, toMarkdown } from '../core/runs/export';
import { writeRunFile } from '../core/runs/format';
import type { RunStore } from '../core/runs/store';
import { compareOrder, exportDefaultPath, runLabel, targetsOf, type RunNode } from './runsTreeModel';
import { errorLine as oneLine } from '../core/errors';

/** What the commands need from the results panel (src/vscode/resultsPanel.ts). */
export interface RunPanels {
  showRun(run: RunRecord): void;
  showComparison(runs: RunRecord[]): void;
}

/** The editor dialogs the commands use. */
export interface RunsUi {
  info(message: string): void;
  error(message: string): void;
  /** A modal warning; true when the user chose `action`. */
  confirm(message: string, action: string): Promise<boolean>;
  askText(options: {
    title: string;
    value: string;
    prompt?: string;
    validate?: (value: string) => string | undefined;
  }): Promise<string | undefined>;
  pick<T extends string>(title: string, items: readonly T[]): Promise<T | undefined>;
  /** A save dialog; the chosen absolute path. */
  saveFile(defaultPath: string, filters: Record<string, string[]>): Promise<string | undefined>;
  /** A folder picker; the chosen absolute path. */
  pickFolder(title: string, defaultPath: string | undefined): Promise<string | undefined>;
}

/** The pinned baseline run id (persisted in workspace state by the view). */
export interface BaselineState {
  get(): string | undefined;
  set(id: string | undefined): Promise<void>;
}

/** The tree the commands act on and refresh. */
export interface RunsTree {
  nodes(): readonly RunNode[];
  selection(): readonly RunNode[];
  refresh(): Promise<void>;
}

export interface RunCommandDeps {
  store: RunStore;
  panels: RunPanels;
  ui: RunsUi;
  baseline: BaselineState;
  tree: RunsTree;
  /** Default folder for Export All Runs to Folder. */
  workspaceFolder?: string;
  /**
   * Where a single run's Save As starts: the folder of the user's last export (shared with the
   * results panel's Export), else home; never the repository's root, where an export is clutter.
   */
  exportFolder?: { last(): string | undefined; remember(dir: string): Promise<void>; home: string };
}

export const EXPORT_FORMATS = ['JSON', 'CSV', 'Markdown'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
const EXPORTERS: Record<ExportFormat, { ext: string; write: (run: RunRecord) => string }> = {
  JSON: { ext: 'json', write: toJson },
  CSV: { ext: 'csv', write: toCsv },
  Markdown: { ext: 'md', write: toMarkdown },
};

export class RunCommands {
  constructor(private readonly deps: RunCommandDeps) {}

  private async guard(what: string, action: () => Promise<void>): Promise<void> {
    try {
      await action();
    } catch (err) {
      this.deps.ui.error(`Endpoint Profiler could not ${what}: ${oneLine(err)}`);
    }
  }

  /** The record behind a node, read again from disk so a renamed or vanished file is noticed. */
  private async load(node: RunNode): Promise<RunRecord | undefined> {
    if (!node.record) {
      this.deps.ui.error(
        `Run file ${node.label} cannot be read: ${node.error ?? 'unreadable'}. Delete it or repair the file.`,
      );
      return undefined;
    }
    try {
      return await this.deps.store.load(node.id);
    } catch (err) {
      this.deps.ui.error(`Run “${node.label}” is no longer available: ${oneLine(err)}`);
      await this.deps.tree.refresh();
      return undefined;
    }
  }

  private clickedOrSelected(arg: unknown): RunNode | undefined {
    return isRunNode(arg) ? arg : this.deps.tree.selection()[0];
  }

  open(arg?: unknown): Promise<void> {
    return this.guard('open the run', async () => {
      const node = this.clickedOrSelected(arg);
      if (!node) return this.deps.ui.info('Select a run to open.');
      const run = await this.load(node);
      if (run) this.deps.panels.showRun(run);
    });
  }

  rename(arg?: unknown): Promise<void> {
    return this.guard('rename the run', async () => {
      const node = this.clickedOrSelected(arg);
      if (!node) return this.deps.ui.info('Select a run to rename.');
      const run = await this.load(node);
      if (!run) return;
      const label = await this.deps.ui.askText({
        title: 'Rename Run',
        value: runLabel(run),
        prompt: `Run of ${run.target.method} ${run.target.url} at ${run.createdAt}`,
        validate: (v) => (v.trim() ? undefined : 'Enter a name'),
      });
      if (label === undefined || !label.trim()) return;
      await this.deps.store.rename(node.id, label.trim());
      await this.deps.tree.refresh();
    });
  }

  delete(clicked?: unknown, selected?: unknown): Promise<void> {
    return this.guard('delete the run', async () => {
      const targets = this.targets(clicked, selected);
      if (targets.length === 0) return this.deps.ui.info('Select the runs to delete.');
      if (targets.length > 1) {
        const names =
          targets
            .slice(0, 5)
            .map((n) => `“${n.label}”`)
            .join(', ') + (targets.length > 5 ? ', …' : '');
        if (
          !(await this.deps.ui.confirm(`Delete ${targets.length} runs (${names})? Their files are removed.`, 'Delete'))
        )
          return;
      }
      for (const node of targets) await this.deps.store.remove(node.id);
      const baseline = this.deps.baseline.get();
      if (baseline && targets.some((n) => n.id === baseline)) await this.deps.baseline.set(undefined);
      await this.deps.tree.refresh();
    });
  }

  export(arg?: unknown): Promise<void> {
    return this.guard('export the run', async () => {
      const node = this.clickedOrSelected(arg);
      if (!node) return this.deps.ui.info('Select a run to export.');
      const run = await this.load(node);
      if (!run) return;
      const format = await this.deps.ui.pick(`Export “${runLabel(run)}” as`, EXPORT_FORMATS);
      if (!format) return;
      const { ext, write } = EXPORTERS[format];
      const folder = this.deps.exportFolder;
      const target = await this.deps.ui.saveFile(
        exportDefaultPath([run], ext, folder?.last(), folder?.home ?? os.homedir(), (d, n) => path.join(d, n)),
        { [format]: [ext] },
      );
      if (!target) return;
      await fsp.writeFile(target, write(run), 'utf8');
      await folder?.remember(path.dirname(target));
      this.deps.ui.info(`Exported “${runLabel(run)}” to ${target}`);
    });
  }

  pin(arg?: unknown): Promise<void> {
    return this.guard('pin the baseline', async () => {
      const node = this.clickedOrSelected(arg);
      if (!node) return this.deps.ui.info('Select a run to pin as the baseline.');
      if (!(await this.load(node))) return;
      await this.deps.baseline.set(node.id);
      await this.deps.tree.refresh();
    });
  }

  unpin(): Promise<void> {
    return this.guard('unpin the baseline', async () => {
      await this.deps.baseline.set(undefined);
      await this.deps.tree.refresh();
    });
  }

  compare(clicked?: unknown, selected?: unknown): Promise<void> {
    return this.guard('compare runs', async () => {
      const order = compareOrder(this.targets(clicked, selected), this.deps.baseline.get(), this.deps.tree.nodes());
      if ('message' in order) return this.deps.ui.info(order.message);
      const runs: RunRecord[] = [];
      for (const id of order.ids) {
        const node = this.deps.tree.nodes().find((n) => n.id === id);
        const run = node && (await this.load(node));
        if (!run) return;
        runs.push(run);
      }
      this.deps.panels.showComparison(runs);
    });
  }

  /** Copies every readable run into a folder (the workspace by default) as JSON run files. */
  exportAll(): Promise<void> {
    return this.guard('export the runs', async () => {
      const entries = await this.deps.store.list();
      const readable = entries.filter((e) => e.record);
      if (readable.length === 0) return this.deps.ui.info('There are no runs to export yet.');
      const folder = await this.deps.ui.pickFolder('Export All Runs to Folder', this.deps.workspaceFolder);
      if (!folder) return;
      await fsp.mkdir(folder, { recursive: true });
      // writeRunFile is atomic and refuses to replace a file that is not a run file.
      for (const e of readable) await writeRunFile(path.join(folder, `${e.id}.json`), e.record as RunRecord);
      const skipped = entries.length - readable.length;
      this.deps.ui.info(
        `Exported ${readable.length} run${readable.length === 1 ? '' : 's'} to ${folder}${skipped ? ` (${skipped} unreadable file${skipped === 1 ? '' : 's'} skipped)` : ''}`,
      );
    });
  }

  refresh(): Promise<void> {
    return this.guard('refresh runs', () => this.deps.tree.refresh());
  }

  private targets(clicked: unknown, selected: unknown): RunNode[] {
    const list = Array.isArray(selected) ? selected.filter(isRunNode) : undefined;
    return targetsOf(isRunNode(clicked) ? clicked : undefined, list, this.deps.tree.selection());
  }
}

export function isRunNode(x: unknown): x is RunNode {
  const n = x as Partial<RunNode> | undefined;
  return typeof n?.id === 'string' && typeof n.file === 'string' && typeof n.contextValue === 'string';
}
