// The sweep panel of the built webview (dist/webview.js) in Chromium behind the real page and
// CSP, fed what the host sends during and after real sweeps (runSweep through the load engine)
// of a 127.0.0.1 server: a handler that blocks the server's loop and one that waits on a timer.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { runSweep, type SweepOutcome } from '../../src/core/sweep';
import type { SweepMessage } from '../../src/shared/protocol';
import { measuredWord, seriesView, sweepMessage } from '../../src/vscode/sweepModel';
import { formatRate } from '../../webview/format';
import { startDelayServer, type TestServer } from '../fixtures/servers/delay-server';
import { FakeHost } from './fakeHost';

let srv: TestServer;
let host: FakeHost;
let blocking: SweepOutcome;
let waiting: SweepOutcome;
/** The live messages the host would post at the start of each level of the blocking sweep. */
const liveMessages: SweepMessage[] = [];

before(async () => {
  srv = await startDelayServer();
  // As test/integration/sweep-run.test.ts: request counts, one warm-up; 100 ms on the loop per request.
  blocking = await runSweep(
    { url: `${srv.url}blocking?stallMs=100`, levels: [1, 2, 4, 8], requests: 24, warmup: 1, label: 'GET /blocking' },
    (p) => {
      if (p.load) return;
      const partial = p.partial.levels.length ? p.partial : undefined;
      liveMessages.push(
        sweepMessage(
          'Sweep GET /blocking',
          true,
          [seriesView('GET /blocking', 'running', partial, { current: { concurrency: p.concurrency } })],
          { totalLevels: 4 },
        ),
      );
    },
  );
  waiting = await runSweep({ url: `${srv.url}wait?ms=100`, levels: [1, 2, 4, 8], requests: 24, warmup: 1 });
  host = await FakeHost.open('sweep');
});

after(async () => {
  await host?.close();
  await srv?.close();
});

test('live: each finished level appears as a row while the next is measured, with a Cancel that posts cancel', async () => {
  assert.equal(blocking.result.verdict.kind, 'serialised', blocking.result.verdict.text);
  assert.equal(liveMessages.length, 4);
  for (const [i, m] of liveMessages.entries()) {
    await host.send(m);
    await host.page.getByTestId('sweep-level-0-running').filter({ hasText: 'measuring' }).waitFor();
    assert.equal(await host.page.locator('[data-testid="sweep-table-0"] tbody tr').count(), i + 1, `level ${i + 1}`);
    for (const l of blocking.result.levels.slice(0, i))
      assert.equal(
        await host.page.getByTestId(`sweep-level-0-${l.concurrency}`).locator('td').nth(1).innerText(),
        formatRate(l.rps),
      );
  }
  assert.match(await host.text('sweep-verdict'), /^GET \/blocking\?stallMs=100 (serialises|.*inconclusive)/);
  assert.match(await host.text('sweep-notes'), /^Measuring 8 concurrent requests \(level 4 of 4\)…/);
  await host.screenshot('live');
  await host.page.getByTestId('cancel').click();
  assert.deepEqual((await host.posted()).at(-1), { type: 'cancel' });
  // The final snapshot of the same panel: the last level joins the axis (its ticks were built for three).
  await host.send(sweepMessage('Sweep GET /blocking', false, [seriesView('GET /blocking', 'done', blocking.result)]));
  await host.page.getByTestId('sweep-level-0-8').waitFor();
  for (const chart of ['chart-sweep-throughput', 'chart-sweep-latency']) {
    const x = (await host.axes(chart)).axes.find((a) => a.side === 2)!;
    assert.deepEqual(
      x.labels.map((l) => l.text),
      ['1', '2', '4', '8'],
      `${chart}: every level on the x axis`,
    );
  }
  assert.equal(await host.text('sweep-verdict'), blocking.result.verdict.text);
});

test('done: the verdict sentence on top, both curves and the USL fit drawn on log-2 axes, each level one click from its run', async () => {
  const m = sweepMessage('Sweep GET /blocking and GET /wait', false, [
    seriesView('GET /blocking', 'done', blocking.result),
    seriesView('GET /wait', 'done', waiting.result),
  ]);
  // Two series: the host names the best; here the point is the per-series verdicts and charts.
  m.headline = blocking.result.verdict.text;
  await host.send(m);
  // The timer handler scales on a quiet machine; the panel must say whatever the sweep measured.
  const waitWord = measuredWord(waiting.result.verdict);
  await host.page.getByTestId('sweep-series-verdict-1').filter({ hasText: waitWord }).waitFor();
  assert.equal(await host.text('sweep-verdict'), blocking.result.verdict.text);
  assert.match(
    await host.text('sweep-verdict'),
    /serialises: at 8 concurrent requests each waits ~\d+× as long as alone/,
  );
  assert.equal(await host.text('sweep-series-verdict-0'), 'serialises');
  assert.equal(await host.page.getByTestId('cancel').count(), 0, 'no Cancel once it is over');
  for (const l of blocking.result.levels)
    assert.equal(
      await host.page.getByTestId(`sweep-level-0-${l.concurrency}`).locator('td').nth(1).innerText(),
      formatRate(l.rps),
    );
  assert.match(await host.text('sweep-usl-0'), /^USL fit: α = /);
  // Two configurations' points, two dashed fits: at least the two series colours plus axes.
  assert.ok((await host.drawnColours('chart-sweep-throughput', 4)) >= 4);
  assert.ok((await host.drawnColours('chart-sweep-latency', 4)) >= 4);
  const x = (await host.axes('chart-sweep-throughput')).axes.find((a) => a.side === 2)!;
  assert.deepEqual(
    x.labels.map((l) => l.text),
    ['1', '2', '4', '8'],
    'the measured levels label the log x axis',
  );
  // Equal ratios take equal room on a log axis: 1→2, 2→4, 4→8 are as wide as each other.
  const mid = x.labels.map((l) => (l.x0 + l.x1) / 2);
  const gaps = mid.slice(1).map((v, i) => v - mid[i]);
  assert.ok(Math.max(...gaps) - Math.min(...gaps) < 3, `log spacing: ${JSON.stringify(gaps)}`);
  await host.screenshot('done');
  const top = blocking.result.levels.at(-1)!;
  await host.page.getByTestId(`open-run-0-${top.concurrency}`).click();
  assert.deepEqual((await host.posted()).at(-1), { type: 'openRun', runId: top.runId });
  assert.deepEqual((await host.states()).at(-1), {
    kind: 'sweep',
    runIds: [...blocking.records, ...waiting.records].map((r) => r.id),
  });
  assert.deepEqual(await host.cspViolations(), []);
  assert.deepEqual(host.errors, []);
  // README material (media/screenshot-sweep.png): what Sweep Endpoint shows for the blocking handler, light theme.
  await host.send(sweepMessage('Sweep GET /blocking', false, [seriesView('GET /blocking', 'done', blocking.result)]));
  await host.page.getByTestId('sweep-series-1').waitFor({ state: 'detached' });
  await host.lightTheme();
  await host.viewportShot('light', 1000, 760);
});
