// End to end in code-server (as vscode.test.ts): Sweep Endpoint on a FastAPI `async def`
// handler that calls time.sleep(0.1), served by uvicorn. The sweep panel must say it
// serialises, the Runs view must group the sweep's runs under that verdict, and the handler's
// CodeLens must carry it. Screenshots go to .test-artifacts/e2e/sweep/.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { freePort } from '../fixtures/servers/ports';
import { codeServerEntry, installExtension, serve, type CodeServer } from './codeServer';
import { startLogged, stop, waitForPort, type Started } from './processes';
import { packageVsix, repoRoot } from './vsix';
import { Workbench } from './workbench';

const artifacts = path.join(repoRoot, '.test-artifacts/e2e/sweep');
const fixture = path.join(repoRoot, 'test/fixtures/e2e/sweep');

let tmp: string;
let uvicorn: Started | undefined;
let codeServer: CodeServer | undefined;
let workbench: Workbench | undefined;

before(() => {
  rmSync(artifacts, { recursive: true, force: true });
  mkdirSync(artifacts, { recursive: true });
  tmp = mkdtempSync(path.join(os.tmpdir(), 'ep-e2e-sweep-'));
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
  'in code-server: Sweep Endpoint on the blocking handler shows "serialises" in the panel, the Runs view and the CodeLens',
  { timeout: 300_000 },
  async () => {
    const entry = codeServerEntry();
    const workspace = path.join(tmp, 'workspace');
    cpSync(fixture, workspace, { recursive: true });
    const appPort = await freePort();
    const profile = await installExtension(entry, packageVsix(), tmp, {
      'workbench.startupEditor': 'none',
      'security.workspace.trust.enabled': false,
      'endpointProfiler.baseUrl': `http://127.0.0.1:${appPort}`,
    });
    uvicorn = startLogged(
      '/usr/bin/python3',
      ['-m', 'uvicorn', 'main:app', '--port', String(appPort), '--host', '127.0.0.1'],
      { cwd: workspace, logFile: path.join(artifacts, 'uvicorn.log') },
    );
    await waitForPort(appPort, uvicorn, 30_000);
    codeServer = await serve(entry, profile, workspace, path.join(artifacts, 'code-server.log'));
    workbench = await Workbench.open(codeServer.url, artifacts);

    const source = readFileSync(path.join(workspace, 'main.py'), 'utf8').split('\n');
    const sleepLine = source.findIndex((l) => l.includes('time.sleep(0.1)')) + 1;
    await workbench.openFile('main.py');
    await workbench.problemsOnceLineShows(sleepLine); // the workspace is analysed: the route is known
    await workbench.goToLine(sleepLine);

    const before = new Set(workbench.page.frames());
    await workbench.runCommand('Endpoint Profiler: Sweep Endpoint');
    // 24 requests per level: at 8 concurrent the queue behind the blocked loop is plain (~2.4 s a level).
    await workbench.pick('Custom…');
    await workbench.answerInput('1,2,4,8 24', 'Custom sweep');
    const frame = await workbench.webviewFrameWith('[data-testid="sweep-panel"]', 60_000, before);
    await frame.locator('[data-testid="sweep-level-0-1"]').waitFor({ timeout: 60_000 });
    await workbench.screenshot('sweep-live');
    await frame
      .locator('[data-testid="sweep-series-verdict-0"]', {
        hasText: /serialises|scales|saturates|degrades|inconclusive/,
      })
      .waitFor({ timeout: 120_000 });
    await frame.locator('[data-testid="cancel"]').waitFor({ state: 'detached', timeout: 30_000 });
    await workbench.screenshot('sweep-done');
    const verdict = (await frame.locator('[data-testid="sweep-verdict"]').textContent()) ?? '';
    assert.match(verdict, /^GET \/blocking serialises: at 8 concurrent requests each waits ~\d+× as long as alone/);
    assert.equal((await frame.locator('[data-testid="sweep-series-verdict-0"]').textContent())?.trim(), 'serialises');
    assert.equal(await frame.locator('[data-testid="sweep-table-0"] tbody tr').count(), 4, 'one row per level');

    // The Runs view: one row for the sweep, with its verdict.
    await workbench.runCommand('View: Show Endpoint Profiler');
    const runs = workbench.page
      .locator('.pane', { has: workbench.page.locator('.pane-header', { hasText: 'Runs' }) })
      .locator('.monaco-list-row');
    await runs.filter({ hasText: 'Sweep GET /blocking: serialises' }).first().waitFor({ timeout: 30_000 });
    await workbench.screenshot('runs-grouped');

    // The handler's CodeLens carries the measured verdict.
    await workbench.openFile('main.py');
    await workbench.page
      .locator('.monaco-editor .codelens-decoration', { hasText: 'measured: serialises' })
      .first()
      .waitFor({ timeout: 30_000 });
    await workbench.screenshot('codelens-measured');
  },
);
