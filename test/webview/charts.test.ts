// The results panel's charts in headless Chromium (dist/webview.js behind the real CSP) with
// runs chosen to break axes: tight (107–111 ms), wide (1 ms–10 s), short (10 requests) and long
// (60 s). What uPlot drew is read back from the tick-label boxes each chart records (data-axes)
// and from the canvas pixels. Screenshots in light and dark themes go to .test-artifacts/webview/.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { RunRecord } from '../../src/core/model';
import { compareMessage, runMessage } from '../../src/vscode/resultsModel';
import { latencies, spreadTimeline, syntheticRun } from '../unit/vscode-records';
import { assertReadable } from './axes';
import { FakeHost } from './fakeHost';

let host: FakeHost;
before(async () => {
  host = await FakeHost.open('charts');
});
after(async () => {
  await host?.close();
});

/** A deterministic long-tailed sample around `medianMs` (most requests near it, a few up to ×6). */
function realistic(count: number, medianMs: number, seed = 7): number[] {
  let s = seed;
  const rnd = (): number => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  return Array.from({ length: count }, () => {
    const g = (rnd() + rnd() + rnd() + rnd() - 2) * 0.6; // ≈ normal, sd ≈ 0.35
    return medianMs * Math.exp(g + (rnd() < 0.03 ? 1.2 * rnd() + 0.6 : 0));
  });
}

const RUNS: Record<string, RunRecord> = {
  tight: syntheticRun({ label: 'tight 107–111 ms', latenciesMs: latencies(400, 107, 111), durationS: 4.3 }),
  wide: syntheticRun({ label: 'wide 1 ms–10 s', latenciesMs: latencies(300, 1, 10_000, true), durationS: 20.5 }),
  short: syntheticRun({ label: 'short 10 requests', latenciesMs: latencies(10, 101, 104), durationS: 0.11 }),
  long: syntheticRun({ label: 'long 60 s', latenciesMs: realistic(6000, 45), durationS: 60.4 }),
};

const CHARTS = ['chart-histogram', 'chart-percentiles', 'chart-timeline', 'chart-timeline-latency'];

const BLUE_DARK: [number, number, number] = [55, 148, 255];
const GREEN_DARK: [number, number, number] = [137, 209, 133];

async function showRun(run: RunRecord, live = false): Promise<void> {
  await host.send(runMessage(run, live, live ? { elapsedS: run.summary.durationS } : undefined));
  await host.page
    .getByTestId('run-title')
    .filter({ hasText: run.label ?? run.id })
    .waitFor();
  for (const chart of CHARTS) await host.drawnColours(chart);
}

/** Polls a chart until at least `min` pixels are near `rgb` (uPlot draws after setData on a microtask). */
async function pixelsNear(chart: string, rgb: [number, number, number], min: number): Promise<number> {
  let near = 0;
  for (let i = 0; i < 30; i++) {
    near = (await host.canvasColours(chart, rgb)).near;
    if (near >= min) break;
    await host.page.waitForTimeout(100);
  }
  return near;
}

for (const [name, run] of Object.entries(RUNS)) {
  test(`${name} run: every axis readable, bars and lines drawn`, async () => {
    await showRun(run);
    for (const chart of CHARTS) assertReadable(name, chart, await host.axes(chart));
    assert.ok((await pixelsNear('chart-histogram', BLUE_DARK, 200)) >= 200, 'histogram bars drawn');
    assert.ok((await pixelsNear('chart-timeline', BLUE_DARK, 200)) >= 200, 'throughput bars drawn');
    assert.ok((await pixelsNear('chart-timeline-latency', GREEN_DARK, 20)) >= 20, 'p50 drawn, on its own chart');
    await host.screenshot(`chart-${name}`);
  });
}

test('tight run: a linear latency axis with distinct whole-millisecond labels', async () => {
  await showRun(RUNS.tight);
  const x = (await host.axes('chart-histogram')).axes[0].labels.map((l) => l.text);
  assert.ok(x.some((t) => /^108(\.0)? ms$/.test(t)) && x.some((t) => /^110(\.0)? ms$/.test(t)), JSON.stringify(x));
});

test('wide run: a log axis from milliseconds to seconds', async () => {
  await showRun(RUNS.wide);
  const x = (await host.axes('chart-histogram')).axes[0].labels.map((l) => l.text);
  assert.ok(x.includes('1 ms') && x.includes('1 s') && x.includes('10 s'), JSON.stringify(x));
});

test('timeline: no point at t = 0 s, the partial last second marked (not a collapse), p50 not behind req/s', async () => {
  await showRun(RUNS.long);
  const legend = await host.page.getByTestId('chart-timeline').locator('.u-legend').innerText();
  assert.match(legend, /last 0\.40 s \(partial, per second\)/);
  const x = (await host.axes('chart-timeline')).axes[0].labels.map((l) => l.text);
  assert.ok(x.includes('0 s') && x.includes('60 s'), JSON.stringify(x));
  // No dual axes: throughput and latency are two charts with one y axis each.
  assert.equal((await host.axes('chart-timeline')).axes.length, 2);
  assert.equal((await host.axes('chart-timeline-latency')).axes.length, 2);
});

test('live: the histogram rescales as requests arrive (the first snapshot had none)', async () => {
  const id = 'live-1s';
  const empty = syntheticRun({ id, label: 'live 1 s endpoint', latenciesMs: [], statusCodes: {}, durationS: 0.25 });
  await showRun(empty, true);
  const slow = syntheticRun({ id, label: 'live 1 s endpoint', latenciesMs: latencies(6, 1002, 1012), durationS: 1.3 });
  await host.send(runMessage(slow, true, { elapsedS: 1.3 }));
  assert.ok((await pixelsNear('chart-histogram', BLUE_DARK, 200)) >= 200, 'bars of the 1 s requests are drawn');
  const x = (await host.axes('chart-histogram')).axes[0].labels.map((l) => l.text);
  assert.ok(
    x.some((t) => /^1(\.\d+)? s$|^10\d\d ms$/.test(t)),
    `x axis around 1 s: ${JSON.stringify(x)}`,
  );
  await host.screenshot('live-rescaled');
});

test('compare: histograms of a tight and a wide run keep their x labels', async () => {
  await host.send(compareMessage([RUNS.tight, RUNS.wide]));
  await host.page.getByTestId('compare-table').waitFor();
  await host.drawnColours('chart-histogram');
  const drawn = await host.axes('chart-histogram');
  assertReadable('compare', 'chart-histogram', drawn);
  assert.ok(drawn.axes[0].labels.length >= 3, JSON.stringify(drawn.axes[0].labels.map((l) => l.text)));
  await host.screenshot('compare-tight-wide');
});

test('screenshots of the results panel, dark and light (the light one is README material)', async () => {
  const run = syntheticRun({
    label: 'GET /items/{item_id}',
    latenciesMs: realistic(2400, 38, 11),
    durationS: 12.4,
    concurrency: 10,
    url: 'http://127.0.0.1:8000/items/1',
  });
  run.timeline = spreadTimeline(realistic(2400, 38, 11), 12.4);
  await showRun(run);
  await host.viewportShot('results-dark', 1000, 700);
  await host.lightTheme();
  await host.page.waitForTimeout(300);
  for (const chart of CHARTS) assertReadable('light', chart, await host.axes(chart));
  await host.viewportShot('results-light', 1000, 700);
  assert.deepEqual(await host.cspViolations(), []);
  assert.deepEqual(host.errors, []);
});
