// The three uPlot charts (latency histogram, HDR percentile curve, per-second timeline), each
// able to overlay several runs. A Chart owns one uPlot instance: new data goes through
// setData (cheap, for live updates); a theme change or a different series layout rebuilds it.
import uPlot from 'uplot';
import type { RunView } from '../src/shared/protocol';
import { formatPercentile } from './format';
import { readPalette, withAlpha, type Palette } from './theme';

export interface ChartSpec {
  opts: Omit<uPlot.Options, 'width' | 'height'>;
  data: uPlot.AlignedData;
}
type SpecBuilder = (palette: Palette) => ChartSpec;

const HEIGHT = 220;

export class Chart {
  private plot?: uPlot;
  private layout = '';
  private build: SpecBuilder = () => ({ opts: { series: [] }, data: [[]] });

  private readonly resize = new ResizeObserver(() => this.plot?.setSize({ width: this.width(), height: HEIGHT }));

  constructor(private readonly host: HTMLElement) {
    this.resize.observe(host);
  }

  private width(): number {
    return Math.max(200, this.host.clientWidth);
  }

  /** Shows new data; rebuilds only if the series layout (count, labels, kind) changed. */
  show(build: SpecBuilder, layout: string): void {
    this.build = build;
    const spec = build(readPalette());
    if (this.plot && layout === this.layout) {
      this.plot.setData(spec.data);
      return;
    }
    this.layout = layout;
    this.create(spec);
  }

  /** Redraws with the current theme's colours (canvas cannot follow CSS variables by itself). */
  restyle(): void {
    if (this.plot) this.create(this.build(readPalette()));
  }

  private create(spec: ChartSpec): void {
    this.plot?.destroy();
    this.plot = new uPlot({ ...spec.opts, width: this.width(), height: HEIGHT }, spec.data, this.host);
  }

  destroy(): void {
    this.resize.disconnect();
    this.plot?.destroy();
    this.plot = undefined;
  }
}

function axis(p: Palette, extra: Partial<uPlot.Axis> = {}): uPlot.Axis {
  return {
    stroke: p.foreground,
    font: p.font,
    labelFont: p.font,
    grid: { stroke: p.grid, width: 1 },
    ticks: { stroke: p.foreground, width: 1 },
    ...extra,
  };
}

/** Millisecond tick labels with as many decimals as the tick step needs (110.5, 111 … not 110, 111, 111). */
const msValues = (_u: uPlot, splits: number[], _axis: number, _space: number, step: number): string[] => {
  const decimals = Number.isFinite(step) && step > 0 && step < 1 ? Math.min(3, Math.ceil(-Math.log10(step))) : 0;
  return splits.map((v) =>
    v == null ? '' : `${uPlot.fmtNum(decimals ? +v.toFixed(decimals) : +v.toPrecision(3))} ms`,
  );
};

function seriesStyle(p: Palette, i: number, fill: boolean): Partial<uPlot.Series> {
  const c = p.series[i % p.series.length];
  return { stroke: c, width: 2, ...(fill ? { fill: withAlpha(c, 0.25) } : {}) };
}

export function runName(view: RunView): string {
  return view.run.label ?? view.run.id;
}

/** Histogram buckets as a step chart over a log latency axis; several runs are shown as % of their requests. */
export function histogramSpec(views: RunView[]): SpecBuilder {
  const share = views.length > 1;
  const tables = views.map((v): uPlot.AlignedData => {
    const b = v.histogram.buckets;
    const total = b.reduce((s, x) => s + x.count, 0) || 1;
    const y = b.map((x) => (share ? (100 * x.count) / total : x.count));
    // A step holds each bucket's value from its lower edge to the next; the last edge closes it.
    return [
      [...b.map((x) => x.fromMs), ...(b.length ? [b[b.length - 1].toMs] : [])],
      [...y, ...(b.length ? [y[y.length - 1]] : [])],
    ];
  });
  const data = views.length > 1 ? uPlot.join(tables) : tables[0];
  const xs = (data[0] as number[]).filter((x) => x > 0);
  const [lo, hi] = xs.length ? [Math.min(...xs), Math.max(...xs)] : [1, 10];
  // A log axis where latencies span decades; over a narrow band (107–111 ms) it would show one tick, so linear there.
  const distr = hi / lo > 4 ? 3 : 1;
  return (p) => ({
    data,
    opts: {
      // Zoomed to the recorded latencies with a margin of a tenth of their span: a fixed ×1.25 margin squeezed a tight run into a spike.
      scales: {
        x: { time: false, distr, range: () => zoomed(lo, hi, distr === 3) },
        y: { range: (_u, _min, max) => [0, Math.max(1, max) * 1.05] },
      },
      axes: [
        axis(p, { values: msValues, space: 70, ...(distr === 3 ? { filter: logLabels(hi / lo) } : {}) }),
        axis(p, { label: share ? '% of requests' : 'requests', size: 60 }),
      ],
      series: [
        { label: 'latency' },
        ...views.map((v, i) => ({
          label: runName(v),
          spanGaps: true,
          points: { show: false },
          paths: uPlot.paths.stepped!({ align: 1 }),
          ...seriesStyle(p, i, true),
        })),
      ],
      legend: { show: true },
    },
  });
}

/**
 * Which log-axis ticks get a label: uPlot's default labels only powers of ten, so a run from
 * 5 to 45 ms read "10 ms" alone. 1-2-5 multiples over wide ranges, every tick within two decades.
 */
function logLabels(ratio: number): uPlot.Axis.Filter {
  const shown = ratio < 100 ? [1, 2, 3, 4, 5, 6, 7, 8, 9] : [1, 2, 5];
  const label = (v: number): boolean => {
    const m = v / 10 ** Math.floor(Math.log10(v) + 1e-9);
    return Math.abs(m - Math.round(m)) < 0.01 && shown.includes(Math.round(m)); // not the range's own ends (7.67 ms)
  };
  return (_u, splits) => splits.map((v) => (v != null && label(v) ? v : null));
}

/** [lo, hi] widened by a tenth of the span (in log space on a log axis), never to nothing. */
function zoomed(lo: number, hi: number, log: boolean): [number, number] {
  if (log) {
    const pad = Math.max(0.1 * Math.log(hi / lo), 0.02);
    return [lo * Math.exp(-pad), hi * Math.exp(pad)];
  }
  const pad = Math.max(0.1 * (hi - lo), 0.01 * hi, 0.001);
  return [Math.max(0, lo - pad), hi + pad];
}

// HDR percentile plots put 1/(1−p) on a log axis so the tail gets as much room as the median.
const TAIL_TICKS: Array<[number, number]> = [
  [0, 1],
  [50, 2],
  [90, 10],
  [99, 100],
  [99.9, 1000],
  [99.99, 10000],
];
const tailX = (p: number): number => 1 / (1 - p / 100);
/** uPlot hands splits back through float maths on a log scale (2 → 1.9999…): match by distance. */
const nearestTick = (x: number): number =>
  TAIL_TICKS.reduce((a, b) => (Math.abs(Math.log(b[1] / x)) < Math.abs(Math.log(a[1] / x)) ? b : a))[0];

export function percentileSpec(views: RunView[]): SpecBuilder {
  const tables = views.map((v): uPlot.AlignedData => {
    const pts = v.histogram.percentiles.filter((x) => x.p < 100);
    return [pts.map((x) => tailX(x.p)), pts.map((x) => x.ms)];
  });
  const data = views.length > 1 ? uPlot.join(tables) : tables[0];
  return (p) => ({
    data,
    opts: {
      scales: {
        x: { time: false, distr: 3, range: () => [1, 10000] },
        y: { range: (_u, _min, max) => [0, Math.max(1, max) * 1.05] },
      },
      axes: [
        // uPlot's log axes label only 1-2-5 multiples by default; every HDR tick gets a label here.
        axis(p, {
          splits: () => TAIL_TICKS.map(([, x]) => x),
          filter: (_u, splits) => splits,
          values: (_u, splits) => splits.map((x) => (x == null ? '' : formatPercentile(nearestTick(x)))),
        }),
        axis(p, { values: msValues, size: 70 }),
      ],
      series: [
        { label: 'percentile', value: (_u, x) => (x == null ? '' : formatPercentile(100 * (1 - 1 / x))) },
        ...views.map((v, i) => ({ label: runName(v), spanGaps: true, ...seriesStyle(p, i, false) })),
      ],
      legend: { show: true },
    },
  });
}

/** Per-second throughput (left axis) with p50 and p99 latency (right axis) for one run; x spans whole seconds from 0. */
export function timelineSpec(view: RunView): SpecBuilder {
  const t = view.run.timeline;
  const data: uPlot.AlignedData = [t.map((x) => x.t), t.map((x) => x.count), t.map((x) => x.p50), t.map((x) => x.p99)];
  return (p) => ({
    data,
    opts: {
      scales: {
        x: { time: false, range: (u) => [0, Math.max(1, (u.data[0].at(-1) ?? 0) + 1)] },
        rps: { range: (_u, _min, max) => [0, Math.max(1, max) * 1.1] },
        ms: { range: (_u, _min, max) => [0, Math.max(1, max) * 1.1] },
      },
      axes: [
        axis(p, { values: (_u, splits) => splits.map((s) => `${s} s`) }),
        axis(p, { scale: 'rps', label: 'req/s', size: 60 }),
        axis(p, { scale: 'ms', side: 1, values: msValues, size: 70, grid: { show: false } }),
      ],
      series: [
        { label: 't' },
        { label: 'req/s', scale: 'rps', ...seriesStyle(p, 0, true) },
        { label: 'p50', scale: 'ms', ...seriesStyle(p, 2, false) },
        { label: 'p99', scale: 'ms', ...seriesStyle(p, 4, false) },
      ],
      legend: { show: true },
    },
  });
}
