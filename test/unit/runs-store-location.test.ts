// Where the extension keeps runs: one folder per workspace folder under global storage, so two
// windows on the same folder (each with its own workspaceStorage) list the same runs; runs kept
// by an older version in a window's workspace storage are moved there, mode kept, never clobbered.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import type { RunRecord } from '../../src/core/model';
import { encodeHistogram, newHistogram, recordUs } from '../../src/core/load/histogram';
import { RunStore, runsFolderFor } from '../../src/core/runs/store';

const dir = mkdtempSync(path.join(tmpdir(), 'ep-store-location-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function record(id: string, createdAt: string): RunRecord {
  const h = newHistogram();
  recordUs(h, 5000);
  return {
    schemaVersion: 1,
    id,
    createdAt,
    target: {
      url: 'http://127.0.0.1:8000/x',
      method: 'GET',
      headers: { authorization: 'Bearer s3cret' },
      bodyBytes: 0,
    },
    config: { model: 'closed', concurrency: 1, requests: 1, timeoutS: 10, warmup: 0 },
    environment: { host: 'h', cpus: 2, node: 'v20', tool: 'endpoint-profiler', version: '0' },
    summary: {
      count: 1,
      ok: 1,
      errors: 0,
      rps: 1,
      durationS: 1,
      latencyMs: { min: 5, mean: 5, stdev: 0, p50: 5, p75: 5, p90: 5, p95: 5, p99: 5, p999: 5, max: 5 },
    },
    statusCodes: { 200: 1 },
    errorKinds: {},
    timeline: [],
    histogram: encodeHistogram(h),
    status: 'complete',
  };
}

test('one runs folder per workspace folder: same for every window, different for another folder', () => {
  const global = path.join(dir, 'globalStorage');
  const a = runsFolderFor(global, '/home/u/shop');
  assert.equal(runsFolderFor(global, '/home/u/shop/'), a, 'a trailing slash is the same folder');
  assert.equal(runsFolderFor(global, '/home/u/x/../shop'), a);
  assert.notEqual(runsFolderFor(global, '/home/u/other/shop'), a, 'same name, other folder');
  assert.match(path.basename(a), /^shop-[0-9a-f]{16}$/);
  assert.ok(a.startsWith(path.join(global, 'runs') + path.sep), 'under global storage, outside the repository');
  assert.equal(runsFolderFor(global, '/Users/U/Shop', 'darwin'), runsFolderFor(global, '/users/u/shop', 'darwin'));
  assert.equal(path.basename(runsFolderFor(global, '/a/b c;d')).split('-')[0], 'b_c_d');
});

test('two windows on one folder see each other’s runs (they did not with workspaceStorage)', async () => {
  const global = path.join(dir, 'g2');
  const folder = path.join(dir, 'project');
  const windowA = new RunStore(runsFolderFor(global, folder));
  const windowB = new RunStore(runsFolderFor(global, folder));
  await windowA.save(record('run-a', '2026-01-01T00:00:00Z'));
  await windowB.save(record('run-b', '2026-01-02T00:00:00Z'));
  assert.deepEqual(
    (await windowA.list()).map((e) => e.id),
    ['run-b', 'run-a'],
  );
  assert.deepEqual(
    (await windowB.list()).map((e) => e.id),
    ['run-b', 'run-a'],
  );
  const file = path.join(windowA.dir, 'run-a.json');
  assert.equal(statSync(file).mode & 0o777, 0o600, 'run files stay private');
  assert.match((await windowB.load('run-a')).target.headers.authorization, /^redacted:/);
});

test('runs of the old per-window store are moved in, mode kept; a run already there is not overwritten', async () => {
  const old = path.join(dir, 'workspaceStorage', 'abc', 'runs');
  mkdirSync(old, { recursive: true });
  const legacy = new RunStore(old);
  await legacy.save(record('old-1', '2025-12-01T00:00:00Z'));
  await legacy.save(record('both', '2025-12-02T00:00:00Z'));
  writeFileSync(path.join(old, 'notes.txt'), 'not a run');
  const store = new RunStore(runsFolderFor(path.join(dir, 'g3'), path.join(dir, 'p3')));
  await store.save({ ...record('both', '2026-01-05T00:00:00Z'), label: 'newer' });
  assert.equal(await store.adopt(old), 1);
  assert.deepEqual(
    (await store.list()).map((e) => e.id),
    ['both', 'old-1'],
  );
  assert.equal((await store.load('both')).label, 'newer', 'the one already there wins');
  assert.equal(statSync(path.join(store.dir, 'old-1.json')).mode & 0o777, 0o600);
  assert.deepEqual(readdirSync(old).sort(), ['both.json', 'notes.txt'], 'what was not moved stays');
  assert.equal(await store.adopt(path.join(dir, 'nope')), 0, 'no old folder: nothing to do');
  assert.equal(await store.adopt(store.dir), 0);
});
