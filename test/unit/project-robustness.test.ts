// ProjectIndex on files that are odd but real: generated expressions thousands of levels deep
// must cost neither the file's routes nor its findings (a recursive walk overflowed the stack);
// binary, huge, unreadable and unparsable files are named as problems and cost no other file.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { nodeFileSystem, type FileSystem } from '../../src/core/fs';
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

/** A workspace on disk, written by `make(root)`, indexed through a FileSystem that records every read. */
async function indexWith(make: (root: string) => void): Promise<{ index: ProjectIndex; reads: string[]; ms: number }> {
  const root = mkdtempSync(path.join(tmpdir(), 'ep-robust-'));
  try {
    make(root);
    const reads: string[] = [];
    const fs: FileSystem = {
      ...nodeFileSystem,
      readFile: (file) => {
        reads.push(path.relative(root, file));
        return nodeFileSystem.readFile(file);
      },
      readFileUpTo: (file, maxBytes) => {
        const got = nodeFileSystem.readFileUpTo!(file, maxBytes);
        if (got instanceof Uint8Array) reads.push(path.relative(root, file));
        return got;
      },
    };
    const index = new ProjectIndex(root, fs, await Parsers.load(nodeWasmLoader));
    const start = performance.now();
    await index.refresh();
    index.routes();
    index.findings();
    return { index, reads, ms: performance.now() - start };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const FASTAPI_APP = [
  'from fastapi import FastAPI',
  'app = FastAPI()',
  '',
  '@app.get("/ok")',
  'async def ok():',
  '    return {}',
  '',
];
const routesOf = (index: ProjectIndex) => index.routes().map((r) => `${r.methods.join(',')} ${r.path} ${r.file}`);

test('a 1 MB file of random bytes named .js is skipped as binary, fast, and the other files still count', async () => {
  const { index, ms } = await indexWith((root) => {
    writeFileSync(path.join(root, 'garbage.js'), randomBytes(1_000_000));
    writeFileSync(path.join(root, 'main.py'), FASTAPI_APP.join('\n'));
  });
  assert.deepEqual(index.problems(), [
    { path: 'garbage.js', problem: 'skipped: binary (a NUL byte in its first 8,000 bytes)' },
  ]);
  assert.deepEqual(routesOf(index), ['GET /ok main.py']);
  assert.ok(ms < 5_000, `${ms} ms`); // parsing it took 11.5 s and 400 MB before
});

test('a 600 MB sparse .py is skipped by its size without being read', async () => {
  const { index, reads } = await indexWith((root) => {
    writeFileSync(path.join(root, 'huge.py'), '');
    truncateSync(path.join(root, 'huge.py'), 600_000_000); // sparse: no disk used
    writeFileSync(path.join(root, 'main.py'), FASTAPI_APP.join('\n'));
  });
  assert.deepEqual(reads, ['main.py']);
  assert.deepEqual(index.problems(), [
    {
      path: 'huge.py',
      problem: 'skipped: 600.0 MB is more than the 2 MB analysed per file (generated or bundled code?)',
    },
  ]);
  assert.deepEqual(routesOf(index), ['GET /ok main.py']);
});

/** A route whose handler sits inside `depth` nested blocks (one-space indents). */
function nestedHandler(depth: number): string {
  const lines = ['from fastapi import FastAPI', 'app = FastAPI()', 'x = True'];
  for (let i = 0; i < depth; i++) lines.push(`${' '.repeat(i)}if x:`);
  const pad = ' '.repeat(depth);
  lines.push(`${pad}@app.get("/deep")`, `${pad}async def deep():`, `${pad}    return {}`, '');
  return lines.join('\n');
}

test('a handler nested too deep for the parser is named as a problem, and later files still parse', async () => {
  for (const depth of [520, 600]) {
    const { index } = await indexWith((root) => {
      writeFileSync(path.join(root, 'a_deep.py'), nestedHandler(depth));
      writeFileSync(path.join(root, 'b_main.py'), FASTAPI_APP.join('\n'));
    });
    const problems = index.problems();
    assert.deepEqual(
      problems.map((p) => p.path),
      ['a_deep.py'],
      `depth ${depth}`,
    );
    // 520: an error tree; 600: tree-sitter-python's scanner throws (and its parser is replaced).
    assert.match(
      problems[0].problem,
      /^(parse errors: routes\/findings in this file may be incomplete|could not parse)/,
    );
    assert.ok(routesOf(index).includes('GET /ok b_main.py'), `depth ${depth}: ${JSON.stringify(routesOf(index))}`);
  }
});

test('syntax errors that swallow a definition are named; those that do not are not', async () => {
  const { index } = await indexWith((root) => {
    writeFileSync(
      path.join(root, 'lost.py'),
      [...FASTAPI_APP, 'def half(', '', '@app.get("/after")', 'async def after():', '    return {}', ''].join('\n'),
    );
    writeFileSync(path.join(root, 'typo.py'), [...FASTAPI_APP, 'y = (1 +', ''].join('\n'));
  });
  assert.deepEqual(index.problems(), [
    { path: 'lost.py', problem: 'parse errors: routes/findings in this file may be incomplete' },
  ]);
});

test('a file that cannot be read is named and the scan goes on', async () => {
  const root = mkdtempSync(path.join(tmpdir(), 'ep-robust-'));
  try {
    writeFileSync(path.join(root, 'a.py'), FASTAPI_APP.join('\n'));
    writeFileSync(path.join(root, 'b.py'), FASTAPI_APP.join('\n').replace('/ok', '/b'));
    const eio = () => Object.assign(new Error('EIO: i/o error'), { code: 'EIO' });
    // Both ways a file system reads: asynchronously, and at once (Node's, in the CLI and the index worker)
    const systems: FileSystem[] = [
      {
        ...nodeFileSystem,
        readFileUpTo: undefined,
        readFile: (file) => (file.endsWith('a.py') ? Promise.reject(eio()) : nodeFileSystem.readFile(file)),
      },
      {
        ...nodeFileSystem,
        readFileUpTo: (file, maxBytes) => {
          if (file.endsWith('a.py')) throw eio();
          return nodeFileSystem.readFileUpTo!(file, maxBytes);
        },
      },
    ];
    for (const fs of systems) {
      const index = new ProjectIndex(root, fs, await Parsers.load(nodeWasmLoader));
      await index.refresh();
      assert.deepEqual(index.problems(), [{ path: 'a.py', problem: 'could not read: EIO: i/o error' }]);
      assert.deepEqual(routesOf(index), ['GET /b b.py']);
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
