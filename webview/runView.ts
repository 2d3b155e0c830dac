// One run: header (target, config, state), summary, charts and status/error tables. Built once
// per run id; live snapshots (every ~250 ms) replace the text parts and feed the charts via setData.
import type { HostMessage, RunView } from '../src/shared/protocol';
import { cancelButton, exportButtons, type Post } from './actions';
import { Chart, histogramSpec, latencyTimelineSpec, percentileSpec, runName, throughputSpec } from './charts';
import { cell, fill, h, table } from './dom';
import { formatCount, formatMs as formatLatency, formatRate, formatSeconds } from './format';
import { LoopSection } from './loopView';

type RunMessage = Extract<HostMessage, { type: 'run' }>;

export function configText(run: RunView['run']): string {
  const c = run.config;
  const parts = [`${c.model} model`, `concurrency ${c.concurrency}`];
  if (c.requests !== undefined) parts.push(`${formatCount(c.requests)} requests`);
  if (c.durationS !== undefined) parts.push(`${c.durationS} s`);
  if (c.rate !== undefined) parts.push(`${c.rate} req/s target`);
  parts.push(`timeout ${c.timeoutS} s`);
  if (c.warmup) parts.push(`warm-up ${c.warmup}`);
  return parts.join(' · ');
}

function statusLine(m: RunMessage): HTMLElement {
  const r = m.view.run;
  if (m.live) {
    const pct = m.progress?.fraction !== undefined ? ` ${Math.round(m.progress.fraction * 100)}%` : '';
    return h(
      'div',
      { 'data-testid': 'run-status', class: 'status live' },
      `Running${pct} · ${formatSeconds(m.progress?.elapsedS ?? r.summary.durationS)} elapsed`,
      m.progress?.fraction !== undefined
        ? h('progress', { 'data-testid': 'progress', max: '1', value: String(m.progress.fraction) })
        : null,
    );
  }
  if (r.status === 'failed')
    return h(
      'div',
      { 'data-testid': 'run-status', class: 'status failed' },
      `Failed: ${r.failure ?? 'unknown reason'}`,
    );
  if (r.status === 'cancelled')
    return h(
      'div',
      { 'data-testid': 'run-status', class: 'status cancelled' },
      'Cancelled: the figures cover the requests made before cancelling.',
    );
  if (m.view.outcome.kind === 'failed')
    return h(
      'div',
      { 'data-testid': 'run-status', class: 'status failed' },
      `Finished with no expected response · ${new Date(r.createdAt).toLocaleString()}`,
    );
  return h(
    'div',
    { 'data-testid': 'run-status', class: 'status complete' },
    `Complete · ${new Date(r.createdAt).toLocaleString()}`,
  );
}

/**
 * A red banner when requests failed: the unexpected statuses and error kinds with their counts
 * (and the first message of each kind), so a run of 404s can never read as a fast endpoint.
 */
function failureBanner(view: RunView): HTMLElement | null {
  const o = view.outcome;
  if (o.kind === 'ok') return null;
  const count = view.run.summary.count;
  const title =
    o.kind === 'failed'
      ? `No request got an expected response (${o.expect}): ${o.text}.`
      : `${formatCount(o.failed)} of ${formatCount(count)} requests failed: ${o.text}.`;
  const items = [
    ...o.unexpected.map((s) =>
      h('li', { 'data-testid': `failure-status-${s.status}` }, `${formatCount(s.count)} × status ${s.status}`),
    ),
    ...o.errors.map((e) =>
      h(
        'li',
        { 'data-testid': `failure-error-${e.kind}` },
        `${formatCount(e.count)} × ${e.kind}`,
        e.sample ? h('span', { class: 'sample' }, ` — ${e.sample}`) : null,
      ),
    ),
  ];
  const note =
    o.kind === 'failed'
      ? "The latencies below are those of the failed requests, not of the endpoint's work."
      : 'The latencies below include the failed requests.';
  return h(
    'div',
    { 'data-testid': 'failure-banner', class: `failure ${o.kind}`, role: 'alert' },
    h('strong', {}, title),
    items.length ? h('ul', {}, ...items) : null,
    h('div', { class: 'note' }, note),
  );
}

function summaryTable(view: RunView): HTMLTableElement {
  const r = view.run;
  const l = r.summary.latencyMs;
  // No latency was recorded (every request failed): a dash, not a misleading 0 ms.
  const formatMs = view.histogram.buckets.length > 0 ? formatLatency : (): string => '–';
  const rows: Array<[string, string, string]> = [
    ['Requests', 'summary-count', formatCount(r.summary.count)],
    // From the statuses and error kinds, not summary.ok: engines before --expect counted a 404 as ok.
    ['OK', 'summary-ok', formatCount(view.outcome.expected)],
    ['Failed', 'summary-errors', formatCount(view.outcome.failed)],
    ['Throughput', 'summary-rps', formatRate(r.summary.rps)],
    ['Duration', 'summary-duration', formatSeconds(r.summary.durationS)],
    ['p50', 'summary-p50', formatMs(l.p50)],
    ['p90', 'summary-p90', formatMs(l.p90)],
    ['p99', 'summary-p99', formatMs(l.p99)],
    ['p99.9', 'summary-p999', formatMs(l.p999)],
    ['max', 'summary-max', formatMs(l.max)],
    ['mean', 'summary-mean', formatMs(l.mean)],
  ];
  return table(
    'summary',
    ['Metric', 'Value'],
    rows.map(([name, id, value]) => ({ cells: [name, cell(value, { 'data-testid': id, class: 'num' })] })),
  );
}

function countsTable(
  testid: string,
  title: string,
  counts: Record<string, number | undefined>,
  empty: string,
): HTMLElement {
  const entries = Object.entries(counts).filter((e): e is [string, number] => (e[1] ?? 0) > 0);
  return h(
    'section',
    { class: 'counts' },
    h('h3', {}, title),
    entries.length === 0
      ? h('p', { 'data-testid': testid, class: 'muted' }, empty)
      : table(
          testid,
          [title.replace(/s$/, ''), 'Count'],
          entries.map(([k, n]) => ({ testid: `${testid}-${k}`, cells: [k, cell(formatCount(n), { class: 'num' })] })),
        ),
  );
}

function chartBox(testid: string, title: string): { box: HTMLElement; plot: HTMLElement } {
  const plot = h('div', { class: 'plot' });
  return { box: h('section', { class: 'chart', 'data-testid': testid }, h('h3', {}, title), plot), plot };
}

export class RunPanel {
  readonly root: HTMLElement;
  private readonly header = h('header', {});
  private readonly summary = h('div', { class: 'summary' });
  private readonly tables = h('div', { class: 'tables' });
  private readonly actions = h('div', { class: 'actions' });
  private actionsLive: boolean | undefined;
  private readonly charts: Chart[];
  private readonly loop: LoopSection;

  constructor(
    readonly runId: string,
    private readonly post: Post,
  ) {
    this.loop = new LoopSection(post);
    const hist = chartBox('chart-histogram', 'Latency histogram');
    const pct = chartBox('chart-percentiles', 'Latency by percentile');
    const time = chartBox('chart-timeline', 'Throughput (completed requests per second)');
    const lat = chartBox('chart-timeline-latency', 'Latency per second (p50, p99)');
    this.root = h(
      'main',
      { 'data-testid': 'run-panel' },
      this.header,
      h('div', { class: 'overview' }, this.summary, this.tables),
      hist.box,
      pct.box,
      time.box,
      // The server's loop lag beside the latency timeline (when the run watched the loop), then its stalls.
      h('div', { class: 'chart-pair' }, lat.box, this.loop.chartBox),
      this.loop.stallsBox,
    );
    this.charts = [new Chart(hist.plot), new Chart(pct.plot), new Chart(time.plot), new Chart(lat.plot)];
  }

  update(m: RunMessage): void {
    const r = m.view.run;
    fill(
      this.header,
      h('h2', { 'data-testid': 'run-title' }, runName(m.view)),
      h('div', { 'data-testid': 'run-target', class: 'target' }, h('code', {}, `${r.target.method} ${r.target.url}`)),
      h('div', { 'data-testid': 'run-config', class: 'muted' }, configText(r)),
      statusLine(m),
      failureBanner(m.view),
      r.clientBound
        ? h(
            'div',
            { 'data-testid': 'client-bound-warning', class: 'warning' },
            'Client-bound: the load generator was saturated, so these figures may understate what the server can do. Lower the concurrency or rate, or use more threads.',
          )
        : null,
      this.actions,
    );
    // Rebuilt only when live flips: a button replaced under the pointer every 250 ms would swallow clicks.
    if (this.actionsLive !== m.live) {
      this.actionsLive = m.live;
      fill(this.actions, m.live ? cancelButton(this.post) : null, exportButtons(this.post, [r.id], m.live));
    }
    this.summary.replaceChildren(summaryTable(m.view));
    this.tables.replaceChildren(
      countsTable('status-codes', 'Status codes', r.statusCodes, 'No responses.'),
      countsTable(
        'error-kinds',
        'Error kinds',
        r.errorKinds,
        m.view.outcome.unexpected.length ? 'No network errors (unexpected statuses above).' : 'No errors.',
      ),
    );
    const [hist, pct, time, lat] = this.charts;
    hist.show(histogramSpec([m.view]), 'hist');
    pct.show(percentileSpec([m.view]), 'pct');
    time.show(throughputSpec(m.view), 'time');
    lat.show(latencyTimelineSpec(m.view), 'lat');
    this.loop.update(m.view);
  }

  restyle(): void {
    for (const c of this.charts) c.restyle();
    this.loop.restyle();
  }

  destroy(): void {
    for (const c of this.charts) c.destroy();
    this.loop.destroy();
  }
}
