// A minimal stand-in for the part of the 'vscode' API that Profile Endpoint and Start Server
// use: quick picks, input boxes and messages answered by the test (by default as a user
// pressing Enter or dismissing), progress notifications with a Cancel the test can press,
// settings, workspace state, and terminals whose typed commands the test can act on.
// `requireWithFakeVscode` loads a module with this object as its 'vscode'.
import Module from 'node:module';
import * as path from 'node:path';

export type UiKind = 'quickPick' | 'inputBox' | 'warning' | 'error' | 'info';
export interface UiCall {
  kind: UiKind;
  /** Title (pickers, input boxes) or message text. */
  text: string;
  /** Quick-pick items or message buttons, as passed. */
  items: unknown[];
  options?: Record<string, unknown>;
}
/** Answers one question; the default presses Enter on a picker/input box and dismisses messages. */
export type Answer = (call: UiCall) => unknown;

export const enterOrDismiss: Answer = (call) => {
  if (call.kind === 'quickPick') return call.items[0];
  if (call.kind === 'inputBox') return call.options?.value ?? '';
  return undefined;
};

export class FakeProgress {
  readonly reports: Array<{ message?: string; increment?: number }> = [];
  cancelled = false;
  private readonly listeners = new Set<() => void>();
  /** Cancellation listeners registered and not yet disposed. */
  get listening(): number {
    return this.listeners.size;
  }
  constructor(readonly title: string) {}
  readonly token = {
    isCancellationRequested: false,
    onCancellationRequested: (listener: () => void) => {
      this.listeners.add(listener);
      return {
        dispose: () => {
          this.listeners.delete(listener);
        },
      };
    },
  };
  /** The user presses Cancel on the notification. */
  cancel(): void {
    this.cancelled = true;
    this.token.isCancellationRequested = true;
    for (const l of [...this.listeners]) l();
  }
}

export class FakeTerminal {
  readonly sent: string[] = [];
  shown = 0;
  exitStatus: { code: number | undefined } | undefined;
  constructor(
    readonly name: string,
    readonly creationOptions: { name?: string; cwd?: unknown; env?: Record<string, string | null | undefined> },
    private readonly owner: FakeVscodeState,
  ) {}
  show(): void {
    this.shown++;
  }
  sendText(text: string): void {
    this.sent.push(text);
    this.owner.onSendText(this, text);
  }
  dispose(): void {
    this.exitStatus = { code: undefined };
    const i = this.owner.terminals.indexOf(this);
    if (i >= 0) this.owner.terminals.splice(i, 1);
  }
}

export interface FakeVscodeState {
  calls: UiCall[];
  answer: Answer;
  settings: Record<string, unknown>;
  progresses: FakeProgress[];
  terminals: FakeTerminal[];
  commandsRun: unknown[][];
  /** What happens when a command is typed into a terminal (e.g. the test starts a server). */
  onSendText(terminal: FakeTerminal, text: string): void;
  activeTextEditor:
    undefined | { document: { uri: { fsPath: string; path: string } }; selection: { active: { line: number } } };
  /** Files `workspace.fs.readFile` can read, by path. */
  files: Map<string, string>;
  /** Status-bar messages shown (the probe request says itself there). */
  statusBar: string[];
  /** Text appended to output channels, by channel name. */
  output: Map<string, string>;
  /** `workspace.isTrusted`. */
  trusted: boolean;
  /** Installed extensions by id (`extensions.getExtension`), e.g. a stand-in for ms-python.python. */
  extensions: Record<string, { isActive: boolean; exports: unknown; activate(): Promise<unknown> }>;
}

export const state: FakeVscodeState = {
  calls: [],
  answer: enterOrDismiss,
  settings: {},
  progresses: [],
  terminals: [],
  commandsRun: [],
  onSendText: () => undefined,
  activeTextEditor: undefined,
  files: new Map(),
  statusBar: [],
  output: new Map(),
  trusted: true,
  extensions: {},
};

/** Back to a user who presses Enter, no settings, no terminals, nothing asked yet. */
export function reset(): void {
  Object.assign(state, {
    calls: [],
    answer: enterOrDismiss,
    settings: {},
    progresses: [],
    terminals: [],
    commandsRun: [],
    onSendText: () => undefined,
    activeTextEditor: undefined,
    files: new Map(),
    statusBar: [],
    output: new Map(),
    trusted: true,
    extensions: {},
  });
}

export const calls = (kind: UiKind): UiCall[] => state.calls.filter((c) => c.kind === kind);

async function ask(kind: UiKind, text: string, items: unknown[], options?: Record<string, unknown>): Promise<unknown> {
  const call: UiCall = { kind, text, items, ...(options ? { options } : {}) };
  state.calls.push(call);
  return state.answer(call);
}

// Messages take (message, ...items) or (message, options, ...items).
function message(kind: UiKind) {
  return (text: string, ...rest: unknown[]) => {
    const options =
      rest.length && typeof rest[0] === 'object' && rest[0] !== null && !('title' in rest[0])
        ? (rest.shift() as Record<string, unknown>)
        : undefined;
    return ask(kind, text, rest, options);
  };
}

const uri = (fsPath: string) => ({ fsPath, path: fsPath, scheme: 'file', toString: () => `file://${fsPath}` });

export const fakeVscode = {
  ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
  Uri: { file: uri, joinPath: (base: { fsPath: string }, ...parts: string[]) => uri(path.join(base.fsPath, ...parts)) },
  window: {
    get activeTextEditor() {
      return state.activeTextEditor;
    },
    get terminals() {
      return [...state.terminals];
    },
    showQuickPick: async (items: unknown[] | Promise<unknown[]>, options?: Record<string, unknown>) =>
      ask('quickPick', String((options?.title as string | undefined) ?? ''), await items, options),
    showInputBox: async (options?: Record<string, unknown>) => {
      const answer = await ask('inputBox', String((options?.title as string | undefined) ?? ''), [], options);
      // Like VS Code, an answer the input's own validation rejects cannot be accepted.
      const validate = options?.validateInput as ((v: string) => string | undefined) | undefined;
      if (typeof answer === 'string' && validate?.(answer))
        throw new Error(`the input box would not accept ${JSON.stringify(answer)}: ${validate(answer)}`);
      return answer;
    },
    setStatusBarMessage: (text: string) => {
      state.statusBar.push(text);
      return { dispose: () => undefined };
    },
    showWarningMessage: message('warning'),
    showErrorMessage: message('error'),
    showInformationMessage: message('info'),
    withProgress: async <T>(
      options: { title?: string },
      task: (
        progress: { report(v: { message?: string; increment?: number }): void },
        token: FakeProgress['token'],
      ) => Promise<T>,
    ) => {
      const p = new FakeProgress(options.title ?? '');
      state.progresses.push(p);
      return task(
        {
          report: (v) => {
            p.reports.push(v);
          },
        },
        p.token,
      );
    },
    createOutputChannel: (name: string) => {
      const append = (text: string): void => {
        state.output.set(name, (state.output.get(name) ?? '') + text);
      };
      return { name, append, appendLine: (text: string) => append(`${text}\n`), show: () => undefined };
    },
    createTerminal: (options: { name?: string; cwd?: unknown; env?: Record<string, string> }) => {
      const t = new FakeTerminal(options.name ?? '', options, state);
      state.terminals.push(t);
      return t;
    },
  },
  workspace: {
    get isTrusted() {
      return state.trusted;
    },
    getConfiguration: (_section?: string) => ({
      get: <T>(key: string, fallback?: T) => (key in state.settings ? (state.settings[key] as T) : fallback),
      inspect: (key: string) => (key in state.settings ? { key, workspaceValue: state.settings[key] } : { key }),
    }),
    asRelativePath: (u: { fsPath: string }) => u.fsPath,
    fs: {
      readFile: async (u: { fsPath: string }) => {
        const text = state.files.get(u.fsPath);
        if (text === undefined) throw new Error(`ENOENT: ${u.fsPath}`);
        return new TextEncoder().encode(text);
      },
    },
  },
  extensions: {
    getExtension: (id: string) => state.extensions[id],
  },
  commands: {
    executeCommand: async (...args: unknown[]) => {
      state.commandsRun.push(args);
    },
  },
};

/** A Memento over a Map, as workspaceState. */
export function memento(): {
  get<T>(k: string): T | undefined;
  update(k: string, v: unknown): Promise<void>;
  keys(): readonly string[];
  map: Map<string, unknown>;
} {
  const map = new Map<string, unknown>();
  return {
    map,
    // Stored as JSON, as VS Code does, so nothing leans on object identity.
    get: <T>(k: string) => (map.has(k) ? (JSON.parse(JSON.stringify(map.get(k))) as T) : undefined),
    update: async (k, v) => {
      if (v === undefined) map.delete(k);
      else map.set(k, JSON.parse(JSON.stringify(v)));
    },
    keys: () => [...map.keys()],
  };
}

/** `require(id)` (resolved from test/unit) with the fake as its 'vscode' module. */
export function requireWithFakeVscode<T>(id: string): T {
  const loader = Module as unknown as { _load(request: string, ...rest: unknown[]): unknown };
  const realLoad = loader._load;
  loader._load = function (request: string, ...rest: unknown[]) {
    return request === 'vscode' ? fakeVscode : realLoad.call(this, request, ...rest);
  };
  try {
    return require(path.resolve(__dirname, id)) as T;
  } finally {
    loader._load = realLoad;
  }
}
