// The results panel for a watched run, in headless Chromium behind the real page and CSP. The run
// record is recorded here from a real watched run: Debian's uvicorn serving the loop-watch fixture
// app with the sitecustomize hook, loaded for ~2 s on /blocking (time.sleep in an async helper),
// the watch's window put on the record exactly as Profile Endpoint does (attachLoopReport).
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { startLoad } from '../../src/core/load/engine';
import type { RunRecord } from '../../src/core/model';
import { nodeFileSystem } from '../../src/core/fs';
import { Parsers } from '../../src/core/parsing/parser';
import { ProjectIndex } from '../../src/core/project';
import { afterStallsWritten, attachLoopReport } from '../../src/core/runtime/levelWindows';
import { prepareLoopWatch } from '../../src/core/runtime/loopWatch';
import { startServer } from '../../src/core/servers';
import { runMessage } from '../../src/vscode/resultsModel';
import { latencies, syntheticRun } from '../unit/vscode-records';
import { FakeHost } from './fakeHost';

const APP = path.join(__dirname, '..', 'fixtures', 'runtime', 'fastapi_stalls');
let host: FakeHost;
let watched: RunRecord;

before(async () => {
  const index = new ProjectIndex(APP, nodeFileSystem, await Parsers.load());
  await index.refresh();
  const watch = prepareLoopWatch({ root: APP });
  const server = await startServer({
    command: ['/usr/bin/python3', '-m', 'uvicorn', '--host', '{host}', '--port', '{port}', 'app:app'],
    cwd: APP,
    extraEnv: watch.env(),
    timeoutMs: 30_000,
  });
  try {
    const startMs = Date.now();
    watched = await startLoad({
      url: `${server.url}/blocking`,
      concurrency: 2,
      durationS: 2.2,
      label: 'GET /blocking (watched)',
    }).result;
    await afterStallsWritten();
    attachLoopReport(watched, watch, { startMs, endMs: Date.now() }, index.routes());
  } finally {
    await server.stop();
    watch.dispose();
  }
  host = await FakeHost.open('loop-watch');
});

after(async () => {
  await host?.close();
});

test('a watched run shows the loop-lag timeline beside the latency timeline, and its top stalls as links', async () => {
  const [stall] = watched.loopStalls ?? [];
  assert.ok(stall && watched.loopLag, `the recorded run watched the loop: ${JSON.stringify(watched.loopStalls)}`);
  assert.ok(watched.loopLag.timeline.length >= 2, JSON.stringify(watched.loopLag.timeline));

  await host.page.setViewportSize({ width: 1100, height: 900 });
  await host.send(runMessage(watched, false));
  await host.page.getByTestId('loop-stall-0').waitFor();

  const lat = await host.page.getByTestId('chart-timeline-latency').boundingBox();
  const lag = await host.page.getByTestId('chart-loop-lag').boundingBox();
  assert.ok(lat && lag, 'both charts are shown');
  assert.ok(
    Math.abs(lat.y - lag.y) < 2 && lag.x > lat.x + lat.width - 1,
    'the loop lag is beside the latency timeline',
  );
  assert.ok((await host.drawnColours('chart-loop-lag')) >= 3, 'the lag is drawn');
  const yLabels = (await host.axes('chart-loop-lag')).axes.find((a) => a.side === 3)?.labels.map((l) => l.text) ?? [];
  assert.ok(
    yLabels.some((t) => /\d+ ms$/.test(t)),
    `the lag axis is in ms: ${yLabels.join(', ')}`,
  );
  assert.match(
    await host.text('loop-lag-summary'),
    new RegExp(`max ${Math.round(watched.loopLag.maxMs).toLocaleString('en-US')} ms`),
  );

  const row = await host.text('loop-stall-0');
  assert.match(row, /app\.py:11\s+read_config\(\)\s+GET \/blocking/);
  assert.match(row, new RegExp(`\\b${stall.count}×`));
  await host.screenshot('watched-dark');

  await host.page.getByTestId('loop-stall-link-0').click();
  const posted = await host.posted();
  assert.deepEqual(posted.at(-1), { type: 'openSource', file: 'app.py', line: 11 });

  await host.lightTheme();
  await host.page.waitForTimeout(300);
  await host.screenshot('watched-light');
  assert.deepEqual(await host.cspViolations(), []);
});

test('a run that did not watch the loop shows neither the lag chart nor the stall list', async () => {
  const plain = syntheticRun({ id: 'unwatched', label: 'not watched', latenciesMs: latencies(50, 5, 20) });
  await host.send(runMessage(plain, false));
  await host.page.getByTestId('run-title').getByText('not watched').waitFor();
  assert.equal(await host.page.getByTestId('chart-loop-lag').isVisible(), false);
  assert.equal(await host.page.getByTestId('loop-stalls-section').isVisible(), false);

  // Watched, and the loop never stalled: said in words, no empty table.
  const calm = syntheticRun({ id: 'calm', label: 'calm', latenciesMs: latencies(50, 5, 20) });
  calm.loopStalls = [];
  calm.loopLag = { p50Ms: 0.3, p99Ms: 1.2, maxMs: 2, timeline: [{ t: 0, maxMs: 2 }] };
  await host.send(runMessage(calm, false));
  await host.page.getByTestId('run-title').getByText('calm').waitFor();
  assert.match(await host.text('loop-stalls'), /No stall over the threshold/);
});
