// Worker entry (bundled to dist/loadWorker.js): measures one share of a run (threads.ts) and
// sends what it recorded as deltas: every `deltaMs`, and the rest when it is done. It waits for
// the coordinator's common start after its warm-up, and answers 'cancel' by stopping at once.
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { measure } from './measure';
import type { FromThread, ThreadInput, ToThread } from './protocol';

function main(): void {
  const port = parentPort;
  if (!port) return;
  const input = workerData as ThreadInput;
  const post = (m: FromThread): void => port.postMessage(m);
  let begin: ((startMs: number) => void) | undefined;
  const started = new Promise<number>((resolve) => (begin = resolve));
  let timer: NodeJS.Timeout | undefined;
  const m = measure(input.options, {
    deltas: true,
    gate: () => {
      post({ type: 'ready' });
      return started;
    },
  });
  port.on('message', (msg: ToThread) => {
    if (msg?.type === 'start') {
      // A lone thread starts now: a start set by the coordinator would be a message's delay in the
      // past, which the open model would count as requests already due.
      const start = msg.startEpochMs === undefined ? performance.now() : msg.startEpochMs - performance.timeOrigin;
      post({ type: 'started', startEpochMs: performance.timeOrigin + start });
      begin?.(start);
      timer ??= setInterval(() => post({ type: 'delta', delta: m.drain() }), input.deltaMs);
    } else if (msg?.type === 'cancel') {
      m.cancel();
      begin?.(performance.now()); // still waiting for the start: stop there
    }
  });
  m.done.then(
    () => {
      clearInterval(timer);
      const f = m.final();
      post({
        type: 'done',
        delta: m.drain(),
        endEpochMs: performance.timeOrigin + f.endMs,
        unsent: f.unsent,
        cancelledInFlight: f.cancelledInFlight,
        utilization: f.utilization,
      });
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
