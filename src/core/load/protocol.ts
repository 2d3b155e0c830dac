// Messages from the load worker to its parent. The parent sends only { type: 'cancel' }.
import type { RunRecord } from '../model';

export type WorkerMessage =
  | { type: 'progress'; snapshot: RunRecord; elapsedS: number; fraction?: number }
  | { type: 'done'; record: RunRecord }
  | { type: 'failed'; message: string };
