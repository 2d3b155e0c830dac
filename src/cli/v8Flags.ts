// V8 flags for the CLI's analysis verbs (`routes`, `check`), set before their code is compiled. Flags are per
// process, so the extraction workers a verb starts share them; the extension host's V8 is VS Code's and is left
// alone, and `load` keeps V8's defaults (its request path is measured against wrk with them).
//
// --max-inlined-bytecode-size-cumulative (default 920): with the default budget V8 inlined the Node route
// extractor's call reader into its walk and deoptimised that walk again and again (13 optimisations of
// extractNodeRouteFacts in one cold run). At 200 it stays out, and a cold `routes` was faster in 8 of 8 alternating
// pairs: outline 4.1-5.7 s instead of 5.7-7.0, polar 6.5-8.9 s instead of 7.5-11.3 (bench/README.md).
import { setFlagsFromString } from 'node:v8';

export function capInlining(): void {
  setFlagsFromString('--max-inlined-bytecode-size-cumulative=200');
}
