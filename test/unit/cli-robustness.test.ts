// The CLI on folders and files that are not what it expects: each case one line on stderr naming the path, never
// a stack trace; a file that cannot be read is named and costs neither the other files nor the exit code's
// meaning (`routes`: 0; `check`: 1 exactly when there are findings). Permissions are real: as root (who reads
// everything) the CLI runs as the unprivileged user 65534, otherwise as the current user.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';

const REPO = path.join(__dirname, '..', '..');
const CLI = path.join(REPO, 'src', 'cli.ts');
const asRoot = process.getuid?.() === 0;

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', CLI, ...args, '--no-cache', '--jobs', '1'],
      { timeout: 60_000, cwd: REPO, ...(asRoot ? { uid: 65534, gid: 65534 } : {}) },
      (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

/** A folder the CLI's user may enter (mkdtemp makes it 0700), removed after `run`. */
async function inFolder(run: (root: string) => Promise<void>): Promise<void> {
  const root = mkdtempSync(path.join(tmpdir(), 'ep-cli-robust-'));
  chmodSync(root, 0o755);
  try {
    await run(root);
  } finally {
    // a user other than root cannot list, so not remove, the folders the test locked
    for (const entry of readdirSync(root, { withFileTypes: true }))
      if (entry.isDirectory()) chmodSync(path.join(root, entry.name), 0o755);
    rmSync(root, { recursive: true, force: true });
  }
}

const APP = ['import time', 'from fastapi import FastAPI', 'app = FastAPI()', ''];
const route = (p: string, body = 'return {}') => [`@app.get("${p}")`, `async def h():`, `    ${body}`, ''];

test('a folder that is missing, a file, unreadable or empty: one line each, naming it', async () => {
  await inFolder(async (root) => {
    writeFileSync(path.join(root, 'file.py'), APP.join('\n'));
    mkdirSync(path.join(root, 'locked'), { mode: 0o000 });
    chmodSync(path.join(root, 'locked'), 0o000);
    mkdirSync(path.join(root, 'empty'));
    const refused: Record<string, RegExp> = {
      missing: / does not exist$/,
      'file.py': / is a file, not a folder$/,
      'file.py/below': / does not exist \(a part of the path is a file\)$/,
      locked: / cannot be read \(permission denied\)$/,
    };
    for (const verb of ['routes', 'check']) {
      for (const [name, why] of Object.entries(refused)) {
        const dir = path.join(root, name);
        const { code, stdout, stderr } = await cli([verb, dir]);
        assert.equal(code, 2, `${verb} ${name}: ${stderr}`);
        assert.equal(stdout, '');
        const lines = stderr.trimEnd().split('\n');
        assert.equal(lines.length, 1, `${verb} ${name}: ${stderr}`);
        assert.ok(lines[0].startsWith(`endpoint-profiler ${verb}: ${dir}`), lines[0]);
        assert.match(lines[0], why);
      }
      // Empty is no error, but says why nothing was found
      const empty = await cli([verb, path.join(root, 'empty')]);
      assert.equal(empty.code, 0);
      assert.match(empty.stdout, verb === 'routes' ? /^No routes found\.$/m : /^No blocking calls found/m);
      assert.match(
        empty.stderr,
        new RegExp(`^endpoint-profiler ${verb}: no Python, JavaScript or TypeScript source files in .*empty \\(`),
      );
      assert.equal(empty.stderr.trimEnd().split('\n').length, 1);
    }
  });
});

test('an unreadable file and folder are named; the other files count and exit codes keep their meaning', async () => {
  await inFolder(async (root) => {
    writeFileSync(path.join(root, 'main.py'), [...APP, ...route('/ok')].join('\n'));
    writeFileSync(path.join(root, 'secret.py'), [...APP, ...route('/secret')].join('\n'));
    chmodSync(path.join(root, 'secret.py'), 0o000);
    mkdirSync(path.join(root, 'private'));
    writeFileSync(path.join(root, 'private', 'api.py'), [...APP, ...route('/private')].join('\n'));
    chmodSync(path.join(root, 'private'), 0o000);
    const named = (stderr: string, verb: string) => {
      assert.match(
        stderr,
        new RegExp(`^endpoint-profiler ${verb}: private/: folder left out: could not list it: EACCES`, 'm'),
      );
      assert.match(stderr, new RegExp(`^endpoint-profiler ${verb}: secret\\.py: could not read: EACCES`, 'm'));
      assert.doesNotMatch(stderr, /\n\s+at /);
    };
    const routes = await cli(['routes', root, '--json']);
    assert.equal(routes.code, 0, routes.stderr);
    assert.deepEqual(
      (JSON.parse(routes.stdout) as Array<{ path: string }>).map((r) => r.path),
      ['/ok'],
    );
    named(routes.stderr, 'routes');
    // No findings: 0 despite the problems
    const clean = await cli(['check', root]);
    assert.equal(clean.code, 0, clean.stderr);
    named(clean.stderr, 'check');
    // A finding: 1, as without the problems
    writeFileSync(path.join(root, 'main.py'), [...APP, ...route('/ok', 'time.sleep(1)')].join('\n'));
    const found = await cli(['check', root]);
    assert.equal(found.code, 1, found.stderr);
    assert.match(found.stdout, /main\.py:\d+:\d+\s+EP101/);
    named(found.stderr, 'check');
  });
});
