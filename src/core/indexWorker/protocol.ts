// Messages between the editor's index client (client.ts, on the extension host) and the
// index worker (worker.ts): requests carry an id, each gets one reply; results are plain data.
// The same script also runs the extraction pool's workers (extractPool.ts, extractWorker.ts).
import type { Finding, Language, Route } from '../model';
import type { ProjectOptions } from '../project';
import type { WorkspaceFile } from '../workspace';

export type IndexOptions = ProjectOptions;

/** What the worker is started with (`workerData`): the editor's index, or one worker of an extraction pool. */
export type WorkerData = IndexWorkerData | ExtractWorkerData;

export interface IndexWorkerData {
  role?: 'index';
  root: string;
  options: IndexOptions;
}

export interface ExtractWorkerData {
  role: 'extract';
  /** The grammars to load: the languages of the files the pool will see. */
  languages: Language[];
}

/** Files to parse and extract, answered together (one message each way per batch, not per file). */
export interface ExtractRequest {
  files: Array<{ id: number; file: WorkspaceFile; text: string }>;
}

export type ExtractResult =
  /** The file's facts packed (`packFacts`): the facts cache stores these bytes as they are. */
  | { id: number; bytes: Uint8Array }
  /** The facts could not be extracted or serialised; the index extracts this file on its own thread. */
  | { id: number; message: string };

export type ExtractReply =
  /** One result per file of a request, in its order. */
  | { type: 'done'; results: ExtractResult[] }
  /** The worker cannot serve (its parsers did not load). */
  | { type: 'unusable'; message: string };

/** A file left out of the index (too large, binary, unparsable) or read in part, with why. */
export interface IndexProblem {
  path: string;
  problem: string;
}

/** The index as the editor sees it after a request. */
export interface IndexSnapshot {
  routes: Route[];
  findings: Finding[];
  /** The indexed files' paths (relative, '/' separators): 200k objects would take the host ~300 ms to copy in. */
  paths: string[];
  problems: IndexProblem[];
}

/**
 * What changed of the snapshot, as sent: each list in v8-serialised chunks of `Route[]`,
 * `Finding[]`, `string[]` (wire.ts); a field is absent when it did not change.
 */
export interface SnapshotChange {
  routes?: Uint8Array[];
  findings?: Uint8Array[];
  paths?: Uint8Array[];
  problems?: IndexProblem[];
}

export type IndexRequest = { id: number } & (
  | { type: 'refresh' }
  /** Without `text` the worker reads the disk (and drops the file when it is gone). */
  | { type: 'update'; file: WorkspaceFile; text?: string }
  | { type: 'remove'; path: string }
  | { type: 'reconfigure'; options: IndexOptions }
);

export type IndexReply =
  /** The parsers are loaded: requests can be served. */
  | { type: 'ready' }
  /** The worker cannot serve (its parsers did not load); it exits after this. */
  | { type: 'unusable'; message: string }
  | { type: 'done'; id: number; changed: boolean; snapshot: SnapshotChange }
  | { type: 'failed'; id: number; message: string }
  /** A line for the output channel. */
  | { type: 'log'; line: string };
