// Files the index left out (unparsable, minified, too large) are named on stderr, so a
// route or finding missing from the output has a visible reason; stdout stays the contract.
import type { ProjectIndex } from '../core/project';

export function warnProblems(verb: string, index: ProjectIndex): void {
  for (const { path, problem } of index.problems())
    process.stderr.write(`endpoint-profiler ${verb}: ${path}: ${problem}\n`);
}
