// "Profile Endpoint": route → URL → load profile → (server check) → load in the worker with
// a live panel and a cancellable notification → run saved to the store. Every question is
// asked once per route and remembered, so with concurrency and requests configured a run
// needs one Enter. Decisions live in profileModel.ts; this file only talks to VS Code.
import * as vscode from 'vscode';
import {
  isLoopbackUrl,
  LoadOptionsError,
  startLoad,
  type LoadHandle,
  type LoadOptions,
  type LoadProgress,
} from '../core/load/engine';
import type { Route, RunRecord } from '../core/model';
import type { RunStore } from '../core/runs/store';
import type { LoopWatch } from '../core/runtime/loopWatch';
import type { LiveRun } from './resultsPanel';
import { runOutcome } from './outcomeModel';
import { probeRequest, type ProbeRequest } from './probe';
import {
  answersKey,
  bodyToOffer,
  CONFIRM_OVER_S,
  estimateSeconds,
  estimateText,
  parseTargetInput,
  perRequestSeconds,
  probeSummary,
  settingsProblem,
  urlAnswersKey,
  type ProbeResult,
  buildUrl,
  customProfileText,
  hasBody,
  legacyAnswersKey,
  methodsToOffer,
  parseCustomProfile,
  pathParams,
  profileLabel,
  profilesToOffer,
  profileToRemember,
  rememberedProfile,
  routeAt,
  type LoadProfile,
  type ProfileSettings,
} from './profileModel';
import { othersIdle, releaseLoadSlot, takeLoadSlot } from './loadSlot';
import { afterStallsWritten, attachLoopReport } from '../core/runtime/levelWindows';
import { loopWatchFor, startedServerFor, startServer, tcpProbe } from './serverStarter';
import { baseUrlProblem, hostAndPort } from './serverModel';
import {
  addressText,
  SERVER_BY_ADDRESS_KEY,
  serverAddressKey,
  serverAnswerProblem,
  serverForRun,
  withServerAnswer,
  type ServerForRun,
} from './serverInfoModel';
import { errorLine as message } from '../core/errors';

export interface LivePanels {
  openLive(title: string, onCancel: () => void): LiveRun;
}

export interface ProfilerDeps {
  context: vscode.ExtensionContext;
  folder: vscode.WorkspaceFolder;
  routes(): Route[];
  files(): string[];
  panels: LivePanels;
  store: RunStore;
  onRunSaved(run: RunRecord): void;
  /** The load engine and the TCP probe, replaceable so tests can spy on where load would start. */
  startLoad?: (options: LoadOptions, onProgress?: (p: LoadProgress) => void) => LoadHandle;
  probe?: (host: string, port: number) => Promise<boolean>;
  /** The one request sent before the load (probe.ts), replaceable for tests. */
  request?: (r: ProbeRequest) => Promise<ProbeResult>;
}

/** What a user chose for a route, remembered in workspace state so the next run asks nothing. */
interface RouteAnswers {
  method?: string;
  params?: Record<string, string>;
  body?: string;
  /** The whole profile last used (a Custom… one included); earlier versions saved only its label. */
  profile?: LoadProfile | string;
  /** "Label this run": the label given to this route's runs until changed. */
  label?: string;
}

/** What Profile Endpoint and Profile URL… hand to the common tail of the flow. */
interface Target {
  url: string;
  method: string;
  body?: string;
  /** "GET /items/{id}" for a route, "GET http://…" for a URL. */
  title: string;
  /** Workspace-state key of the answers (profile, label) for this route or URL. */
  key: string;
  answers: RouteAnswers;
  route?: NonNullable<LoadOptions['route']>;
  /** Offered as "Edit path parameters…" when the route has any. */
  editParams?: () => Promise<void>;
}

const LAST_URL_KEY = 'endpointProfiler.lastUrl';

/** The one load running now: a second run at the same time would skew both runs' figures. */
interface Running {
  title: string;
  detail: string;
  handle: LoadHandle;
  live?: LiveRun;
}

export class EndpointProfiler implements vscode.Disposable {
  private running: Running | undefined;
  private disposed = false;

  constructor(private readonly deps: ProfilerDeps) {}

  /** On deactivation: the running load (its worker) is cancelled, and nothing new starts. */
  dispose(): void {
    this.disposed = true;
    this.running?.handle.cancel();
  }

  /** Entry point of the command; never throws into the extension host. */
  async profile(arg?: unknown): Promise<void> {
    if (this.disposed) return;
    try {
      if (this.running) return await this.offerRunning(this.running);
      const route = toRoute(arg) ?? this.routeUnderCursor() ?? (await this.pickRoute());
      if (route) await this.profileRoute(route);
    } catch (err) {
      void vscode.window.showErrorMessage(`Endpoint Profiler: ${message(err)}`);
    }
  }

  private routeUnderCursor(): Route | undefined {
    const editor = vscode.window.activeTextEditor;
    if (!editor) return undefined;
    const rel = vscode.workspace.asRelativePath(editor.document.uri, false);
    return routeAt(this.deps.routes(), rel, editor.selection.active.line + 1);
  }

  private async pickRoute(): Promise<Route | undefined> {
    const routes = this.deps.routes().filter((r) => methodsToOffer(r).length > 0);
    if (routes.length === 0) {
      void vscode.window.showInformationMessage(
        'Endpoint Profiler found no route handlers in this workspace to profile.',
      );
      return undefined;
    }
    const pick = await vscode.window.showQuickPick(
      routes.map((r) => ({
        label: `${r.methods.join(',')} ${r.path}`,
        description: `${r.handler} · ${r.file}:${r.line}`,
        route: r,
      })),
      {
        ignoreFocusOut: true,
        title: 'Profile Endpoint',
        placeHolder: 'The cursor is not in a route handler: choose a route',
      },
    );
    return pick?.route;
  }

  private settings(): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration('endpointProfiler', this.deps.folder.uri);
  }

  private async profileRoute(route: Route): Promise<void> {
    const methods = methodsToOffer(route);
    if (methods.length === 0)
      throw new Error(
        `${route.path} is a ${route.kind === 'event' ? 'socket.io event' : 'WebSocket route'}; only HTTP routes can be profiled`,
      );
    // A broken baseUrl is said before any question, so no answer is typed in vain.
    const settings = this.settings();
    const baseUrl = settings.get<string>('baseUrl', 'http://127.0.0.1:8000');
    const problem = baseUrlProblem(baseUrl);
    if (problem) {
      const open = 'Open Settings';
      if ((await vscode.window.showErrorMessage(problem, open)) === open)
        void vscode.commands.executeCommand('workbench.action.openSettings', 'endpointProfiler.baseUrl');
      return;
    }

    const key = answersKey(route);
    const state = this.deps.context.workspaceState;
    const legacyKey = legacyAnswersKey(route);
    const saved = state.get<RouteAnswers>(key);
    const legacy = saved ? undefined : state.get<RouteAnswers>(legacyKey);
    const answers: RouteAnswers = { ...(saved ?? legacy) };
    if (legacy) {
      await state.update(key, answers);
      await state.update(legacyKey, undefined);
    } // moved to the new key once
    if (!answers.method || !methods.includes(answers.method)) {
      answers.method =
        methods.length === 1
          ? methods[0]
          : await vscode.window.showQuickPick(methods, { ignoreFocusOut: true, title: `Method for ${route.path}` });
      if (!answers.method) return;
    }
    const params = pathParams(route.path, route.params);
    if (params.some((p) => answers.params?.[p.name] === undefined) && !(await this.askParams(route, answers))) return;
    if (hasBody(answers.method) && answers.body === undefined) {
      // Pre-filled from the handler's request-body model when discovery derived one; what the user sends is remembered.
      answers.body = await vscode.window.showInputBox({
        ignoreFocusOut: true,
        title: `Request body for ${answers.method} ${route.path} (JSON, remembered)`,
        value: bodyToOffer(route),
        prompt: 'Sent with Content-Type: application/json',
      });
      if (answers.body === undefined) return;
    }

    const url = buildUrl(baseUrl, route, answers.params ?? {});
    await this.profileTarget({
      url,
      method: answers.method,
      ...(hasBody(answers.method) && answers.body ? { body: answers.body } : {}),
      title: `${answers.method} ${route.path}`,
      key,
      answers,
      route: {
        framework: route.framework,
        path: route.path,
        file: route.file,
        line: route.line,
        handler: route.handler,
      },
      editParams:
        params.length > 0
          ? async () => {
              if (await this.askParams(route, answers)) await state.update(key, answers);
              return this.profileRoute(route);
            }
          : undefined,
    });
  }

  /**
   * "Profile URL…": any URL, optionally after its method ("POST http://127.0.0.1:8000/items"),
   * remembered for next time; then the same profiles, estimate and safety checks as a route.
   */
  async profileUrl(): Promise<void> {
    if (this.disposed) return;
    try {
      if (this.running) return await this.offerRunning(this.running);
      const state = this.deps.context.workspaceState;
      const last = state.get<string>(LAST_URL_KEY);
      const baseUrl = this.settings().get<string>('baseUrl', 'http://127.0.0.1:8000');
      const text = await vscode.window.showInputBox({
        ignoreFocusOut: true,
        title: 'Profile URL (remembered)',
        value: last ?? `${baseUrl.replace(/\/+$/, '')}/`,
        prompt:
          'A URL, optionally after its method: "POST http://127.0.0.1:8000/items". Non-loopback hosts are confirmed first.',
        validateInput: (v) => {
          const r = parseTargetInput(v);
          return typeof r === 'string' ? r : undefined;
        },
      });
      if (text === undefined) return;
      const target = parseTargetInput(text);
      if (typeof target === 'string') return;
      await state.update(LAST_URL_KEY, text.trim());
      const key = urlAnswersKey(target.method, target.url);
      const answers: RouteAnswers = { ...state.get<RouteAnswers>(key), method: target.method };
      if (hasBody(target.method) && answers.body === undefined) {
        answers.body = await vscode.window.showInputBox({
          ignoreFocusOut: true,
          title: `Request body for ${target.method} ${target.url} (JSON, remembered)`,
          value: '{}',
          prompt: 'Sent with Content-Type: application/json',
        });
        if (answers.body === undefined) return;
      }
      await this.profileTarget({
        url: target.url,
        method: target.method,
        ...(hasBody(target.method) && answers.body ? { body: answers.body } : {}),
        title: `${target.method} ${target.url}`,
        key,
        answers,
      });
    } catch (err) {
      void vscode.window.showErrorMessage(`Endpoint Profiler: ${message(err)}`);
    }
  }

  /**
   * From a URL to a run: the settings' bounds, the non-loopback confirmation (before any
   * connection), something listening, one probe request, the profile with its estimate
   * (confirmed when over a minute), the optional label, then the load.
   */
  private async profileTarget(t: Target): Promise<void> {
    const settings = this.settings();
    const timeoutS = settings.get<number>('timeout', 20);
    const profileSettings = this.profileSettings();
    const problem = settingsProblem(profileSettings, timeoutS);
    if (problem) {
      const open = 'Open Settings';
      if ((await vscode.window.showErrorMessage(`Endpoint Profiler: ${problem}.`, open)) === open)
        void vscode.commands.executeCommand('workbench.action.openSettings', 'endpointProfiler');
      return;
    }
    const allowRemote = !isLoopbackUrl(t.url);
    if (allowRemote && !(await this.confirmRemote(t.url))) return;
    if (!(await this.serverIsUp(t.url, t.route))) return;

    const headers: Record<string, string> = { ...settings.get<Record<string, string>>('headers', {}) };
    if (t.body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type'))
      headers['content-type'] = 'application/json';
    const probe = await this.probe({ url: t.url, method: t.method, headers, body: t.body, timeoutS });

    const profile = await this.chooseProfile(t, probe, timeoutS, profileSettings);
    if (!profile) return;
    await this.deps.context.workspaceState.update(t.key, { ...t.answers, profile: profileToRemember(profile) });

    // What serves the URL, so the Runs view and Compare set runs' server setups side by side: the
    // command Start Server ran for that port, else serverCommand, else the user's answer (asked once per port).
    let server = this.serverOf(t.url);
    if (server.source === 'unknown') {
      if (!(await this.askServer(t.url))) return;
      server = this.serverOf(t.url);
    }
    const options: LoadOptions = {
      url: t.url,
      method: t.method,
      headers,
      concurrency: profile.concurrency,
      requests: profile.requests,
      durationS: profile.durationS,
      rate: profile.rate,
      timeoutS,
      allowRemote,
      label: t.answers.label ?? t.title,
      ...(t.body !== undefined ? { body: t.body } : {}),
      ...(t.route ? { route: t.route } : {}),
      ...(server.server ? { server: server.server } : {}),
    };
    await this.run(options, t.answers.label ? `${t.title} · ${t.answers.label}` : t.title, profile);
  }

  /**
   * The picker (with each profile's estimate) until a profile is chosen: "Label this run…" asks
   * and comes back, and a profile estimated over a minute is confirmed with the safe button first.
   */
  private async chooseProfile(
    t: Target,
    probe: ProbeResult,
    timeoutS: number,
    profileSettings: ProfileSettings,
  ): Promise<LoadProfile | undefined> {
    let profile: LoadProfile | undefined;
    while (!profile) {
      const pick = await this.pickProfile(t, probe, timeoutS, profileSettings);
      if (pick === 'edit-params') {
        await t.editParams?.();
        return undefined;
      }
      if (pick === 'server') {
        await this.askServer(t.url);
        continue;
      }
      if (pick === 'label') {
        const label = await vscode.window.showInputBox({
          ignoreFocusOut: true,
          title: `Label runs of ${t.title} (remembered; empty for none)`,
          value: t.answers.label ?? '',
          prompt: 'e.g. "before the fix", "uvicorn 4 workers" — shown in the Runs view and in Compare',
        });
        if (label !== undefined) {
          t.answers.label = label.trim() || undefined;
          await this.deps.context.workspaceState.update(t.key, t.answers);
        }
        continue;
      }
      if (!pick) return undefined;
      const { high } = estimateSeconds(pick, perRequestSeconds(probe, timeoutS), timeoutS);
      if (high <= CONFIRM_OVER_S) {
        profile = pick;
        break;
      }
      const another = 'Pick Another Profile';
      const run = 'Run Anyway';
      // The safe answer first: it is the modal's default button.
      const answer = await vscode.window.showWarningMessage(
        `${pick.label} (${pick.detail}) may take ${estimateText(pick, probe, timeoutS).replace(/^≈ /, '≈ ')}. Run it?`,
        { modal: true, detail: `One request took ${probeSummary(probe).replace(/^probe: /, '')}.` },
        another,
        run,
      );
      if (answer === run) profile = pick;
      else if (answer !== another) return undefined;
    }
    return profile;
  }

  /** What serves `url`, from what is known without asking (serverInfoModel.ts). */
  private serverOf(url: string): ServerForRun {
    return serverForRun(
      url,
      startedServerFor(url),
      this.settings().get<string>('serverCommand', ''),
      this.deps.context.workspaceState.get<Record<string, unknown>>(SERVER_BY_ADDRESS_KEY),
    );
  }

  /**
   * Asks what serves `url`'s port (a server started outside the extension) and remembers the
   * answer in the workspace, an empty one as "don't ask again". False when the user pressed
   * Escape: like every question of the flow, that backs out of the run.
   */
  private async askServer(url: string): Promise<boolean> {
    const key = serverAddressKey(url);
    if (!key) return true;
    const state = this.deps.context.workspaceState;
    const answers = state.get<Record<string, unknown>>(SERVER_BY_ADDRESS_KEY);
    const current = answers?.[key];
    const text = await vscode.window.showInputBox({
      ignoreFocusOut: true,
      title: `What serves ${addressText(key)}? (asked once, remembered in this workspace)`,
      value: typeof current === 'string' ? current : '',
      placeHolder: 'e.g. uvicorn main:app --workers 4',
      prompt:
        'The command that started the server, or a few words: recorded with each run so the Runs view and Compare tell setups apart. Empty: record nothing and stop asking. Escape: cancel the run.',
      validateInput: (v) => serverAnswerProblem(v),
    });
    if (text === undefined) return false;
    await state.update(SERVER_BY_ADDRESS_KEY, withServerAnswer(answers, url, text));
    return true;
  }

  /** A modal whose default (first) button sends nothing; only "Send Load" does. */
  private async confirmRemote(url: string): Promise<boolean> {
    const dontSend = "Don't Send";
    const send = 'Send Load';
    const answer = await vscode.window.showWarningMessage(
      `${new URL(url).host} is not on this machine. Send a probe request and then load to ${url}?`,
      { modal: true, detail: 'Only load servers you own or are allowed to test.' },
      dontSend,
      send,
    );
    return answer === send;
  }

  private async probe(r: ProbeRequest): Promise<ProbeResult> {
    const result = (this.deps.request ?? probeRequest)(r);
    // In the status bar, not a notification: it is one request, bounded by the timeout.
    vscode.window.setStatusBarMessage(`$(sync~spin) Endpoint Profiler: one probe request to ${r.url}`, result);
    return result;
  }

  private async askParams(route: Route, answers: RouteAnswers): Promise<boolean> {
    const values: Record<string, string> = { ...answers.params };
    for (const p of pathParams(route.path, route.params)) {
      const pattern = p.pattern ? safeRegExp(`^(?:${p.pattern})$`) : undefined;
      const value = await vscode.window.showInputBox({
        ignoreFocusOut: true,
        title: p.unresolved
          ? `“${p.name}” could not be read from the code: its value in ${route.path}, e.g. /api (remembered for this route)`
          : `Path parameter “${p.name}” of ${route.path} (remembered for this route)`,
        value: values[p.name] ?? p.suggestion,
        validateInput: (v) =>
          v === '' ? 'a value is needed' : pattern && !pattern.test(v) ? `must match ${p.pattern}` : undefined,
      });
      if (value === undefined) return false;
      values[p.name] = value;
    }
    answers.params = values;
    return true;
  }

  private profileSettings(): ProfileSettings {
    const s = this.settings();
    const isSet = (k: string): boolean => {
      const i = s.inspect(k);
      return i?.globalValue !== undefined || i?.workspaceValue !== undefined || i?.workspaceFolderValue !== undefined;
    };
    return {
      concurrency: s.get<number>('concurrency', 10),
      requests: s.get<number>('requests', 200),
      durationS: s.get<number>('duration', 0),
      rate: s.get<number>('rate', 0),
      explicit: isSet('concurrency') && isSet('requests'),
    };
  }

  private async pickProfile(
    t: Target,
    probe: ProbeResult,
    timeoutS: number,
    settings: ProfileSettings,
  ): Promise<LoadProfile | 'edit-params' | 'label' | 'server' | undefined> {
    type Item = vscode.QuickPickItem & {
      profile?: LoadProfile;
      action?: 'custom' | 'edit-params' | 'label' | 'server';
    };
    const items: Item[] = profilesToOffer(settings, t.answers.profile).map((p) => ({
      label: profileLabel(p),
      description: p.detail,
      detail: estimateText(p, probe, timeoutS),
      profile: p,
    }));
    items.push({
      label: 'Custom…',
      description: 'concurrency and a request count or duration, e.g. "20 500" or "20 30s 100 req/s"',
      action: 'custom',
    });
    items.push({
      label: 'Label this run…',
      description: t.answers.label
        ? `now “${t.answers.label}” (remembered for this route)`
        : 'optional, remembered for this route',
      action: 'label',
    });
    // Once answered (or skipped), what the user said serves this port can be changed here.
    const server = this.serverOf(t.url);
    const address = serverAddressKey(t.url);
    if (address && (server.source === 'answered' || server.source === 'skipped'))
      items.push({
        label: `What serves ${addressText(address)}…`,
        description: server.server
          ? `now “${server.server.command}” (remembered for this port)`
          : 'not recorded (remembered for this port)',
        action: 'server',
      });
    if (t.editParams) items.push({ label: 'Edit path parameters…', action: 'edit-params' });
    const pick = await vscode.window.showQuickPick(items, {
      ignoreFocusOut: true,
      title: `Profile ${t.method} ${t.url}${t.answers.label ? ` · ${t.answers.label}` : ''}`,
      placeHolder: `Load profile (Enter runs the first) · ${probeSummary(probe)}`,
    });
    if (!pick) return undefined;
    if (pick.action === 'edit-params' || pick.action === 'label' || pick.action === 'server') return pick.action;
    if (pick.profile) return pick.profile;
    const last = rememberedProfile(t.answers.profile);
    const text = await vscode.window.showInputBox({
      ignoreFocusOut: true,
      title: 'Custom load profile',
      value: last ? customProfileText(last) : '10 200',
      validateInput: (v) => {
        const r = parseCustomProfile(v);
        return typeof r === 'string' ? r : undefined;
      },
    });
    const custom = text === undefined ? undefined : parseCustomProfile(text);
    return typeof custom === 'object' ? custom : undefined;
  }

  /** A TCP probe before the run, so "nothing listens" is a clear message with a way out, not a run full of errors. */
  private async serverIsUp(url: string, target?: { file?: string; line?: number; path: string }): Promise<boolean> {
    const { host, port } = hostAndPort(url);
    const probe = this.deps.probe ?? tcpProbe;
    if (await probe(host, port)) return true;
    const start = 'Start Server…';
    const settings = 'Open Settings';
    const answer = await vscode.window.showErrorMessage(
      `Nothing is listening at ${new URL(url).origin}. Start the server, or point endpointProfiler.baseUrl at it.`,
      start,
      settings,
    );
    if (answer === settings)
      void vscode.commands.executeCommand('workbench.action.openSettings', 'endpointProfiler.baseUrl');
    if (answer !== start) return false;
    // The app that holds the profiled route is offered first.
    const route = target?.file
      ? this.deps.routes().find((r) => r.file === target.file && r.line === target.line && r.path === target.path)
      : undefined;
    // Resolves once the server accepts connections, or undefined after saying why it did not.
    const started = await startServer({
      folder: this.deps.folder,
      routes: this.deps.routes(),
      files: this.deps.files(),
      baseUrl: url,
      state: this.deps.context.workspaceState,
      ...(route ? { route } : {}),
      probe,
    });
    return started !== undefined;
  }

  /**
   * Another Profile is asked for while one runs: say so and offer to cancel (or show) the
   * running one. Nothing new starts either way; the user profiles again once it has ended.
   */
  private async offerRunning(running: Running): Promise<void> {
    const cancel = 'Cancel Running Profile';
    const show = 'Show It';
    const answer = await vscode.window.showWarningMessage(
      `Endpoint Profiler is already profiling ${running.title} (${running.detail}). One run at a time, so runs do not skew each other's figures: wait for it, or cancel it and profile again.`,
      cancel,
      ...(running.live?.reveal ? [show] : []),
    );
    if (this.running !== running) return; // it ended while the message was up
    if (answer === cancel) running.handle.cancel();
    else if (answer === show) running.live?.reveal?.();
  }

  private async run(options: LoadOptions, title: string, profile: LoadProfile): Promise<void> {
    if (this.disposed) return;
    // Checked again here: two invocations may both have been answering questions.
    if (this.running) return this.offerRunning(this.running);
    if (!othersIdle()) return;
    let live: LiveRun | undefined;
    let report: (p: LoadProgress) => void = () => undefined; // set once the notification shows
    // A server Start Server runs with the loop watch: this run's window of it goes on the record.
    const watch = loopWatchFor(options.url);
    const startMs = Date.now();
    const handle = this.startLoad(options, (p) => {
      live?.progress(p);
      report(p);
    });
    const running: Running = { title, detail: profile.detail, handle };
    this.running = running;
    const slot = { what: `profiling ${title}`, cancel: () => handle.cancel() };
    takeLoadSlot(slot);
    try {
      let panel: LiveRun;
      try {
        panel = this.deps.panels.openLive(title, () => handle.cancel());
      } catch (err) {
        // No panel and no notification to cancel it from: stop the load rather than leave it running unseen.
        handle.cancel();
        await handle.result.catch(() => undefined);
        throw err;
      }
      live = running.live = panel;
      await vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: `Profiling ${title} (${profile.detail})`,
          cancellable: true,
        },
        async (progress, token) => {
          const onCancel = token.onCancellationRequested(() => handle.cancel());
          let shown = 0;
          report = (p) => {
            const fraction = p.fraction ?? 0;
            const s = p.snapshot.summary;
            const outcome = runOutcome(p.snapshot);
            // While nothing expected has come back, the p50 would be the failures' (a fast 404): say what failed instead.
            const figures =
              outcome.kind === 'failed'
                ? `no expected response: ${outcome.text}`
                : `p50 ${s.latencyMs.p50.toFixed(1)} ms · ${s.rps.toFixed(0)} req/s`;
            progress.report({
              increment: Math.max(0, (fraction - shown) * 100),
              message: `${s.count} requests · ${figures}`,
            });
            shown = Math.max(shown, fraction);
          };
          try {
            const run = await handle.result;
            // The final figures, also for a run shorter than one progress snapshot (a fast 404).
            report({ snapshot: run, elapsedS: run.summary.durationS, fraction: 1 });
            if (watch && run.status !== 'failed') await this.addLoopReport(run, watch, startMs);
            const saved = await this.deps.store.save(run); // never rejects for disk errors: falls back to the temp folder
            if (saved.error) void vscode.window.showWarningMessage(`Endpoint Profiler: ${saved.error}`);
            if (this.disposed) return; // deactivated meanwhile: the run is kept, there is no UI left to show it in
            panel.finish(run);
            this.deps.onRunSaved(run);
          } catch (err) {
            if (this.disposed) return;
            panel.fail(message(err));
            void vscode.window.showErrorMessage(`Endpoint Profiler: the run failed: ${message(err)}`);
          } finally {
            onCancel.dispose();
          }
        },
      );
    } finally {
      if (this.running === running) this.running = undefined;
      releaseLoadSlot(slot);
    }
  }

  /** Where the watched server's loop was blocked during the run; a failure to read it never loses the run. */
  private async addLoopReport(run: RunRecord, watch: LoopWatch, startMs: number): Promise<void> {
    try {
      await afterStallsWritten();
      attachLoopReport(run, watch, { startMs, endMs: Date.now() }, this.deps.routes());
    } catch (err) {
      void vscode.window.showWarningMessage(`Endpoint Profiler: could not read the loop watch: ${message(err)}`);
    }
  }

  private startLoad(options: LoadOptions, onProgress: (p: LoadProgress) => void): LoadHandle {
    try {
      return (this.deps.startLoad ?? startLoad)(options, onProgress);
    } catch (err) {
      if (err instanceof LoadOptionsError) throw new Error(err.message);
      throw err;
    }
  }
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

function safeRegExp(source: string): RegExp | undefined {
  try {
    return new RegExp(source);
  } catch {
    return undefined; /* a Python-only regex feature: accept any value */
  }
}
