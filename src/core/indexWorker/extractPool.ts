// Cold indexing spread over worker threads: parsing and fact extraction are pure functions of one
// file's text (fileFacts.ts) and cost nearly all of a first scan, so a ProjectIndex with `jobs` > 1
// hands the files it cannot take from the facts cache to this pool, while its own thread reads and
// hashes the next ones. Each worker (the index worker's script, role 'extract') loads the grammars
// once and answers with the facts packed (factsCache.ts packFacts); files go out in batches (one message
// each way per batch: per-file messages cost each worker ~1.4 s of 6 on 2,500 tiny files at load 17, and
// woke the index's thread per file); the index decodes each part when it
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
import type { ExtractReply, ExtractRequest, ExtractResult, ExtractWorkerData } from './protocol';
import { errorMessage as message } from '../errors';

/** Batches sent to one worker ahead of its answers, so it never waits for this thread between two. */
const PER_WORKER = 2;
/**
 * A batch: files queued while the workers are busy go out together, up to this many files or characters
 * (a worker with nothing in hand gets what is queued at once, even one file).
 */
const BATCH_FILES = 16;
const BATCH_CHARS = 256 * 1024;
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
  /** Characters to parse before a refresh starts workers (default project.ts POOL_MIN_CHARS; tests pass 0). */
  minChars?: number;
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
  /** Jobs sent and not answered, by id. */
  sent: Map<number, Job>;
  /** Batches sent and not answered. */
  batches: number;
  alive: boolean;
}

export class ExtractPool {
  private readonly lanes: Lane[] = [];
  private readonly queue: Job[] = [];
  /** Characters of text in `queue`. */
  private queuedChars = 0;
  /** Callers of room(), resumed when a batch is answered or a worker stops. */
  private waiting: Array<() => void> = [];
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

  /** Whether enough is queued to fill a batch for every worker: the caller waits for room() before adding more. */
  get full(): boolean {
    const lanes = Math.max(1, this.lanes.filter((l) => l.alive).length);
    return this.queue.length >= lanes * BATCH_FILES || this.queuedChars >= lanes * BATCH_CHARS;
  }

  /** Resolves when a worker next answers (or stops): the queue may have room again. */
  room(): Promise<void> {
    if (!this.full) return Promise.resolve();
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** The facts of one file; rejects when no worker could extract it (the caller extracts it itself). */
  extract(file: WorkspaceFile, text: string): Promise<Extracted> {
    return new Promise<Extracted>((resolve, reject) => {
      if (this.closed || !this.lanes.some((l) => l.alive)) return reject(new Error('no extraction worker left'));
      this.queue.push({ id: this.nextId++, file, text, resolve, reject });
      this.queuedChars += text.length;
      this.pump();
    });
  }

  /** Ends the workers; jobs not answered yet are refused. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.takeQueue()) job.reject(new Error('the extraction pool was closed'));
    for (const lane of this.lanes) this.fail(lane, 'the extraction pool was closed');
    await Promise.all(this.lanes.map((lane) => lane.worker.terminate()));
  }

  private startLane(): Lane {
    const worker = this.spawn();
    const lane: Lane = { worker, sent: new Map(), batches: 0, alive: true };
    worker.on('message', (reply: ExtractReply) => {
      if (reply.type === 'unusable') return this.fail(lane, reply.message);
      lane.batches--;
      for (const result of reply.results) this.settle(lane, result);
      this.pump();
      this.wake();
    });
    worker.on('error', (err) => this.fail(lane, `an extraction worker failed: ${message(err)}`, true));
    worker.on('exit', (code) => this.fail(lane, `an extraction worker exited (code ${code})`, true));
    return lane;
  }

  private settle(lane: Lane, result: ExtractResult): void {
    const job = lane.sent.get(result.id);
    if (!job) return;
    lane.sent.delete(result.id);
    if ('message' in result) return job.reject(new Error(result.message));
    const facts = unpackFacts(result.bytes);
    if (facts) job.resolve({ facts, bytes: result.bytes });
    else job.reject(new Error("could not read an extraction worker's answer"));
  }

  /** Sends queued jobs in batches to the workers with room, least busy first. */
  private pump(): void {
    while (this.queue.length) {
      let best: Lane | undefined;
      for (const lane of this.lanes)
        if (lane.alive && lane.batches < PER_WORKER && (!best || lane.sent.size < best.sent.size)) best = lane;
      if (!best) return;
      const files: ExtractRequest['files'] = [];
      let chars = 0;
      while (
        this.queue.length &&
        files.length < BATCH_FILES &&
        (chars === 0 || chars + this.queue[0].text.length <= BATCH_CHARS)
      ) {
        const job = this.queue.shift()!;
        chars += job.text.length;
        this.queuedChars -= job.text.length;
        best.sent.set(job.id, job);
        files.push({ id: job.id, file: job.file, text: job.text });
      }
      best.batches++;
      best.worker.postMessage({ files } satisfies ExtractRequest);
    }
  }

  private takeQueue(): Job[] {
    this.queuedChars = 0;
    return this.queue.splice(0);
  }

  private wake(): void {
    for (const resume of this.waiting.splice(0)) resume();
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
    lane.batches = 0;
    if (replace && !this.closed && this.restarts > 0) {
      this.restarts--;
      this.lanes.push(this.startLane());
    }
    if (!this.lanes.some((l) => l.alive)) for (const job of this.takeQueue()) job.reject(new Error(why));
    else this.pump();
    this.wake();
  }
}
