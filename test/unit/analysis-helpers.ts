// Runs the real parser and analyzer over in-memory files (no mocks: tree-sitter parses).
import { extractCodeFacts, findBlockingCalls, type AnalysisConfig, type CodeFacts } from '../../src/core/analysis';
import type { Finding, Route, TextEdit } from '../../src/core/model';
import { languageOf, Parsers } from '../../src/core/parsing/parser';
import type { WorkspaceFile } from '../../src/core/workspace';

let parsers: Promise<Parsers> | undefined;

export async function factsOf(files: Record<string, string>): Promise<Map<string, { file: WorkspaceFile; facts: CodeFacts }>> {
  const p = await (parsers ??= Parsers.load());
  const out = new Map<string, { file: WorkspaceFile; facts: CodeFacts }>();
  for (const [path, source] of Object.entries(files)) {
    const file: WorkspaceFile = { path, absPath: `/ws/${path}`, language: languageOf(path)! };
    const tree = p.parse(file.language, source);
    try {
      out.set(path, { file, facts: extractCodeFacts(file, tree.rootNode, source) });
    } finally {
      tree.delete();
    }
  }
  return out;
}

export async function analyze(files: Record<string, string>, routes: Route[] = [], config?: AnalysisConfig): Promise<Finding[]> {
  return findBlockingCalls(await factsOf(files), routes, config);
}

export function route(file: string, line: number, handler: string, extra: Partial<Route> = {}): Route {
  return { framework: 'fastapi', methods: ['GET'], path: '/', file, line, handler, async: true, execution: 'event-loop', ...extra };
}

/** Applies TextEdits (1-based, end-exclusive columns) to one file's text, last edit first. */
export function applyEdits(text: string, edits: TextEdit[]): string {
  const lines = text.split('\n');
  const offset = (line: number, column: number) => lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0) + column - 1;
  const sorted = [...edits].sort((a, b) => offset(b.line, b.column) - offset(a.line, a.column));
  let out = text;
  for (const e of sorted) out = out.slice(0, offset(e.line, e.column)) + e.newText + out.slice(offset(e.endLine, e.endColumn));
  return out;
}

export async function parsesCleanly(language: 'python' | 'javascript', source: string): Promise<boolean> {
  const tree = (await (parsers ??= Parsers.load())).parse(language, source);
  try {
    return !tree.rootNode.hasError;
  } finally {
    tree.delete();
  }
}

export const summary = (fs: Finding[]) => fs.map((f) => `${f.rule} ${f.line}:${f.column} ${f.message.split('(')[0]}`);
