// --expect: which statuses count as ok, and which of a run's statuses were not expected.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ExpectSpecError, isExpected, parseExpect, unexpectedStatuses } from '../../src/core/runs/expect';

test('statuses, ranges and classes parse into inclusive ranges', () => {
  assert.deepEqual(parseExpect('200-399'), [[200, 399]]);
  assert.deepEqual(parseExpect('200, 201'), [
    [200, 200],
    [201, 201],
  ]);
  assert.deepEqual(parseExpect('2xx,404'), [
    [200, 299],
    [404, 404],
  ]);
  assert.ok(isExpected(204, parseExpect('2xx')));
  assert.ok(!isExpected(404, parseExpect('200-399')));
});

test('a malformed spec is refused with one line that names it', () => {
  for (const bad of ['', '20', '2xx,', '399-200', '600', 'ok', '200-']) {
    assert.throws(
      () => parseExpect(bad),
      (e: unknown) => e instanceof ExpectSpecError && !e.message.includes('\n') && e.message.includes(`'${bad}'`),
    );
  }
});

test('unexpected statuses come most frequent first; old records use the default', () => {
  const statusCodes = { '200': 3, '404': 10, '503': 2, '301': 1 };
  assert.deepEqual(
    unexpectedStatuses({ statusCodes, config: { model: 'closed', concurrency: 1, timeoutS: 1, warmup: 0 } }),
    [
      { status: 404, count: 10 },
      { status: 503, count: 2 },
    ],
  );
  assert.deepEqual(
    unexpectedStatuses({
      statusCodes,
      config: { model: 'closed', concurrency: 1, timeoutS: 1, warmup: 0, expect: '200' },
    }),
    [
      { status: 404, count: 10 },
      { status: 503, count: 2 },
      { status: 301, count: 1 },
    ],
  );
});
