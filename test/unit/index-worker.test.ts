// The editor's index in a worker (src/core/indexWorker): the extension host's event loop keeps
// ticking while a 1 MB file is indexed (the same work on the host's own thread stalls it for
// seconds), results arrive as plain data, edits and deletions go through, a crashed worker is
// replaced once and its error logged, and dispose() ends the worker.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { nodeFileSystem } from '../../src/core/fs';
import { createIndexWorker, IndexClient } from '../../src/core/indexWorker/client';
import type { IndexWorkerData } from '../../src/core/indexWorker/protocol';
import { nodeWasmLoader, Parsers } from '../../src/core/parsing/parser';
import { ProjectIndex } from '../../src/core/project';
import { MAX_SOURCE_BYTES } from '../../src/core/sourceReader';

/** The longest the host's event loop may be held by analysis. */
const MAX_GAP_MS = 50;

const roots: string[] = [];
after(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

function workspace(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'ep-index-worker-'));
  roots.push(root);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  }
  return root;
}

/** A generated FastAPI module just over 1 MB: ordinary lines, so it is analysed, not skipped. */
function largeModule(): { text: string; routes: number } {
  const parts = ['from fastapi import FastAPI\n\napp = FastAPI()\n'];
  let size = parts[0].length;
  let i = 0;
  while (size < 1_000_000) {
    const part = [
      '',
      '',
      `@app.get("/items/r${i}/{item_id}")`,
      `async def read_item_${i}(item_id: int, q: str | None = None):`,
      `    """Returns item ${i}: generated to make a large but ordinary module."""`,
      '    total = 0',
      '    for k in range(item_id):',
      `        total += k * ${i}`,
      `    data = {"id": item_id, "q": q, "total": total, "name": "item-${i}"}`,
      '    if q:',
      '        data["upper"] = q.upper()',
      '    return data',
      '',
    ].join('\n');
    parts.push(part);
    size += part.length;
    i++;
  }
  return { text: parts.join(''), routes: i };
}

const BLOCKING =
  'import time\nfrom fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get("/slow")\nasync def slow():\n    time.sleep(1)\n    return {}\n';
const CLEAN =
  'import asyncio\nfrom fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get("/slow")\nasync def slow():\n    await asyncio.sleep(1)\n    return {}\n';

/**
 * Milliseconds this thread has spent runnable but waiting for a CPU (Linux schedstat), or
 * undefined where that is not known. On a 2-core machine shared with other builds an idle event
 * loop misses 10 ms ticks by 40 ms and more; that wait is the machine's, not analysis'.
 */
function cpuWaitMs(): number | undefined {
  try {
    return Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[1]) / 1e6;
  } catch {
    return undefined;
  }
}

/**
 * Runs `work` while a 10 ms interval timer measures the longest the event loop went without
 * running it: `gap` as the wall clock saw it, `blocked` less the time the OS kept this thread
 * waiting for a CPU (what the thread itself was busy or stuck doing).
 */
async function maxGapDuring<T>(work: () => Promise<T>): Promise<{ result: T; gap: number; blocked: number }> {
  let last = performance.now();
  let lastWait = cpuWaitMs();
  let gap = 0;
  let blocked = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    const wait = cpuWaitMs();
    gap = Math.max(gap, now - last);
    blocked = Math.max(blocked, now - last - (wait !== undefined && lastWait !== undefined ? wait - lastWait : 0));
    last = now;
    lastWait = wait;
  }, 10);
  try {
    const result = await work();
    await new Promise((r) => setTimeout(r, 30)); // the tick after the last piece of work
    return { result, gap, blocked };
  } finally {
    clearInterval(ticker);
  }
}

const ms = (x: number) => `${Math.round(x)} ms`;

test('indexing a 1 MB file in the worker never blocks the event loop 50 ms; on this thread it does', async () => {
  const large = largeModule();
  const root = workspace({ 'big.py': large.text, 'slow.py': BLOCKING });
  const size = statSync(path.join(root, 'big.py')).size;
  assert.ok(size > 1_000_000 && size < MAX_SOURCE_BYTES, `1 MB and analysable: ${size} bytes`);

  // The worker first, while this thread's heap is small, as the extension host's is.
  const client = await IndexClient.start(root);
  let inWorker;
  try {
    inWorker = await maxGapDuring(async () => {
      await client.refresh();
      return { routes: client.routes(), findings: client.findings(), problems: client.problems() };
    });
  } finally {
    await client.dispose();
  }
  // Control: ProjectIndex on this thread, as the extension host ran it before.
  const local = new ProjectIndex(root, nodeFileSystem, await Parsers.load(nodeWasmLoader));
  const inThread = await maxGapDuring(async () => {
    await local.refresh();
    return { routes: local.routes(), findings: local.findings(), problems: local.problems() };
  });

  const gaps =
    `max gap on this thread ${ms(inThread.gap)} (blocked ${ms(inThread.blocked)}), ` +
    `through the worker ${ms(inWorker.gap)} (blocked ${ms(inWorker.blocked)})`;
  console.log(`# ${gaps}`);
  assert.deepEqual(inThread.result.problems, [], 'the large file is analysed, not skipped');
  assert.equal(inThread.result.routes.length, large.routes + 1);
  assert.ok(inThread.blocked > MAX_GAP_MS, `the control must block to prove anything: ${gaps}`);
  assert.ok(inWorker.blocked < MAX_GAP_MS, gaps);
  // The same results, as plain data.
  assert.deepEqual(inWorker.result, inThread.result);
  assert.deepEqual(
    inWorker.result.findings.map((f) => `${f.rule}@${f.file}:${f.line}`),
    ['EP103@slow.py:8', 'EP101@slow.py:9'],
  );
});

test('edits with unsaved text, disk reads, deletions and ignored files go through the worker', async () => {
  const root = workspace({ 'main.py': CLEAN, '.gitignore': 'generated/\n', 'generated/api.py': BLOCKING });
  const logged: string[] = [];
  const client = await IndexClient.start(root, { log: (l) => logged.push(l) });
  try {
    await client.refresh();
    assert.match(logged.join('\n'), /Index worker: read, parsed and extracted 1 files in \d+ ms, linked .* in \d+ ms/);
    assert.deepEqual(client.paths(), ['main.py']);
    assert.equal(client.routes().length, 1);
    assert.deepEqual(client.findings(), []);
    const main = { path: 'main.py', absPath: path.join(root, 'main.py'), language: 'python' as const };
    assert.equal(await client.update(main, BLOCKING), true, 'unsaved text');
    assert.deepEqual(
      client
        .findings()
        .map((f) => f.rule)
        .sort(),
      ['EP101', 'EP103'],
    );
    assert.equal(await client.update(main, BLOCKING), false, 'the same text again changes nothing');
    assert.equal(await client.update(main), true, 'back to the disk');
    assert.deepEqual(client.findings(), []);
    const ignored = {
      path: 'generated/api.py',
      absPath: path.join(root, 'generated/api.py'),
      language: 'python' as const,
    };
    assert.equal(await client.update(ignored, BLOCKING), false, 'a gitignored file stays out');
    const testFile = {
      path: 'tests/test_main.py',
      absPath: path.join(root, 'tests/test_main.py'),
      language: 'python' as const,
    };
    assert.equal(await client.update(testFile, BLOCKING), false, 'a test file stays out');
    assert.deepEqual(client.paths(), ['main.py']);
    assert.deepEqual(client.findings(), []);
    // A file that is too large is named as a problem, as on the host before.
    assert.equal(await client.update(main, `x = 1\n${'#'.repeat(MAX_SOURCE_BYTES)}\n`), true);
    assert.match(client.problems().find((p) => p.path === 'main.py')?.problem ?? '', /skipped/);
    assert.equal(await client.remove('main.py'), true);
    assert.deepEqual(client.paths(), []);
    assert.deepEqual(client.routes(), []);
    assert.deepEqual(client.problems(), []);
    // Excludes take effect with the next scan.
    await client.reconfigure({ exclude: ['main.py'] });
    await client.refresh();
    assert.deepEqual(client.paths(), []);
    await client.reconfigure({});
    await client.refresh();
    assert.match(logged.join('\n'), /Index worker: read, parsed and extracted 1 files in \d+ ms, linked .* in \d+ ms/);
    assert.deepEqual(client.paths(), ['main.py']);
  } finally {
    await client.dispose();
  }
});

/** A worker that says it is ready, then dies on its first request, as one that ran out of memory would. */
const dyingWorker = () =>
  new Worker(
    `const { parentPort } = require('node:worker_threads');
     parentPort.postMessage({ type: 'ready' });
     parentPort.on('message', () => { throw new Error('the grammar ran out of memory'); });`,
    { eval: true },
  );

test('a worker that crashes is restarted once, with its error in the log; the extension never throws', async () => {
  const root = workspace({ 'main.py': BLOCKING });
  const logged: string[] = [];
  let spawned = 0;
  let restarts = 0;
  const client = await IndexClient.start(root, {
    log: (l) => logged.push(l),
    onRestart: () => restarts++,
    createWorker: (data: IndexWorkerData) => (spawned++ === 0 ? dyingWorker() : createIndexWorker(data)),
  });
  try {
    await assert.rejects(client.refresh(), /the grammar ran out of memory/);
    assert.match(logged.join('\n'), /the index worker failed: the grammar ran out of memory/);
    await new Promise<void>((resolve) => {
      const wait = () => (restarts > 0 ? resolve() : setTimeout(wait, 20));
      wait();
    });
    assert.equal(spawned, 2);
    await client.refresh(); // what the extension does on onRestart
    assert.equal(client.routes().length, 1);
    assert.deepEqual(
      client
        .findings()
        .map((f) => f.rule)
        .sort(),
      ['EP101', 'EP103'],
    );
  } finally {
    await client.dispose();
  }
});

test('a worker that crashes again is not restarted a second time: requests are refused', async () => {
  const root = workspace({ 'main.py': CLEAN });
  const logged: string[] = [];
  let spawned = 0;
  const client = await IndexClient.start(root, {
    log: (l) => logged.push(l),
    createWorker: () => (spawned++, dyingWorker()),
  });
  await assert.rejects(client.refresh(), /ran out of memory/);
  await assert.rejects(client.refresh(), /ran out of memory/);
  await assert.rejects(client.refresh(), /not restarted again/);
  assert.equal(spawned, 2);
  assert.match(logged.join('\n'), /not restarted again/);
  await client.dispose();
});

test('a worker that cannot load its parsers fails start(); dispose() ends a running worker', async () => {
  const root = workspace({ 'main.py': CLEAN });
  let spawned = 0;
  await assert.rejects(
    IndexClient.start(root, {
      createWorker: () => {
        spawned++;
        return new Worker(
          `require('node:worker_threads').parentPort.postMessage({ type: 'unusable', message: 'could not load the parsers: gone' });`,
          { eval: true },
        );
      },
    }),
    /could not load the parsers: gone/,
  );
  assert.equal(spawned, 1, 'no restart of a worker that never got ready');

  let worker: Worker | undefined;
  const client = await IndexClient.start(root, { createWorker: (data) => (worker = createIndexWorker(data)) });
  const exited = new Promise((resolve) => worker!.once('exit', resolve));
  await client.dispose();
  await exited;
  await assert.rejects(client.refresh(), /stopped/);
});

test('with jobs, the index worker parses a first scan in worker threads of its own, with the same results', async () => {
  const root = path.resolve(__dirname, '..', 'fixtures', 'python');
  const logged: string[] = [];
  // minChars 0: these fixtures are fewer characters than a workspace gets workers for
  const pooled = await IndexClient.start(root, {
    options: { jobs: 2, pool: { minChars: 0 } },
    log: (l) => logged.push(l),
  });
  const single = await IndexClient.start(root, { options: { jobs: 1 } });
  try {
    await pooled.refresh();
    await single.refresh();
    assert.match(logged.join('\n'), /extracted \d+ files in \d+ ms, .* ms\. \d+ files parsed in 2 worker threads\./);
    const state = (c: IndexClient) => ({
      routes: c.routes(),
      findings: c.findings(),
      paths: c.paths(),
      problems: c.problems(),
    });
    assert.ok(single.routes().length > 100);
    assert.deepEqual(state(pooled), state(single));
  } finally {
    await pooled.dispose();
    await single.dispose();
  }
});
