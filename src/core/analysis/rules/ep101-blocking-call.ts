// EP101: a catalog call made directly in code that runs on the event loop.
import { preferredFix, suppressFix, toThreadFix } from '../fixes';
import { loopMessage } from '../messages';
import { LOOP_SEVERITY, type Rule } from './types';

export const EP101: Rule = {
  id: 'EP101',
  name: 'blocking-call',
  severity: 'error',
  short: 'blocking call on the event loop',
  doc: `**A blocking call directly in code that runs on the event loop.** An async server runs every
request's coroutine on one thread. While \`time.sleep\`, \`requests.get\`, a sync database driver
or \`fs.readFileSync\` runs, that thread does nothing else: every other request waits. Under 10
concurrent requests to a handler that sleeps one second, the last answer comes after ten.
Use the async replacement named in the message (\`await asyncio.sleep\`, \`httpx.AsyncClient\`,
\`await fs.promises.readFile\`), or move the call off the loop (\`await asyncio.to_thread(fn, …)\`,
\`run_in_threadpool\`). Severity: error for network, sleep, subprocess and database calls;
warning for disk and CPU work, which blocks for shorter but still serialises.`,
  onCall({ path, facts, fn, runs }, { call, entry, name }) {
    // Model inference has its own rule (EP104)
    if (runs !== 'loop' || entry.kind === 'inference') return undefined;
    const fix = preferredFix(path, facts, fn, call, entry);
    return {
      ...call.span,
      severity: LOOP_SEVERITY[entry.severity],
      message: loopMessage(name, entry.kind),
      replacement: entry.replacement,
      ...(fix ? { fix } : {}),
      alternativeFixes: [
        fix ? undefined : toThreadFix(path, facts, fn, call),
        suppressFix(path, facts, call, 'EP101'),
      ].filter((f) => f !== undefined),
    };
  },
};
