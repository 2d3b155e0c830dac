// `endpoint-profiler <verb>`: parses nothing itself, hands argv to the verb's module.
import { runVerb } from './cli/main';

runVerb(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    // Last resort: verbs report their own errors; anything here is a bug, still one line.
    process.stderr.write(`endpoint-profiler: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
