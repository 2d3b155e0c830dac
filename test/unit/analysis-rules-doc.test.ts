// The rule registry is the one source for rule ids, SARIF metadata and media/rules.md:
// the page must be what scripts/rules-doc.ts generates, and each rule lives in its own file.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { RULES, rulesMarkdown } from '../../src/core/analysis/rules';

const repo = path.resolve(__dirname, '..', '..');

test('media/rules.md is generated from the rule registry (run scripts/rules-doc.ts after editing a rule)', () => {
  assert.equal(readFileSync(path.join(repo, 'media', 'rules.md'), 'utf8'), rulesMarkdown());
});

test('each rule is src/core/analysis/rules/<id>-<name>.ts, and every such file is registered', () => {
  const files = readdirSync(path.join(repo, 'src', 'core', 'analysis', 'rules')).filter((f) => /^ep\d+-/.test(f));
  assert.deepEqual(files.sort(), RULES.map((r) => `${r.id.toLowerCase()}-${r.name}.ts`).sort());
  for (const rule of RULES) {
    assert.ok(rule.short && !rule.short.includes('\n'), `${rule.id}: one-line short text`);
    assert.ok(rule.doc.startsWith('**'), `${rule.id}: the doc opens with its bold summary`);
    // EP301 comes from watched runs, not from reading the code.
    assert.ok(rule.onCall || rule.onChain || rule.onFunction || rule.measured, `${rule.id}: has a check`);
  }
});
