// "Sweep Endpoint" and "Compare Server Configurations": a route → its URL (the answers Profile
// Endpoint remembered for it: method, path parameters, body) → a sweep plan → runSweep (each
// level's load in the load engine's worker, as Profile's) or runMatrix over server commands
// (each shown and confirmed through Start Server's consent) → a live sweep panel, every level's
// run saved with the sweep's group id. Decisions live in sweepModel.ts and sweepPlanModel.ts.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { isLoopbackUrl } from '../core/load/engine';
import type { Route, RunRecord } from '../core/model';
import type { RunStore } from '../core/runs/store';
import { CommandSyntaxError, splitCommand } from '../core/servers';
import { runMatrix, runSweep, type MatrixProgress, type SweepProgress, type SweepResult } from '../core/sweep';
import type { SweepSeriesView } from '../shared/protocol';
import { answersKey, bodyToOffer, buildUrl, hasBody, methodsToOffer, pathParams, routeAt } from './profileModel';
import { shortCommand } from './runsTreeModel';
import { baseUrlProblem, hostAndPort, rememberFirst, serverConfig } from './serverModel';
import { afterStallsWritten, attachLevelReports } from '../core/runtime/levelWindows';
import type { LoopWatch } from '../core/runtime/loopWatch';
import {
  approveServerCommands,
  loopWatchFor,
  offeredServerCommands,
  startedServerFor,
  startServer,
  tcpProbe,
  type CommandToApprove,
} from './serverStarter';
import { othersIdle, releaseLoadSlot, takeLoadSlot } from './loadSlot';
import type { LiveSweep } from './sweepPanel';
import { runsByGroup, seriesView, sweepMessage } from './sweepModel';
import { DEFAULT_PLAN, parseSweepPlan, planInput, planText, rememberedPlan, type SweepPlan } from './sweepPlanModel';
import { errorLine as message } from '../core/errors';

export interface SweepPanelsLike {
  openLive(title: string, onCancel: () => void): LiveSweep;
  showRuns(runs: readonly RunRecord[]): void;
}

export interface SweepDeps {
  context: vscode.ExtensionContext;
  folder: vscode.WorkspaceFolder;
  routes(): Route[];
  files(): string[];
  store: RunStore;
  panels: SweepPanelsLike;
  /** The saved runs (the Runs view's), to open a sweep group. */
  runs(): RunRecord[];
  onRunSaved(): void;
  /** The core's sweep and matrix, replaceable for tests. */
  runSweep?: typeof runSweep;
  runMatrix?: typeof runMatrix;
  probe?: (host: string, port: number) => Promise<boolean>;
}

/** Answers Profile Endpoint saved for a route (profileCommand.ts' RouteAnswers): shared, so a profiled route asks nothing here. */
interface RouteAnswers {
  method?: string;
  params?: Record<string, string>;
  body?: string;
  label?: string;
  [key: string]: unknown;
}

interface Target {
  url: string;
  method: string;
  body?: string;
  headers: Record<string, string>;
  timeoutS: number;
  title: string;
  route: Route;
}

const PLAN_KEY = (route: Route): string => `endpointProfiler.sweepPlan:${answersKey(route)}`;
const MATRIX_RECENT_KEY = 'endpointProfiler.recentMatrixCommands';

export class SweepCommands implements vscode.Disposable {
  private running: { title: string; abort: AbortController; live: LiveSweep } | undefined;
  private disposed = false;

  constructor(private readonly deps: SweepDeps) {}

  dispose(): void {
    this.disposed = true;
    this.running?.abort.abort();
  }

  /** Endpoint Profiler: Sweep Endpoint. Never throws into the extension host. */
  async sweep(arg?: unknown): Promise<void> {
    if (this.disposed) return;
    try {
      if (this.running) return await this.offerRunning();
      const route = await this.route(arg, 'Sweep Endpoint');
      const target = route && (await this.target(route));
      if (!target || !(await this.serverIsUp(target))) return;
      const plan = await this.plan(route);
      if (plan) await this.runOne(target, plan);
    } catch (err) {
      void vscode.window.showErrorMessage(`Endpoint Profiler: ${message(err)}`);
    }
  }

  /** Endpoint Profiler: Compare Server Configurations. */
  async compareServers(arg?: unknown): Promise<void> {
    if (this.disposed) return;
    try {
      if (this.running) return await this.offerRunning();
      const route = await this.route(arg, 'Compare Server Configurations');
      const target = route && (await this.target(route));
      if (!target) return;
      const chosen = await this.chooseCommands(route);
      if (!chosen || chosen.length === 0) return;
      const folders = new Set(chosen.map((c) => c.cwd));
      if (folders.size > 1)
        throw new Error(
          `the chosen commands run in different folders (${[...folders].map((f) => f || 'the workspace root').join(', ')}); compare commands that run in the same one`,
        );
      // The servers it starts run with the loop watch unless endpointProfiler.watchLoop is off (the consent says so).
      const watchLoop = this.settings().get<boolean>('watchLoop', true);
      if (!(await approveServerCommands(chosen, this.deps.context.workspaceState, watchLoop))) return;
      const plan = await this.plan(route);
      if (plan) await this.runMany(target, chosen, plan, watchLoop);
    } catch (err) {
      void vscode.window.showErrorMessage(`Endpoint Profiler: ${message(err)}`);
    }
  }

  /** Opens the saved sweep `group` (a Runs view row, a CodeLens). */
  openSweep(arg?: unknown): void {
    const group = typeof arg === 'string' ? arg : (arg as { group?: unknown } | undefined)?.group;
    if (typeof group !== 'string') return;
    const runs = runsByGroup(this.deps.runs()).get(group);
    if (!runs) {
      void vscode.window.showErrorMessage('Endpoint Profiler: the runs of this sweep are gone from the Runs view.');
      return;
    }
    this.deps.panels.showRuns(runs);
  }

  // ---------------------------------------------------------------- questions

  private async route(arg: unknown, title: string): Promise<Route | undefined> {
    const given = toRoute(arg);
    if (given) return given;
    const editor = vscode.window.activeTextEditor;
    if (editor) {
      const rel = vscode.workspace.asRelativePath(editor.document.uri, false);
      const at = routeAt(this.deps.routes(), rel, editor.selection.active.line + 1);
      if (at) return at;
    }
    const routes = this.deps.routes().filter((r) => methodsToOffer(r).length > 0);
    if (routes.length === 0) {
      void vscode.window.showInformationMessage(
        'Endpoint Profiler found no route handlers in this workspace to sweep.',
      );
      return undefined;
    }
    const pick = await vscode.window.showQuickPick(
      routes.map((r) => ({
        label: `${r.methods.join(',')} ${r.path}`,
        description: `${r.handler} · ${r.file}:${r.line}`,
        route: r,
      })),
      { ignoreFocusOut: true, title, placeHolder: 'The cursor is not in a route handler: choose a route' },
    );
    return pick?.route;
  }

  private settings(): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration('endpointProfiler', this.deps.folder.uri);
  }

  /** The URL as Profile Endpoint would build it, asking only what it has not remembered for the route. */
  private async target(route: Route): Promise<Target | undefined> {
    const methods = methodsToOffer(route);
    if (methods.length === 0) throw new Error(`${route.path} is a WebSocket route; only HTTP routes can be swept`);
    const settings = this.settings();
    const baseUrl = settings.get<string>('baseUrl', 'http://127.0.0.1:8000');
    const problem = baseUrlProblem(baseUrl);
    if (problem) throw new Error(problem);
    const state = this.deps.context.workspaceState;
    const key = answersKey(route);
    const answers: RouteAnswers = { ...state.get<RouteAnswers>(key) };
    if (!answers.method || !methods.includes(answers.method))
      answers.method =
        methods.length === 1
          ? methods[0]
          : await vscode.window.showQuickPick(methods, { ignoreFocusOut: true, title: `Method for ${route.path}` });
    if (!answers.method) return undefined;
    const values: Record<string, string> = { ...answers.params };
    for (const p of pathParams(route.path, route.params)) {
      if (values[p.name] !== undefined) continue;
      const value = await vscode.window.showInputBox({
        ignoreFocusOut: true,
        title: `Path parameter “${p.name}” of ${route.path} (remembered for this route)`,
        value: p.suggestion,
        validateInput: (v) => (v === '' ? 'a value is needed' : undefined),
      });
      if (value === undefined) return undefined;
      values[p.name] = value;
    }
    answers.params = values;
    if (hasBody(answers.method) && answers.body === undefined) {
      answers.body = await vscode.window.showInputBox({
        ignoreFocusOut: true,
        title: `Request body for ${answers.method} ${route.path} (JSON, remembered)`,
        value: bodyToOffer(route),
        prompt: 'Sent with Content-Type: application/json',
      });
      if (answers.body === undefined) return undefined;
    }
    await state.update(key, answers);
    const url = buildUrl(baseUrl, route, values);
    if (!isLoopbackUrl(url) && !(await this.confirmRemote(url))) return undefined;
    const headers: Record<string, string> = { ...settings.get<Record<string, string>>('headers', {}) };
    const body = hasBody(answers.method) && answers.body ? answers.body : undefined;
    if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type'))
      headers['content-type'] = 'application/json';
    return {
      url,
      method: answers.method,
      ...(body !== undefined ? { body } : {}),
      headers,
      timeoutS: settings.get<number>('timeout', 20),
      title: `${answers.method} ${route.path}`,
      route,
    };
  }

  private async confirmRemote(url: string): Promise<boolean> {
    const dontSend = "Don't Send";
    const send = 'Send Load';
    const answer = await vscode.window.showWarningMessage(
      `${new URL(url).host} is not on this machine. Sweep ${url} with up to the highest level of concurrent requests?`,
      { modal: true, detail: 'Only load servers you own or are allowed to test.' },
      dontSend,
      send,
    );
    return answer === send;
  }

  /** Something must listen at the URL; else offer Start Server (its own consent and output). */
  private async serverIsUp(t: Target): Promise<boolean> {
    const { host, port } = hostAndPort(t.url);
    const probe = this.deps.probe ?? tcpProbe;
    if (await probe(host, port)) return true;
    const start = 'Start Server…';
    const answer = await vscode.window.showErrorMessage(
      `Nothing is listening at ${new URL(t.url).origin}. Start the server, or point endpointProfiler.baseUrl at it.`,
      start,
    );
    if (answer !== start) return false;
    const started = await startServer({
      folder: this.deps.folder,
      routes: this.deps.routes(),
      files: this.deps.files(),
      baseUrl: t.url,
      state: this.deps.context.workspaceState,
      route: t.route,
      probe,
    });
    return started !== undefined;
  }

  /** Levels and requests per level: the remembered plan first, the default, or a custom one. */
  private async plan(route: Route): Promise<SweepPlan | undefined> {
    const state = this.deps.context.workspaceState;
    const last = rememberedPlan(state.get(PLAN_KEY(route)));
    const plans = [...(last ? [last] : []), DEFAULT_PLAN, { levels: [1, 2, 4, 8], requests: 24 }].filter(
      (p, i, all) => all.findIndex((q) => planInput(q) === planInput(p)) === i,
    );
    type Item = vscode.QuickPickItem & { plan?: SweepPlan };
    const items: Item[] = [
      ...plans.map((p, i): Item => ({
        label: `${i === 0 && last ? 'Last used: ' : ''}${planText(p)}`,
        description: 'closed model, a short warm-up per level',
        plan: p,
      })),
      { label: 'Custom…', description: 'levels and requests or seconds per level, e.g. "1,2,4,8 24" or "1,4,16 5s"' },
    ];
    const pick = await vscode.window.showQuickPick(items, {
      ignoreFocusOut: true,
      title: `Sweep ${route.methods.join(',')} ${route.path}: concurrency levels`,
      placeHolder: 'Each level runs after the previous; Enter runs the first',
    });
    if (!pick) return undefined;
    let plan = pick.plan;
    if (!plan) {
      const text = await vscode.window.showInputBox({
        ignoreFocusOut: true,
        title: 'Custom sweep',
        value: planInput(last ?? DEFAULT_PLAN),
        prompt: 'Levels, then optionally requests per level (24) or seconds per level (5s)',
        validateInput: (v) => {
          const r = parseSweepPlan(v);
          return typeof r === 'string' ? r : undefined;
        },
      });
      const parsed = text === undefined ? undefined : parseSweepPlan(text);
      if (!parsed || typeof parsed === 'string') return undefined;
      plan = parsed;
    }
    await state.update(PLAN_KEY(route), planInput(plan));
    return plan;
  }

  /** Server commands to compare: configured, entered before, detected, or typed now (several). */
  private async chooseCommands(route: Route): Promise<CommandToApprove[] | undefined> {
    const state = this.deps.context.workspaceState;
    const offered = await offeredServerCommands({
      folder: this.deps.folder,
      routes: this.deps.routes(),
      files: this.deps.files(),
      route,
      state,
    });
    const recent = [...new Set([...(state.get<string[]>(MATRIX_RECENT_KEY) ?? []), ...offered.recent])];
    type Item = vscode.QuickPickItem & { command?: CommandToApprove };
    const items: Item[] = [
      ...(offered.configured
        ? [
            {
              label: offered.configured,
              description: 'endpointProfiler.serverCommand',
              command: {
                command: offered.configured,
                cwd: '',
                source: 'the endpointProfiler.serverCommand setting',
                typed: false,
              },
            },
          ]
        : []),
      ...recent.map((line): Item => ({
        label: line,
        description: 'entered before',
        command: { command: line, cwd: '', source: 'a command you entered before', typed: false },
      })),
      ...offered.detected.map((d): Item => ({
        label: d.command,
        description: d.label,
        ...(d.detail ? { detail: d.detail } : {}),
        command: { command: d.command, cwd: d.cwd, source: 'a command detected from the workspace', typed: false },
      })),
    ];
    const seen = new Set<string>();
    const unique = items.filter(
      (i) => !seen.has(`${i.command!.cwd}\n${i.label}`) && seen.add(`${i.command!.cwd}\n${i.label}`),
    );
    const picked = unique.length
      ? await vscode.window.showQuickPick(unique, {
          ignoreFocusOut: true,
          title: 'Compare server configurations: choose commands (Escape to type them instead)',
          placeHolder: '{port} is replaced by a free loopback port; each runs in turn, without a shell',
          canPickMany: true,
        })
      : [];
    const chosen = (picked ?? []).map((p) => p.command!);
    // More commands, typed one by one (an empty line ends): e.g. the same app under gunicorn -w 4.
    for (;;) {
      const line = await vscode.window.showInputBox({
        ignoreFocusOut: true,
        title: `Another server command to compare (${chosen.length} chosen; empty to ${chosen.length >= 1 ? 'start' : 'stop'})`,
        placeHolder: 'gunicorn -w 4 -k uvicorn.workers.UvicornWorker -b 127.0.0.1:{port} main:app',
        prompt:
          'Put {port} where the port goes ({host} for the address); run without a shell from the workspace folder',
        validateInput: (v) => {
          try {
            if (v.trim()) splitCommand(v);
            return undefined;
          } catch (e) {
            return e instanceof CommandSyntaxError ? e.message : String(e);
          }
        },
      });
      if (line === undefined) return undefined;
      if (!line.trim()) break;
      chosen.push({ command: line.trim(), cwd: '', source: 'a command you entered', typed: true });
      await state.update(MATRIX_RECENT_KEY, rememberFirst(state.get<string[]>(MATRIX_RECENT_KEY), line.trim()));
    }
    return chosen;
  }

  // ---------------------------------------------------------------- running

  private async offerRunning(): Promise<void> {
    const running = this.running!;
    const cancel = 'Cancel Sweep';
    const show = 'Show It';
    const answer = await vscode.window.showWarningMessage(
      `Endpoint Profiler is already sweeping ${running.title}. One at a time, so runs do not skew each other's figures.`,
      cancel,
      show,
    );
    if (answer === cancel) running.abort.abort();
    else if (answer === show) running.live.reveal();
  }

  /** Saves each finished level's record once (as levels finish, so a cancelled sweep keeps them). */
  private saver(): (records: readonly RunRecord[]) => Promise<void> {
    const saved = new Set<string>();
    let chain = Promise.resolve();
    return (records) => {
      const fresh = records.filter((r) => !saved.has(r.id));
      for (const r of fresh) saved.add(r.id);
      if (fresh.length === 0) return chain;
      chain = chain.then(async () => {
        for (const r of fresh) {
          const result = await this.deps.store.save(r);
          if (result.error) void vscode.window.showWarningMessage(`Endpoint Profiler: ${result.error}`);
        }
        if (!this.disposed) this.deps.onRunSaved();
      });
      return chain;
    };
  }

  private async runOne(t: Target, plan: SweepPlan): Promise<void> {
    if (this.running) return this.offerRunning();
    if (!othersIdle()) return;
    const abort = new AbortController();
    const slot = { what: `sweeping ${t.title}`, cancel: () => abort.abort() };
    takeLoadSlot(slot);
    const title = `Sweep ${t.title}`;
    const live = this.deps.panels.openLive(title, () => abort.abort());
    this.running = { title: t.title, abort, live };
    const save = this.saver();
    const serverCommand =
      startedServerFor(t.url) ?? (this.settings().get<string>('serverCommand', '').trim() || undefined);
    // A server Start Server runs with the loop watch: each level's record gets its own window of it,
    // so levels are saved once the sweep ends and the windows are read (not as each one finishes).
    const watch = loopWatchFor(t.url);
    const starts: number[] = [];
    const name = t.title;
    const show = (
      sweep: SweepResult | undefined,
      state: SweepSeriesView['state'],
      liveNow: boolean,
      p?: SweepProgress,
    ): void =>
      live.show(
        sweepMessage(
          title,
          liveNow,
          [
            seriesView(name, state, sweep, {
              ...(p
                ? {
                    current: {
                      concurrency: p.concurrency,
                      ...(p.load?.fraction !== undefined ? { fraction: p.load.fraction } : {}),
                      ...(p.load ? { requests: p.load.snapshot.summary.count } : {}),
                    },
                  }
                : {}),
            }),
          ],
          { totalLevels: plan.levels.length },
        ),
      );
    try {
      show(undefined, 'running', true);
      const outcome = await vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: `Sweeping ${t.title} (${planText(plan)})`,
          cancellable: true,
        },
        async (progress, token) => {
          const onCancel = token.onCancellationRequested(() => abort.abort());
          let level = -1;
          try {
            return await (this.deps.runSweep ?? runSweep)(
              {
                url: t.url,
                method: t.method,
                headers: t.headers,
                ...(t.body !== undefined ? { body: t.body } : {}),
                timeoutS: t.timeoutS,
                levels: plan.levels,
                ...(plan.requests !== undefined ? { requests: plan.requests } : {}),
                ...(plan.durationS !== undefined ? { durationS: plan.durationS } : {}),
                allowRemote: !isLoopbackUrl(t.url),
                label: t.title,
                route: routeOf(t.route),
                ...(serverCommand ? { server: serverConfig(serverCommand) } : {}),
                signal: abort.signal,
              },
              (p) => {
                starts[p.index] ??= Date.now();
                if (!watch) void save(p.records);
                show(p.partial.levels.length ? p.partial : undefined, 'running', true, p);
                if (p.index !== level) {
                  level = p.index;
                  progress.report({
                    increment: 100 / plan.levels.length,
                    message: `${p.concurrency} concurrent (level ${p.index + 1} of ${plan.levels.length})`,
                  });
                }
              },
            );
          } finally {
            onCancel.dispose();
          }
        },
      );
      if (watch) await this.addLoopReports(outcome.records, starts, watch);
      await save(outcome.records);
      const { result } = outcome;
      show(result, result.cancelled ? 'cancelled' : 'done', false);
      if (!this.disposed)
        void vscode.window.showInformationMessage(
          `Endpoint Profiler: ${result.levels.length >= 2 ? result.verdict.text : `${t.title} has no verdict: ${result.verdict.text}`}`,
        );
    } catch (err) {
      const records = (err as { records?: RunRecord[] }).records;
      if (records && watch) await this.addLoopReports(records, starts, watch);
      if (records) await save(records);
      live.error(`The sweep failed: ${message(err)}`);
      void vscode.window.showErrorMessage(`Endpoint Profiler: the sweep failed: ${message(err)}`);
    } finally {
      this.running = undefined;
      releaseLoadSlot(slot);
    }
  }

  /** Each level's window of the watched server's loop on its record; a failure to read it never loses a run. */
  private async addLoopReports(records: RunRecord[], starts: readonly number[], watch: LoopWatch): Promise<void> {
    try {
      await afterStallsWritten();
      attachLevelReports(records, starts, Date.now(), watch, this.deps.routes());
    } catch (err) {
      void vscode.window.showWarningMessage(`Endpoint Profiler: could not read the loop watch: ${message(err)}`);
    }
  }

  private async runMany(t: Target, chosen: CommandToApprove[], plan: SweepPlan, watchLoop: boolean): Promise<void> {
    if (this.running) return this.offerRunning();
    if (!othersIdle()) return;
    const abort = new AbortController();
    const slot = { what: `comparing servers on ${t.title}`, cancel: () => abort.abort() };
    takeLoadSlot(slot);
    const pathOnly = new URL(t.url);
    const routePath = `${pathOnly.pathname}${pathOnly.search}`;
    const title = `Compare servers: ${t.title}`;
    const live = this.deps.panels.openLive(title, () => abort.abort());
    this.running = { title: `${t.title} on ${chosen.length} servers`, abort, live };
    const save = this.saver();
    const series: SweepSeriesView[] = chosen.map((c) => {
      const workers = serverConfig(c.command).workers;
      return {
        name: shortCommand(c.command),
        command: c.command,
        ...(workers !== undefined ? { workers } : {}),
        state: 'waiting',
      };
    });
    const post = (liveNow: boolean, extra: Parameters<typeof sweepMessage>[3] = {}): void =>
      live.show(
        // A snapshot: `series` is updated in place as progress arrives, a message must not change after it is sent.
        sweepMessage(
          title,
          liveNow,
          series.map((x) => ({ ...x })),
          { totalLevels: plan.levels.length, ...extra },
        ),
      );
    const cwd = chosen[0].cwd
      ? path.join(this.deps.folder.uri.fsPath, ...chosen[0].cwd.split('/'))
      : this.deps.folder.uri.fsPath;
    try {
      post(true);
      const outcome = await vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: `Comparing ${chosen.length} server configurations on ${t.title}`,
          cancellable: true,
        },
        async (progress, token) => {
          const onCancel = token.onCancellationRequested(() => abort.abort());
          try {
            return await (this.deps.runMatrix ?? runMatrix)(
              {
                servers: chosen.map((c) => c.command),
                path: routePath,
                cwd,
                method: t.method,
                headers: t.headers,
                ...(t.body !== undefined ? { body: t.body } : {}),
                timeoutS: t.timeoutS,
                levels: plan.levels,
                ...(plan.requests !== undefined ? { requests: plan.requests } : {}),
                ...(plan.durationS !== undefined ? { durationS: plan.durationS } : {}),
                label: t.title,
                route: routeOf(t.route),
                signal: abort.signal,
                ...(watchLoop ? { watchLoop, routes: this.deps.routes() } : {}),
              },
              (p: MatrixProgress) => {
                const s = series[p.config];
                const prev = s.state;
                if (p.phase === 'starting') s.state = 'starting';
                else if (p.phase === 'sweeping') s.state = 'running';
                else if (p.phase === 'failed') {
                  s.state = 'failed';
                  s.error = p.error;
                } else if (p.phase === 'done' && s.state !== 'failed') s.state = 'done';
                if (p.sweep) {
                  // Watched: a configuration's levels carry their loop windows only once it is done.
                  if (!watchLoop || p.phase === 'done') void save(p.sweep.records);
                  const partial = p.sweep.partial.levels.length ? p.sweep.partial : undefined;
                  Object.assign(
                    s,
                    seriesView(s.name, s.state, partial, {
                      ...(s.command ? { command: s.command } : {}),
                      ...(s.workers !== undefined ? { workers: s.workers } : {}),
                      ...(p.phase === 'sweeping' ? { current: { concurrency: p.sweep.concurrency } } : {}),
                    }),
                  );
                } else if (p.phase !== 'sweeping') delete s.current;
                if (prev !== s.state)
                  progress.report({
                    message: `${s.name}: ${s.state}`,
                    increment: p.phase === 'done' ? 100 / chosen.length : 0,
                  });
                post(true);
              },
            );
          } finally {
            onCancel.dispose();
          }
        },
      );
      await save(outcome.records);
      const { result } = outcome;
      for (const c of result.configs)
        if (c.loopWatchError)
          void vscode.window.showWarningMessage(`Endpoint Profiler: ${c.command}: ${c.loopWatchError}`);
      result.configs.forEach((c, i) => {
        const s = series[i];
        Object.assign(
          s,
          seriesView(s.name, c.error ? 'failed' : result.cancelled && !c.sweep ? 'cancelled' : 'done', c.sweep, {
            ...(s.command ? { command: s.command } : {}),
            ...(c.workers !== undefined ? { workers: c.workers } : {}),
            ...(c.error ? { error: c.error } : {}),
          }),
        );
        delete s.current;
      });
      post(false, {
        matrix: result,
        ...(result.cancelled ? { failure: 'Cancelled before every configuration was swept.' } : {}),
      });
      if (!this.disposed) void vscode.window.showInformationMessage(`Endpoint Profiler: ${result.text.split('\n')[0]}`);
    } catch (err) {
      live.error(`The comparison failed: ${message(err)}`);
      void vscode.window.showErrorMessage(`Endpoint Profiler: the comparison failed: ${message(err)}`);
    } finally {
      this.running = undefined;
      releaseLoadSlot(slot);
    }
  }
}

function routeOf(r: Route): NonNullable<RunRecord['route']> {
  return { framework: r.framework, path: r.path, file: r.file, line: r.line, handler: r.handler };
}

function toRoute(arg: unknown): Route | undefined {
  const isRoute = (x: unknown): x is Route =>
    typeof x === 'object' &&
    x !== null &&
    typeof (x as Route).path === 'string' &&
    Array.isArray((x as Route).methods) &&
    typeof (x as Route).file === 'string';
  if (isRoute(arg)) return arg;
  const inner = (arg as { route?: unknown } | undefined)?.route;
  return isRoute(inner) ? inner : undefined;
}
