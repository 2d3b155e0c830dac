// What watched runs say about the code, as plain data (no 'vscode'): a static EP101/EP102 whose
// line a run measured blocking the loop is "confirmed", and a measured stall at a line no
// static finding explains becomes an EP301 diagnostic. Only the latest watched run of each route
// counts, so a later run of the route that shows no stall there clears it.
import type { Finding, LoopStall, Route, RunRecord } from '../core/model';
import type { DiagnosticData, Range0 } from './diagnosticModel';
import { routeKey } from './handlerModel';

/** A stall site of a run, with the run it was measured in. */
export interface MeasuredStall {
  stall: LoopStall;
  run: RunRecord;
  /** "GET /cpu at 16:40:12": how messages name the run. */
  runName: string;
}

export interface LoopEvidence {
  /** Static findings a run confirmed, by `findingKey`, each with its sentence. */
  confirmed: Map<string, { finding: Finding; measured: MeasuredStall; text: string }>;
  /** Stalls at lines no EP101/EP102 names: the EP301 diagnostics. */
  measured: Array<MeasuredStall & { diagnostic: DiagnosticData }>;
}

export const MEASURED_RULE = 'EP301';
const CONFIRMABLE = new Set(['EP101', 'EP102']);

export const findingKey = (f: Pick<Finding, 'file' | 'line' | 'column' | 'rule'>): string =>
  `${f.file}:${f.line}:${f.column}:${f.rule}`;

const ms = (v: number): string => Math.round(v).toLocaleString('en-US');
const pad = (n: number): string => String(n).padStart(2, '0');

/** How a run is named in diagnostics: its label (or route) and its local start time. */
export function runName(run: RunRecord): string {
  const d = new Date(run.createdAt);
  const what = run.label ?? (run.route ? `${run.target.method} ${run.route.path}` : run.target.url);
  return `${what} at ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** "blocked the loop 10× ~1,000 ms": the count and the mean stall. */
export function stallFigures(s: LoopStall): string {
  return `blocked the loop ${s.count}× ~${ms(s.count ? s.totalMs / s.count : 0)} ms`;
}

export function confirmationText(m: MeasuredStall): string {
  return `confirmed: ${stallFigures(m.stall)} in run ${m.runName}`;
}

export function measuredText(m: MeasuredStall): string {
  const s = m.stall;
  const route = s.route ? ` under ${s.route}` : '';
  return `measured: blocked the event loop ${s.count}× ~${ms(s.count ? s.totalMs / s.count : 0)} ms (max ${ms(s.maxMs)} ms) in ${s.function}()${route} during run ${m.runName}. No static rule explains it: CPU-bound work, or a call the catalog does not know.`;
}

/** The latest run of each route (or URL) that watched the loop; failed runs say nothing. */
export function latestWatchedRuns(runs: readonly RunRecord[]): RunRecord[] {
  const latest = new Map<string, RunRecord>();
  for (const run of runs) {
    if (!run.loopStalls || run.status === 'failed') continue;
    const key = run.route ? routeKey(run.route) : `${run.target.method} ${run.target.url}`;
    const seen = latest.get(key);
    if (!seen || seen.createdAt < run.createdAt) latest.set(key, run);
  }
  return [...latest.values()].sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1)); // newest first
}

/** Whether a finding names the stall's line: the call itself, or a step of its chain (EP102). */
function names(f: Finding, s: LoopStall): boolean {
  if (f.file === s.file && s.line >= f.line && s.line <= f.endLine) return true;
  return (f.chainLocations ?? []).some((loc) => loc.file === s.file && s.line >= loc.line && s.line <= loc.endLine);
}

/**
 * `lineText(file, line)` gives the stall's line (1-based), so an EP301 underlines the code on
 * it rather than a point; without it the range is the line's start.
 */
export function loopEvidence(
  runs: readonly RunRecord[],
  findings: readonly Finding[],
  lineText: (file: string, line: number) => string | undefined = () => undefined,
): LoopEvidence {
  const confirmed: LoopEvidence['confirmed'] = new Map();
  const measured: LoopEvidence['measured'] = [];
  const measuredSites = new Set<string>();
  const static_ = findings.filter((f) => CONFIRMABLE.has(f.rule));
  for (const run of latestWatchedRuns(runs)) {
    const name = runName(run);
    for (const stall of run.loopStalls ?? []) {
      const m: MeasuredStall = { stall, run, runName: name };
      const named = static_.filter((f) => names(f, stall));
      for (const f of named) {
        const key = findingKey(f);
        // Newest run first: a finding keeps the confirmation of the latest run that saw it.
        if (!confirmed.has(key)) confirmed.set(key, { finding: f, measured: m, text: confirmationText(m) });
      }
      const site = `${stall.file}:${stall.line}`;
      if (named.length > 0 || measuredSites.has(site)) continue;
      measuredSites.add(site);
      measured.push({ ...m, diagnostic: measuredDiagnostic(m, lineText(stall.file, stall.line)) });
    }
  }
  return { confirmed, measured };
}

function measuredDiagnostic(m: MeasuredStall, text: string | undefined): DiagnosticData {
  const line = m.stall.line - 1;
  const start = text === undefined ? 0 : text.length - text.trimStart().length;
  const range: Range0 = {
    startLine: line,
    startCharacter: start,
    endLine: line,
    endCharacter: text?.trimEnd().length ?? 0,
  };
  const r = m.run.route;
  // The run as evidence: where its route's handler is, with the load it measured.
  const related =
    r?.file && r.line
      ? [
          {
            file: r.file,
            range: { startLine: r.line - 1, startCharacter: 0, endLine: r.line - 1, endCharacter: 0 },
            message: `run ${m.runName}: ${m.run.target.method} ${r.path}, ${m.run.summary.count} requests at concurrency ${m.run.config.concurrency}`,
          },
        ]
      : [];
  return {
    file: m.stall.file,
    range,
    message: measuredText(m),
    severity: 'information',
    code: MEASURED_RULE,
    related,
  };
}

/** Hover lines for a handler: what its route's latest watched run measured, per line. */
export function loopHoverLines(route: Route, evidence: LoopEvidence): string[] {
  const inRoute = (file: string, line: number): boolean =>
    file === route.file && (route.range ? line >= route.range.line && line <= route.range.endLine : false);
  const label = `${route.methods.join(',')} ${route.path}`;
  const lines: string[] = [];
  for (const { finding, text } of evidence.confirmed.values())
    if (inRoute(finding.file, finding.line) || finding.handler === route.handler)
      lines.push(`⏱ line ${finding.line} (${finding.rule}) ${text}`);
  for (const m of evidence.measured)
    if (inRoute(m.stall.file, m.stall.line) || m.stall.route === label)
      lines.push(`⏱ line ${m.stall.line} (${MEASURED_RULE}) ${m.diagnostic.message.split('. No static')[0]}`);
  return lines;
}
