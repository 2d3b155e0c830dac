// End to end in a real VS Code: code-server 4.100.3 (scripts/setup-code-server.sh) driven by
// Playwright over Debian's Chromium. The packaged .vsix is installed into fresh dirs, a FastAPI
// workspace is served by uvicorn, and the test does what a user does: read Problems, profile.
// Screenshots of every step go to .test-artifacts/e2e/.
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
  uvicorn = startLogged('/usr/bin/python3', ['-m', 'uvicorn', 'main:app', '--port', String(appPort), '--host', '127.0.0.1'], { cwd: workspace, logFile: path.join(artifacts, 'uvicorn.log') });
  await waitForPort(appPort, uvicorn, 30_000);
}

before(async () => {
  rmSync(artifacts, { recursive: true, force: true });
  mkdirSync(artifacts, { recursive: true });
  tmp = mkdtempSync(path.join(os.tmpdir(), 'ep-e2e-'));
  workspace = path.join(tmp, 'workspace');
  cpSync(fixture, workspace, { recursive: true });
  appPort = await freePort();
});

after(async () => {
  await workbench?.screenshot('final').catch(() => { /* page gone */ });
  await workbench?.close();
  const logs = tmp && path.join(tmp, 'user-data/logs');
  if (logs && existsSync(logs)) cpSync(logs, path.join(artifacts, 'vscode-logs'), { recursive: true });
  stop(codeServer);
  stop(uvicorn);
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

test('in code-server: blocking-call finding in Problems on the async def handler only', { timeout: 240_000 }, async () => {
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
  assert.ok(lines.includes(blockingSleep), `no finding on line ${blockingSleep} (time.sleep in async def): ${JSON.stringify(rows)}`);
  assert.ok(lines.every((l) => l >= asyncDef && l < syncDef), `a finding outside the async def handler (lines ${asyncDef}–${syncDef - 1}): ${JSON.stringify(rows)}`);
});

test('in code-server: the quick fix turns time.sleep into await asyncio.sleep and the finding goes', { timeout: 120_000 }, async () => {
  assert.ok(workbench, 'the workbench did not open');
  const file = path.join(workspace, 'main.py');
  await workbench.goToLine(lineOf(readFileSync(file, 'utf8'), 'time.sleep(1)', lineOf(readFileSync(file, 'utf8'), 'async def blocking')));
  await workbench.applyQuickFix('Replace with await asyncio.sleep');
  await workbench.save();
  const fixed = await fileOnceItHas(file, 'asyncio.sleep');
  assert.match(fixed, /^import asyncio$/m);
  const asyncDef = lineOf(fixed, 'async def blocking');
  assert.equal(lineOf(fixed, 'await asyncio.sleep(1)', asyncDef), asyncDef + 1, fixed);
  assert.equal(lineOf(fixed, 'time.sleep(1)', asyncDef), lineOf(fixed, 'def threadpool') + 1, 'the def handler keeps its time.sleep');
  await workbench.page.locator('.markers-panel', { hasText: 'No problems have been detected' }).waitFor();
  await workbench.screenshot('quick-fix-applied');
});
