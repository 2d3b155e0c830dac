// Worker entry (bundled to dist/loadWorker.js): runs one measurement, posts progress ~10/s
// with complete snapshots, and answers 'cancel' with a valid record marked cancelled.
import { parentPort, workerData } from 'node:worker_threads';
import type { LoadOptions } from './engine';

type WorkerInput = LoadOptions & { progress?: boolean };
import { measure } from './measure';
import type { WorkerMessage } from './protocol';

const PROGRESS_MS = 100;

function main(): void {
  const port = parentPort;
  if (!port) return;
  const post = (m: WorkerMessage): void => port.postMessage(m);
  const m = measure(workerData as LoadOptions);
  port.on('message', (msg: { type?: string }) => {
    if (msg?.type === 'cancel') m.cancel();
  });
  // Snapshots cost a histogram encoding each; skip them when the caller has no listener.
  const timer =
    (workerData as WorkerInput).progress === false
      ? undefined
      : setInterval(
          () => post({ type: 'progress', snapshot: m.snapshot(), elapsedS: m.elapsedS(), fraction: m.fraction() }),
          PROGRESS_MS,
        );
  m.done.then(
    (record) => {
      clearInterval(timer);
      post({ type: 'done', record });
      port.close();
    },
    (err: unknown) => {
      clearInterval(timer);
      post({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
      port.close();
    },
  );
}

main();
