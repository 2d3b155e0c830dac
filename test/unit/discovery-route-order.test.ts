// FileThenLine keeps the last (file, line) order between links and replaces routes in place after an edit; every
// output must equal a sort from scratch, whatever moved.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FileThenLine } from '../../src/core/discovery';
import type { Route } from '../../src/core/model';

const route = (path: string, file = 'app/g.py', line = 1): Route =>
  ({ path, file, line, methods: ['GET'], handler: 'h' }) as unknown as Route;

const fresh = (routes: Route[]) =>
  [...routes].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line)).map((r) => r.path);

test('a kept route that moves to another place in the input, then an edit of it, equals a fresh sort', () => {
  // One handler (same file and line) on three routes: [A, B, C] → [B, A, C] (kept objects reordered) → [B2, A, C]
  const [a, b, c] = [route('/one/a'), route('/one/c'), route('/three/x')];
  const b2 = route('/two/b');
  const order = new FileThenLine();
  for (const input of [
    [a, b, c],
    [b, a, c],
    [b2, a, c],
    [b2, a, route('/three/y')],
  ])
    assert.deepEqual(
      order.sort(input).map((r) => r.path),
      fresh(input),
    );
});

test('routes replaced in place at their own places keep the order without sorting again', () => {
  const order = new FileThenLine();
  const first = [route('/b', 'b.py', 2), route('/a', 'a.py', 5), route('/a0', 'a.py', 1)];
  assert.deepEqual(
    order.sort(first).map((r) => r.path),
    ['/a0', '/a', '/b'],
  );
  const second = [route('/bee', 'b.py', 2), first[1], first[2]];
  assert.deepEqual(
    order.sort(second).map((r) => r.path),
    ['/a0', '/a', '/bee'],
  );
});
