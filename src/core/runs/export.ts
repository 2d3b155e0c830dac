// Exports of run records: JSON (the run file itself), CSV (percentiles then timeline), Markdown summary.
import type { RunRecord } from '../model';
import type { Comparison } from './comparison';
import { DEFAULT_EXPECT } from './expect';
import { redactRecord, stripUserinfo } from './redact';

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

const cellText = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function formatMetric(value: number, unit: string): string {
  if (!Number.isFinite(value)) return '–';
  if (unit === 'ms') return `${value >= 100 ? Math.round(value) : value.toFixed(value >= 10 ? 1 : 2)} ms`;
  if (unit === 'req/s') return `${value >= 100 ? Math.round(value) : value.toFixed(1)} req/s`;
  if (unit === '%') return `${value.toFixed(2)} %`;
  return `${value} ${unit}`;
}

function formatDelta(ratio: number): string {
  if (!Number.isFinite(ratio)) return 'n/a';
  const pct = (ratio - 1) * 100;
  return `${pct > 0 ? '+' : pct < 0 ? '−' : '±'}${Math.abs(pct).toFixed(1)} %`;
}

const METRIC_TITLES: Record<string, string> = {
  rps: 'Throughput',
  p50: 'p50',
  p90: 'p90',
  p99: 'p99',
  p999: 'p99.9',
  max: 'max',
  mean: 'mean',
  errors: 'Errors',
};

/**
 * A comparison as Markdown: one column per run (named by `names`, the first the baseline), each
 * value with its delta and verdict against the baseline; the method behind the verdicts; every
 * configuration setting of every run (the differing ones marked); and which run file is which.
 */
export function comparisonMarkdown(runs: RunRecord[], comparison: Comparison, names: string[]): string {
  const lines: string[] = ['# Endpoint Profiler comparison', ''];
  lines.push(`Baseline: **${cellText(names[0])}**. ${runs.length} runs.`, '');
  lines.push('## Results', '');
  lines.push(`| Metric | ${names.map((n, i) => cellText(i === 0 ? `${n} (baseline)` : n)).join(' | ')} |`);
  lines.push(`|---|${names.map(() => '---:').join('|')}|`);
  for (const row of comparison.rows) {
    const cells = row.values.map((v, i) =>
      i === 0
        ? formatMetric(v, row.unit)
        : `${formatMetric(v, row.unit)} (${formatDelta(row.ratios[i])}, ${row.verdicts[i]})`,
    );
    lines.push(`| ${METRIC_TITLES[row.metric] ?? row.metric} | ${cells.join(' | ')} |`);
  }
  lines.push('', `Verdicts: ${comparison.method}.`, '', '## Configuration', '');
  const configs = runs.map((r) => {
    const c: Record<string, string> = {
      url: stripUserinfo(r.target.url),
      method: r.target.method,
    };
    for (const [k, v] of Object.entries(r.config)) if (v !== undefined) c[k] = String(v);
    c.expect ??= DEFAULT_EXPECT;
    if (r.server?.command) c['server.command'] = r.server.command;
    if (r.server?.workers !== undefined) c['server.workers'] = String(r.server.workers);
    c.status = r.status;
    c['requests sent'] = String(r.summary.count);
    c.duration = `${r.summary.durationS.toFixed(2)} s`;
    return c;
  });
  const keys = [...new Set(configs.flatMap((c) => Object.keys(c)))];
  lines.push(`| Setting | ${names.map(cellText).join(' | ')} |`, `|---|${names.map(() => '---').join('|')}|`);
  for (const k of keys) {
    const values = configs.map((c) => c[k] ?? '');
    const differs = new Set(values).size > 1;
    lines.push(`| ${differs ? `**${k}**` : k} | ${values.map((v) => cellText(v || '—')).join(' | ')} |`);
  }
  lines.push('', 'Settings in **bold** differ between the runs.', '', '## Runs', '');
  runs.forEach((r, i) => lines.push(`- ${cellText(names[i])}: run \`${r.id}\`, ${r.createdAt}`));
  return `${lines.join('\n')}\n`;
}
