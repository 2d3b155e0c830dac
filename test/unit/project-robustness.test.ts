// ProjectIndex on files that are odd but real: generated expressions thousands of levels deep
// must cost neither the file's routes nor its findings (a recursive walk overflowed the stack).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { nodeFileSystem } from '../../src/core/fs';
import { nodeWasmLoader, Parsers } from '../../src/core/parsing/parser';
import { ProjectIndex } from '../../src/core/project';

const DEPTH = 5_000;

async function indexOf(files: Record<string, string>): Promise<ProjectIndex> {
  const root = mkdtempSync(path.join(tmpdir(), 'ep-robust-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(root, name), text);
  const index = new ProjectIndex(root, nodeFileSystem, await Parsers.load(nodeWasmLoader));
  await index.refresh();
  rmSync(root, { recursive: true, force: true });
  return index;
}

test('a Python file with deeply nested expressions keeps its routes and findings', async () => {
  const index = await indexOf({
    'main.py': [
      'import time',
      'from fastapi import FastAPI',
      '',
      'app = FastAPI()',
      // One bracket a line: deep, but not a minified file (which the index skips on purpose).
      `NESTED = ${'[\n'.repeat(DEPTH)}${']\n'.repeat(DEPTH)}`,
      `SUM = (${Array.from({ length: 3_000 }, () => "'a'").join(' +\n')})`,
      `CALLS = ${'f(\n'.repeat(DEPTH)}${')\n'.repeat(DEPTH)}`,
      '',
      '',
      '@app.get("/slow")',
      'async def slow():',
      '    time.sleep(1)',
      '    return {}',
      '',
    ].join('\n'),
  });
  assert.deepEqual(index.problems(), []);
  assert.deepEqual(
    index.routes().map((r) => `${r.methods.join(',')} ${r.path}`),
    ['GET /slow'],
  );
  assert.ok(
    index.findings().some((f) => f.rule === 'EP101' && f.handler === 'slow'),
    JSON.stringify(index.findings()),
  );
});

test('a JavaScript file with deeply nested expressions keeps its routes and findings', async () => {
  const index = await indexOf({
    'server.js': [
      "const express = require('express');",
      "const fs = require('fs');",
      'const app = express();',
      `const nested = ${'[\n'.repeat(DEPTH)}${']\n'.repeat(DEPTH)};`,
      `const chain = x${'\n.m()'.repeat(DEPTH)};`,
      `const sum = ${Array.from({ length: 3_000 }, (_, i) => i).join(' +\n')};`,
      "app.get('/read', async (req, res) => { res.send(fs.readFileSync('/etc/hostname')); });",
      'app.listen(3000);',
      '',
    ].join('\n'),
  });
  assert.deepEqual(index.problems(), []);
  assert.deepEqual(
    index.routes().map((r) => `${r.methods.join(',')} ${r.path}`),
    ['GET /read'],
  );
  assert.ok(
    index.findings().some((f) => f.rule === 'EP101'),
    JSON.stringify(index.findings()),
  );
});
