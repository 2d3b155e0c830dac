// Wiring of the sweep features, kept out of extension.ts: the sweep panel, the Sweep Endpoint,
// Compare Server Configurations and Open Sweep commands, and each route's latest measured
// verdict for the CodeLens and hover (recomputed when the Runs view re-reads the store).
import * as vscode from 'vscode';
import type { Route, RunRecord } from '../core/model';
import type { RunStore } from '../core/runs/store';
import type { RunsView } from './runsView';
import { OPEN_SWEEP_COMMAND } from './runsView';
import { SweepCommands } from './sweepCommand';
import { latestSweepByRoute, SweepCache, type MeasuredSweep } from './sweepModel';
import { SweepPanels } from './sweepPanel';

export interface SweepWiringDeps {
  folder: vscode.WorkspaceFolder;
  store: RunStore;
  runs: RunsView;
  showRun(run: RunRecord): void;
  routes(): Route[];
  files(): string[];
}

export function registerSweeps(
  context: vscode.ExtensionContext,
  deps: SweepWiringDeps,
): { lastSweep(key: string): MeasuredSweep | undefined } {
  const panels = new SweepPanels(context, deps.store, (run) => deps.showRun(run));
  const commands = new SweepCommands({
    context,
    folder: deps.folder,
    routes: () => deps.routes(),
    files: () => deps.files(),
    store: deps.store,
    panels,
    runs: () => deps.runs.records(),
    onRunSaved: () => deps.runs.refresh(),
  });
  const cache = new SweepCache();
  let latest: Map<string, MeasuredSweep> | undefined;
  context.subscriptions.push(
    panels,
    commands,
    deps.runs.onDidChange(() => {
      latest = undefined; // recomputed on the next CodeLens or hover request
    }),
    vscode.commands.registerCommand('endpointProfiler.sweepEndpoint', (arg?: unknown) => commands.sweep(arg)),
    vscode.commands.registerCommand('endpointProfiler.compareServers', (arg?: unknown) => commands.compareServers(arg)),
    vscode.commands.registerCommand(OPEN_SWEEP_COMMAND, (arg?: unknown) => commands.openSweep(arg)),
  );
  return {
    lastSweep: (key) => {
      latest ??= latestSweepByRoute(deps.runs.records(), cache);
      return latest.get(key);
    },
  };
}
