// A cold refresh with `jobs` > 1 parses and extracts in worker threads (indexWorker/extractPool.ts): the index
// it builds is the one built on its own thread, file for file (routes, findings, problems, the files' order),
// the facts cache it writes from the workers' bytes serves a second process as well, and workers that die
// cost no file its facts. Every fixture folder at once is the workspace: Python, Node, broken files.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import type * as V8 from 'node:v8';
import { Worker } from 'node:worker_threads';
import { FactsCache, packFacts } from '../../src/core/factsCache';
import { ExtractPool } from '../../src/core/indexWorker/extractPool';
import { nodeFileSystem } from '../../src/core/fs';
import { Parsers } from '../../src/core/parsing/parser';
import { POOL_MIN_CHARS, ProjectIndex, type ProjectOptions } from '../../src/core/project';

const ROOT = path.resolve(__dirname, '..', 'fixtures');

async function indexed(options: ProjectOptions, root = ROOT, cache?: FactsCache): Promise<ProjectIndex> {
  const index = new ProjectIndex(root, nodeFileSystem, Parsers.lazy(), options, cache);
  await index.refresh();
  return index;
}

const snapshot = (index: ProjectIndex) => ({
  routes: index.routes(),
  findings: index.findings(),
  problems: index.problems(),
  files: index.files().map((f) => f.path),
});

let here: ProjectIndex | undefined;
/** The same workspace indexed on the test's thread. */
async function reference(): Promise<ProjectIndex> {
  here ??= await indexed({ jobs: 1 });
  return here;
}

test('with jobs: 2, workers parse and extract every file, and the index equals the one built on one thread', async () => {
  const one = await reference();
  // A file skipped unread (binary, minified) is not extracted
  const { files: n, extracted: e } = one.lastRefresh!;
  assert.ok(e > 200, `the fixtures are a workspace of ${e} files to parse`);
  assert.deepEqual(one.lastRefresh, { files: n, extracted: e, fromCache: 0, workers: 0, byWorkers: 0 });
  assert.ok(one.problems().length > 0, 'broken fixtures: problems are compared too');
  const two = await indexed({ jobs: 2, pool: { minChars: 0 } });
  assert.deepEqual(two.lastRefresh, { files: n, extracted: e, fromCache: 0, workers: 2, byWorkers: e });
  assert.deepEqual(snapshot(two), snapshot(one));
});

test('a few files to parse are parsed on the index thread: no worker is started for them', async () => {
  const index = await indexed({ jobs: 2 }, path.join(ROOT, 'python', 'fastapi_app'));
  assert.equal(index.lastRefresh!.workers, 0);
  assert.ok(index.lastRefresh!.extracted > 0);
  assert.ok(index.routes().length > 0);
});

test('many files of few characters in all are parsed on the index thread: workers would cost more than they save', async () => {
  const one = await reference();
  const { files: n, extracted: e } = one.lastRefresh!;
  const chars = one.files().reduce((sum, f) => sum + readFileSync(f.absPath, 'utf8').length, 0);
  assert.ok(e >= 32 && chars < POOL_MIN_CHARS, `${e} files, ${chars} characters`);
  const index = await indexed({ jobs: 2 });
  assert.deepEqual(index.lastRefresh, { files: n, extracted: e, fromCache: 0, workers: 0, byWorkers: 0 });
  assert.deepEqual(snapshot(index), snapshot(one));
});

test("the facts cache written from the workers' bytes serves a second process the same index", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ep-pool-cache-'));
  try {
    await indexed({ jobs: 2, pool: { minChars: 0 } }, ROOT, await FactsCache.open(dir, ROOT, 'test-version'));
    const warm = await indexed(
      { jobs: 2, pool: { minChars: 0 } },
      ROOT,
      await FactsCache.open(dir, ROOT, 'test-version'),
    );
    const { files: n, extracted: e } = (await reference()).lastRefresh!;
    assert.deepEqual(warm.lastRefresh, { files: n, extracted: 0, fromCache: e, workers: 0, byWorkers: 0 });
    assert.deepEqual(snapshot(warm), snapshot(await reference()));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('workers that die are replaced once each, then the index extracts on its own thread: the same index', async () => {
  let started = 0;
  const dying = () => {
    started++;
    return new Worker("require('node:worker_threads').parentPort.on('message', () => process.exit(3));", {
      eval: true,
    });
  };
  const index = await indexed({ jobs: 2, pool: { create: dying, minChars: 0 } });
  const { files: n, extracted: e } = (await reference()).lastRefresh!;
  assert.equal(started, 4, 'two workers, each replaced once');
  assert.deepEqual(index.lastRefresh, { files: n, extracted: e, fromCache: 0, workers: 4, byWorkers: 0 });
  assert.deepEqual(snapshot(index), snapshot(await reference()));
});

test('files queued while the workers are busy go out in batches, bounded in files and characters', async () => {
  // A worker that answers each file with the number of the batch it came in (as the file's "problem", packed here)
  const packedBatchNumbers = Array.from({ length: 64 }, (_, n) => packFacts({ problem: String(n) }));
  const batchNumberer = () =>
    new Worker(
      `const { parentPort, workerData } = require('node:worker_threads');
       let batch = 0;
       parentPort.on('message', ({ files }) => {
         const n = batch++;
         setTimeout(() => parentPort.postMessage({
           type: 'done',
           results: files.map((f) => ({ id: f.id, bytes: workerData[n].slice() })),
         }), 5);
       });`,
      { eval: true, workerData: packedBatchNumbers },
    );
  const pool = new ExtractPool(1, ['python'], { create: batchNumberer });
  try {
    const file = (i: number) => ({ path: `m${i}.py`, absPath: `/ws/m${i}.py`, language: 'python' as const });
    const big = new Set([40, 41, 42]);
    const texts = Array.from({ length: 60 }, (_, i) => (big.has(i) ? 'x'.repeat(100_000) : 'x = 1\n'));
    const answers = await Promise.all(texts.map((text, i) => pool.extract(file(i), text)));
    const batchOf = answers.map(({ facts }) => Number(facts.problem));
    const members = new Map<number, number[]>();
    batchOf.forEach((b, i) => members.set(b, [...(members.get(b) ?? []), i]));
    // The idle worker gets the first two files at once, one batch each; the rest wait and leave together
    assert.deepEqual(members.get(0), [0]);
    assert.deepEqual(members.get(1), [1]);
    assert.ok(members.size < 12, `${members.size} messages for 60 files`);
    for (const files of members.values()) {
      assert.ok(files.length <= 16, JSON.stringify([...members]));
      // Each batch stays in the file order and within 256 K characters: the three 100,000-character files are not all in one
      assert.deepEqual(
        files,
        [...files].sort((a, b) => a - b),
      );
      assert.ok(files.reduce((n, i) => n + texts[i].length, 0) <= 256 * 1024, JSON.stringify([...members]));
    }
  } finally {
    await pool.close();
  }
});

test('the route facts a worker sends are decoded as they arrive: routes() after the refresh decodes none', async () => {
  // Counted at node:v8's deserialize, which every decode of packed facts goes through
  const v8 = require('node:v8') as typeof V8;
  const original = v8.deserialize;
  let decoded = 0;
  v8.deserialize = (buffer) => {
    decoded++;
    return original(buffer);
  };
  try {
    const index = await indexed({ jobs: 2, pool: { minChars: 0 } });
    assert.ok(index.lastRefresh!.byWorkers > 200);
    decoded = 0;
    const routes = index.routes();
    assert.equal(decoded, 0, `routes() decoded ${decoded} files' route facts`);
    assert.deepEqual(routes, (await reference()).routes());
    index.findings();
    assert.ok(decoded > 200, 'the count sees decodes: findings() decodes code facts when it first reads them');
  } finally {
    v8.deserialize = original;
  }
});
