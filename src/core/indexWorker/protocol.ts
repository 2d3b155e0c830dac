// Messages between the editor's index client (client.ts, on the extension host) and the
// index worker (worker.ts): requests carry an id, each gets one reply; results are plain data.
import type { AnalysisConfig } from '../analysis';
import type { Finding, Route } from '../model';
import type { ScanOptions, WorkspaceFile } from '../workspace';

export type IndexOptions = ScanOptions & { analysis?: AnalysisConfig };

/** What the worker is started with (`workerData`). */
export interface IndexWorkerData {
  root: string;
  options: IndexOptions;
}

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
