// Before a long run measured on the CLI's main thread: what start-up leaves in V8's young
// generation (~5 MB: the bundle's modules and compiled functions, all still alive) is copied by
// the next scavenge and promoted by the one after. Both fell inside the run's first second or two,
// 3-20 ms each on this machine, stalling every request in flight at that moment: at c=10 against
// a 10 ms server, ~20 of a 3 s run's 2,700 latencies, right at its p99. Two minor GCs before the
// clock starts move that work out of the run; the run's own scavenges then copy only its garbage.
import * as v8 from 'node:v8';
import * as vm from 'node:vm';

/** Runs long enough for the start-up heap's scavenges to land in it (a default -n 200 run does not). */
export const SETTLE_MIN_REQUESTS = 1000;

/** Promotes the start-up heap out of the young generation: two synchronous minor GCs. */
export function settleStartupHeap(): void {
  try {
    // `gc` is only exposed to contexts created after the flag is set.
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as (options?: { type: 'minor' | 'major' }) => void;
    gc({ type: 'minor' });
    gc({ type: 'minor' });
  } catch {
    // Not available in this runtime: the run is measured as before.
  }
}
