// ProjectIndex keeps linked results between edits; after ANY sequence of edits its routes and
// findings must equal those of an index built from scratch over the same files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { Parsers } from '../../src/core/parsing/parser';
import { ProjectIndex } from '../../src/core/project';
import { MemoryFs } from './memoryFs';

const ROOT = '/ws';
const FIXTURES = path.join(__dirname, '../fixtures/python');

function loadFixture(dir: string, into: Map<string, string>): void {
  const walk = (rel: string) => {
    for (const name of readdirSync(path.join(FIXTURES, dir, rel))) {
      const r = rel ? `${rel}/${name}` : name;
      if (statSync(path.join(FIXTURES, dir, r)).isDirectory()) walk(r);
      else if (name.endsWith('.py')) into.set(`${dir}/${r}`, readFileSync(path.join(FIXTURES, dir, r), 'utf8'));
    }
  };
  walk('');
}

type Files = Map<string, string>;
interface Edit {
  name: string;
  apply(files: Files): void;
}

const F = 'fastapi_app/app';
const replace =
  (file: string, from: string, to: string): Edit['apply'] =>
  (files) => {
    const text = files.get(file);
    assert.ok(text?.includes(from), `${file} holds ${from}`);
    files.set(file, text!.split(from).join(to));
  };

/** Real edits a developer makes; each must reach routes/findings through the module graph. */
const EDITS: Edit[] = [
  {
    name: 'change the prefix of an included router',
    apply: replace(`${F}/api/routes/users.py`, 'USERS = "/users"', 'USERS = "/people"'),
  },
  {
    name: 'change a settings-class prefix read by another module',
    apply: replace(`${F}/config.py`, 'ITEMS_PREFIX: str = "/items"', 'ITEMS_PREFIX: str = "/goods"'),
  },
  {
    name: 'rename a router variable that another module imports',
    apply: (files) => {
      replace(`${F}/api/routes/orders.py`, 'router = APIRouter()', 'orders = APIRouter()')(files);
      replace(`${F}/api/routes/orders.py`, '@router.get("")', '@orders.get("")')(files);
      replace(`${F}/api/routes/orders.py`, 'router.include_router(detail)', 'orders.include_router(detail)')(files);
    },
  },
  {
    name: 'follow the rename in the importing module',
    apply: replace(`${F}/api/__init__.py`, 'import router as orders_router', 'import orders as orders_router'),
  },
  {
    name: 'delete an included router module',
    apply: (files) => {
      files.delete(`${F}/api/routes/webhooks.py`);
    },
  },
  {
    name: 'add a module that includes another router',
    apply: (files) => {
      files.set(
        `${F}/extra.py`,
        'from fastapi import APIRouter\n\nfrom app.api.routes import items\n\nextra = APIRouter(prefix="/extra")\nextra.include_router(items.router, prefix="/again")\n',
      );
    },
  },
  {
    name: 'break the syntax of a router module',
    apply: replace(
      `${F}/api/routes/items.py`,
      '@router.get("/{item_id}")\ndef read_item',
      '@router.get("/{item_id}"\ndef read_item(',
    ),
  },
  {
    name: 'fix the syntax again',
    apply: replace(
      `${F}/api/routes/items.py`,
      '@router.get("/{item_id}"\ndef read_item(',
      '@router.get("/{item_id}")\ndef read_item',
    ),
  },
  {
    name: 'change an import to another module',
    apply: replace(
      `${F}/api/__init__.py`,
      'from .routes import items, users, webhooks',
      'from .routes import users as items, users, webhooks',
    ),
  },
  {
    name: 'make a helper block, called from an async handler',
    apply: (files) => {
      files.set(`${F}/helpers.py`, 'import time\n\ndef slow():\n    time.sleep(1)\n');
      replace(
        `${F}/api/routes/users.py`,
        'async def me():\n    return {}',
        'async def me():\n    from app.helpers import slow\n    slow()\n    return {}',
      )(files);
    },
  },
  {
    name: 'add a module whose name shadows another (module names resolve differently)',
    apply: (files) => {
      files.set('app/config.py', 'API_PREFIX = "/shadow"\nVERSION = "v9"\n');
    },
  },
  {
    name: 'change a Django include prefix',
    apply: replace(
      'django_site/mysite/urls.py',
      'path("polls/", include("polls.urls"))',
      'path("questions/", include("polls.urls"))',
    ),
  },
  {
    name: 'make a handler inside the app factory sync',
    apply: replace(`${F}/main.py`, '    async def health():', '    def health():'),
  },
  {
    name: 'restore the deleted module',
    apply: (files) => {
      loadFixture('fastapi_app', files);
    },
  },
  {
    name: 'add a field to a request-body model another module imports',
    apply: replace('body_app/store/models.py', '    width: float\n', '    width: float\n    depth: int = 3\n'),
  },
  {
    name: 'change the prefix of a blueprint registered elsewhere',
    apply: (files) => {
      const bp = [...files.keys()].find((p) => p.startsWith('flask_app/') && files.get(p)!.includes('url_prefix='));
      assert.ok(bp, 'the flask fixture has a blueprint with url_prefix');
      files.set(bp, files.get(bp)!.replace(/url_prefix="([^"]*)"/, 'url_prefix="/moved$1"'));
    },
  },
];

function initialFiles(): Files {
  const files: Files = new Map();
  for (const dir of ['fastapi_app', 'django_site', 'flask_app', 'body_app']) loadFixture(dir, files);
  return files;
}

/** Applies `edits` one by one to an index kept across them, comparing with a fresh index after every step. */
async function checkSequence(
  parsers: Parsers,
  edits: Edit[],
  viaRefresh: (step: number) => boolean,
): Promise<{ routes: number; changes: number }> {
  const files = initialFiles();
  const fs = new MemoryFs(files);
  const kept = new ProjectIndex(ROOT, fs, parsers);
  await kept.refresh();
  let previous = JSON.stringify(kept.routes());
  let changes = 0;
  for (const [step, edit] of edits.entries()) {
    const before = new Map(files);
    edit.apply(files);
    if (viaRefresh(step)) await kept.refresh();
    else {
      // As an editor does: one update per changed file, one remove per deleted file.
      for (const p of before.keys()) if (!files.has(p)) kept.remove(p);
      for (const [p, text] of files)
        if (before.get(p) !== text) await kept.update({ path: p, absPath: `${ROOT}/${p}`, language: 'python' }, text);
    }
    const fresh = new ProjectIndex(ROOT, fs, parsers);
    await fresh.refresh();
    assert.deepEqual(kept.routes(), fresh.routes(), `routes after "${edit.name}" (step ${step + 1})`);
    assert.deepEqual(kept.findings(), fresh.findings(), `findings after "${edit.name}" (step ${step + 1})`);
    const now = JSON.stringify(kept.routes());
    if (now !== previous) changes++;
    previous = now;
  }
  return { routes: kept.routes().length, changes };
}

test('after every edit of a sequence, the kept index equals a fresh one (routes and findings)', async () => {
  const parsers = await Parsers.load(undefined, ['python']);
  const { routes, changes } = await checkSequence(parsers, EDITS, (step) => step % 4 === 3);
  assert.ok(routes > 20, 'the fixture workspace has routes to compare');
  assert.ok(changes >= 10, `most edits change the routes (${changes} did)`);
});

test('the same edits in shuffled orders keep the index equal to a fresh one', async () => {
  const parsers = await Parsers.load(undefined, ['python']);
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let round = 0; round < 3; round++) {
    // Edits whose precondition depends on an earlier edit keep their relative order; the rest are shuffled.
    const independent = EDITS.filter((e) => !/follow the rename|fix the syntax|restore/.test(e.name));
    const order = [...independent].sort(() => random() - 0.5);
    order.splice(
      order.findIndex((e) => e.name.startsWith('rename')) + 1,
      0,
      EDITS.find((e) => e.name.startsWith('follow'))!,
    );
    order.splice(
      order.findIndex((e) => e.name.startsWith('break')) + 1,
      0,
      EDITS.find((e) => e.name.startsWith('fix'))!,
    );
    order.push(EDITS.find((e) => e.name.startsWith('restore'))!);
    await checkSequence(parsers, order, () => random() < 0.3);
  }
});

test('Node helpers behind tsconfig `paths` aliases: editing, deleting and moving one updates the finding', async () => {
  const parsers = await Parsers.load(undefined, ['typescript']);
  const dir = path.join(__dirname, '../fixtures/analysis/express-aliases');
  const files: Files = new Map();
  const walk = (rel: string) => {
    for (const name of readdirSync(path.join(dir, rel))) {
      const r = rel ? `${rel}/${name}` : name;
      if (statSync(path.join(dir, r)).isDirectory()) walk(r);
      else files.set(r, readFileSync(path.join(dir, r), 'utf8'));
    }
  };
  walk('');
  const fs = new MemoryFs(files);
  const kept = new ProjectIndex(ROOT, fs, parsers);
  await kept.refresh();
  const configFinding = () =>
    kept
      .findings()
      .filter((f) => f.handler === 'GET /config')
      .map((f) => f.chain?.join(' > '));
  const UTIL = 'src/server/util.ts';
  const blocking = files.get(UTIL)!;
  const steps: Array<{ name: string; apply(): Promise<void>; expect: string[] }> = [
    {
      name: 'the helper stops blocking',
      apply: async () => {
        files.set(UTIL, blocking.replace("fs.readFileSync('config.json', 'utf8')", "'{}'"));
        await kept.update({ path: UTIL, absPath: `${ROOT}/${UTIL}`, language: 'typescript' }, files.get(UTIL));
      },
      expect: [],
    },
    {
      name: 'it blocks again',
      apply: async () => {
        files.set(UTIL, blocking);
        await kept.update({ path: UTIL, absPath: `${ROOT}/${UTIL}`, language: 'typescript' }, blocking);
      },
      expect: ['GET /config > readConfig() > fs.readFileSync (src/server/util.ts:4)'],
    },
    {
      name: 'the helper file is deleted',
      apply: async () => {
        files.delete(UTIL);
        kept.remove(UTIL);
      },
      expect: [],
    },
    {
      name: "it comes back as a folder's index (the alias finds it there)",
      apply: async () => {
        files.set('src/server/util/index.ts', `\n${blocking}`);
        await kept.refresh();
      },
      expect: ['GET /config > readConfig() > fs.readFileSync (src/server/util/index.ts:5)'],
    },
  ];
  for (const step of steps) {
    await step.apply();
    assert.deepEqual(configFinding(), step.expect, step.name);
    const fresh = new ProjectIndex(ROOT, fs, parsers);
    await fresh.refresh();
    assert.deepEqual(kept.findings(), fresh.findings(), `findings after "${step.name}"`);
  }
});

test('a file added under an earlier `paths` target takes the alias over: the finding follows it', async () => {
  const parsers = await Parsers.load(undefined, ['typescript']);
  const files: Files = new Map([
    ['tsconfig.json', '{ "compilerOptions": { "baseUrl": ".", "paths": { "@h/*": ["src/a/*", "src/b/*"] } } }'],
    [
      'src/app.ts',
      "import express from 'express';\nimport { load } from '@h/store';\nconst app = express();\napp.get('/x', (req, res) => {\n  res.send(load());\n});\n",
    ],
    ['src/b/store.ts', "import fs from 'fs';\nexport function load() {\n  return fs.readFileSync('x');\n}\n"],
  ]);
  const fs = new MemoryFs(files);
  const kept = new ProjectIndex(ROOT, fs, parsers);
  await kept.refresh();
  const chains = () => kept.findings().map((f) => f.chain?.join(' > '));
  assert.deepEqual(chains(), ['GET /x > load() > fs.readFileSync (src/b/store.ts:3)']);
  // TypeScript tries the targets in order: src/a/store.ts, once it exists, is what '@h/store' means
  files.set('src/a/store.ts', "export function load() {\n  return 'cached';\n}\n");
  await kept.update(
    { path: 'src/a/store.ts', absPath: `${ROOT}/src/a/store.ts`, language: 'typescript' },
    files.get('src/a/store.ts'),
  );
  assert.deepEqual(chains(), []);
  const fresh = new ProjectIndex(ROOT, fs, parsers);
  await fresh.refresh();
  assert.deepEqual(kept.findings(), fresh.findings());
});
