// The uPlot charts (latency histogram, HDR percentile curve, per-second throughput and latency),
// each able to overlay several runs. A Chart owns one uPlot instance: new data goes through
// setData (cheap, for live updates) and every scale range is computed from the data uPlot holds,
// so a live chart rescales as requests arrive; a theme change, a different series layout or a
// different axis kind (log vs linear) rebuilds it.
//
// Axes use uPlot's own options, sized from the labels they draw: `size` (y-axis width from the
// widest label, so "1,500 ms" is never clipped), `space` (x-tick spacing from the label width, so
// labels never overlap), `incrs` (1-2-5 steps, whole numbers for counts) and `values` with as many
// decimals as the step needs (so two ticks never read the same). Log axes get 1-2-5 splits thinned
// until their labels fit.
import uPlot from 'uplot';
import type { RunView } from '../src/shared/protocol';
import { formatPercentile } from './format';
import { readPalette, withAlpha, type Palette } from './theme';

export interface ChartSpec {
  opts: Omit<uPlot.Options, 'width' | 'height'>;
  data: uPlot.AlignedData;
  /** What setData cannot change (a log or linear axis): a different shape rebuilds the chart. */
  shape?: string;
}
type SpecBuilder = (palette: Palette) => ChartSpec;

const HEIGHT = 220;
const TICK = 6;
const GAP = 4;

/** Tick labels as drawn, in CSS pixels of the chart (for tests and for anyone inspecting the DOM). */
export interface DrawnAxis {
  side: number;
  /** The band the axis owns: x0..x1 for a y axis, y0..y1 for an x axis. */
  area: [number, number];
  labels: Array<{ text: string; x0: number; x1: number; y0: number; y1: number }>;
}

export class Chart {
  private plot?: uPlot;
  private shape = '';
  private build: SpecBuilder = () => ({ opts: { series: [] }, data: [[]] });

  private readonly resize = new ResizeObserver(() => this.plot?.setSize({ width: this.width(), height: HEIGHT }));

  constructor(private readonly host: HTMLElement) {
    this.resize.observe(host);
  }

  private width(): number {
    return Math.max(200, this.host.clientWidth);
  }

  /** Shows new data; rebuilds only if the series layout or the axis shape changed. */
  show(build: SpecBuilder, layout: string): void {
    this.build = build;
    const spec = build(readPalette());
    const shape = `${layout}|${spec.shape ?? ''}`;
    if (this.plot && shape === this.shape) {
      this.plot.setData(spec.data); // ranges are functions of the data: the scales follow it
      return;
    }
    this.shape = shape;
    this.create(spec);
  }

  /** Redraws with the current theme's colours (canvas cannot follow CSS variables by itself). */
  restyle(): void {
    if (this.plot) this.create(this.build(readPalette()));
  }

  private create(spec: ChartSpec): void {
    this.plot?.destroy();
    const font = readPalette().font;
    const hooks = { ...spec.opts.hooks, draw: [(u: uPlot) => recordAxes(u, this.host, font)] };
    this.plot = new uPlot({ ...spec.opts, hooks, width: this.width(), height: HEIGHT }, spec.data, this.host);
  }

  destroy(): void {
    this.resize.disconnect();
    this.plot?.destroy();
    this.plot = undefined;
  }
}

// ------------------------------------------------------------------ measuring and formatting

let measurer: CanvasRenderingContext2D | null | undefined;
export function textWidth(text: string, font: string): number {
  measurer ??= document.createElement('canvas').getContext('2d');
  if (!measurer) return text.length * 7.5;
  measurer.font = font;
  return measurer.measureText(text).width;
}
const fontPx = (font: string): number => Number(/(\d+(?:\.\d+)?)px/.exec(font)?.[1] ?? 12);

/** 1-2-5 steps from 0.001 to 10,000,000. */
export const STEPS_125 = Array.from({ length: 11 }, (_, d) =>
  [1, 2, 5].map((m) => +(m * 10 ** (d - 3)).toPrecision(6)),
).flat();
/** Whole-number steps (request counts cannot be 0.25). */
const COUNT_STEPS = STEPS_125.filter((s) => s >= 1);
/** Seconds: sub-second steps for short runs, then 1, 2, 5, 10, 15, 30 s, minutes. */
const SECOND_STEPS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600];

const decimalsFor = (step: number): number =>
  Number.isFinite(step) && step > 0 && step < 1 ? Math.min(6, Math.ceil(-Math.log10(step) - 1e-9)) : 0;

/** One axis' millisecond labels, all in ms or all in s, with the decimals the step needs (no two alike). */
export function msLabels(splits: number[], step: number): string[] {
  const max = Math.max(0, ...splits.filter(Number.isFinite).map(Math.abs));
  const inSeconds = max >= 1000;
  const d = decimalsFor(inSeconds ? step / 1000 : step);
  return splits.map((v) =>
    v == null ? '' : inSeconds ? `${uPlot.fmtNum(+(v / 1000).toFixed(d))} s` : `${v.toFixed(d)} ms`,
  );
}

/** A single 1-2-5 value on a log axis: 0.5 ms, 20 ms, 1 s, 10 s. */
const logLabel = (v: number): string => (v >= 1000 ? `${+(v / 1000).toPrecision(3)} s` : `${+v.toPrecision(3)} ms`);

// ------------------------------------------------------------------ axes

export function axis(p: Palette, extra: Partial<uPlot.Axis> = {}): uPlot.Axis {
  return {
    stroke: p.foreground,
    font: p.font,
    labelFont: p.font,
    gap: GAP,
    grid: { stroke: p.grid, width: 1 },
    ticks: { stroke: p.foreground, width: 1, size: TICK },
    ...extra,
  };
}

/** A y axis as wide as its widest label (uPlot calls this again with the labels it chose). */
export function yAxis(p: Palette, extra: Partial<uPlot.Axis>): uPlot.Axis {
  return axis(p, {
    size: (_u, values) =>
      Math.ceil(Math.max(20, ...(values ?? []).map((v) => textWidth(String(v ?? ''), p.font)))) + TICK + GAP + 6,
    ...extra,
  });
}

/** A linear x axis whose ticks are at least a label's width (plus a gap) apart. */
function xSpace(p: Palette, sample: (min: number, max: number, step: number) => string): uPlot.Axis.Space {
  return (_u, _i, min, max, dim) => {
    const step = (max - min) / Math.max(1, dim / 60);
    return Math.max(40, textWidth(sample(min, max, step), p.font) * 1.5 + 16);
  };
}

/**
 * 1-2-5 (or 1–9) multiples of powers of ten inside [lo, hi], the densest set whose labels
 * leave a gap between them at this width; every other decade when even single decades crowd.
 */
export function logSplits(lo: number, hi: number, widthPx: number, measure: (s: string) => number): number[] {
  const sets = [[1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 5], [1, 3], [1]];
  const x = (v: number): number => (widthPx * Math.log(v / lo)) / Math.log(hi / lo);
  const fits = (ticks: number[]): boolean =>
    ticks.every(
      (v, i) => i === 0 || x(v) - x(ticks[i - 1]) >= (measure(logLabel(v)) + measure(logLabel(ticks[i - 1]))) / 2 + 10,
    );
  const decades = (step: number, mantissas: number[]): number[] => {
    const out: number[] = [];
    for (let d = Math.floor(Math.log10(lo)) - 1; d <= Math.ceil(Math.log10(hi)); d += step)
      for (const m of mantissas) {
        const v = +(m * 10 ** d).toPrecision(6);
        if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) out.push(v);
      }
    return out;
  };
  let sparsest: number[] = [];
  for (const mantissas of sets) {
    const ticks = decades(1, mantissas);
    if (ticks.length >= 2 && fits(ticks)) return ticks;
    if (ticks.length) sparsest = ticks;
  }
  for (let step = 2; step <= 4; step++) {
    const ticks = decades(step, [1]);
    if (ticks.length >= 2 && fits(ticks)) return ticks;
  }
  return sparsest.slice(0, 1);
}

export const plotWidthPx = (u: uPlot): number => (u.bbox?.width ? u.bbox.width / uPlot.pxRatio : u.width - 80);

export function seriesStyle(p: Palette, i: number, fill: boolean): Partial<uPlot.Series> {
  const c = p.series[i % p.series.length];
  return { stroke: c, width: 2, ...(fill ? { fill: withAlpha(c, 0.25) } : {}) };
}

export function runName(view: RunView): string {
  return view.name ?? view.run.label ?? view.run.id;
}

export const PADDING: uPlot.Padding = [14, 36, 0, 4];

/** [lo, hi] widened by a tenth of the span (in log space on a log axis), never to nothing. */
function zoomed(lo: number, hi: number, log: boolean): [number, number] {
  if (log) {
    const pad = Math.max(0.1 * Math.log(hi / lo), 0.02);
    return [lo * Math.exp(-pad), hi * Math.exp(pad)];
  }
  const pad = Math.max(0.1 * (hi - lo), 0.01 * hi, 0.001);
  return [Math.max(0, lo - pad), hi + pad];
}

function positiveExtent(xs: ArrayLike<number | null | undefined>): [number, number] | undefined {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i];
    if (x != null && x > 0) {
      lo = Math.min(lo, x);
      hi = Math.max(hi, x);
    }
  }
  return lo <= hi ? [lo, hi] : undefined;
}

export const upTo = (_u: uPlot, _min: number | null, max: number | null): uPlot.Range.MinMax => [
  0,
  Math.max(1, max ?? 0) * 1.08,
];

// ------------------------------------------------------------------ latency histogram

/** Histogram buckets as a step chart over a log (or, over a narrow band, linear) latency axis; several runs as % of their requests. */
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
  const [lo, hi] = positiveExtent(data[0]) ?? [1, 10];
  // Log where latencies span more than ×4; a narrow band (107–111 ms) reads better linear.
  const log = hi / lo > 4;
  const extent = (u: uPlot): [number, number] => positiveExtent(u.data[0]) ?? [1, 10];
  return (p) => ({
    data,
    shape: log ? 'log' : 'linear',
    opts: {
      padding: PADDING,
      scales: {
        x: {
          time: false,
          distr: log ? 3 : 1,
          // Read from the chart's current data, so live snapshots rescale it (it was fixed on the first, empty one).
          range: (u) => zoomed(...extent(u), log),
        },
        y: { range: upTo },
      },
      axes: [
        log
          ? axis(p, {
              splits: (u, _i, min, max) => logSplits(min, max, plotWidthPx(u), (s) => textWidth(s, p.font)),
              filter: (_u, splits) => splits,
              values: (_u, splits) => splits.map((v) => (v == null ? '' : logLabel(v))),
            })
          : axis(p, {
              incrs: STEPS_125,
              space: xSpace(p, (min, max, step) => msLabels([min, max], step)[1]),
              values: (_u, splits, _i, _space, step) => msLabels(splits, step),
            }),
        yAxis(p, {
          label: share ? '% of requests' : 'requests',
          ...(share ? {} : { incrs: COUNT_STEPS }),
          values: (_u, splits) => splits.map((v) => (v == null ? '' : share ? `${v}%` : uPlot.fmtNum(v))),
        }),
      ],
      series: [
        { label: 'latency', value: (_u, v) => (v == null ? '–' : msLabels([v], 0.001)[0]) },
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

// ------------------------------------------------------------------ percentile curve

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
      padding: PADDING,
      scales: {
        x: { time: false, distr: 3, range: () => [1, 10000] },
        y: { range: upTo },
      },
      axes: [
        // uPlot's log axes label only 1-2-5 multiples by default; every HDR tick gets a label here.
        axis(p, {
          splits: () => TAIL_TICKS.map(([, x]) => x),
          filter: (_u, splits) => splits,
          values: (_u, splits) => splits.map((x) => (x == null ? '' : formatPercentile(nearestTick(x)))),
        }),
        yAxis(p, { incrs: STEPS_125, values: (_u, splits, _i, _s, step) => msLabels(splits, step) }),
      ],
      series: [
        { label: 'percentile', value: (_u, x) => (x == null ? '' : formatPercentile(100 * (1 - 1 / x))) },
        ...views.map((v, i) => ({ label: runName(v), spanGaps: true, ...seriesStyle(p, i, false) })),
      ],
      legend: { show: true },
    },
  });
}

// ------------------------------------------------------------------ timeline

export interface TimelineBucket {
  from: number;
  to: number;
  count: number;
  /** Requests per second over the bucket's own width. */
  rate: number;
  p50: number;
  p99: number;
  /** The run ended (or the snapshot was taken) inside this second. */
  partial: boolean;
}

/**
 * The timeline's seconds with their real widths: the last one usually ends with the run, so its
 * count covers a fraction of a second. That fraction is rated over its own width and marked,
 * rather than drawn as a collapse; under a fifth of a second after full seconds it is too short
 * to rate and is left out of the chart (its requests are in the summary).
 */
export function timelineBuckets(run: RunView['run']): TimelineBucket[] {
  const end = run.summary.durationS;
  const points = [...run.timeline].sort((a, b) => a.t - b.t);
  const out: TimelineBucket[] = [];
  points.forEach((pt, i) => {
    const last = i === points.length - 1;
    const to = last && end > pt.t && end < pt.t + 1 ? end : pt.t + 1;
    const width = to - pt.t;
    if (last && width < 0.2 && out.length > 0) return;
    out.push({
      from: pt.t,
      to,
      count: pt.count,
      rate: pt.count / width,
      p50: pt.p50,
      p99: pt.p99,
      partial: width < 0.999,
    });
  });
  return out;
}

function secondsAxis(p: Palette): uPlot.Axis {
  const labels = (splits: number[], step: number): string[] => {
    const d = decimalsFor(step);
    return splits.map((s) => (s == null ? '' : `${uPlot.fmtNum(+s.toFixed(d))} s`));
  };
  return axis(p, {
    incrs: SECOND_STEPS,
    space: xSpace(p, (_min, max, step) => labels([max], step)[0]),
    values: (_u, splits, _i, _space, step) => labels(splits, step),
  });
}

const timeRange = (u: uPlot): uPlot.Range.MinMax => {
  const xs = u.data[0];
  return [0, Math.max(1e-3, (xs.length ? xs[xs.length - 1] : 1) ?? 1)];
};

/**
 * Completed requests per second as bars (steps from each second's start to its end); the last,
 * partial second in its own dashed series, labelled with its width.
 */
export function throughputSpec(view: RunView): SpecBuilder {
  const buckets = timelineBuckets(view.run);
  const full = buckets.filter((b) => !b.partial);
  const part = buckets.find((b) => b.partial);
  const tables: uPlot.AlignedData[] = [
    [
      [...full.map((b) => b.from), ...(full.length ? [full[full.length - 1].to] : [])],
      [...full.map((b) => b.rate), ...(full.length ? [full[full.length - 1].rate] : [])],
    ],
  ];
  if (part)
    tables.push([
      [part.from, part.to],
      [part.rate, part.rate],
    ]);
  const data = tables.length > 1 ? uPlot.join(tables) : tables[0];
  const partLabel = part ? `last ${(part.to - part.from).toFixed(2)} s (partial, per second)` : 'partial second';
  return (p) => ({
    data,
    shape: part ? 'with-partial' : 'whole',
    opts: {
      padding: PADDING,
      scales: { x: { time: false, range: timeRange }, y: { range: upTo } },
      axes: [secondsAxis(p), yAxis(p, { label: 'req/s', values: (_u, s) => s.map((v) => uPlot.fmtNum(v)) })],
      series: [
        { label: 't', value: (_u, v) => (v == null ? '–' : `${+v.toFixed(2)} s`) },
        {
          label: 'req/s',
          points: { show: false },
          paths: uPlot.paths.stepped!({ align: 1 }),
          ...seriesStyle(p, 0, true),
        },
        ...(part
          ? [
              {
                label: partLabel,
                points: { show: false },
                paths: uPlot.paths.stepped!({ align: 1 }),
                dash: [5, 4],
                stroke: p.series[0],
                width: 2,
                fill: withAlpha(p.series[0], 0.1),
              },
            ]
          : []),
      ],
      legend: { show: true },
    },
  });
}

/**
 * p50 and p99 of each second's requests as steps over that second, on their own chart (on a
 * second y axis beside req/s, p50 hid behind the throughput line). Seconds without a completed
 * request leave a gap.
 */
export function latencyTimelineSpec(view: RunView): SpecBuilder {
  const buckets = timelineBuckets(view.run);
  const last = buckets.at(-1);
  const y = (pick: (b: TimelineBucket) => number): Array<number | null> => [
    ...buckets.map((b) => (b.count > 0 ? pick(b) : null)),
    ...(last ? [last.count > 0 ? pick(last) : null] : []),
  ];
  const data: uPlot.AlignedData = [
    [...buckets.map((b) => b.from), ...(last ? [last.to] : [])],
    y((b) => b.p50),
    y((b) => b.p99),
  ];
  return msStepsOverSeconds(data, [
    ['p50', 2],
    ['p99', 4],
  ]);
}

/**
 * Milliseconds per second of the run as steps over each second (x: seconds, then one series per
 * line: its label and palette colour), the shape of the latency and loop-lag timelines.
 */
function msStepsOverSeconds(data: uPlot.AlignedData, lines: Array<[label: string, colour: number]>): SpecBuilder {
  const step = { paths: uPlot.paths.stepped!({ align: 1 }), points: { show: false } };
  return (p) => ({
    data,
    opts: {
      padding: PADDING,
      scales: { x: { time: false, range: timeRange }, y: { range: upTo } },
      axes: [
        secondsAxis(p),
        yAxis(p, { incrs: STEPS_125, values: (_u, splits, _i, _s, inc) => msLabels(splits, inc) }),
      ],
      series: [
        { label: 't', value: (_u, v) => (v == null ? '–' : `${+v.toFixed(2)} s`) },
        ...lines.map(([label, colour]) => ({ label, ...seriesStyle(p, colour, false), ...step })),
      ],
      legend: { show: true },
    },
  });
}

// ------------------------------------------------------------------ server event-loop lag

/**
 * A watched run's loop lag (`loopLag.timeline`: the largest lag seen in each second of the run)
 * as steps over that second, on the same seconds axis as the latency timeline beside it. Seconds
 * without a sample leave a gap.
 */
export function loopLagSpec(view: RunView): SpecBuilder {
  const points = view.run.loopLag?.timeline ?? [];
  const last = points.at(-1);
  const data: uPlot.AlignedData = [
    [...points.map((p) => p.t), ...(last ? [last.t + 1] : [])],
    [...points.map((p) => p.maxMs), ...(last ? [last.maxMs] : [])],
  ];
  return msStepsOverSeconds(data, [['max loop lag', 3]]);
}

// ------------------------------------------------------------------ what was drawn

type AxisInternals = uPlot.Axis & {
  _values?: Array<string | number | null>;
  _splits?: number[];
  _pos?: number;
  _size?: number;
};

/** Writes the drawn tick labels' boxes to `data-axes` on the chart's host (JSON, CSS pixels from the canvas' top left). */
function recordAxes(u: uPlot, host: HTMLElement, font: string): void {
  const fs = fontPx(font);
  const left = u.bbox.left / uPlot.pxRatio;
  const top = u.bbox.top / uPlot.pxRatio;
  const axes: DrawnAxis[] = u.axes.map((a, i) => {
    const ax = a as AxisInternals;
    const side = a.side ?? (i === 0 ? 2 : 3);
    const pos = ax._pos ?? 0;
    const size = ax._size ?? 0;
    const scale = a.scale ?? (i === 0 ? 'x' : 'y');
    const labels: DrawnAxis['labels'] = [];
    (ax._values ?? []).forEach((v, j) => {
      const split = ax._splits?.[j];
      if (v == null || v === '' || split == null) return;
      const text = String(v);
      const w = textWidth(text, font);
      const at = u.valToPos(split, scale);
      if (side === 2) {
        const y0 = pos + TICK + GAP;
        labels.push({ text, x0: left + at - w / 2, x1: left + at + w / 2, y0, y1: y0 + fs });
      } else {
        const anchor = side === 3 ? pos - TICK - GAP : pos + TICK + GAP;
        const [x0, x1] = side === 3 ? [anchor - w, anchor] : [anchor, anchor + w];
        labels.push({ text, x0, x1, y0: top + at - fs / 2, y1: top + at + fs / 2 });
      }
    });
    return { side, area: side === 3 ? [pos - size, pos] : [pos, pos + size], labels };
  });
  host.dataset.axes = JSON.stringify({ width: u.width, height: u.height, axes });
}
