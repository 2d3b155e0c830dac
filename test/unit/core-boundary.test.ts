// The core must run without VS Code (CLI, worker, tests): no file under src/core may import 'vscode'.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

function* files(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) yield* files(p);
    else if (p.endsWith('.ts')) yield p;
  }
}

test('src/core never imports vscode', () => {
  const root = path.join(__dirname, '..', '..', 'src', 'core');
  const offenders = [...files(root)].filter((f) =>
    /(?:from\s+['"]vscode['"]|require\(\s*['"]vscode['"]\s*\)|import\(\s*['"]vscode['"]\s*\))/.test(
      readFileSync(f, 'utf8'),
    ),
  );
  assert.deepEqual(offenders, []);
});
