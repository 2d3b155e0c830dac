// A watched run's server side: the event-loop lag per second (beside the latency timeline) and
// the top stall sites, each a link that asks the host to open its file at its line. Shown only
// for runs that watched the loop (Start Server with endpointProfiler.watchLoop, or --watch-loop).
import type { RunView } from '../src/shared/protocol';
import type { Post } from './actions';
import { Chart, loopLagSpec } from './charts';
import { cell, fill, h, table } from './dom';
import { formatCount } from './format';

/** How many stall sites the panel lists (the run record keeps them all). */
export const TOP_STALLS = 10;

const ms = (v: number): string => `${Math.round(v).toLocaleString('en-US')} ms`;

export class LoopSection {
  /** The lag chart's box: placed beside the latency timeline by the run panel. */
  readonly chartBox: HTMLElement;
  /** The stall list, under the charts. */
  readonly stallsBox: HTMLElement;
  private readonly chart: Chart;
  private readonly summary = h('div', { 'data-testid': 'loop-lag-summary', class: 'muted' });
  private readonly list = h('div', {});

  constructor(private readonly post: Post) {
    const plot = h('div', { class: 'plot' });
    this.chartBox = h(
      'section',
      { class: 'chart', 'data-testid': 'chart-loop-lag', hidden: '' },
      h('h3', {}, 'Server event-loop lag per second (max)'),
      plot,
      this.summary,
    );
    this.stallsBox = h(
      'section',
      { class: 'counts loop-stalls', 'data-testid': 'loop-stalls-section', hidden: '' },
      h('h3', {}, 'Where the server’s event loop was blocked'),
      this.list,
    );
    this.chart = new Chart(plot);
  }

  update(view: RunView): void {
    const r = view.run;
    const watched = r.loopStalls !== undefined || r.loopLag !== undefined;
    this.chartBox.hidden = !watched || !r.loopLag;
    this.stallsBox.hidden = !watched;
    if (!watched) return;
    if (r.loopLag) {
      const l = r.loopLag;
      this.summary.textContent = `p50 ${ms(l.p50Ms)} · p99 ${ms(l.p99Ms)} · max ${ms(l.maxMs)}`;
      this.chart.show(loopLagSpec(view), 'loop-lag');
    }
    const stalls = r.loopStalls ?? [];
    fill(
      this.list,
      stalls.length === 0
        ? h(
            'p',
            { 'data-testid': 'loop-stalls', class: 'muted' },
            'No stall over the threshold (50 ms) in workspace code.',
          )
        : table(
            'loop-stalls',
            ['Line', 'Function', 'Route', 'Stalls', '~ each', 'Max', 'Total'],
            stalls.slice(0, TOP_STALLS).map((s, i) => ({
              testid: `loop-stall-${i}`,
              cells: [
                this.link(s.file, s.line, i),
                h('code', {}, `${s.function}()`),
                s.route ?? '–',
                cell(`${formatCount(s.count)}×`, { class: 'num' }),
                cell(ms(s.count ? s.totalMs / s.count : 0), { class: 'num' }),
                cell(ms(s.maxMs), { class: 'num' }),
                cell(ms(s.totalMs), { class: 'num' }),
              ],
            })),
          ),
      stalls.length > TOP_STALLS ? h('p', { class: 'muted' }, `… and ${stalls.length - TOP_STALLS} more sites`) : null,
    );
  }

  private link(file: string, line: number, i: number): HTMLElement {
    const a = h('a', { href: '#', 'data-testid': `loop-stall-link-${i}`, title: `Open ${file} at line ${line}` });
    a.textContent = `${file}:${line}`;
    a.addEventListener('click', (e) => {
      e.preventDefault();
      this.post({ type: 'openSource', file, line });
    });
    return a;
  }

  restyle(): void {
    this.chart.restyle();
  }

  destroy(): void {
    this.chart.destroy();
  }
}
