// The rules, in report order: the single source of rule ids, SARIF rule metadata (src/cli/check.ts)
// and media/rules.md (generated from here by scripts/rules-doc.ts; a unit test keeps them equal).
import { EP101 } from './ep101-blocking-call';
import { EP102 } from './ep102-blocking-chain';
import { EP103 } from './ep103-async-never-awaits';
import { EP104 } from './ep104-inference-on-loop';
import { EP201 } from './ep201-worker-call';
import { EP301 } from './ep301-measured-loop-stall';
import type { Rule, RuleId } from './types';

export type { Rule, RuleId } from './types';

/** Every RuleId must have its rule: the type checker enforces it here. */
export const RULE_BY_ID: Readonly<Record<RuleId, Rule>> = { EP101, EP102, EP103, EP104, EP201, EP301 };

export const RULES: readonly Rule[] = Object.values(RULE_BY_ID);

const DOC_HEADER = `# Endpoint Profiler rules

<!-- Generated from src/core/analysis/rules/ by \`node --import tsx scripts/rules-doc.ts\`: edit the rule files. -->

Each diagnostic's code links here. Suppress one on its line with \`# noqa: EP101\` (Python) or
\`// endpoint-profiler-ignore EP101\` (JavaScript/TypeScript, same line or the line before);
add or remove catalog entries in \`.endpoint-profiler.json\` at the workspace root.
`;

/** media/rules.md: one `## EPxxx` section per rule, which diagnostics link to. */
export function rulesMarkdown(): string {
  return [DOC_HEADER, ...RULES.map((r) => `## ${r.id}\n\n${r.doc}\n`)].join('\n');
}
