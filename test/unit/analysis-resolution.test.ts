// How much the analysis asks to resolve calls: a file that calls one helper many times resolves it once per
// computation reading the file (its placement entry, its findings), not once per call site and pass. Counted on
// the real view (CodeWorkspace), which still answers every question.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CodeWorkspace } from '../../src/core/analysis/codeWorkspace';
import { findBlockingCalls } from '../../src/core/analysis';
import { factsOf, route } from './analysis-helpers';

const CALLS = 40;

const MAIN = [
  'from fastapi import FastAPI',
  '',
  'from app import helpers',
  '',
  'app = FastAPI()',
  '',
  '',
  '@app.get("/items")',
  'async def items():',
  ...Array.from({ length: CALLS }, () => '    helpers.load()'),
  '    return []',
  '',
].join('\n');

const HELPERS = 'import time\n\n\ndef load():\n    time.sleep(1)\n';

test('a helper called from many call sites of a file is resolved once per computation, not per call', async () => {
  const files = await factsOf({ 'app/__init__.py': '', 'app/main.py': MAIN, 'app/helpers.py': HELPERS });
  const asked = new Map<string, number>();
  const real = Object.getOwnPropertyDescriptor(CodeWorkspace.prototype, 'function')!;
  Object.defineProperty(CodeWorkspace.prototype, 'function', {
    ...real,
    value(this: CodeWorkspace, name: string) {
      asked.set(name, (asked.get(name) ?? 0) + 1);
      return (real.value as (name: string) => unknown).call(this, name);
    },
  });
  let findings;
  try {
    findings = findBlockingCalls(files, [route('app/main.py', 9, 'items')], {});
  } finally {
    Object.defineProperty(CodeWorkspace.prototype, 'function', real);
  }
  // Every call site is still reported through the helper
  assert.equal(findings.filter((f) => f.rule === 'EP102' && f.file === 'app/main.py').length, CALLS);
  // Placement's entry for app/main.py and its findings: once each (three times per call site before)
  assert.equal(asked.get('app.helpers.load'), 2);
});
