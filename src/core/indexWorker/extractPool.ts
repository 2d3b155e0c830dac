// Cold indexing spread over worker threads: parsing and fact extraction are pure functions of one
// file's text (fileFacts.ts) and cost nearly all of a first scan, so a ProjectIndex with `jobs` > 1
// hands the files it cannot take from the facts cache to this pool, while its own thread reads and
// hashes the next ones. Each worker (the index worker's script, role 'extract') loads the grammars
// once and answers with the facts packed (factsCache.ts packFacts); the index decodes each part when it
// links it, and the same bytes go to the facts cache. A job a worker cannot do, or one in flight when a worker dies, is refused: the index
// then extracts that file on its own thread, so a pool never costs a file its facts.
//
// Each worker's heap is kept small (HEAP_LIMITS): V8 otherwise lets every isolate's young and old
// generations grow far past what one file needs before collecting, and on polar's server/ two
// workers took the CLI's peak RSS from 282 MB (one thread) to 357-382 MB; with these limits 280 MB,
// for about the same CPU. A worker that dies (out of memory on some file) is replaced, within
// MAX_RESTARTS, and the file it held is extracted on the index's thread.
import { availableParallelism } from 'node:os';
import type { ResourceLimits, Worker } from 'node:worker_threads';
import { unpackFacts, type PackedFacts } from '../factsCache';
import type { Language } from '../model';
import type { WorkspaceFile } from '../workspace';
import { createIndexWorker } from './client';
import type { ExtractReply, ExtractRequest, ExtractWorkerData } from './protocol';
import { errorMessage as message } from '../errors';

/** Files sent to one worker ahead of its answers, so it never waits for this thread between two files. */
const PER_WORKER = 2;
/** Per worker, in MB (see above). */
const HEAP_LIMITS: ResourceLimits = { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 64 };
/** Workers started in place of ones that died, per worker the pool was started with. */
const MAX_RESTARTS = 1;
/** Beyond this, more workers cost more memory (each holds its grammars and heap) than they save time. */
const DEFAULT_MAX_JOBS = 4;

/** The `jobs` the CLI and the editor index with: one per core, at most DEFAULT_MAX_JOBS. */
export function defaultJobs(): number {
  return Math.max(1, Math.min(availableParallelism(), DEFAULT_MAX_JOBS));
}

export interface Extracted {
  /** The facts, each part still serialised (decoded by the index when it links them). */
  facts: PackedFacts;
  /** `facts` as bytes, as the facts cache stores them. */
  bytes: Uint8Array;
}

export interface ExtractPoolOptions {
  /** Starts a worker; tests pass their own. */
  create?(data: ExtractWorkerData, limits: ResourceLimits): Worker;
  /** Heap limits of each worker (default HEAP_LIMITS). */
  limits?: ResourceLimits;
}

interface Job {
  id: number;
  file: WorkspaceFile;
  text: string;
  resolve(extracted: Extracted): void;
  reject(err: Error): void;
}

interface Lane {
  worker: Worker;
  sent: Map<number, Job>;
  alive: boolean;
}

export class ExtractPool {
  private readonly lanes: Lane[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;
  private restarts: number;
  private readonly spawn: () => Worker;

  /** Starts `count` workers that parse `languages`; they load while the caller goes on. */
  constructor(count: number, languages: readonly Language[], options: ExtractPoolOptions = {}) {
    const data: ExtractWorkerData = { role: 'extract', languages: [...languages] };
    const limits = options.limits ?? HEAP_LIMITS;
    this.spawn = () => (options.create ? options.create(data, limits) : createIndexWorker(data, limits));
    this.restarts = count * MAX_RESTARTS;
    for (let i = 0; i < count; i++) this.lanes.push(this.startLane());
  }

  /** Workers started so far, replacements included. */
  get started(): number {
    return this.lanes.length;
  }

  /** Jobs worth keeping in hand: every worker busy and each with its next file waiting, plus as many queued. */
  get capacity(): number {
    return Math.max(1, this.lanes.filter((l) => l.alive).length) * PER_WORKER * 2;
  }

  /** The facts of one file; rejects when no worker could extract it (the caller extracts it itself). */
  extract(file: WorkspaceFile, text: string): Promise<Extracted> {
    return new Promise<Extracted>((resolve, reject) => {
      if (this.closed || !this.lanes.some((l) => l.alive)) return reject(new Error('no extraction worker left'));
      this.queue.push({ id: this.nextId++, file, text, resolve, reject });
      this.pump();
    });
  }

  /** Ends the workers; jobs not answered yet are refused. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new Error('the extraction pool was closed'));
    for (const lane of this.lanes) this.fail(lane, 'the extraction pool was closed');
    await Promise.all(this.lanes.map((lane) => lane.worker.terminate()));
  }

  private startLane(): Lane {
    const worker = this.spawn();
    const lane: Lane = { worker, sent: new Map(), alive: true };
    worker.on('message', (reply: ExtractReply) => {
      if (reply.type === 'unusable') return this.fail(lane, reply.message);
      const job = lane.sent.get(reply.id);
      if (!job) return;
      lane.sent.delete(reply.id);
      if (reply.type === 'failed') job.reject(new Error(reply.message));
      else {
        const facts = unpackFacts(reply.bytes);
        if (facts) job.resolve({ facts, bytes: reply.bytes });
        else job.reject(new Error("could not read an extraction worker's answer"));
      }
      this.pump();
    });
    worker.on('error', (err) => this.fail(lane, `an extraction worker failed: ${message(err)}`, true));
    worker.on('exit', (code) => this.fail(lane, `an extraction worker exited (code ${code})`, true));
    return lane;
  }

  /** Sends queued jobs to the workers with room, least busy first. */
  private pump(): void {
    while (this.queue.length) {
      let best: Lane | undefined;
      for (const lane of this.lanes)
        if (lane.alive && lane.sent.size < PER_WORKER && (!best || lane.sent.size < best.sent.size)) best = lane;
      if (!best) return;
      const job = this.queue.shift()!;
      best.sent.set(job.id, job);
      const request: ExtractRequest = { id: job.id, file: job.file, text: job.text };
      best.worker.postMessage(request);
    }
  }

  /**
   * A worker that stopped serving: its jobs are refused (their files are extracted by the caller). One that
   * died while serving (`replace`) is replaced while restarts remain; with no worker left, queued jobs are refused.
   */
  private fail(lane: Lane, why: string, replace = false): void {
    if (!lane.alive) return;
    lane.alive = false;
    void lane.worker.terminate();
    for (const job of lane.sent.values()) job.reject(new Error(why));
    lane.sent.clear();
    if (replace && !this.closed && this.restarts > 0) {
      this.restarts--;
      this.lanes.push(this.startLane());
    }
    if (!this.lanes.some((l) => l.alive)) for (const job of this.queue.splice(0)) job.reject(new Error(why));
    else this.pump();
  }
}
