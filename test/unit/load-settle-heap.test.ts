// settleStartupHeap (src/core/load/settleHeap.ts): what is alive in V8's young generation before a
// long CLI run is promoted before the clock starts, so the run's scavenges do not copy it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as v8 from 'node:v8';
import { settleStartupHeap } from '../../src/core/load/settleHeap';

const newSpaceUsed = (): number =>
  v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')!.space_used_size;

test('settling the heap empties the young generation of live start-up objects', () => {
  // Stands in for start-up: ~2 MB of small objects that stay alive, young when the run would start.
  const alive: Array<{ i: number; s: string }> = [];
  for (let i = 0; i < 40_000; i++) alive.push({ i, s: `object ${i}` });
  const before = newSpaceUsed();
  assert.ok(before > 1_000_000, `the objects start young (${before} B in new space)`);
  settleStartupHeap();
  const after = newSpaceUsed();
  assert.ok(after < 200_000, `${after} B still in new space (was ${before})`);
  assert.equal(alive.length, 40_000);
});
