// Findings as the editor shows them, in plain data: 0-based ranges (VS Code's convention;
// the core's are 1-based, end column exclusive), severity names, related steps of the
// chain, and fixes as edits. Kept free of 'vscode' so it is unit-tested with node --test.
import type { Finding, Fix, SourceRange, TextEdit } from '../core/model';

export interface Range0 {
  startLine: number;
  startCharacter: number;
  endLine: number;
  endCharacter: number;
}
export interface DiagnosticData {
  file: string;
  range: Range0;
  message: string;
  severity: 'error' | 'warning' | 'information';
  code: string;
  related: Array<{ file: string; range: Range0; message: string }>;
}
export interface EditData {
  file: string;
  range: Range0;
  newText: string;
}
export interface FixData {
  title: string;
  edits: EditData[];
  preferred: boolean;
}

export function toRange0(r: { line: number; column: number; endLine: number; endColumn: number }): Range0 {
  return { startLine: r.line - 1, startCharacter: r.column - 1, endLine: r.endLine - 1, endCharacter: r.endColumn - 1 };
}

export function toDiagnostic(f: Finding): DiagnosticData {
  const steps = f.chain ?? [];
  const related = (f.chainLocations ?? []).map((loc: SourceRange, i) => ({
    file: loc.file,
    range: toRange0(loc),
    message: steps[i + 1] ?? `step ${i + 1}`,
  }));
  const replacement = f.replacement ? `\nUse instead: ${f.replacement}` : '';
  return {
    file: f.file,
    range: toRange0(f),
    message: f.message + (steps.length > 1 ? `\nCall chain: ${steps.join(' → ')}` : '') + replacement,
    severity: f.severity === 'info' ? 'information' : f.severity,
    code: f.rule,
    related,
  };
}

export function toFixes(f: Finding): FixData[] {
  const edit = (e: TextEdit): EditData => ({ file: e.file, range: toRange0(e), newText: e.newText });
  const one = (fix: Fix, preferred: boolean): FixData => ({ title: fix.title, edits: fix.edits.map(edit), preferred });
  return [...(f.fix ? [one(f.fix, true)] : []), ...(f.alternativeFixes ?? []).map((x) => one(x, false))];
}

/** The code of a file's "read in part or not at all" warning: no rule, so no rule link. */
export const NOT_ANALYSED = 'not-analysed';

/**
 * A file the index could not read in full, as a warning in Problems on the line its problem names (parse errors,
 * bytes that are not UTF-8) or on the first: routes and findings there may be missing, and the output channel alone
 * is easily missed. Files left out on purpose (too large, binary, minified: bundles, rarely written by hand),
 * files deleted since, and folders stay in the output channel only.
 */
export function problemDiagnostic(p: { path: string; problem: string }): DiagnosticData | undefined {
  if (p.path.endsWith('/') || p.problem.startsWith('skipped:') || p.problem.startsWith('deleted ')) return undefined;
  const named = /\bline (\d+)\b/.exec(p.problem);
  const line = named ? Number(named[1]) - 1 : 0;
  return {
    file: p.path,
    range: { startLine: line, startCharacter: 0, endLine: line, endCharacter: 0 },
    message: `Endpoint Profiler could not read all of this file: ${p.problem}`,
    severity: 'warning',
    code: NOT_ANALYSED,
    related: [],
  };
}

/** Findings grouped by file, so each file's diagnostics are replaced as a whole. */
export function byFile(findings: Finding[]): Map<string, Finding[]> {
  const out = new Map<string, Finding[]>();
  for (const f of findings) out.set(f.file, [...(out.get(f.file) ?? []), f]);
  return out;
}

/** 1-based line of each `## EPxxx` heading of the rules document, for `#L<line>` links to it. */
export function ruleLines(markdown: string): Map<string, number> {
  const out = new Map<string, number>();
  markdown.split('\n').forEach((line, i) => {
    const m = /^##\s+(EP\d{3})\b/.exec(line);
    if (m) out.set(m[1], i + 1);
  });
  return out;
}

/**
 * The anchor VS Code's Markdown preview gives a heading (its GitHub-style slugifier): lower
 * case, whitespace to '-', punctuation dropped. `## EP101` → `ep101`.
 */
export function headingSlug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/\s+/g, '-')
    .replace(
      /[\][!/'"#$%&()*+,.:;<=>?@\\^{|}~`。，、；：？！…—·ˉ¨‘’“”々～‖∶＂＇｀｜〃〔〕〈〉《》「」『』．〖〗【】（）［］｛｝]/g,
      '',
    )
    .replace(/^-+|-+$/g, '');
}

/** The rules' headings by rule id, as anchors of the rendered rules.md. */
export function ruleAnchors(markdown: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of markdown.split('\n')) {
    const m = /^##\s+((EP\d{3})\b.*)$/.exec(line);
    if (m) out.set(m[2], headingSlug(m[1]));
  }
  return out;
}

/** The command a diagnostic's rule link runs: rules.md rendered in the Markdown preview at the rule. */
export const SHOW_RULE_COMMAND = 'endpointProfiler.showRule';
export function ruleLinkUri(rule: string): string {
  return `command:${SHOW_RULE_COMMAND}?${encodeURIComponent(JSON.stringify([rule]))}`;
}
