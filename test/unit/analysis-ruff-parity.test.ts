// Every Ruff ASYNC2xx matcher has one example in the fixture; each must be flagged, and
// the pure-path lines (no `# expect`) must not be.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { analyze } from './analysis-helpers';

test('one example per Ruff ASYNC2xx matcher: all flagged, nothing else', async () => {
  const source = readFileSync(path.join(__dirname, '../fixtures/analysis/ruff-parity/async2xx.py'), 'utf8');
  const expected = source.split('\n').flatMap((l, i) => (l.includes('# expect ASYNC') ? [i + 1] : []));
  assert.ok(expected.length >= 45);
  const flagged = (await analyze({ 'async2xx.py': source })).map((f) => f.line);
  assert.deepEqual(flagged, expected);
  for (const code of ['210', '212', '220', '221', '222', '230', '240', '250', '251'])
    assert.ok(source.includes(`# expect ASYNC${code}`), code);
});
