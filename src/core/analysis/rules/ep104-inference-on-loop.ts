// EP104: model inference (CPU-bound for as long as the model computes) on the event loop, directly or through helpers.
import { suppressFix, toThreadFix } from '../fixes';
import { inferenceMessage } from '../messages';
import type { Rule } from './types';

export const EP104: Rule = {
  id: 'EP104',
  name: 'inference-on-loop',
  severity: 'warning',
  short: 'CPU-bound model inference on the event loop',
  doc: `**Model inference on the event loop.** Calling a PyTorch module (\`model(x)\`, \`model.generate\`), a
transformers pipeline, \`SentenceTransformer.encode\` or a scikit-learn estimator's \`predict\` / \`transform\`
computes on the calling thread for as long as the model takes — tens of milliseconds to seconds, growing
with the input. There is no async form: on the loop, every other request waits for it. Reported where the
handler makes the call, or calls the helper that does (with the chain). Run it off the loop
(\`await asyncio.to_thread(model.encode, texts)\`, a process pool or a dedicated inference worker), or declare
a FastAPI endpoint \`def\` so it runs in the threadpool. Kept apart from EP101 because its cost is
computation, not waiting: a thread frees the loop, but concurrent inferences still share the CPU.`,
  onCall({ path, facts, fn, runs }, { call, entry, name }) {
    if (runs !== 'loop' || entry.kind !== 'inference') return undefined;
    return {
      ...call.span,
      severity: 'warning',
      message: inferenceMessage(name),
      replacement: entry.replacement,
      alternativeFixes: [toThreadFix(path, facts, fn, call), suppressFix(path, facts, call, 'EP104')].filter(
        (f) => f !== undefined,
      ),
    };
  },
  onChain({ path, facts, fn, runs, chainStart }, { call, helper, reach }) {
    if (runs !== 'loop' || reach.entry.kind !== 'inference') return undefined;
    return {
      ...call.span,
      severity: 'warning',
      message: inferenceMessage(helper, reach.blocking),
      chain: [chainStart, ...reach.steps.map((s) => s.label)],
      chainLocations: reach.steps.map((s) => s.loc),
      replacement: reach.entry.replacement,
      alternativeFixes: [toThreadFix(path, facts, fn, call), suppressFix(path, facts, call, 'EP104')].filter(
        (f) => f !== undefined,
      ),
    };
  },
};
