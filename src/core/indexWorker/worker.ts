// Index worker entry (bundled to dist/indexWorker.js): owns the editor's ProjectIndex and its
// parsers, so parsing, extraction and linking never run on the extension host's thread. Files on
// disk are read here with Node's fs; unsaved editor text arrives in 'update' requests. Started with
// role 'extract', the same script is one worker of an extraction pool instead (extractWorker.ts).
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { nodeFileSystem } from '../fs';
import type { Finding, Route } from '../model';
import { nodeWasmLoader, Parsers } from '../parsing/parser';
import { ProjectIndex } from '../project';
import { serveExtraction } from './extractWorker';
import type { IndexProblem, IndexReply, IndexRequest, IndexWorkerData, SnapshotChange, WorkerData } from './protocol';
import { encodeList } from './wire';
import { errorMessage as message } from '../errors';

/** Items per chunk: about 0.1 MB, decoded by the host in about a millisecond. */
const PER_CHUNK = { routes: 250, findings: 100, paths: 5_000 };

/**
 * Serves requests one at a time, in arrival order, over one ProjectIndex, and answers each with
 * what changed as plain data. Runs in the worker; tests also use it on their own thread.
 */
export class IndexService {
  private queue: Promise<unknown> = Promise.resolve();
  /** What the client was last sent, so unchanged results are not copied across again. */
  private sent: { routes?: Route[]; findings?: Finding[]; paths?: string[]; problems?: string } = {};

  constructor(
    readonly index: ProjectIndex,
    private readonly log: (line: string) => void = () => undefined,
  ) {}

  handle(request: IndexRequest): Promise<IndexReply> {
    const reply = this.queue.then(() => this.serve(request));
    this.queue = reply;
    return reply;
  }

  private async serve(request: IndexRequest): Promise<IndexReply> {
    try {
      const started = performance.now();
      const changed = await this.apply(request);
      const read = performance.now();
      const snapshot = this.snapshot();
      const stats = this.index.lastRefresh;
      if (request.type === 'refresh')
        this.log(
          `Index worker: read, parsed and extracted ${this.index.files().length} files in ${Math.round(read - started)} ms, linked routes and findings in ${Math.round(performance.now() - read)} ms.` +
            (stats?.workers ? ` ${stats.byWorkers} files parsed in ${stats.workers} worker threads.` : ''),
        );
      return { type: 'done', id: request.id, changed, snapshot };
    } catch (err) {
      return { type: 'failed', id: request.id, message: message(err) };
    }
  }

  private async apply(request: IndexRequest): Promise<boolean> {
    switch (request.type) {
      case 'refresh':
        await this.index.refresh();
        return true;
      case 'update':
        // Files the scan skips (.gitignore, excludes, virtualenvs, build output) stay out on edit too.
        if (!this.index.includes(request.file.path)) return false;
        return await this.index.update(request.file, request.text);
      case 'remove':
        return this.index.remove(request.path);
      case 'reconfigure':
        this.index.reconfigure(request.options);
        return true;
    }
  }

  /** Links routes and findings here, in the worker; sends only the results that are new objects. */
  private snapshot(): SnapshotChange {
    const out: SnapshotChange = {};
    const routes = this.index.routes();
    const findings = this.index.findings();
    const paths = this.index.files().map((f) => f.path);
    const problems: IndexProblem[] = this.index.problems();
    const problemsKey = JSON.stringify(problems);
    if (routes !== this.sent.routes) out.routes = encodeList((this.sent.routes = routes), PER_CHUNK.routes);
    if (findings !== this.sent.findings) out.findings = encodeList((this.sent.findings = findings), PER_CHUNK.findings);
    if (!samePaths(paths, this.sent.paths)) out.paths = encodeList((this.sent.paths = paths), PER_CHUNK.paths);
    if (problemsKey !== this.sent.problems) {
      out.problems = problems;
      this.sent.problems = problemsKey;
    }
    return out;
  }
}

function samePaths(a: string[], b: string[] | undefined): boolean {
  return b !== undefined && a.length === b.length && a.every((p, i) => p === b[i]);
}

async function main(port: MessagePort, data: IndexWorkerData): Promise<void> {
  const post = (m: IndexReply): void => port.postMessage(m);
  let parsers: Parsers;
  try {
    parsers = await Parsers.load(nodeWasmLoader);
  } catch (err) {
    post({ type: 'unusable', message: `could not load the parsers: ${message(err)}` });
    port.close();
    return;
  }
  const service = new IndexService(new ProjectIndex(data.root, nodeFileSystem, parsers, data.options), (line) =>
    post({ type: 'log', line }),
  );
  port.on('message', (request: IndexRequest) => {
    void service.handle(request).then(post);
  });
  post({ type: 'ready' });
}

if (parentPort) {
  const data = workerData as WorkerData;
  if (data.role === 'extract') serveExtraction(parentPort, data);
  else void main(parentPort, data);
}
