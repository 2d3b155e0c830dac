// End to end in a real VS Code: code-server 4.100.3 (scripts/setup-code-server.sh) driven by
// Playwright over Debian's Chromium. The packaged .vsix is installed into fresh dirs, a FastAPI
// workspace is served by uvicorn, and the test does what a user does: read Problems, profile.
// Screenshots of every step go to .test-artifacts/e2e/.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { Frame } from 'playwright-core';
import { freePort } from '../fixtures/servers/ports';
import { codeServerEntry, installExtension, serve, type CodeServer } from './codeServer';
import { startLogged, stop, stopAndWait, waitForPort, type Started } from './processes';
import { packageVsix, repoRoot } from './vsix';
import { Workbench } from './workbench';

const artifacts = path.join(repoRoot, '.test-artifacts/e2e');
const fixture = path.join(repoRoot, 'test/fixtures/e2e/fastapi');

/** 1-based line of the first line containing `text` at or after `from`. */
function lineOf(source: string, text: string, from = 1): number {
  const lines = source.split('\n');
  for (let i = from - 1; i < lines.length; i++) if (lines[i].includes(text)) return i + 1;
  throw new Error(`fixture has no line with ${text}`);
}

/** The file's text once it contains `text` (the editor's save reaches the disk asynchronously). */
async function fileOnceItHas(file: string, text: string, timeoutMs = 10_000): Promise<string> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const content = readFileSync(file, 'utf8');
    if (content.includes(text) || Date.now() > until) return content;
    await new Promise((r) => setTimeout(r, 100));
  }
}

let tmp: string;
let uvicorn: Started | undefined;
let codeServer: CodeServer | undefined;
let workbench: Workbench | undefined;
let appPort: number;
let workspace: string;

async function startApp(): Promise<void> {
  uvicorn = startLogged(
    '/usr/bin/python3',
    ['-m', 'uvicorn', 'main:app', '--port', String(appPort), '--host', '127.0.0.1'],
    { cwd: workspace, logFile: path.join(artifacts, 'uvicorn.log') },
  );
  await waitForPort(appPort, uvicorn, 30_000);
}

before(async () => {
  // The last run's screenshots go; loop-watch.test.ts keeps its own in loop-watch/.
  for (const name of existsSync(artifacts) ? readdirSync(artifacts) : [])
    if (name !== 'loop-watch') rmSync(path.join(artifacts, name), { recursive: true, force: true });
  mkdirSync(artifacts, { recursive: true });
  tmp = mkdtempSync(path.join(os.tmpdir(), 'ep-e2e-'));
  workspace = path.join(tmp, 'workspace');
  cpSync(fixture, workspace, { recursive: true });
  appPort = await freePort();
});

after(async () => {
  await workbench?.screenshot('final').catch(() => {
    /* page gone */
  });
  await workbench?.close();
  const logs = tmp && path.join(tmp, 'user-data/logs');
  if (logs && existsSync(logs)) cpSync(logs, path.join(artifacts, 'vscode-logs'), { recursive: true });
  stop(codeServer);
  stop(uvicorn);
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

test(
  'in code-server: blocking-call finding in Problems on the async def handler only',
  { timeout: 240_000 },
  async () => {
    const entry = codeServerEntry(); // fails, naming scripts/setup-code-server.sh, when absent
    const profile = await installExtension(entry, packageVsix(), tmp, {
      'workbench.startupEditor': 'none',
      'security.workspace.trust.enabled': false,
      'endpointProfiler.concurrency': 10,
      'endpointProfiler.requests': 10,
      'endpointProfiler.baseUrl': `http://127.0.0.1:${appPort}`,
    });
    await startApp();
    codeServer = await serve(entry, profile, workspace, path.join(artifacts, 'code-server.log'));
    workbench = await Workbench.open(codeServer.url, artifacts);
    await workbench.screenshot('workbench');

    const source = readFileSync(path.join(workspace, 'main.py'), 'utf8');
    const asyncDef = lineOf(source, 'async def blocking');
    const syncDef = lineOf(source, 'def threadpool');
    const blockingSleep = lineOf(source, 'time.sleep(1)', asyncDef);

    await workbench.openFile('main.py');
    const rows = await workbench.problemsOnceLineShows(blockingSleep);
    await workbench.screenshot('problems');
    const lines = rows.flatMap((r) => [...r.matchAll(/\[Ln (\d+), Col \d+\]/g)].map((m) => Number(m[1])));
    assert.ok(lines.length > 0, `no findings with a location in Problems: ${JSON.stringify(rows)}`);
    assert.ok(
      lines.includes(blockingSleep),
      `no finding on line ${blockingSleep} (time.sleep in async def): ${JSON.stringify(rows)}`,
    );
    assert.ok(
      lines.every((l) => l >= asyncDef && l < syncDef),
      `a finding outside the async def handler (lines ${asyncDef}–${syncDef - 1}): ${JSON.stringify(rows)}`,
    );
  },
);

/**
 * Runs "Profile Endpoint" with the cursor in `handler` and returns the results panel's frame as
 * soon as it shows. `server` answers "What serves port …?", asked on the first run against the
 * port (uvicorn is started by the test, not by the extension).
 */
async function startProfile(wb: Workbench, handler: string, server?: string): Promise<Frame> {
  const source = readFileSync(path.join(workspace, 'main.py'), 'utf8');
  await wb.openFile('main.py'); // a results panel from an earlier run may hold the editor area
  await wb.goToLine(lineOf(source, 'return', lineOf(source, `def ${handler}`)));
  const before = new Set(wb.page.frames());
  await wb.runCommandConfirmingOnce('Endpoint Profiler: Profile Endpoint');
  if (server !== undefined) await wb.answerInput(server, `What serves port ${appPort}`);
  return wb.webviewFrameWith('[data-testid="run-status"]', 60_000, before);
}

/** Runs "Profile Endpoint" with the cursor in `handler` and returns the results panel's frame once the run is final. */
async function profileHandler(wb: Workbench, handler: string, server?: string): Promise<Frame> {
  const frame = await startProfile(wb, handler, server);
  await frame.locator('[data-testid="run-status"]', { hasText: /complete/i }).waitFor({ timeout: 120_000 });
  return frame;
}

/** Pixels of the theme's first chart colour on the histogram's canvas: the bars. */
const histogramBars = (frame: Frame): Promise<number> =>
  frame.evaluate(`(() => {
    const hex = getComputedStyle(document.body).getPropertyValue('--vscode-charts-blue').trim() || '#3794ff';
    const n = parseInt(hex.replace('#', '').slice(0, 6), 16);
    const t = [n >> 16, (n >> 8) & 255, n & 255];
    const c = document.querySelector('[data-testid="chart-histogram"] canvas');
    if (!c || c.width === 0) return 0;
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let near = 0;
    for (let i = 0; i < d.length; i += 4)
      if (d[i + 3] > 0 && Math.abs(d[i] - t[0]) < 40 && Math.abs(d[i + 1] - t[1]) < 40 && Math.abs(d[i + 2] - t[2]) < 40) near++;
    return near;
  })()`);

const seconds = (text: string | null): number => {
  const m = /([\d.,]+)\s*(ms|s)\b/.exec(text ?? '');
  if (!m) throw new Error(`no duration in ${JSON.stringify(text)}`);
  const v = Number(m[1].replace(/,/g, ''));
  return m[2] === 'ms' ? v / 1000 : v;
};

test(
  'in code-server: Profile Endpoint in the blocking handler (10 concurrent, 10 requests) shows the queue in the panel',
  { timeout: 240_000 },
  async () => {
    assert.ok(workbench, 'the workbench did not open');
    const frame = await profileHandler(workbench, 'blocking', 'python3 -m uvicorn main:app');
    await workbench.screenshot('profile-blocking');
    assert.equal((await frame.locator('[data-testid="summary-count"]').textContent())?.trim(), '10');
    // time.sleep(1) on the loop serialises the 10 requests: the last waits for the nine before it.
    assert.ok(
      seconds(await frame.locator('[data-testid="summary-p99"]').textContent()) >= 5,
      'p99 of 10 serialised 1 s requests is ≥ 5 s',
    );
    assert.ok(
      (await frame.locator('[data-testid="chart-histogram"] canvas').count()) > 0,
      'a histogram chart is drawn',
    );
  },
);

test(
  'in code-server: the quick fix turns time.sleep into await asyncio.sleep and the finding goes',
  { timeout: 120_000 },
  async () => {
    assert.ok(workbench, 'the workbench did not open');
    const file = path.join(workspace, 'main.py');
    await workbench.openFile('main.py');
    await workbench.goToLine(
      lineOf(readFileSync(file, 'utf8'), 'time.sleep(1)', lineOf(readFileSync(file, 'utf8'), 'async def blocking')),
    );
    await workbench.applyQuickFix('Replace with await asyncio.sleep');
    await workbench.save();
    const fixed = await fileOnceItHas(file, 'asyncio.sleep');
    assert.match(fixed, /^import asyncio$/m);
    const asyncDef = lineOf(fixed, 'async def blocking');
    assert.equal(lineOf(fixed, 'await asyncio.sleep(1)', asyncDef), asyncDef + 1, fixed);
    assert.equal(
      lineOf(fixed, 'time.sleep(1)', asyncDef),
      lineOf(fixed, 'def threadpool') + 1,
      'the def handler keeps its time.sleep',
    );
    await workbench.page.locator('.markers-panel', { hasText: 'No problems have been detected' }).waitFor();
    await workbench.screenshot('quick-fix-applied');
  },
);

test(
  'in code-server: after the fix a second run appears in Runs, and Compare shows the latency drop',
  { timeout: 300_000 },
  async () => {
    assert.ok(workbench, 'the workbench did not open');
    await stopAndWait(uvicorn); // uvicorn runs without --reload: serve the fixed code
    await startApp();
    await profileHandler(workbench, 'blocking');
    await workbench.screenshot('profile-fixed');
    await workbench.runCommand('View: Show Endpoint Profiler');
    const runs = workbench.page
      .locator('.pane', { has: workbench.page.locator('.pane-header', { hasText: 'Runs' }) })
      .locator('.monaco-list-row');
    await runs.nth(1).waitFor();
    assert.equal(await runs.count(), 2, 'two runs in the Runs view');
    // The answer to "What serves port …?" given on the first run is on both rows (remembered per port).
    for (const i of [0, 1]) assert.match((await runs.nth(i).textContent()) ?? '', /uvicorn main:app · 1 worker/);
    await runs.nth(0).click();
    await runs.nth(1).click({ modifiers: ['Control'] });
    await workbench.screenshot('runs-selected');
    const before = new Set(workbench.page.frames());
    await workbench.runCommand('Endpoint Profiler: Compare Runs');
    const frame = await workbench.webviewFrameWith('[data-testid="compare-table"]', 60_000, before);
    await workbench.screenshot('compare');
    const p50 = frame.locator('[data-testid="compare-row-p50"]');
    const values = (await p50.locator('[data-testid="compare-value"]').allTextContents()).map(seconds);
    assert.equal(values.length, 2, `two p50 values: ${JSON.stringify(values)}`);
    // Baseline (the older, blocking run) first: uvicorn flushes nine of the ten answers after ~10 s; the fixed handler answers in ~1 s.
    assert.ok(values[0] >= 3 && values[1] <= 2 && values[1] < values[0] / 2, `p50 dropped: ${JSON.stringify(values)}`);
    assert.equal(
      (await frame.locator('[data-testid="verdict-p50"]').textContent())?.trim(),
      'better',
      'the drop is called, not left inconclusive',
    );
  },
);

// Last: these add runs, and the Compare test above counts two.
test(
  'in code-server: Profile URL… on a path the app does not have (404) shows the failure banner',
  { timeout: 120_000 },
  async () => {
    assert.ok(workbench, 'the workbench did not open');
    const before = new Set(workbench.page.frames());
    await workbench.runCommand('Endpoint Profiler: Profile URL…');
    await workbench.answerInput(`http://127.0.0.1:${appPort}/missing`, 'Profile URL');
    // Focus moving to the Compare webview (a late focus-back, or a click) leaves the flow's picker open.
    await workbench.clickAwayFrom('From settings');
    await workbench.pick('From settings', 5_000); // the settings' 10 × 10, first in the list
    const frame = await workbench.webviewFrameWith('[data-testid="failure-banner"]', 60_000, before);
    await workbench.screenshot('profile-url-404');
    assert.match(
      (await frame.locator('[data-testid="failure-banner"]').textContent()) ?? '',
      /No request got an expected response \(200-399\): 10 × 404/,
    );
    assert.doesNotMatch((await frame.locator('[data-testid="run-status"]').textContent()) ?? '', /^Complete/);
  },
);

test(
  'in code-server: the histogram draws bars while a run of a 1 s endpoint is still going',
  { timeout: 120_000 },
  async () => {
    assert.ok(workbench, 'the workbench did not open');
    // One at a time, four requests to the 1 s threadpool handler: an answer each second for ~4 s.
    const source = readFileSync(path.join(workspace, 'main.py'), 'utf8');
    await workbench.openFile('main.py');
    await workbench.goToLine(lineOf(source, 'return', lineOf(source, 'def threadpool')));
    const before = new Set(workbench.page.frames());
    await workbench.runCommand('Endpoint Profiler: Profile Endpoint');
    await workbench.pick('Custom…');
    await workbench.answerInput('1 4', 'Custom load profile');
    const frame = await workbench.webviewFrameWith('[data-testid="run-status"]', 60_000, before);
    let bars = 0;
    let status = '';
    const until = Date.now() + 30_000;
    while (Date.now() < until) {
      status = (await frame.locator('[data-testid="run-status"]').textContent()) ?? '';
      if (!/^Running/.test(status)) break;
      bars = await histogramBars(frame);
      if (bars >= 100) break;
      await workbench.page.waitForTimeout(250);
    }
    await workbench.screenshot('live-histogram');
    assert.match(status, /^Running/, `still running when the bars showed (${bars} pixels)`);
    assert.ok(bars >= 100, `histogram bars drawn while the run goes on (${bars} pixels)`);
    await frame.locator('[data-testid="run-status"]', { hasText: /complete/i }).waitFor({ timeout: 60_000 });
  },
);
