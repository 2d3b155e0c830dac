// Exports of run records: JSON (the run file itself), CSV (percentiles then timeline), Markdown summary.
import type { RunRecord } from '../model';
import { redactRecord } from './redact';

/** The run file's JSON, with secrets redacted (records saved by older versions may still hold them). */
export function toJson(run: RunRecord): string {
  return `${JSON.stringify(redactRecord(run), null, 2)}\n`;
}

const PCTS = ['min', 'p50', 'p75', 'p90', 'p95', 'p99', 'p999', 'max', 'mean', 'stdev'] as const;

export function toCsv(run: RunRecord): string {
  const lines = ['section,key,value'];
  for (const k of PCTS) lines.push(`latency_ms,${k},${run.summary.latencyMs[k]}`);
  for (const k of ['count', 'ok', 'errors', 'rps', 'durationS'] as const) lines.push(`summary,${k},${run.summary[k]}`);
  lines.push('', 't,count,errors,p50_ms,p99_ms');
  for (const p of run.timeline) lines.push(`${p.t},${p.count},${p.errors},${p.p50},${p.p99}`);
  return `${lines.join('\n')}\n`;
}

export function toMarkdown(runs: RunRecord | RunRecord[]): string {
  const list = Array.isArray(runs) ? runs : [runs];
  const head = '| run | model | c | requests | rps | p50 ms | p90 ms | p99 ms | max ms | errors | status |';
  const rows = list.map((r) => {
    const l = r.summary.latencyMs;
    const name = (r.label ?? r.id).replace(/\|/g, '\\|');
    return `| ${name} | ${r.config.model} | ${r.config.concurrency} | ${r.summary.count} | ${r.summary.rps} | ${l.p50} | ${l.p90} | ${l.p99} | ${l.max} | ${r.summary.errors} | ${r.status}${r.clientBound ? ' (client-bound)' : ''} |`;
  });
  return `${[head, '|---|---|---|---|---|---|---|---|---|---|---|', ...rows].join('\n')}\n`;
}
