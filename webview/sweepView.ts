// A concurrency sweep (or a comparison of server configurations): the verdict sentence on top,
// throughput and p50/p99 against concurrency, and a table per configuration whose every level
// opens its run in the results panel. Live snapshots replace the text and feed the charts.
import type { SweepMessage, SweepSeriesView } from '../src/shared/protocol';
import { cancelButton, type Post } from './actions';
import { Chart } from './charts';
import { cell, fill, h, table } from './dom';
import { formatCount, formatMs, formatRate } from './format';
import { sweepLatencySpec, sweepThroughputSpec } from './sweepCharts';

const STATE_TEXT: Record<SweepSeriesView['state'], string> = {
  waiting: 'waiting',
  starting: 'starting the server…',
  running: 'sweeping…',
  done: 'done',
  failed: 'failed',
  cancelled: 'cancelled',
};

const VERDICT_WORD: Record<string, string> = {
  serialised: 'serialises',
  scales: 'scales',
  saturates: 'saturates',
  degrades: 'degrades',
  inconclusive: 'inconclusive',
};

function chartBox(testid: string, title: string): { box: HTMLElement; plot: HTMLElement } {
  const plot = h('div', { class: 'plot' });
  return { box: h('section', { class: 'chart', 'data-testid': testid }, h('h3', {}, title), plot), plot };
}

export class SweepPanel {
  readonly root: HTMLElement;
  private readonly header = h('header', {});
  private readonly actions = h('div', { class: 'actions' });
  private readonly tables = h('div', { 'data-testid': 'sweep-levels' });
  private actionsLive: boolean | undefined;
  private readonly charts: [Chart, Chart];

  constructor(private readonly post: Post) {
    const x = chartBox('chart-sweep-throughput', 'Throughput against concurrency (points measured, dashed: USL fit)');
    const r = chartBox('chart-sweep-latency', 'Latency against concurrency (p50 solid, p99 dashed)');
    this.root = h('main', { 'data-testid': 'sweep-panel' }, this.header, this.actions, x.box, r.box, this.tables);
    this.charts = [new Chart(x.plot), new Chart(r.plot)];
  }

  update(m: SweepMessage): void {
    fill(
      this.header,
      h('h2', { 'data-testid': 'sweep-title' }, m.title),
      h('p', { 'data-testid': 'sweep-verdict', class: `verdict-line${m.live ? ' live' : ''}` }, m.headline),
      m.notes.length
        ? h('ul', { 'data-testid': 'sweep-notes', class: 'notes' }, ...m.notes.map((n) => h('li', {}, n)))
        : null,
    );
    if (this.actionsLive !== m.live) {
      this.actionsLive = m.live;
      fill(this.actions, m.live ? cancelButton(this.post) : null);
    }
    const [x, r] = this.charts;
    const xs = sweepThroughputSpec(m.series);
    const rs = sweepLatencySpec(m.series);
    x.show(xs.build, xs.layout);
    r.show(rs.build, rs.layout);
    this.tables.replaceChildren(...m.series.map((s, i) => this.seriesTable(s, i)));
  }

  private seriesTable(s: SweepSeriesView, i: number): HTMLElement {
    const v = s.sweep?.verdict;
    const verdict =
      v && (s.sweep?.levels.length ?? 0) >= 2
        ? `${VERDICT_WORD[v.kind]}${v.kind === 'saturates' && v.saturatesAt ? ` at ≈ ${v.saturatesAt}` : ''}`
        : STATE_TEXT[s.state];
    const rows = (s.sweep?.levels ?? []).map((l) => {
      const open = h(
        'a',
        {
          href: '#',
          'data-testid': `open-run-${i}-${l.concurrency}`,
          title: `Open the run of ${l.concurrency} concurrent`,
        },
        'open run',
      );
      open.addEventListener('click', (e) => {
        e.preventDefault();
        this.post({ type: 'openRun', runId: l.runId });
      });
      return {
        testid: `sweep-level-${i}-${l.concurrency}`,
        cells: [
          cell(String(l.concurrency), { class: 'num' }),
          cell(formatRate(l.rps), { class: 'num' }),
          cell(formatMs(l.latencyMs.p50), { class: 'num' }),
          cell(formatMs(l.latencyMs.p99), { class: 'num' }),
          cell(formatCount(l.errors), { class: 'num' }),
          cell(open),
        ],
      };
    });
    if (s.current)
      rows.push({
        testid: `sweep-level-${i}-running`,
        cells: [
          cell(String(s.current.concurrency), { class: 'num' }),
          cell(
            `measuring${s.current.requests !== undefined ? ` · ${formatCount(s.current.requests)} requests` : ''}${s.current.fraction !== undefined ? ` · ${Math.round(s.current.fraction * 100)}%` : ''}`,
            { colspan: '5', class: 'muted' },
          ),
        ],
      });
    const usl = s.sweep?.usl;
    return h(
      'section',
      { 'data-testid': `sweep-series-${i}`, class: 'sweep-series' },
      h(
        'h3',
        {},
        h('span', { class: `swatch swatch-${i % 10}` }),
        s.name,
        s.workers ? h('span', { class: 'muted' }, ` · ${s.workers} worker${s.workers === 1 ? '' : 's'}`) : null,
        ' — ',
        h('span', { 'data-testid': `sweep-series-verdict-${i}`, class: `kind kind-${v?.kind ?? s.state}` }, verdict),
      ),
      s.command ? h('div', { class: 'muted' }, h('code', {}, s.command)) : null,
      s.error ? h('div', { class: 'error', 'data-testid': `sweep-series-error-${i}` }, s.error) : null,
      rows.length ? table(`sweep-table-${i}`, ['concurrency', 'throughput', 'p50', 'p99', 'errors', ''], rows) : null,
      usl
        ? h(
            'p',
            { class: 'muted note', 'data-testid': `sweep-usl-${i}` },
            `USL fit: α = ${usl.alpha}${usl.alphaInterval ? ` [${usl.alphaInterval[0]}, ${usl.alphaInterval[1]}]` : ''}, β = ${usl.beta}, λ = ${usl.lambda.toFixed(1)} req/s, R² = ${usl.r2}${usl.peakConcurrency !== undefined ? `, peak at N ≈ ${usl.peakConcurrency}` : ''}. Drawn, not decisive: the verdict reads the measured ratios.`,
          )
        : null,
    );
  }

  /** The run ids shown, for the panel's saved state. */
  static runIds(m: SweepMessage): string[] {
    return m.series.flatMap((s) => s.sweep?.levels.flatMap((l) => l.runIds ?? [l.runId]) ?? []);
  }

  restyle(): void {
    for (const c of this.charts) c.restyle();
  }

  destroy(): void {
    for (const c of this.charts) c.destroy();
  }
}
