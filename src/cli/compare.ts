// `endpoint-profiler compare A.json B.json…`: delta table and a noise-aware verdict per metric (first run = baseline).
import { compareRuns, type Comparison } from '../core/runs/compare';
import { readRunFile } from '../core/runs/format';
import { toMarkdown } from '../core/runs/export';
import type { RunRecord } from '../core/model';

export const HELP = `Usage: endpoint-profiler compare [options] BASELINE.json OTHER.json [...]

Compares run files against the first one. For each metric: value, delta, ratio and a verdict
(better / worse / same / inconclusive) from bootstrap 95% intervals over each run's
per-second samples; runs shorter than 3 seconds are 'inconclusive'.

Options:
  --json         Print the comparison as JSON.
  --format md    Print a Markdown summary table of the runs plus the comparison.
  -h, --help     Show this help.

Exit codes: 0 ok, 1 a file could not be read, 2 usage error.
`;

const fmt = (v: number): string => (Number.isFinite(v) ? (Math.abs(v) >= 100 ? v.toFixed(1) : v.toFixed(3)) : 'inf');

export function comparisonTable(c: Comparison): string {
  const names = c.runs.map((r, i) => (i === 0 ? `${r.label ?? r.id} (base)` : (r.label ?? r.id)));
  const lines: string[] = [];
  names.forEach((n, i) => lines.push(`  [${i}] ${n}`));
  lines.push('');
  const header = [
    'metric',
    'unit',
    ...c.runs.map((_, i) => `[${i}]`),
    ...c.runs.slice(1).map((_, i) => `Δ[${i + 1}]`),
    ...c.runs.slice(1).map((_, i) => `×[${i + 1}]`),
    ...c.runs.slice(1).map((_, i) => `verdict[${i + 1}]`),
  ];
  const rows = c.rows.map((r) => [
    r.metric,
    r.unit,
    ...r.values.map(fmt),
    ...r.deltas.slice(1).map((d) => (d > 0 ? '+' : '') + fmt(d)),
    ...r.ratios.slice(1).map((x) => fmt(x)),
    ...r.verdicts.slice(1),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]): string =>
    cells
      .map((x, i) => x.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  lines.push(line(header), ...rows.map(line));
  if (c.configDiffs.length) {
    lines.push('', 'Configuration differences:');
    for (const d of c.configDiffs) lines.push(`  ${d.key}: ${d.values.join(' | ')}`);
  }
  lines.push('', `Method: ${c.method}`);
  return `${lines.join('\n')}\n`;
}

export async function run(argv: string[]): Promise<number> {
  let json = false;
  let format: 'text' | 'md' = 'text';
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-h' || a === '--help') {
      process.stdout.write(HELP);
      return 0;
    } else if (a === '--json') json = true;
    else if (a === '--format') {
      const v = argv[++i];
      if (v !== 'md' && v !== 'text') {
        process.stderr.write(`endpoint-profiler compare: --format must be md or text\n`);
        return 2;
      }
      format = v;
    } else if (a.startsWith('-')) {
      process.stderr.write(`endpoint-profiler compare: unknown option ${a}\n`);
      return 2;
    } else files.push(a);
  }
  if (files.length < 2) {
    process.stderr.write(
      `endpoint-profiler compare: give at least two run files\nRun 'endpoint-profiler compare --help' for usage.\n`,
    );
    return 2;
  }
  // Every file is read; the unreadable ones are named in the order given (not in the order their
  // reads happened to fail), so the message is the same from one run to the next.
  const read = await Promise.allSettled(files.map(readRunFile));
  const failed = read.flatMap((r) => (r.status === 'rejected' ? [(r.reason as Error).message] : []));
  if (failed.length) {
    process.stderr.write(failed.map((m) => `endpoint-profiler compare: ${m}\n`).join(''));
    return 1;
  }
  const runs = read.map((r) => (r as PromiseFulfilledResult<RunRecord>).value);
  const c = compareRuns(runs);
  if (json) process.stdout.write(`${JSON.stringify(c, null, 2)}\n`);
  else if (format === 'md') process.stdout.write(`${toMarkdown(runs)}\n${mdComparison(c)}`);
  else process.stdout.write(comparisonTable(c));
  return 0;
}

function mdComparison(c: Comparison): string {
  const head = `| metric | unit | ${c.runs.map((r) => r.label ?? r.id).join(' | ')} | ${c.runs
    .slice(1)
    .map((_, i) => `verdict ${i + 1}`)
    .join(' | ')} |`;
  const sep = `|${'---|'.repeat(2 + c.runs.length + c.runs.length - 1)}`;
  const rows = c.rows.map(
    (r) => `| ${r.metric} | ${r.unit} | ${r.values.map(fmt).join(' | ')} | ${r.verdicts.slice(1).join(' | ')} |`,
  );
  return `${[head, sep, ...rows].join('\n')}\n\n${c.method}\n`;
}
