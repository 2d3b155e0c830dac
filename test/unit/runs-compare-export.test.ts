// The Markdown export of a comparison carries what the panel shows — values with their deltas
// and verdicts, the method, and the configuration of every run — and Save As starts outside the
// repository with a short file name (it wrote a 90-character name into the repository root).
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { compareRuns } from '../../src/core/runs/compare';
import { comparisonMarkdown } from '../../src/core/runs/export';
import { compareNames, exportDefaultPath } from '../../src/vscode/runsTreeModel';
import { syntheticRun } from './vscode-records';

const base = syntheticRun({
  id: '2026-01-05T10-00-00-000Z-aaaaaaaa',
  latenciesMs: Array(10).fill(1000),
  durationS: 10,
  server: { command: 'uvicorn main:app', workers: 1 },
  createdAt: '2026-01-05T10:00:00.000Z',
});
const fixed = syntheticRun({
  id: '2026-01-05T10-05-00-000Z-bbbbbbbb',
  label: 'after | fix',
  latenciesMs: Array(10).fill(102),
  durationS: 1.02,
  server: { command: 'uvicorn main:app --workers 4', workers: 4 },
  url: 'http://user:pw@127.0.0.1:8000/items',
  createdAt: '2026-01-05T10:05:00.000Z',
});

test('comparison Markdown: deltas and verdicts per run, the method, every setting with differences marked', () => {
  const runs = [base, fixed];
  const md = comparisonMarkdown(runs, compareRuns(runs), compareNames(runs));
  assert.match(md, /^# Endpoint Profiler comparison/);
  assert.match(
    md,
    /\| Metric \| GET \/items · uvicorn main:app · 1 worker · c=10 · \d\d:\d\d \(baseline\) \| after \\\| fix \|/,
  );
  assert.match(md, /\| p50 \| 1000 ms \| 102 ms \(−89\.8 %, better\) \|/);
  assert.match(md, /\| Throughput \| 1\.0 req\/s \| 9\.8 req\/s \(\+880\.4 %, better\) \|/);
  assert.match(md, /Verdicts: bootstrap/);
  assert.match(md, /\| \*\*server\.command\*\* \| uvicorn main:app \| uvicorn main:app --workers 4 \|/);
  assert.match(md, /\| concurrency \| 10 \| 10 \|/, 'settings that are the same are listed too');
  assert.match(md, /\| expect \| 200-399 \| 200-399 \|/);
  assert.doesNotMatch(md, /user:pw/, 'no credentials from the URL');
  assert.match(md, /run `2026-01-05T10-05-00-000Z-bbbbbbbb`/);
});

test('Save As starts in the last export folder, else home, with a short name', () => {
  const join = (d: string, n: string) => path.posix.join(d, n);
  const runs = [base, fixed, base];
  assert.equal(exportDefaultPath(runs, 'md', undefined, '/home/u', join), '/home/u/compare-3-runs-2026-01-05.md');
  assert.equal(
    exportDefaultPath(runs, 'md', '/tmp/reports', '/home/u', join),
    '/tmp/reports/compare-3-runs-2026-01-05.md',
  );
  assert.ok(path.basename(exportDefaultPath(runs, 'md', undefined, '/h', join)).length < 40);
  assert.equal(exportDefaultPath([fixed], 'json', undefined, '/home/u', join), '/home/u/after-fix.json');
});
