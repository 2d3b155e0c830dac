// End to end in code-server: the user runs Start Server (the workspace's command shown in the
// consent dialog and accepted), then Profile Endpoint on two handlers of a FastAPI app. The server
// runs with the loop watch (endpointProfiler.watchLoop defaults to on): the time.sleep handler's
// EP101 gets "confirmed: blocked the loop …", and the CPU loop no rule sees becomes EP301 in
// Problems. Screenshots (consent, results panel in dark and light theme) go to
// .test-artifacts/e2e/loop-watch/.
//
// Why an earlier attempt never saw the consent dialog: it is shown only when Start Server would
// really start something — nothing may listen at baseUrl yet (the other e2e test starts uvicorn
// itself, and Start Server then only says "already listens"), the command must come from the
// setting or detection (a typed command is its own approval) and not be approved before in the
// workspace. And it is a modal: code-server draws it in the workbench's main frame as
// `.monaco-dialog-box`, not as a notification toast.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { Frame } from 'playwright-core';
import { freePort } from '../fixtures/servers/ports';
import { codeServerEntry, installExtension, serve, type CodeServer } from './codeServer';
import { stop, waitForPort } from './processes';
import { packageVsix, repoRoot } from './vsix';
import { Workbench } from './workbench';

const artifacts = path.join(repoRoot, '.test-artifacts/e2e/loop-watch');
const fixture = path.join(repoRoot, 'test/fixtures/e2e/loop_watch');
const COMMAND = '/usr/bin/python3 -m uvicorn main:app --host {host} --port {port}';

function lineOf(source: string, text: string, from = 1): number {
  const lines = source.split('\n');
  for (let i = from - 1; i < lines.length; i++) if (lines[i].includes(text)) return i + 1;
  throw new Error(`fixture has no line with ${text}`);
}

let tmp: string;
let workspace: string;
let appPort: number;
let codeServer: CodeServer | undefined;
let workbench: Workbench | undefined;

before(async () => {
  rmSync(artifacts, { recursive: true, force: true });
  mkdirSync(artifacts, { recursive: true });
  tmp = mkdtempSync(path.join(os.tmpdir(), 'ep-e2e-loop-'));
  workspace = path.join(tmp, 'workspace');
  cpSync(fixture, workspace, { recursive: true });
  appPort = await freePort();
  const settings = {
    'workbench.startupEditor': 'none',
    'workbench.colorTheme': 'Default Dark Modern',
    'workbench.preferredLightColorTheme': 'Default Light Modern',
    // Nothing leaves this machine: no marketplace or update checks.
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'telemetry.telemetryLevel': 'off',
    'security.workspace.trust.enabled': false,
    'endpointProfiler.concurrency': 4,
    'endpointProfiler.requests': 4,
    'endpointProfiler.baseUrl': `http://127.0.0.1:${appPort}`, // nothing listens there yet
    'endpointProfiler.serverCommand': COMMAND,
  };
  const entry = codeServerEntry(); // fails, naming scripts/setup-code-server.sh, when absent
  const profile = await installExtension(entry, packageVsix(), tmp, settings);
  codeServer = await serve(entry, profile, workspace, path.join(artifacts, 'code-server.log'));
  workbench = await Workbench.open(codeServer.url, artifacts);
});

after(async () => {
  await workbench?.screenshot('final').catch(() => {
    /* page gone */
  });
  await workbench?.close();
  const logs = tmp && path.join(tmp, 'user-data/logs');
  if (logs && existsSync(logs)) cpSync(logs, path.join(artifacts, 'vscode-logs'), { recursive: true });
  stop(codeServer); // its process group, with the extension host
  stopStartedInWorkspace(); // Start Server's uvicorn has its own group, which a killed extension host cannot stop
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** SIGKILL to the process group of every process running in the test's workspace (the uvicorn Start Server started). */
function stopStartedInWorkspace(): void {
  if (!workspace) return;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (readlinkSync(`/proc/${pid}/cwd`) !== workspace) continue;
      process.kill(-Number(pid), 'SIGKILL');
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
}

/** Profile Endpoint with the cursor in `handler`; the results panel's frame once the run is final. */
async function profileHandler(wb: Workbench, handler: string): Promise<Frame> {
  const source = readFileSync(path.join(workspace, 'main.py'), 'utf8');
  await wb.openFile('main.py');
  await wb.goToLine(lineOf(source, 'return', lineOf(source, `def ${handler}`)));
  const before = new Set(wb.page.frames());
  await wb.runCommandConfirmingOnce('Endpoint Profiler: Profile Endpoint');
  const frame = await wb.webviewFrameWith('[data-testid="run-status"]', 60_000, before);
  await frame.locator('[data-testid="run-status"]', { hasText: /complete/i }).waitFor({ timeout: 90_000 });
  await frame.locator('[data-testid="loop-stalls"]').waitFor({ timeout: 10_000 });
  return frame;
}

test(
  'in code-server: Start Server shows its command for consent, runs it watched, and runs confirm and measure stalls',
  { timeout: 240_000 },
  async () => {
    const wb = workbench!;
    const source = readFileSync(path.join(workspace, 'main.py'), 'utf8');
    const sleepLine = lineOf(source, 'time.sleep(0.3)');
    const loopFrom = lineOf(source, 'while time.monotonic()');

    // The static finding is there before any run.
    await wb.openFile('main.py');
    await wb.problemsOnceLineShows(sleepLine);

    await wb.runCommand('Endpoint Profiler: Start Server');
    const dialog = wb.page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 30_000 });
    const asked = (await dialog.textContent()) ?? '';
    await wb.screenshot('start-server-consent');
    assert.ok(asked.includes(COMMAND), `the exact command is shown: ${asked}`);
    assert.match(asked, /event loop is watched/);
    await dialog.locator('.monaco-button', { hasText: 'Run Command' }).click();
    await dialog.waitFor({ state: 'detached' });
    await waitForPort(appPort, codeServer!, 90_000); // the server Start Server started accepts connections

    const sleepy = await profileHandler(wb, 'sleepy');
    const row = (await sleepy.locator('[data-testid="loop-stall-0"]').textContent()) ?? '';
    assert.match(row, new RegExp(`main\\.py:${sleepLine}`), row);
    assert.match(row, /sleepy\(\)/);
    await sleepy.locator('[data-testid="chart-loop-lag"]').scrollIntoViewIfNeeded(); // the loop part in the shot
    await wb.screenshot('results-sleepy-dark');

    // EP101 on the time.sleep line now carries the run's confirmation (related information in Problems).
    const rows = await wb.problemsOnceLineShows(sleepLine);
    await wb.page
      .locator('.markers-panel .monaco-list-row', { hasText: /confirmed: blocked the loop \d+× ~\d+/ })
      .first()
      .waitFor({ timeout: 30_000 });
    await wb.screenshot('problems-confirmed');
    assert.ok(rows.length > 0);

    const crunch = await profileHandler(wb, 'crunch');
    const cpuRow = (await crunch.locator('[data-testid="loop-stall-0"]').textContent()) ?? '';
    assert.match(cpuRow, /crunch\(\)/, cpuRow);
    await crunch.locator('[data-testid="chart-loop-lag"]').scrollIntoViewIfNeeded();
    await wb.screenshot('results-crunch-dark');

    // The CPU loop: no static finding, a measured EP301 in Problems on a line of the loop.
    const measured = wb.page.locator('.markers-panel .monaco-list-row', {
      hasText: /measured: blocked the event loop/,
    });
    await measured.first().waitFor({ timeout: 30_000 });
    const text = (await measured.first().textContent()) ?? '';
    const at = Number(/\[Ln (\d+),/.exec(text)?.[1]);
    assert.ok(at >= loopFrom && at <= loopFrom + 2, `EP301 at line ${at}, not in the loop (${loopFrom}…): ${text}`);
    assert.match(text, /EP301/);
    await wb.screenshot('problems-measured');

    // The stall's link opens its line in the editor.
    await crunch.locator('[data-testid="loop-stall-link-0"]').click();
    await wb.page.locator('.statusbar', { hasText: `Ln ${at},` }).waitFor({ timeout: 15_000 });

    // The same panel in a light theme, switched the way a user does (the command that toggles to
    // workbench.preferredLightColorTheme; clicked by its exact title, so no marketplace browser opens).
    const toggle = 'Preferences: Toggle between Light/Dark Themes';
    await wb.page.keyboard.press('F1');
    const palette = wb.page.locator('.quick-input-widget');
    await palette.locator('input').fill(`>${toggle}`);
    await palette.locator('.monaco-list-row', { hasText: toggle }).first().click();
    // The link showed main.py in the panel's editor group, so the panel's webview was dropped:
    // its tab brings it back, drawn again from the host's snapshot, now with vscode-light on its body.
    await wb.page.locator('.tab', { hasText: 'GET /crunch' }).first().click();
    const light = await wb.webviewFrameWith('body.vscode-light [data-testid="loop-stalls"]', 30_000);
    await light.locator('[data-testid="loop-stall-0"]').waitFor();
    await wb.page.waitForTimeout(1_000);
    await light.locator('[data-testid="chart-loop-lag"]').scrollIntoViewIfNeeded();
    await wb.screenshot('results-crunch-light');
  },
);
