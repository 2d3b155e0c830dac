// Compare with 2 and with 6 runs, in a dark and a light theme, at an editor group's width: the
// screenshots kept as test artifacts (.test-artifacts/webview/compare-themes-*.png), and what
// makes them readable checked on the page: nothing scrolls sideways, run names are not cut, every
// run's line is drawn in its own colour, axis labels are drawn in the theme's foreground, and
// no two tick labels overlap or leave the canvas.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { RunRecord } from '../../src/core/model';
import { compareMessage } from '../../src/vscode/resultsModel';
import { syntheticRun } from '../unit/vscode-records';
import { assertReadable } from './axes';
import { DARK, FakeHost, LIGHT } from './fakeHost';

let host: FakeHost;
before(async () => {
  host = await FakeHost.open('compare-themes');
  await host.page.setViewportSize({ width: 900, height: 1000 });
});
after(async () => {
  await host?.close();
});

const SERVERS = [
  { command: 'uvicorn main:app', workers: 1 },
  { command: 'uvicorn main:app --workers 4', workers: 4 },
  { command: 'gunicorn -w 4 -k uvicorn.workers.UvicornWorker main:app', workers: 4 },
];

/** `count` runs of one route, each a little slower than the one before, told apart by server and load. */
function runs(count: number): RunRecord[] {
  return Array.from({ length: count }, (_, i) =>
    syntheticRun({
      id: `2026-02-01T09-00-0${i}-themes${i}`,
      latenciesMs: Array.from({ length: 300 }, (_, k) => (30 + i * 25) * (1 + (k % 10) / 20)),
      durationS: 5,
      concurrency: i % 2 ? 50 : 10,
      server: SERVERS[i % SERVERS.length],
      route: { path: '/items/{item_id}', file: 'main.py', line: 12 },
      createdAt: new Date(Date.UTC(2026, 1, 1, 9, 0, i)).toISOString(),
    }),
  );
}

const rgb = (hex: string): [number, number, number] => {
  const n = parseInt(hex.slice(1), 16);
  return [n >> 16, (n >> 8) & 255, n & 255];
};

/** CIE L*a*b* of an sRGB colour (D65), for how far apart two colours look. */
function lab([r, g, b]: [number, number, number]): [number, number, number] {
  const lin = (c: number): number => ((c /= 255) <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  const [R, G, B] = [lin(r), lin(g), lin(b)];
  const f = (v: number): number => (v > 0.008856 ? Math.cbrt(v) : 7.787 * v + 16 / 116);
  const x = f((0.4124 * R + 0.3576 * G + 0.1805 * B) / 0.95047);
  const y = f(0.2126 * R + 0.7152 * G + 0.0722 * B);
  const z = f((0.0193 * R + 0.1192 * G + 0.9505 * B) / 1.08883);
  return [116 * y - 16, 500 * (x - y), 200 * (y - z)];
}

/** CIE76 ΔE: about 2 is just noticeable side by side; thin lines in a legend need far more. */
const deltaE = (a: [number, number, number], b: [number, number, number]): number =>
  Math.hypot(...lab(a).map((v, i) => v - lab(b)[i]));

/** Runs' colours must be told apart on thin lines, not only differ in their numbers. */
const MIN_DELTA_E = 20;

/** Pixels of a chart's canvas within `tolerance` of each colour (lines are drawn in the colour itself). */
function pixelsNear(testid: string, colours: Array<[number, number, number]>, tolerance: number): Promise<number[]> {
  return host.page.evaluate<number[]>(`(() => {
    const c = document.querySelector('[data-testid="${testid}"] canvas');
    if (!c || c.width === 0) return ${JSON.stringify(colours.map(() => 0))};
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const colours = ${JSON.stringify(colours)};
    const near = colours.map(() => 0);
    for (let i = 0; i < d.length; i += 4) {
      if (d[i + 3] < 200) continue;
      colours.forEach((t, j) => {
        if (Math.abs(d[i] - t[0]) <= ${tolerance} && Math.abs(d[i + 1] - t[1]) <= ${tolerance} && Math.abs(d[i + 2] - t[2]) <= ${tolerance}) near[j]++;
      });
    }
    return near;
  })()`);
}

/** Polls until every colour has at least `min` pixels on the chart (uPlot draws after setData), up to 5 s. */
async function drawnInEach(testid: string, colours: Array<[number, number, number]>, min: number): Promise<number[]> {
  let near: number[] = [];
  for (const until = Date.now() + 5_000; Date.now() < until; await host.page.waitForTimeout(100)) {
    near = await pixelsNear(testid, colours, 6);
    if (near.every((n) => n >= min)) break;
  }
  return near;
}

/** Horizontal overflow of the page and of each table's scroll box, and run names wider than their cell. */
const layout = (): Promise<{ page: number; tables: number[]; cutNames: string[] }> =>
  host.page.evaluate(`(() => ({
    page: document.documentElement.scrollWidth - document.documentElement.clientWidth,
    tables: [...document.querySelectorAll('.table-scroll, table')].map((t) => t.scrollWidth - t.clientWidth),
    cutNames: [...document.querySelectorAll('[data-testid="compare-run-name"], [data-testid="compare-table"] th')]
      .filter((e) => e.scrollWidth > e.clientWidth + 1 || e.getBoundingClientRect().right > document.documentElement.clientWidth)
      .map((e) => e.innerText),
  }))()`);

for (const count of [2, 6]) {
  for (const [theme, vars] of [
    ['dark', DARK],
    ['light', LIGHT],
  ] as const) {
    test(`compare ${count} runs, ${theme} theme: fits the width, names whole, ${count} colours drawn, labels readable`, async () => {
      await (theme === 'dark' ? host.darkTheme() : host.lightTheme());
      const compared = runs(count);
      await host.send(compareMessage(compared));
      await host.page
        .getByTestId('compare-title')
        .filter({ hasText: `Comparing ${count} runs` })
        .waitFor();

      const swatches = await host.page.evaluate<string[]>(
        `[...document.querySelectorAll('[data-testid="compare-legend"] .swatch')].map((s) => getComputedStyle(s).backgroundColor)`,
      );
      assert.equal(swatches.length, count);
      assert.equal(new Set(swatches).size, count, `one colour per run: ${swatches.join(' ')}`);
      const colours = swatches.map((s): [number, number, number] => {
        const [r, g, b] = (s.match(/\d+/g) ?? []).map(Number);
        return [r, g, b];
      });
      for (let i = 0; i < count; i++)
        for (let j = i + 1; j < count; j++) {
          const d = deltaE(colours[i], colours[j]);
          assert.ok(
            d >= MIN_DELTA_E,
            `runs ${i} and ${j} look alike: ${swatches[i]} vs ${swatches[j]} (ΔE ${d.toFixed(1)})`,
          );
        }
      // The series colours are the theme's own (the first: charts-blue of this theme).
      assert.deepEqual(colours[0], rgb(vars['--vscode-charts-blue']));
      // Every run's percentile line is on the canvas in its own colour.
      const near = await drawnInEach('chart-percentiles', colours, 30);
      near.forEach((n, i) => assert.ok(n >= 30, `run ${i}'s line (rgb ${colours[i].join(',')}) drawn: ${n} px`));

      // Tick labels are drawn in the theme's foreground (not dark on dark, light on light) and readable.
      const fg = rgb(vars['--vscode-editor-foreground']);
      for (const chart of ['chart-histogram', 'chart-percentiles']) {
        const [labelPixels] = await pixelsNear(chart, [fg], 24);
        assert.ok(
          labelPixels >= 50,
          `${chart}: ${labelPixels} px in the foreground ${vars['--vscode-editor-foreground']}`,
        );
        assertReadable(`${count} runs ${theme}`, chart, await host.axes(chart));
      }

      const { page, tables, cutNames } = await layout();
      assert.ok(page <= 0, `the page scrolls sideways by ${page} px`);
      tables.forEach((over, i) => assert.ok(over <= 0, `table ${i} scrolls sideways by ${over} px`));
      assert.deepEqual(cutNames, [], 'run names and column titles are whole');
      const body = await host.page.evaluate<string>('getComputedStyle(document.body).backgroundColor');
      assert.equal(body, `rgb(${rgb(vars['--vscode-editor-background']).join(', ')})`, 'the theme background');
      await host.screenshot(`${count}-runs-${theme}`);
      assert.deepEqual(await host.cspViolations(), []);
      assert.deepEqual(host.errors, []);
    });
  }
}

test('ten runs, dark and light: no two runs look alike', async () => {
  for (const theme of ['dark', 'light'] as const) {
    await (theme === 'dark' ? host.darkTheme() : host.lightTheme());
    await host.send(compareMessage(runs(10)));
    await host.page.getByTestId('compare-title').filter({ hasText: 'Comparing 10 runs' }).waitFor();
    const swatches = await host.page.evaluate<string[]>(
      `[...document.querySelectorAll('[data-testid="compare-legend"] .swatch')].map((s) => getComputedStyle(s).backgroundColor)`,
    );
    const colours = swatches.map((s) => (s.match(/\d+/g) ?? []).map(Number) as [number, number, number]);
    assert.equal(colours.length, 10);
    for (let i = 0; i < 10; i++)
      for (let j = i + 1; j < 10; j++) {
        const d = deltaE(colours[i], colours[j]);
        assert.ok(
          d >= MIN_DELTA_E,
          `${theme}: runs ${i} and ${j} look alike: ${swatches[i]} vs ${swatches[j]} (ΔE ${d.toFixed(1)})`,
        );
      }
  }
});
