// The blocking-call analyzer, in the same two steps as discovery:
//   1. extractCodeFacts: one file's tree → functions, calls, imports (plain data, cached)
//   2. findBlockingCalls: all facts + discovered routes → findings with fixes
import type { CodeFacts } from './facts';
import { extractNodeFacts } from './node-facts';
import { extractPythonFacts } from './python-facts';
import { syntaxOf } from '../lang/syntax';
import type { Node } from '../parsing/parser';
import type { WorkspaceFile } from '../workspace';

export type { CodeFacts } from './facts';
export type { AnalysisConfig } from './match';
export { findBlockingCalls } from './findings';
export { RULES, RULE_BY_ID, rulesMarkdown, type Rule, type RuleId } from './rules';
export { CONFIG_FILE, parseAnalysisConfig } from './config';

export function extractCodeFacts(file: WorkspaceFile, root: Node, source: string): CodeFacts {
  return file.language === 'python'
    ? extractPythonFacts(file.path, root, source)
    : extractNodeFacts(file.path, syntaxOf(root), source);
}
