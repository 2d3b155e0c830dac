import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { nodeFileSystem } from '../../src/core/fs';
import { scanWorkspace, workspaceFilter } from '../../src/core/workspace';

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
    'app/main.py': '', 'app/routes/items.py': '', 'server.ts': '', 'types.d.ts': '', 'README.md': '',
    '.venv/lib/x.py': '', 'node_modules/express/index.js': '', 'generated/api.py': '', 'legacy/old.js': '',
    '.gitignore': 'generated/\n',
  });
  const files = await scanWorkspace(root, nodeFileSystem, { exclude: ['legacy/**'] });
  assert.deepEqual(files.map((f) => [f.path, f.language]), [
    ['app/main.py', 'python'], ['app/routes/items.py', 'python'], ['server.ts', 'typescript'],
  ]);
});

test('a missing root yields no files, not an exception', async () => {
  assert.deepEqual(await scanWorkspace('/nonexistent/ep-root', nodeFileSystem), []);
});

test('the filter answers for files edited later exactly as the scan decided for the files it read', async () => {
  const files = {
    'app/main.py': '', 'server.ts': '', 'types.d.ts': '', 'README.md': '', 'generated/api.py': '', 'legacy/old.js': '',
    'src/build/x.py': '', 'pkg.egg-info/setup.py': '', '.venv/lib/x.py': '', '.gitignore': 'generated/\n*.gen.py\n', 'app/models.gen.py': '',
  };
  const root = tree(files);
  const options = { exclude: ['legacy/**'] };
  const filter = await workspaceFilter(root, nodeFileSystem, options);
  const scanned = new Set((await scanWorkspace(root, nodeFileSystem, options)).map((f) => f.path));
  assert.deepEqual([...scanned].sort(), ['app/main.py', 'server.ts']);
  for (const rel of Object.keys(files)) assert.equal(filter.includes(rel), scanned.has(rel), rel);
  assert.equal(filter.includes('../outside.py'), false);
  assert.equal(filter.includes('app/new_module.py'), true, 'a file created after the scan');
});
