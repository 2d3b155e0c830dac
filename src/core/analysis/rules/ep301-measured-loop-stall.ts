// EP301: a line the loop watch measured blocking the event loop where no static rule found a
// blocking call. It has no static decision: the editor makes these from watched runs
// (src/vscode/loopEvidenceModel.ts); the registry holds it for rules.md and SARIF metadata.
import type { Rule } from './types';

export const EP301: Rule = {
  id: 'EP301',
  name: 'measured-loop-stall',
  severity: 'info',
  measured: true,
  short: 'Measured: this line blocked the event loop during a run',
  doc: `**Measured: this line blocked the server's event loop during a run**, and no rule above
explains it — CPU-bound work (a pure-Python or JavaScript loop, model inference, a large
\`json.loads\`), a library call the catalog does not know, or code reached through dynamic
dispatch. It comes from a run, not from reading the code: servers started with **Start Server**
are watched while they are profiled (setting \`endpointProfiler.watchLoop\`, on by default;
\`--watch-loop\` in the CLI), and the innermost workspace frame on the loop thread during each
stall over 50 ms is named. The message says how often and how long, and in which run. It is
cleared when a later watched run of the same route shows no stall there. Move the work off the
loop (\`await asyncio.to_thread(…)\`, \`run_in_executor\` with a process pool for CPU work, a
worker thread in Node) or make it cheaper. A static EP101/EP102 on a line a run measured gets
"confirmed: blocked the loop …" instead.`,
};
