import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { nodeFileSystem } from '../../src/core/fs';
import { scanWorkspace, WorkspaceFilter } from '../../src/core/workspace';

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'ep-ws-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  }
  return root;
}

test('scan keeps source files and skips virtualenvs, node_modules, gitignored and excluded paths', async () => {
  const root = tree({
    'app/main.py': '',
    'app/routes/items.py': '',
    'server.ts': '',
    'types.d.ts': '',
    'README.md': '',
    '.venv/lib/x.py': '',
    'node_modules/express/index.js': '',
    'generated/api.py': '',
    'legacy/old.js': '',
    '.gitignore': 'generated/\n',
  });
  const files = await scanWorkspace(root, nodeFileSystem, { exclude: ['legacy/**'] });
  assert.deepEqual(
    files.map((f) => [f.path, f.language]),
    [
      ['app/main.py', 'python'],
      ['app/routes/items.py', 'python'],
      ['server.ts', 'typescript'],
    ],
  );
});

test('a missing root yields no files, not an exception', async () => {
  assert.deepEqual(await scanWorkspace('/nonexistent/ep-root', nodeFileSystem), []);
});

test('the filter answers for files edited later exactly as the scan decided for the files it read', async () => {
  const files = {
    'app/main.py': '',
    'server.ts': '',
    'types.d.ts': '',
    'README.md': '',
    'generated/api.py': '',
    'legacy/old.js': '',
    'src/build/x.py': '',
    'pkg.egg-info/setup.py': '',
    '.venv/lib/x.py': '',
    '.gitignore': 'generated/\n*.gen.py\n',
    'app/models.gen.py': '',
    // A virtualenv under any name is known by its pyvenv.cfg; a nested .gitignore matches below its folder only.
    'myenv/pyvenv.cfg': '',
    'myenv/bin/activate_this.py': '',
    'myenv/lib/x.py': '',
    'svc/.gitignore': 'private/\n/local.py\n',
    'svc/private/keys.py': '',
    'svc/local.py': '',
    'svc/api/local.py': '',
    'svc/api.py': '',
    'private/ok.py': '',
    // Test code: under a test folder at any depth, or named like a test.
    'tests/test_api.py': '',
    'svc/tests/helpers.py': '',
    'svc/api_test.py': '',
    'web/a.spec.ts': '',
  };
  const root = tree(files);
  const options = { exclude: ['legacy/**'] };
  const filter = new WorkspaceFilter(options.exclude);
  const scanned = new Set((await scanWorkspace(root, nodeFileSystem, options, filter)).map((f) => f.path));
  assert.deepEqual([...scanned].sort(), [
    'app/main.py',
    'private/ok.py',
    'server.ts',
    'svc/api.py',
    'svc/api/local.py',
  ]);
  for (const rel of Object.keys(files)) assert.equal(filter.includes(rel), scanned.has(rel), rel);
  assert.equal(filter.includes('../outside.py'), false);
  assert.equal(filter.includes('app/new_module.py'), true, 'a file created after the scan');
  assert.equal(filter.includes('myenv/lib/new.py'), false, 'a file created later in the virtualenv');
  assert.equal(filter.includes('svc/tests/new.py'), false, 'a file created later in a test folder');
});

test('a symlinked file is read; a symlinked folder (here a loop) is not walked', async () => {
  const root = tree({ 'app/main.py': '', 'shared/util.py': '' });
  symlinkSync(path.join(root, 'shared/util.py'), path.join(root, 'app/util.py'));
  symlinkSync(root, path.join(root, 'app/loop'));
  symlinkSync(path.join(root, 'missing.py'), path.join(root, 'app/dangling.py'));
  const files = (await scanWorkspace(root, nodeFileSystem)).map((f) => f.path);
  assert.deepEqual(files, ['app/main.py', 'app/util.py', 'shared/util.py']);
});
