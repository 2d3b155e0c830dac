// EP102: a blocking call reached through the workspace's own sync functions, from the event loop.
import { suppressFix, toThreadFix } from '../fixes';
import { transitiveMessage } from '../messages';
import { LOOP_SEVERITY, type Rule } from './types';

export const EP102: Rule = {
  id: 'EP102',
  name: 'blocking-chain',
  severity: 'error',
  short: 'blocking call reached through a sync helper on the event loop',
  doc: `**A blocking call reached through the workspace's own sync functions.** The handler calls
\`fetch_profile()\`, which calls \`load_remote()\`, which calls \`requests.get\`: the handler blocks
exactly as if it made the call itself. Reported at the call site in the handler, with the chain
as related information (each step is a link). Fix the helper (make it async and await it) or
call it off the loop (\`await asyncio.to_thread(fetch_profile)\`).`,
  onChain({ path, facts, fn, runs, chainStart }, { call, helper, reach, dispatch }) {
    if (runs !== 'loop' || reach.entry.kind === 'inference') return undefined;
    return {
      ...call.span,
      severity: LOOP_SEVERITY[reach.entry.severity],
      message: transitiveMessage(helper, reach.blocking, reach.entry.kind, dispatch),
      chain: [chainStart, ...reach.steps.map((s) => s.label)],
      chainLocations: reach.steps.map((s) => s.loc),
      replacement: reach.entry.replacement,
      alternativeFixes: [toThreadFix(path, facts, fn, call), suppressFix(path, facts, call, 'EP102')].filter(
        (f) => f !== undefined,
      ),
    };
  },
};
