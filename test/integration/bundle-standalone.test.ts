// The bundles must run without node_modules (the .vsix ships none): copy dist/ somewhere
// with no node_modules above it and run the CLI from there. Needs `npm run build` (npm test builds first).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';

const repo = path.resolve(__dirname, '../..');

test('the CLI bundle finds routes with no node_modules anywhere above it', () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'ep-standalone-'));
  try {
    cpSync(path.join(repo, 'dist'), path.join(tmp, 'dist'), { recursive: true });
    const out = execFileSync(
      process.execPath,
      [path.join(tmp, 'dist/cli.js'), 'routes', path.join(repo, 'test/fixtures/e2e/fastapi'), '--json'],
      { cwd: tmp, encoding: 'utf8', timeout: 30_000 },
    );
    const routes = JSON.parse(out) as Array<{ path: string }>;
    assert.deepEqual(routes.map((r) => r.path).sort(), ['/blocking', '/threadpool']);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
