// The suppression comment a user can add instead of fixing: `# noqa: EP101` / `// endpoint-profiler-ignore EP101`.
import type { CallFact, CodeFacts } from '../facts';
import type { RuleId } from '../rules/types';
import type { Fix } from '../../model';

export function suppressFix(file: string, facts: CodeFacts, call: CallFact, rule: RuleId): Fix {
  const text = facts.language === 'python' ? `  # noqa: ${rule}` : ` // endpoint-profiler-ignore ${rule}`;
  const line = call.span.line;
  return {
    title: `Suppress ${rule} on this line`,
    edits: [{ file, line, column: call.lineEnd, endLine: line, endColumn: call.lineEnd, newText: text }],
  };
}
