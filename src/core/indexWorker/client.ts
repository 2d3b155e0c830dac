// The editor's side of the index worker: the same calls the editor made of ProjectIndex, now
// messages to a worker_threads worker (worker.ts) that parses, extracts and links there. Results
// come back as plain data and are kept here, so routes() and findings() answer at once.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import type { Finding, Route } from '../model';
import type { WorkspaceFile } from '../workspace';
import type {
  IndexOptions,
  IndexProblem,
  IndexReply,
  IndexRequest,
  IndexSnapshot,
  IndexWorkerData,
  WorkerData,
} from './protocol';
import { decodeList } from './wire';
import { errorMessage as message } from '../errors';

export type { IndexOptions, IndexProblem } from './protocol';

/** What the editor needs of an index: ProjectIndex's calls, with the work done elsewhere. */
export interface WorkspaceIndex {
  readonly root: string;
  /** Scans the workspace and re-indexes every file whose content changed. */
  refresh(): Promise<void>;
  /** Re-indexes one file (`text`: an editor's unsaved content; without it the disk's). Whether anything changed. */
  update(file: WorkspaceFile, text?: string): Promise<boolean>;
  routes(): Route[];
  findings(): Finding[];
  /** The indexed files, relative to root with '/' separators. */
  paths(): string[];
  problems(): IndexProblem[];
}

/** A request before it has an id (Omit over each member of the union). */
type Request = IndexRequest extends infer R ? (R extends unknown ? Omit<R, 'id'> : never) : never;

export interface IndexClientOptions {
  options?: IndexOptions;
  /** Lines for the output channel: the worker's, and its failures. */
  log?(line: string): void;
  /**
   * The worker stopped unexpectedly and a new one, with an empty index, was started in its
   * place (once): the caller scans again. After a second failure, or when the first worker
   * never got ready, requests are refused.
   */
  onRestart?(): void;
  /** Starts the worker; tests pass their own. */
  createWorker?(data: IndexWorkerData): Worker;
}

/**
 * Bundled: dist/indexWorker.js beside the bundle (`__dirname` is dist/ for the extension and the CLI). From
 * source under tsx (tests): the worker loads tsx itself, as the load engine's does. Also starts the
 * extraction pool's workers (`role: 'extract'`).
 */
export function createIndexWorker(data: WorkerData, resourceLimits?: ResourceLimits): Worker {
  const bundled = path.join(__dirname, 'indexWorker.js');
  if (existsSync(bundled)) return new Worker(bundled, { workerData: data, resourceLimits });
  const source = path.join(__dirname, 'worker.ts');
  return new Worker(`require('tsx/cjs'); require(${JSON.stringify(source)});`, {
    eval: true,
    workerData: data,
    resourceLimits,
  });
}

interface Waiting {
  resolve(changed: boolean): void;
  reject(err: Error): void;
}

export class IndexClient implements WorkspaceIndex {
  private worker!: Worker;
  private ready!: Promise<void>;
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 1;
  private restarted = false;
  /** Why requests are refused: disposed, or the worker failed twice. */
  private stopped: string | undefined;
  private options: IndexOptions;
  private state: IndexSnapshot = { routes: [], findings: [], paths: [], problems: [] };
  /** Replies are applied in the order they came, each after its lists are decoded. */
  private inbox: Promise<void> = Promise.resolve();

  private constructor(
    readonly root: string,
    private readonly settings: IndexClientOptions,
  ) {
    this.options = settings.options ?? {};
  }

  /** Starts the worker and waits until it has loaded its parsers; rejects when it cannot. */
  static async start(root: string, settings: IndexClientOptions = {}): Promise<IndexClient> {
    const client = new IndexClient(root, settings);
    client.spawn();
    try {
      await client.ready;
    } catch (err) {
      await client.dispose();
      throw err;
    }
    return client;
  }

  refresh(): Promise<void> {
    return this.request({ type: 'refresh' }).then(() => undefined);
  }

  update(file: WorkspaceFile, text?: string): Promise<boolean> {
    return this.request(text === undefined ? { type: 'update', file } : { type: 'update', file, text });
  }

  remove(filePath: string): Promise<boolean> {
    return this.request({ type: 'remove', path: filePath });
  }

  /** New excludes or analysis configuration; excludes take effect with the next refresh(). */
  async reconfigure(options: IndexOptions): Promise<void> {
    this.options = options;
    await this.request({ type: 'reconfigure', options });
  }

  routes(): Route[] {
    return this.state.routes;
  }

  findings(): Finding[] {
    return this.state.findings;
  }

  paths(): string[] {
    return this.state.paths;
  }

  problems(): IndexProblem[] {
    return this.state.problems;
  }

  /** Stops the worker (deactivation); pending and later requests are refused. */
  async dispose(): Promise<void> {
    if (this.stopped) return;
    this.stopped = 'the index worker was stopped';
    this.refuseWaiting(this.stopped);
    await this.worker.terminate();
  }

  private async request(body: Request): Promise<boolean> {
    if (this.stopped) throw new Error(this.stopped);
    await this.ready;
    if (this.stopped) throw new Error(this.stopped);
    const id = this.nextId++;
    return new Promise<boolean>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      const request: IndexRequest = { ...body, id };
      this.worker.postMessage(request);
    });
  }

  private spawn(): void {
    const worker = (this.settings.createWorker ?? createIndexWorker)({ root: this.root, options: this.options });
    this.worker = worker;
    let started!: () => void;
    let unusable!: (err: Error) => void;
    this.ready = new Promise<void>((resolve, reject) => {
      started = resolve;
      unusable = reject;
    });
    // Nothing awaits `ready` between a restart and the next request: a rejection is not unhandled.
    this.ready.catch(() => undefined);
    let failed = false;
    let isReady = false;
    const fail = (why: string): void => {
      if (failed || worker !== this.worker || this.stopped) return;
      failed = true;
      unusable(new Error(why));
      this.crashed(why, isReady);
    };
    worker.on('message', (m: IndexReply) => {
      if (worker !== this.worker) return;
      switch (m.type) {
        case 'ready':
          isReady = true;
          started();
          break;
        case 'unusable':
          fail(m.message);
          break;
        case 'log':
          this.settings.log?.(m.line);
          break;
        case 'done':
        case 'failed':
          this.inbox = this.inbox.then(() => this.receive(worker, m));
          break;
      }
    });
    worker.on('error', (err) => fail(`the index worker failed: ${message(err)}`));
    worker.on('exit', (code) => fail(`the index worker exited (code ${code})`));
  }

  /** Decodes a reply's lists a chunk per event-loop turn, then makes them the state and answers the request. */
  private async receive(worker: Worker, m: Extract<IndexReply, { type: 'done' | 'failed' }>): Promise<void> {
    if (m.type === 'failed') {
      this.settle(m.id)?.reject(new Error(m.message));
      return;
    }
    const { routes, findings, paths, problems } = m.snapshot;
    let next: Partial<IndexSnapshot>;
    try {
      next = {
        routes: routes && (await decodeList<Route>(routes)),
        findings: findings && (await decodeList<Finding>(findings)),
        paths: paths && (await decodeList<string>(paths)),
        problems,
      };
    } catch (err) {
      this.settle(m.id)?.reject(new Error(`could not read the index worker's reply: ${message(err)}`));
      return;
    }
    if (worker !== this.worker) return; // replaced meanwhile: its requests were refused
    if (next.routes) this.state.routes = next.routes;
    if (next.findings) this.state.findings = next.findings;
    if (next.paths) this.state.paths = next.paths;
    if (next.problems) this.state.problems = next.problems;
    this.settle(m.id)?.resolve(m.changed);
  }

  private settle(id: number): Waiting | undefined {
    const w = this.waiting.get(id);
    this.waiting.delete(id);
    return w;
  }

  /**
   * Requests in flight are refused; a worker that had been serving is replaced once, with an
   * empty index the caller refills. One that never got ready (no parsers) would fail again.
   */
  private crashed(why: string, wasReady: boolean): void {
    this.settings.log?.(why);
    this.refuseWaiting(why);
    void this.worker.terminate();
    if (this.restarted || !wasReady) {
      this.stopped = wasReady ? `${why}; it is not restarted again (reload the window to retry)` : why;
      if (wasReady) this.settings.log?.(this.stopped);
      return;
    }
    this.restarted = true;
    this.state = { routes: [], findings: [], paths: [], problems: [] };
    this.settings.log?.('Restarting the index worker.');
    this.spawn();
    this.ready.then(
      () => this.settings.onRestart?.(),
      () => undefined, // its own failure is reported by fail()
    );
  }

  private refuseWaiting(why: string): void {
    const waiting = [...this.waiting.values()];
    this.waiting.clear();
    for (const w of waiting) w.reject(new Error(why));
  }
}
