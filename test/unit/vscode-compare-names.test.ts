// Names for runs compared side by side: unique, and saying what differs (label, else route ·
// server · load · time), never a run id; colliding names get the date, then seconds, then #n.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareNames } from '../../src/vscode/runsTreeModel';
import { syntheticRun } from './vscode-records';

const at = (h: number, m: number, s = 0, day = 1): string => new Date(2026, 0, day, h, m, s).toISOString();
const run = (o: Partial<Parameters<typeof syntheticRun>[0]> = {}) =>
  syntheticRun({ latenciesMs: [5, 6, 7], route: { path: '/items/{id}' }, ...o });

test('unlabelled runs read route · server · load · time; labels win', () => {
  const names = compareNames([
    run({ server: { command: 'python -m uvicorn main:app --workers 4', workers: 4 }, createdAt: at(14, 5) }),
    run({ concurrency: 50, createdAt: at(14, 7) }),
    run({ label: 'after the fix', createdAt: at(14, 9) }),
  ]);
  assert.deepEqual(names, [
    'GET /items/{id} · uvicorn main:app · 4 workers · c=10 · 14:05',
    'GET /items/{id} · c=50 · 14:07',
    'after the fix',
  ]);
});

test('collisions get the date, then seconds, then a number; names stay unique', () => {
  const names = compareNames([
    run({ createdAt: at(14, 5, 1, 1) }),
    run({ createdAt: at(14, 5, 1, 2) }), // the same minute on another day
    run({ createdAt: at(14, 5, 2, 2) }), // the same minute, another second
    run({ createdAt: at(14, 5, 2, 2) }), // identical
    run({ label: 'fix', createdAt: at(9, 0) }),
    run({ label: 'fix', createdAt: at(9, 30) }),
  ]);
  assert.equal(new Set(names).size, names.length, names.join(' | '));
  assert.equal(names[0], 'GET /items/{id} · c=10 · 2026-01-01 14:05');
  assert.equal(names[1], 'GET /items/{id} · c=10 · 2026-01-02 14:05:01');
  assert.match(names[2], /2026-01-02 14:05:02 #1$/);
  assert.match(names[3], /2026-01-02 14:05:02 #2$/);
  assert.deepEqual(names.slice(4), ['fix · 09:00', 'fix · 09:30']);
  for (const n of names) assert.doesNotMatch(n, /synthetic-/, 'never the run id');
});
