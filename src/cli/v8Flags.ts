// V8 flags for the CLI's analysis verbs (`routes`, `check`), set before their code is compiled. Flags are per
// process, so the extraction workers a verb starts share them; the extension host's V8 is VS Code's and is left
// alone, and `load` keeps V8's defaults (its request path is measured against wrk with them).
//
// --no-turbo-inlining: a cold `routes` runs the extractors in two worker isolates beside the index's own, and each
// isolate optimises the same large walks anew (TurboFan, on the same 2 cores): on polar's server/ one thread took
// ~8 s of CPU and two workers ~11.5 s for a 10 % shorter wall, the first pass over half the files costing ~1.5 s of
// CPU more than a second one. Without inlining those compiles are smaller, and no deopt loop can come from an
// inlined callee (the reason for the earlier cap of 200 bytes: the Node route extractor's call reader inlined into
// its walk and deoptimised it 13 times in one run). Cold `routes` + `check` on polar: faster in 8 of 10 alternating
// pairs against the cap, medians 7.66 → 6.62 s and 9.27 → 8.52 s; outline and the 5,000-file bench unchanged
// (bench/README.md, "Optimising less per isolate").
import { setFlagsFromString } from 'node:v8';

export function disableInlining(): void {
  setFlagsFromString('--no-turbo-inlining');
}
