// The sweep panel's charts: throughput and latency against concurrency on a log-2 x axis, one
// colour per configuration. Measured levels are points; the USL fit the host sampled is a
// dashed line of the same colour through them; p50 is solid and p99 dashed on the latency chart.
import uPlot from 'uplot';
import type { SweepSeriesView } from '../src/shared/protocol';
import { axis, msLabels, PADDING, STEPS_125, upTo, yAxis, type ChartSpec } from './charts';
import type { Palette } from './theme';

type SpecBuilder = (palette: Palette) => ChartSpec;

const colourOf = (p: Palette, i: number): string => p.series[i % p.series.length];
const noLine: uPlot.Series.PathBuilder = () => null;

/** The levels measured by any configuration: the x axis' ticks. */
function measuredLevels(series: readonly SweepSeriesView[]): number[] {
  return [...new Set(series.flatMap((s) => s.sweep?.levels.map((l) => l.concurrency) ?? []))].sort((a, b) => a - b);
}

function xAxisOf(p: Palette, ticks: number[]): uPlot.Axis {
  return axis(p, {
    label: 'concurrent requests',
    splits: () => ticks,
    filter: (_u, splits) => splits,
    values: (_u, splits) => splits.map((v) => (v == null ? '' : String(Math.round(v)))),
  });
}

/** [lo/1.25, hi×1.25] around the levels, so the end points are not on the frame. */
function xRange(ticks: number[]): uPlot.Range.Function {
  return () => (ticks.length ? [ticks[0] / 1.25, ticks[ticks.length - 1] * 1.25] : [1, 16]);
}

/**
 * What setData cannot change: the series and the axis' ticks and range (functions of the levels
 * measured, fixed when the chart is built), so a new level rebuilds the chart — a few times a sweep.
 */
const layoutOf = (series: readonly SweepSeriesView[], withFit: boolean): string =>
  `${measuredLevels(series).join(',')}|${series.map((s) => `${s.name}:${withFit && s.fit ? 'fit' : ''}`).join('|')}`;

/** Throughput (ok req/s) per level, with each configuration's USL curve. */
export function sweepThroughputSpec(series: readonly SweepSeriesView[]): { build: SpecBuilder; layout: string } {
  const tables: uPlot.AlignedData[] = [];
  const kinds: Array<{ i: number; fit: boolean; name: string }> = [];
  series.forEach((s, i) => {
    const levels = s.sweep?.levels ?? [];
    tables.push([levels.map((l) => l.concurrency), levels.map((l) => l.rps)]);
    kinds.push({ i, fit: false, name: s.name });
    if (s.fit) {
      tables.push([s.fit.concurrency, s.fit.rps]);
      kinds.push({ i, fit: true, name: `${s.name} (USL fit)` });
    }
  });
  const ticks = measuredLevels(series);
  const data: uPlot.AlignedData = tables.length > 1 ? uPlot.join(tables) : (tables[0] ?? [[]]);
  const build: SpecBuilder = (p) => ({
    data,
    opts: {
      padding: PADDING,
      scales: { x: { time: false, distr: 3, log: 2, range: xRange(ticks) }, y: { range: upTo } },
      axes: [xAxisOf(p, ticks), yAxis(p, { label: 'req/s', values: (_u, s) => s.map((v) => uPlot.fmtNum(v)) })],
      series: [
        { label: 'concurrency', value: (_u, v) => (v == null ? '–' : `${+v.toPrecision(3)}`) },
        ...kinds.map(({ i, fit, name }) =>
          fit
            ? { label: name, stroke: colourOf(p, i), width: 1.5, dash: [6, 4], spanGaps: true, points: { show: false } }
            : {
                label: name,
                stroke: colourOf(p, i),
                fill: colourOf(p, i),
                width: 2,
                paths: noLine,
                points: { show: true, size: 9, fill: colourOf(p, i), stroke: colourOf(p, i) },
              },
        ),
      ],
      legend: { show: true },
    },
  });
  return { build, layout: `x:${layoutOf(series, true)}` };
}

/** p50 (solid) and p99 (dashed) per level and configuration. */
export function sweepLatencySpec(series: readonly SweepSeriesView[]): { build: SpecBuilder; layout: string } {
  const tables: uPlot.AlignedData[] = series.map((s) => {
    const levels = s.sweep?.levels ?? [];
    return [levels.map((l) => l.concurrency), levels.map((l) => l.latencyMs.p50), levels.map((l) => l.latencyMs.p99)];
  });
  const ticks = measuredLevels(series);
  const data: uPlot.AlignedData = tables.length > 1 ? uPlot.join(tables) : (tables[0] ?? [[]]);
  const build: SpecBuilder = (p) => ({
    data,
    opts: {
      padding: PADDING,
      scales: { x: { time: false, distr: 3, log: 2, range: xRange(ticks) }, y: { range: upTo } },
      axes: [xAxisOf(p, ticks), yAxis(p, { incrs: STEPS_125, values: (_u, s, _i, _sp, step) => msLabels(s, step) })],
      series: [
        { label: 'concurrency', value: (_u, v) => (v == null ? '–' : `${+v.toPrecision(3)}`) },
        ...series.flatMap((s, i) => [
          {
            label: `${s.name} p50`,
            stroke: colourOf(p, i),
            width: 2,
            spanGaps: true,
            points: { show: true, size: 7, fill: colourOf(p, i) },
          },
          {
            label: `${s.name} p99`,
            stroke: colourOf(p, i),
            width: 1.5,
            dash: [5, 4],
            spanGaps: true,
            points: { show: true, size: 5 },
          },
        ]),
      ],
      legend: { show: true },
    },
  });
  return { build, layout: `lat:${layoutOf(series, false)}` };
}
