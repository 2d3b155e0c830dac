// The one memo of incremental computation: a result is kept while every read made through a tracked
// view answers the same, and is computed again after an edit of anything it read, however indirectly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Memo } from '../../src/core/incremental/memo';
import { Tracked, Tracker } from '../../src/core/incremental/tracker';

/** A workspace of modules, each exporting names, read only through the tracked view. */
function workspace() {
  const tracker = new Tracker();
  const modules = new Map<string, Record<string, string>>();
  const exportsOf = new Tracked(tracker, (module: string) => modules.get(module));
  return { tracker, modules, exportsOf };
}

test('a result is served while what it read is unchanged, and recomputed after an edit of it', () => {
  const { tracker, modules, exportsOf } = workspace();
  modules.set('a', { x: 'b.y' });
  modules.set('b', { y: '42' });
  modules.set('c', { z: '1' });
  const memo = Memo.byKey<string, string | undefined>(tracker);
  let computed = 0;
  /** Follows `module.name` references across modules: reads every module on the way. */
  const value = (module: string, name: string): string | undefined =>
    memo.get(`${module}.${name}`, () => {
      computed++;
      const v = exportsOf.get(module)?.[name];
      const dot = v?.indexOf('.') ?? -1;
      return v !== undefined && dot > 0 ? value(v.slice(0, dot), v.slice(dot + 1)) : v;
    });
  tracker.advance();
  assert.equal(value('a', 'x'), '42');
  assert.equal(computed, 2);
  tracker.advance();
  modules.set('c', { z: '2' }); // read by nothing
  assert.equal(value('a', 'x'), '42');
  assert.equal(computed, 2, 'an edit of a module nothing read recomputes nothing');
  tracker.advance();
  modules.set('b', { y: '43' }); // read only while computing b.y, inside a.x's computation
  assert.equal(value('a', 'x'), '43', 'the edit reaches the outer result through the inner one');
  assert.equal(computed, 4);
});

test('a module that was missing and appears invalidates the results that looked for it', () => {
  const { tracker, modules, exportsOf } = workspace();
  const memo = Memo.byKey<string, string>(tracker);
  const read = () => memo.get('k', () => exportsOf.get('later')?.n ?? 'none');
  tracker.advance();
  assert.equal(read(), 'none');
  tracker.advance();
  modules.set('later', { n: 'here' });
  assert.equal(read(), 'here');
});

test('a value `keep` rejects is not kept (a search cut short is asked again)', () => {
  const { tracker } = workspace();
  const memo = Memo.byKey<string, number>(tracker);
  let n = 0;
  tracker.advance();
  memo.get(
    'k',
    () => ++n,
    () => false,
  );
  memo.get(
    'k',
    () => ++n,
    () => false,
  );
  assert.equal(n, 2);
  assert.equal(
    memo.get('k', () => ++n),
    3,
  );
  assert.equal(
    memo.get('k', () => ++n),
    3,
  );
});

test('reads inside `untracked` and answers checked by the memo are not recorded', () => {
  const { tracker, modules, exportsOf } = workspace();
  modules.set('a', { x: '1' });
  const memo = Memo.byKey<string, string | undefined>(tracker);
  tracker.advance();
  memo.get('k', () => tracker.untracked(() => exportsOf.get('a')?.x));
  modules.set('a', { x: '2' });
  tracker.advance();
  // Bookkeeping read untracked: the memo cannot see the edit (what the tracked view is for)
  assert.equal(
    memo.get('k', () => 'recomputed'),
    '1',
  );
});

/** A logged view: every change is noted (`changed`), so a revision asks only the kept results that read a noted key. */
function loggedWorkspace() {
  const tracker = new Tracker();
  const values = new Map<string, number>();
  let answered = 0;
  const view = new Tracked(
    tracker,
    (key: string) => {
      answered++;
      return values.get(key);
    },
    false,
    true,
  );
  const set = (key: string, value: number) => {
    values.set(key, value);
    view.changed(key);
  };
  return { tracker, view, set, answered: () => answered };
}

test('a logged view: a change noted between two look-ups of one revision reaches the later one', () => {
  // The route linker's pattern: a result computed again in this revision changes an answer that results
  // looked up later in the same revision read
  const { tracker, view, set } = loggedWorkspace();
  set('x', 1);
  set('y', 1);
  const memo = Memo.byKey<string, number | undefined>(tracker);
  tracker.advance();
  assert.equal(
    memo.get('a', () => view.get('x')),
    1,
  );
  assert.equal(
    memo.get('b', () => view.get('y')),
    1,
  );
  tracker.advance();
  assert.equal(
    memo.get('a', () => -1),
    1,
    'nothing it read changed',
  );
  set('y', 2);
  assert.equal(
    memo.get('b', () => view.get('y')),
    2,
    'noted after the first look-up of the revision',
  );
});

test('a logged view: an unchanged result is served without asking the view again; a change of every key asks all', () => {
  const { tracker, view, set, answered } = loggedWorkspace();
  const memo = Memo.byKey<string, number | undefined>(tracker);
  for (let i = 0; i < 100; i++) set(`k${i}`, i);
  tracker.advance();
  for (let i = 0; i < 100; i++) memo.get(`k${i}`, () => view.get(`k${i}`));
  tracker.advance();
  set('k7', 70);
  const before = answered();
  for (let i = 0; i < 100; i++)
    assert.equal(
      memo.get(`k${i}`, () => view.get(`k${i}`)),
      i === 7 ? 70 : i,
    );
  assert.equal(answered() - before, 2, 'k7 asked once to check its kept answer and once to compute it again');
  tracker.advance();
  view.changedAll();
  const all = answered();
  for (let i = 0; i < 100; i++) memo.get(`k${i}`, () => view.get(`k${i}`));
  assert.equal(answered() - all, 100, 'after a change of every key, each kept answer is checked');
});

test('a result using a kept one depends on its value: an inner result recomputed to the same value keeps the outer', () => {
  const { tracker, view, set } = loggedWorkspace();
  set('x', 1);
  const memo = Memo.byKey<string, string>(tracker);
  let inner = 0;
  let outer = 0;
  const sign = () =>
    memo.get('sign', () => {
      inner++;
      return view.get('x')! > 0 ? 'positive' : 'not positive';
    });
  const label = () =>
    memo.get('label', () => {
      outer++;
      return `x is ${sign()}`;
    });
  tracker.advance();
  assert.equal(label(), 'x is positive');
  tracker.advance();
  set('x', 2);
  // The inner result is asked first in the revision (as another file's check would) and computed again, equal
  assert.equal(sign(), 'positive');
  assert.equal(label(), 'x is positive');
  assert.deepEqual(
    [inner, outer],
    [2, 1],
    'the outer result read x only through the inner one, whose value is the same',
  );
  tracker.advance();
  set('x', -1);
  assert.equal(label(), 'x is not positive', 'a changed inner value reaches the outer result');
  assert.deepEqual([inner, outer], [3, 2]);
});

test('a chain of results built from kept ones is checked once per entry per revision, not once per path to it', () => {
  const tracker = new Tracker();
  const values = new Map<number, number>();
  let asked = 0;
  // A view without a log of its changes: every check asks it again
  const view = new Tracked(tracker, (key: number) => {
    asked++;
    return values.get(key);
  });
  const memo = Memo.byKey<number, number>(tracker);
  const N = 200;
  const sum = (i: number): number => memo.get(i, () => view.get(i)! + (i + 1 < N ? sum(i + 1) : 0));
  for (let i = 0; i < N; i++) values.set(i, 1);
  tracker.advance();
  assert.equal(sum(0), N);
  tracker.advance();
  asked = 0;
  // Every link of the chain asked, from the deepest: each checks its own read once, and the entry it used
  // (already checked in this revision) by its stamp
  for (let i = N - 1; i >= 0; i--) assert.equal(sum(i), N - i);
  assert.equal(asked, N, 'one question per entry, not the reads of every entry below it again');
  tracker.advance();
  asked = 0;
  assert.equal(sum(0), N, 'asked from the top, the check walks down the chain');
  assert.equal(asked, N);
  tracker.advance();
  values.set(N - 1, 2);
  assert.equal(sum(0), N + 1, 'an edit at the bottom reaches the top');
});

test('nested computations share one record of reads: each keeps its own, a thrown one leaves none to its caller', () => {
  const { tracker, modules, exportsOf } = workspace();
  for (let i = 0; i < 40; i++) modules.set(`m${i}`, { v: `${i}` });
  const memo = Memo.byKey<string, string>(tracker);
  let outerRuns = 0;
  // The outer result reads m0..m29 (past the point where a computation's reads are indexed), twice each,
  // and asks an inner result that reads m30 and one that throws after reading m31
  const outer = () =>
    memo.get('outer', () => {
      outerRuns++;
      let s = '';
      for (let pass = 0; pass < 2; pass++) for (let i = 0; i < 30; i++) s += exportsOf.get(`m${i}`)!.v;
      s += memo.get('inner', () => exportsOf.get('m30')!.v);
      try {
        memo.get('throws', () => {
          exportsOf.get('m31');
          throw new Error('no');
        });
      } catch {
        s += '!';
      }
      return s;
    });
  tracker.advance();
  outer();
  assert.equal(outerRuns, 1);
  tracker.advance();
  modules.set('m31', { v: 'x' }); // read only by the computation that threw
  outer();
  assert.equal(outerRuns, 1, 'what a thrown computation read is not counted as its caller’s');
  tracker.advance();
  modules.set('m29', { v: 'y' }); // read by the outer result itself, late in its reads
  outer();
  assert.equal(outerRuns, 2);
  tracker.advance();
  modules.set('m30', { v: 'z' }); // read by the inner result only: reaches the outer through its edge
  outer();
  assert.equal(outerRuns, 3);
});

test('touchedKeys follows the edges reversed: the outer entries that used a touched inner one, and no others', () => {
  const { tracker, view, set } = loggedWorkspace();
  const inner = Memo.byObject<{ name: string }, number>(tracker);
  const outer = Memo.byKey<string, number>(tracker);
  const keys = Array.from({ length: 20 }, (_, i) => ({ name: `i${i}` }));
  for (const k of keys) set(k.name, 1);
  const innerOf = (k: { name: string }) => inner.get(k, () => view.get(k.name)!);
  // o<i> uses i<i> and, through it, nothing else; o-top uses every o<i> (an entry using entries of its own memo)
  const one = (i: number) => outer.get(`o${i}`, () => innerOf(keys[i]) * 10);
  const top = () => outer.get('top', () => keys.reduce((sum, _, i) => sum + one(i), 0));
  tracker.advance();
  assert.equal(top(), 200);
  tracker.advance();
  assert.deepEqual(outer.touchedKeys(), [], 'nothing changed: nothing to ask');
  set('i7', 2);
  assert.deepEqual(outer.touchedKeys()?.sort(), ['o7', 'top'], 'the one that used i7, and the one that used it');
  assert.equal(top(), 210);
  tracker.advance();
  inner.delete(keys[3]);
  assert.deepEqual(outer.touchedKeys()?.sort(), ['o3', 'top'], 'an entry used by others was deleted');
  assert.deepEqual(outer.touchedKeys(), [], 'handed out once: the caller asks them in this revision');
  assert.equal(top(), 210);
});

test('touchedKeys: an entry whose inner entry was recomputed to another value in an earlier look is asked', () => {
  const { tracker, view, set } = loggedWorkspace();
  set('x', 1);
  const inner = Memo.byKey<string, number>(tracker);
  const outer = Memo.byKey<string, number>(tracker);
  const x = () => inner.get('x', () => view.get('x')!);
  const a = () => outer.get('a', () => x() + 1);
  const b = () => outer.get('b', () => x() + 2);
  tracker.advance();
  assert.deepEqual([a(), b()], [2, 3]);
  tracker.advance();
  set('x', 5);
  // Someone else asks x first (a check of another memo): b, which used the old x, must still be handed out
  assert.equal(x(), 5);
  assert.deepEqual(outer.touchedKeys()?.sort(), ['a', 'b']);
  assert.deepEqual([a(), b()], [6, 7]);
});
