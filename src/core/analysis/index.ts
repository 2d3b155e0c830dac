// Placeholder until the analyzer lands. Same two steps as discovery:
//   1. extractCodeFacts: one file's tree → functions, calls, imports (plain data)
//   2. findBlockingCalls: all facts + discovered routes → findings
import type { Finding, Route } from '../model';
import type { Node } from '../parsing/parser';
import type { WorkspaceFile } from '../workspace';

export type CodeFacts = Record<string, never>;
export interface AnalysisConfig { extraBlockingCalls?: Array<{ pattern: string; replacement?: string }>; allowedCalls?: string[] }
export function extractCodeFacts(_file: WorkspaceFile, _root: Node, _source: string): CodeFacts { return {}; }
export function findBlockingCalls(_files: ReadonlyMap<string, { file: WorkspaceFile; facts: CodeFacts }>, _routes: Route[], _config: AnalysisConfig = {}): Finding[] { return []; }
