// ProjectIndex on files that are odd but real: generated expressions thousands of levels deep
// must cost neither the file's routes nor its findings (a recursive walk overflowed the stack);
// binary, huge, unreadable and unparsable files are named as problems and cost no other file.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
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
      /^(parse errors\b.*routes\/findings in this file may be incomplete$|could not parse)/,
    );
    assert.ok(routesOf(index).includes('GET /ok b_main.py'), `depth ${depth}: ${JSON.stringify(routesOf(index))}`);
  }
});

const EXPRESS_APP = ["const express = require('express');", 'const app = express();'];
const LATER_ROUTE = ['', '@app.get("/z")', 'async def z():', '    return {}', ''];
const LATER_HANDLER = ["app.get('/z', (req, res) => res.send('z'));", ''];

/**
 * Syntax errors that cost a route registration, a decorator, a definition, an import or a call (each of them
 * here, in Python and in JavaScript/TypeScript, by an ERROR node or by a MISSING closer that swallows the code
 * after it), and errors that cost none of them.
 */
const DAMAGED: Record<string, string[]> = {
  'lost_def.py': [...FASTAPI_APP, 'def half(', '', ...LATER_ROUTE],
  'lost_decorator.py': [...FASTAPI_APP, '@app.get("/b"', 'def b():', '    return 2', ...LATER_ROUTE],
  'lost_after_typo.py': [...FASTAPI_APP, 'y = (1 +', ...LATER_ROUTE],
  'lost_registration.py': [...FASTAPI_APP, 'app.add_api_route("/b", b', ''],
  'lost_import.py': ['from fastapi import (FastAPI, Depends', 'app = FastAPI()', ...LATER_ROUTE],
  'lost_in_unclosed_list.py': [...FASTAPI_APP, 'class A:', '    def m(self):', '        return [1, 2', ...LATER_ROUTE],
  'lost_in_object.js': [...EXPRESS_APP, 'const x = {', "app.get('/b', (req, res) => res.send('b'));", ...LATER_HANDLER],
  'lost_in_function.js': [
    ...EXPRESS_APP,
    'function h(req, res) {',
    "  res.send('b');",
    '',
    "app.get('/b', h);",
    ...LATER_HANDLER,
  ],
  'lost_in_array.js': [...EXPRESS_APP, 'const y = [1, 2', "app.get('/b', h);", ...LATER_HANDLER],
  'lost_in_class.ts': [...EXPRESS_APP, 'class A {', '  m() {', '    return 1;', '', '}', ...LATER_HANDLER],
  'lost_decorator.ts': [
    "import { Controller, Get } from '@nestjs/common';",
    "@Controller('c')",
    'export class C {',
    "  @Get('b'",
    '  b() { return 1; }',
    '}',
  ],
};
const HARMLESS: Record<string, string[]> = {
  'typo_at_end.py': [...FASTAPI_APP, 'y = (1 +', ''],
  'typo_in_body.py': [...FASTAPI_APP, '@app.get("/b")', 'async def b():', '    return {"a": 1,, }', ...LATER_ROUTE],
  'typo_in_signature.py': [...FASTAPI_APP, '@app.get("/b")', 'def b(x, y=):', '    return 2', ...LATER_ROUTE],
  'py2_print.py': [...FASTAPI_APP, 'print "hello"', ...LATER_ROUTE],
  'unclosed_at_end.py': [...FASTAPI_APP, 'SETTINGS = {', "    'a': 1,", ''],
  'typo.js': [...EXPRESS_APP, 'const y = 1 +;', ...LATER_HANDLER],
  'unclosed_at_end.js': [...EXPRESS_APP, 'function h(req, res) {', "  res.send('b');", ''],
  'typo_in_type.ts': [...EXPRESS_APP, 'let q: Array<string = [];', ...LATER_HANDLER],
};

test('syntax errors that lose a construct name the file and where; errors that lose nothing are not named', async () => {
  const { index } = await indexWith((root) => {
    for (const [name, lines] of Object.entries({ ...DAMAGED, ...HARMLESS }))
      writeFileSync(path.join(root, name), lines.join('\n'));
  });
  const problems = index.problems();
  assert.deepEqual(problems.map((p) => p.path).sort(), Object.keys(DAMAGED).sort(), JSON.stringify(problems, null, 1));
  for (const { problem } of problems)
    assert.match(problem, /^parse errors.* line \d+.*routes\/findings in this file may be incomplete$/);
  const where = Object.fromEntries(problems.map((p) => [p.path, p.problem]));
  assert.match(where['lost_after_typo.py'], /at line 8:/); // the `(` that swallowed the route after it
  assert.match(where['lost_in_function.js'], /'}' missing for line 3,/);
  // What the errors spared still counts
  assert.ok(routesOf(index).includes('GET /z typo_in_body.py'), JSON.stringify(routesOf(index)));
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

test('a file deleted between the scan and its read, and one that is not UTF-8, are named; the scan goes on', async () => {
  const root = mkdtempSync(path.join(tmpdir(), 'ep-robust-'));
  try {
    writeFileSync(path.join(root, 'a_deleted.py'), FASTAPI_APP.join('\n').replace('/ok', '/a'));
    writeFileSync(path.join(root, 'b.py'), FASTAPI_APP.join('\n').replace('/ok', '/b'));
    writeFileSync(path.join(root, 'c_latin1.py'), Buffer.from(`# caf\xe9\n${FASTAPI_APP.join('\n')}`, 'latin1'));
    // The file is really deleted once the scan has listed it, as an editor or `git checkout` would
    const fs: FileSystem = {
      ...nodeFileSystem,
      readDirectory: async (dir) => {
        const entries = await nodeFileSystem.readDirectory(dir);
        rmSync(path.join(root, 'a_deleted.py'), { force: true });
        return entries;
      },
    };
    const index = new ProjectIndex(root, fs, await Parsers.load(nodeWasmLoader));
    await index.refresh();
    assert.deepEqual(index.problems(), [
      { path: 'a_deleted.py', problem: 'deleted while the scan read it: left out' },
      { path: 'c_latin1.py', problem: 'not valid UTF-8 (from line 1): read with U+FFFD for the bad bytes' },
    ]);
    assert.deepEqual(routesOf(index), ['GET /b b.py', 'GET /ok c_latin1.py']);
    // Deleted in the editor (the watcher's remove, no refresh): its note goes with it
    index.remove('a_deleted.py');
    assert.deepEqual(
      index.problems().map((p) => p.path),
      ['c_latin1.py'],
    );
    // Saved again as UTF-8: the note goes with the bytes
    writeFileSync(path.join(root, 'c_latin1.py'), `# café\n${FASTAPI_APP.join('\n')}`);
    await index.update({ path: 'c_latin1.py', absPath: path.join(root, 'c_latin1.py'), language: 'python' });
    assert.deepEqual(index.problems(), []);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a folder the scan cannot list is named and the rest is read', async () => {
  const root = mkdtempSync(path.join(tmpdir(), 'ep-robust-'));
  try {
    mkdirSync(path.join(root, 'locked'));
    writeFileSync(path.join(root, 'locked', 'api.py'), FASTAPI_APP.join('\n'));
    writeFileSync(path.join(root, 'main.py'), FASTAPI_APP.join('\n').replace('/ok', '/main'));
    const eacces = () => Object.assign(new Error('EACCES: permission denied, scandir'), { code: 'EACCES' });
    const fs: FileSystem = {
      ...nodeFileSystem,
      readDirectory: (dir) => (dir.endsWith('locked') ? Promise.reject(eacces()) : nodeFileSystem.readDirectory(dir)),
    };
    const index = new ProjectIndex(root, fs, await Parsers.load(nodeWasmLoader));
    await index.refresh();
    assert.deepEqual(index.problems(), [
      { path: 'locked/', problem: 'folder left out: could not list it: EACCES: permission denied, scandir' },
    ]);
    assert.deepEqual(routesOf(index), ['GET /main main.py']);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
