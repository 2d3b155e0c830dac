// Every fixture folder as a workspace: after each edit of a generated sequence (lines shifted, paths and
// prefixes changed, `async` toggled, the file deleted and restored), the kept ProjectIndex's routes and
// findings equal those of an index built from scratch over the same files. A lookup that forgets to
// depend on what it read passes the whole-workspace tests; it fails here, after the edit that changes it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { languageOf, Parsers } from '../../src/core/parsing/parser';
import { ProjectIndex } from '../../src/core/project';
import { MemoryFs } from './memoryFs';

const ROOT = '/ws';
const FIXTURES = path.join(__dirname, '../fixtures');

/** A folder's source files and configs (tsconfig, package.json), relative paths → text. */
function load(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (rel: string) => {
    for (const name of readdirSync(path.join(dir, rel))) {
      const r = rel ? `${rel}/${name}` : name;
      if (statSync(path.join(dir, r)).isDirectory()) {
        if (name !== '__snapshots__' && name !== 'node_modules') walk(r);
      } else if (languageOf(name) || name.endsWith('.json')) files.set(r, readFileSync(path.join(dir, r), 'utf8'));
    }
  };
  walk('');
  return files;
}

/** Every folder holding a workspace: each child of python/, node/, analysis/, and rules/ as one. */
function workspaces(): string[] {
  const out: string[] = [];
  for (const group of ['python', 'node', 'analysis'])
    for (const name of readdirSync(path.join(FIXTURES, group)).sort())
      if (statSync(path.join(FIXTURES, group, name)).isDirectory()) out.push(`${group}/${name}`);
  out.push('rules');
  return out;
}

interface Edit {
  name: string;
  apply(files: Map<string, string>): void;
}

/** Edits of one file that reach routes and findings: moved lines, other paths and prefixes, `async` toggled. */
function editsOf(file: string, original: string): Edit[] {
  const python = file.endsWith('.py');
  const comment = python ? '# moved\n' : '// moved\n';
  return [
    {
      name: `shift the lines and change the paths of ${file}`,
      apply: (files) => files.set(file, comment + original.replace(/(["'`])\//g, '$1/v2/')),
    },
    {
      name: `toggle async in ${file}`,
      apply: (files) => {
        const text = files.get(file)!;
        const async = python ? /async def /g : /async /g;
        files.set(
          file,
          async.test(text)
            ? text.replace(async, python ? 'def ' : '')
            : text.replace(python ? /\bdef /g : /function /g, python ? 'async def ' : 'async function '),
        );
      },
    },
    { name: `delete ${file}`, apply: (files) => files.delete(file) },
    { name: `restore ${file}`, apply: (files) => files.set(file, original) },
  ];
}

async function check(parsers: Parsers, folder: string): Promise<void> {
  const files = load(path.join(FIXTURES, folder));
  const fs = new MemoryFs(files);
  const kept = new ProjectIndex(ROOT, fs, parsers);
  await kept.refresh();
  const sources = [...files.keys()].filter((p) => languageOf(p)).sort();
  let step = 0;
  for (const file of sources)
    for (const edit of editsOf(file, files.get(file)!)) {
      const before = new Map(files);
      edit.apply(files);
      // Every fifth step through a refresh (as a save outside the editor); the rest as the editor sends them
      if (++step % 5 === 0) await kept.refresh();
      else {
        for (const p of before.keys()) if (!files.has(p)) kept.remove(p);
        for (const [p, text] of files) {
          const language = languageOf(p);
          if (language && before.get(p) !== text)
            await kept.update({ path: p, absPath: `${ROOT}/${p}`, language }, text);
        }
      }
      // Its own analysis configuration object: analysis state is kept per configuration (findings.ts), and a
      // fresh build must not reuse the kept index's
      const fresh = new ProjectIndex(ROOT, fs, parsers, { analysis: {} });
      await fresh.refresh();
      assert.deepEqual(kept.routes(), fresh.routes(), `${folder}: routes after "${edit.name}"`);
      assert.deepEqual(kept.findings(), fresh.findings(), `${folder}: findings after "${edit.name}"`);
    }
}

test('in every fixture folder, edits keep the index equal to a fresh build', async () => {
  const parsers = await Parsers.load();
  const folders = workspaces();
  assert.ok(folders.length > 60, `every fixture folder is covered (${folders.length})`);
  for (const folder of folders) await check(parsers, folder);
});

test('a helper registering routes on its parameter: deleting and restoring its only caller brings them back', async () => {
  // routes.py's registrations are read through the call sites of `setup_routes` in other modules: a read the
  // old per-module bookkeeping missed when the calling module went and came back (no routes until routes.py changed)
  const parsers = await Parsers.load(undefined, ['python']);
  const files = new Map([
    [
      'main.py',
      'from aiohttp import web\nfrom routes import setup_routes\n\napp = web.Application()\nsetup_routes(app)\n',
    ],
    [
      'routes.py',
      'from aiohttp import web\n\nasync def index(request):\n    return web.Response()\n\ndef setup_routes(app):\n    app.router.add_get("/", index)\n',
    ],
  ]);
  const main = files.get('main.py')!;
  const kept = new ProjectIndex(ROOT, new MemoryFs(files), parsers);
  await kept.refresh();
  const paths = () => kept.routes().map((r) => `${r.methods.join('|')} ${r.path}`);
  assert.deepEqual(paths(), ['GET /']);
  files.delete('main.py');
  kept.remove('main.py');
  assert.deepEqual(paths(), [], 'without a caller the helper registers on nothing');
  files.set('main.py', main);
  await kept.update({ path: 'main.py', absPath: `${ROOT}/main.py`, language: 'python' }, main);
  assert.deepEqual(paths(), ['GET /']);
});
