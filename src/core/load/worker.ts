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
  let timer: NodeJS.Timeout | undefined;
  const sendDeltas = (): void => {
    timer ??= setInterval(() => post({ type: 'delta', delta: m.drain() }), input.deltaMs);
  };
  let begin: ((startMs: number) => void) | undefined;
  const started = new Promise<number>((resolve) => (begin = resolve));
  const m = measure(input.options, {
    deltas: true,
    // A lone thread starts as soon as it is warm, exactly as a run on the calling thread does (no
    // message round trip between warm-up and the first measured request); it says when.
    gate: () => {
      if (input.gated) {
        post({ type: 'ready' });
        return started;
      }
      const now = performance.now();
      post({ type: 'started', startEpochMs: performance.timeOrigin + now });
      sendDeltas();
      return Promise.resolve(now);
    },
  });
  port.on('message', (msg: ToThread) => {
    if (msg?.type === 'start') {
      begin?.(msg.startEpochMs - performance.timeOrigin);
      sendDeltas();
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
