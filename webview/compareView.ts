// Two or more runs, the first the baseline: overlaid charts, a delta table with the verdicts
// of compareRuns (coloured), the method behind them, and the configuration differences.
import type { HostMessage } from '../src/shared/protocol';
import { exportButtons, type Post } from './actions';
import { Chart, histogramSpec, percentileSpec, runName } from './charts';
import { cell, h, table } from './dom';
import { formatDeltaPercent, formatValue } from './format';
import { readPalette } from './theme';

type CompareMessage = Extract<HostMessage, { type: 'compare' }>;

const METRIC_NAMES: Record<string, string> = {
  rps: 'Throughput',
  p999: 'p99.9',
  errors: 'Errors',
  mean: 'mean',
  max: 'max',
};

/** data-testid suffix for run i (1-based among non-baselines): the first comparison needs no index.
 *  Value cells are all `compare-value`, in run order within their `compare-row-<metric>`. */
const nth = (i: number): string => (i === 1 ? '' : `-${i}`);

/** Runs side by side as columns fit two runs; from three on, runs are rows so the table never overflows sideways. */
export const RUNS_AS_ROWS_FROM = 3;

function deltaTable(m: CompareMessage): HTMLElement {
  if (m.views.length >= RUNS_AS_ROWS_FROM) return runsAsRows(m);
  const runs = m.comparison.runs;
  const head = ['Metric', `${runName(m.views[0])} (baseline)`];
  for (let i = 1; i < runs.length; i++) head.push(runName(m.views[i]), 'Δ', 'Verdict');
  return table(
    'compare-table',
    head,
    m.comparison.rows.map((row) => {
      const cells = [
        METRIC_NAMES[row.metric] ?? row.metric,
        cell(formatValue(row.values[0], row.unit), { class: 'num', 'data-testid': 'compare-value' }),
      ];
      for (let i = 1; i < runs.length; i++) {
        const v = row.verdicts[i];
        cells.push(
          cell(formatValue(row.values[i], row.unit), { class: 'num', 'data-testid': 'compare-value' }),
          cell(formatDeltaPercent(row.ratios[i]), {
            class: `num verdict-${v}`,
            'data-testid': `delta-${row.metric}${nth(i)}`,
          }),
          cell(v, { class: `verdict verdict-${v}`, 'data-testid': `verdict-${row.metric}${nth(i)}` }),
        );
      }
      return { testid: `compare-row-${row.metric}`, cells };
    }),
  );
}

/** One row per run (baseline first), one column per metric: value, then Δ and verdict against the baseline. */
function runsAsRows(m: CompareMessage): HTMLElement {
  const rows = m.comparison.rows;
  const colours = readPalette().series;
  return h(
    'div',
    { class: 'table-scroll' },
    table(
      'compare-table',
      ['Run', ...rows.map((r) => METRIC_NAMES[r.metric] ?? r.metric)],
      m.views.map((v, i) => ({
        testid: `compare-run-${i}`,
        cells: [
          cell(
            h(
              'span',
              { class: 'run-name' },
              h('span', { class: `swatch swatch-${i % colours.length}` }),
              runName(v),
              i === 0 ? h('span', { class: 'muted' }, ' (baseline)') : null,
            ),
            { 'data-testid': 'compare-run-name' },
          ),
          ...rows.map((row) =>
            cell(
              h(
                'span',
                {},
                h('span', { 'data-testid': 'compare-value' }, formatValue(row.values[i], row.unit)),
                i === 0
                  ? null
                  : h(
                      'span',
                      { class: `delta verdict-${row.verdicts[i]}` },
                      h('span', { 'data-testid': `delta-${row.metric}${nth(i)}` }, formatDeltaPercent(row.ratios[i])),
                      ' ',
                      h('span', { 'data-testid': `verdict-${row.metric}${nth(i)}` }, row.verdicts[i]),
                    ),
              ),
              { class: 'num' },
            ),
          ),
        ],
      })),
    ),
  );
}

/** Configuration differences: settings as rows for two runs, runs as rows from three on. */
function configTable(m: CompareMessage): HTMLElement {
  const diffs = m.comparison.configDiffs;
  if (diffs.length === 0) return h('p', { 'data-testid': 'config-diffs', class: 'muted' }, 'Same configuration.');
  if (m.views.length < RUNS_AS_ROWS_FROM)
    return table(
      'config-diffs',
      ['Setting', ...m.views.map(runName)],
      diffs.map((d) => ({
        testid: `config-diff-${d.key}`,
        cells: [d.key, ...d.values.map((v) => cell(v || '—'))],
      })),
    );
  return h(
    'div',
    { class: 'table-scroll' },
    table(
      'config-diffs',
      ['Run', ...diffs.map((d) => d.key)],
      m.views.map((v, i) => ({
        testid: `config-run-${i}`,
        cells: [runName(v), ...diffs.map((d) => cell(d.values[i] || '—', { 'data-testid': `config-diff-${d.key}` }))],
      })),
    ),
  );
}

function legend(m: CompareMessage): HTMLElement {
  const colours = readPalette().series;
  return h(
    'ul',
    { 'data-testid': 'compare-legend', class: 'legend' },
    ...m.views.map((v, i) =>
      h(
        'li',
        {},
        h('span', { class: `swatch swatch-${i % colours.length}` }),
        h('strong', {}, runName(v)),
        i === 0 ? ' (baseline) ' : ' ',
        h('code', {}, `${v.run.target.method} ${v.run.target.url}`),
        ` · c=${v.run.config.concurrency} · ${v.run.status}`,
        v.run.label ? h('span', { class: 'muted' }, ` · ${v.run.id}`) : null,
      ),
    ),
  );
}

export class ComparePanel {
  readonly root = h('main', { 'data-testid': 'compare-panel' });
  private readonly plots = [h('div', { class: 'plot' }), h('div', { class: 'plot' })];
  private readonly charts = this.plots.map((p) => new Chart(p));

  constructor(private readonly post: Post) {}

  update(m: CompareMessage): void {
    const ids = m.views.map((v) => v.run.id);
    this.root.replaceChildren(
      h(
        'header',
        {},
        h('h2', { 'data-testid': 'compare-title' }, `Comparing ${m.views.length} runs`),
        legend(m),
        exportButtons(this.post, ids, false),
      ),
      deltaTable(m),
      h('p', { 'data-testid': 'compare-method', class: 'muted note' }, `Verdicts: ${m.comparison.method}.`),
      h('section', {}, h('h3', {}, 'Configuration differences'), configTable(m)),
      h(
        'section',
        { class: 'chart', 'data-testid': 'chart-histogram' },
        h('h3', {}, "Latency histograms (% of each run's requests)"),
        this.plots[0],
      ),
      h(
        'section',
        { class: 'chart', 'data-testid': 'chart-percentiles' },
        h('h3', {}, 'Latency by percentile'),
        this.plots[1],
      ),
    );
    const layout = ids.join(',');
    this.charts[0].show(histogramSpec(m.views), layout);
    this.charts[1].show(percentileSpec(m.views), layout);
  }

  restyle(): void {
    for (const c of this.charts) c.restyle();
  }

  destroy(): void {
    for (const c of this.charts) c.destroy();
  }
}
