// The text a terminal shows for a sweep: one row per level, the verdict, the USL fit.
import type { SweepResult } from './run';
import { formatMs, formatRps } from './verdict';

export function sweepReport(r: SweepResult): string {
  const rows = [
    ['concurrency', 'req/s', 'p50', 'p99', 'mean', 'errors'],
    ...r.levels.map((l) => [
      String(l.concurrency),
      formatRps(l.rps),
      formatMs(l.latencyMs.p50),
      formatMs(l.latencyMs.p99),
      formatMs(l.latencyMs.mean),
      String(l.errors),
    ]),
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  const table = rows.map((row) => `  ${row.map((cell, i) => cell.padEnd(widths[i])).join('  ')}`.trimEnd());
  const lines = [`Sweep of ${r.method} ${r.url} (group ${r.group})`, '', ...table, ''];
  lines.push(`Verdict: ${r.verdict.kind}${r.cancelled ? ' (cancelled before the last level)' : ''}`);
  lines.push(r.verdict.text);
  if (r.usl) {
    const u = r.usl;
    const ci = u.alphaInterval ? ` [${u.alphaInterval[0]}, ${u.alphaInterval[1]}]` : '';
    const peak = u.peakConcurrency !== undefined ? `, peak at N ≈ ${u.peakConcurrency}` : '';
    lines.push(`USL fit: α = ${u.alpha}${ci}, β = ${u.beta}, λ = ${formatRps(u.lambda)} req/s${peak}, R² = ${u.r2}`);
  }
  return `${lines.join('\n')}\n`;
}
