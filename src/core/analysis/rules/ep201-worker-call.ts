// EP201: a slow call (network, sleep, process, database) in a WSGI view ties up its worker.
import { suppressFix } from '../fixes';
import { workerMessage } from '../messages';
import type { Rule } from './types';

/**
 * Calls that start work and return without waiting for it: on a WSGI worker they hold nothing (waiting on the
 * process, `Popen#wait` / `communicate`, is in the catalog on its own). On the event loop the fork still blocks.
 */
const STARTS_ONLY = new Set(['subprocess.Popen']);

const WORKER_ADVICE =
  'set a timeout, size the worker count for concurrent slow calls, or move the call to a background job';

export const EP201: Rule = {
  id: 'EP201',
  name: 'worker-call',
  severity: 'info',
  short: 'blocking network/process call ties up a WSGI worker',
  doc: `**A Flask / sync Django view makes a slow call.** WSGI servers give each request a worker
(process or thread) for its whole duration: a network, sleep, subprocess or database call
ties that worker up, and with all workers busy new requests queue. This is how WSGI works,
not a bug, so the severity is informational: size the worker pool for it, or move the work
to a queue. Disk and CPU calls are not reported here.`,
  onCall({ path, facts, route, runs }, { call, entry, name }) {
    if (runs !== 'worker' || entry.severity !== 'H' || STARTS_ONLY.has(entry.pattern)) return undefined;
    return {
      ...call.span,
      severity: 'info',
      message: workerMessage(name, route?.framework ?? 'WSGI'),
      replacement: WORKER_ADVICE,
      alternativeFixes: [suppressFix(path, facts, call, 'EP201')],
    };
  },
  onChain({ path, facts, route, runs, chainStart }, { call, helper, reach }) {
    if (runs !== 'worker' || reach.entry.severity !== 'H' || STARTS_ONLY.has(reach.entry.pattern)) return undefined;
    return {
      ...call.span,
      severity: 'info',
      message: workerMessage(helper, route?.framework ?? 'WSGI'),
      chain: [chainStart, ...reach.steps.map((s) => s.label)],
      chainLocations: reach.steps.map((s) => s.loc),
      replacement: WORKER_ADVICE,
      alternativeFixes: [suppressFix(path, facts, call, 'EP201')],
    };
  },
};
