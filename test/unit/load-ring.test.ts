// The lean pool's per-connection FIFO (src/core/load/ring.ts): order, growth past its capacity,
// and taken slots let go, checked against a plain array under random pushes and shifts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Ring } from '../../src/core/load/ring';

test('a ring keeps FIFO order through wrap-around and growth, as an array does', () => {
  let seed = 7;
  const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (const capacity of [1, 2, 3, 10]) {
    const ring = new Ring<number>(capacity);
    const model: number[] = [];
    for (let step = 0; step < 5000; step++) {
      const r = rnd();
      if (r < 0.5) {
        ring.push(step);
        model.push(step);
      } else if (r < 0.95) assert.equal(ring.shift(), model.shift());
      else assert.deepEqual(ring.takeAll(), model.splice(0));
      assert.equal(ring.length, model.length);
      assert.equal(ring.peek(), model[0]);
    }
  }
});

test('a ring lets go of what it hands out', () => {
  const ring = new Ring<object>(2);
  const x = {};
  ring.push(x);
  ring.push({});
  ring.shift();
  ring.takeAll();
  // No slot still refers to an entry taken out (the pool's answered requests must not stay alive).
  const slots = (ring as unknown as { items: unknown[] }).items;
  assert.ok(slots.every((s) => s === undefined));
  assert.equal(ring.shift(), undefined);
  assert.equal(ring.peek(), undefined);
});
