// The editor mapping over REAL analyzer findings: ranges convert to 0-based, chains become
// related information, and applying the fix edits to the text gives the fixed code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { nodeFileSystem } from '../../src/core/fs';
import { Parsers } from '../../src/core/parsing/parser';
import { ProjectIndex } from '../../src/core/project';
import { byFile, problemDiagnostic, toDiagnostic, toFixes, type EditData } from '../../src/vscode/diagnosticModel';

const MAIN = [
  'import time',
  'from fastapi import FastAPI',
  'from app.helpers import load_remote',
  '',
  'app = FastAPI()',
  '',
  '@app.get("/slow")',
  'async def slow():',
  '    time.sleep(1)',
  '    return load_remote()',
  '',
].join('\n');
const HELPERS = [
  'import requests',
  '',
  'def load_remote():',
  '    return requests.get("http://127.0.0.1:9/x").json()',
  '',
].join('\n');

async function findings() {
  const root = mkdtempSync(path.join(tmpdir(), 'ep-diag-'));
  mkdirSync(path.join(root, 'app'));
  writeFileSync(path.join(root, 'app', '__init__.py'), '');
  writeFileSync(path.join(root, 'app', 'main.py'), MAIN);
  writeFileSync(path.join(root, 'app', 'helpers.py'), HELPERS);
  const index = new ProjectIndex(root, nodeFileSystem, await Parsers.load());
  await index.refresh();
  return index.findings();
}

function apply(text: string, edits: EditData[]): string {
  const lines = text.split('\n');
  const offset = (l: number, c: number) => lines.slice(0, l).reduce((n, s) => n + s.length + 1, 0) + c;
  return [...edits]
    .sort(
      (a, b) => offset(b.range.startLine, b.range.startCharacter) - offset(a.range.startLine, a.range.startCharacter),
    )
    .reduce(
      (t, e) =>
        t.slice(0, offset(e.range.startLine, e.range.startCharacter)) +
        e.newText +
        t.slice(offset(e.range.endLine, e.range.endCharacter)),
      text,
    );
}

test('time.sleep in an async handler: 0-based range on the call, fix applies to await asyncio.sleep', async () => {
  const sleep = (await findings()).find((f) => f.message.includes('time.sleep'));
  assert.ok(sleep, 'the analyzer reports time.sleep');
  const d = toDiagnostic(sleep);
  assert.equal(d.file, 'app/main.py');
  assert.deepEqual([d.range.startLine, d.range.startCharacter], [8, 4]);
  assert.equal(
    MAIN.split('\n')[d.range.startLine].slice(d.range.startCharacter, d.range.endCharacter),
    'time.sleep(1)',
  );
  assert.equal(d.severity, 'error');
  const [preferred] = toFixes(sleep);
  assert.equal(preferred.preferred, true);
  const fixed = apply(MAIN, preferred.edits);
  assert.match(fixed, /^\s+await asyncio\.sleep\(1\)$/m);
  assert.match(fixed, /^import asyncio$/m);
});

test('a transitive finding carries the chain as related information pointing into the helper', async () => {
  const chained = (await findings()).find((f) => (f.chain?.length ?? 0) > 1);
  assert.ok(chained, 'the analyzer follows load_remote() into helpers.py');
  const d = toDiagnostic(chained);
  assert.match(d.message, /Call chain: .*load_remote\(\).*requests\.get/);
  const last = d.related[d.related.length - 1];
  assert.equal(last.file, 'app/helpers.py');
  assert.equal(HELPERS.split('\n')[last.range.startLine].includes('requests.get'), true);
  assert.ok(
    toFixes(chained).some((x) => /noqa|ignore|suppress/i.test(x.title)),
    'a suppression fix is offered',
  );
});

test('byFile groups findings per file', async () => {
  const groups = byFile(await findings());
  assert.deepEqual([...groups.keys()], ['app/main.py']);
});

test('every rule the analyzer reports has a section in media/rules.md that diagnostics link to', async () => {
  const { readFileSync } = await import('node:fs');
  const { RULES } = await import('../../src/core/analysis');
  const { ruleLines } = await import('../../src/vscode/diagnosticModel');
  const doc = readFileSync(path.resolve(__dirname, '../../media/rules.md'), 'utf8');
  const lines = ruleLines(doc);
  for (const { id: rule } of RULES) {
    const line = lines.get(rule);
    assert.ok(line, `media/rules.md has no "## ${rule}" section`);
    assert.equal(doc.split('\n')[line - 1].trim(), `## ${rule}`);
  }
});

test('the rule link opens rules.md rendered at the rule: a command link to the Markdown preview with the heading anchor', async () => {
  const { readFileSync } = await import('node:fs');
  const { RULES } = await import('../../src/core/analysis');
  const { headingSlug, ruleAnchors, ruleLinkUri } = await import('../../src/vscode/diagnosticModel');
  const doc = readFileSync(path.resolve(__dirname, '../../media/rules.md'), 'utf8');
  const anchors = ruleAnchors(doc);
  for (const { id: rule } of RULES)
    assert.equal(anchors.get(rule), rule.toLowerCase(), `## ${rule} → #${rule.toLowerCase()}`);
  assert.equal(
    headingSlug('EP101 — Blocking call (sync I/O) in async def'),
    'ep101--blocking-call-sync-io-in-async-def',
  );
  assert.equal(ruleLinkUri('EP101'), 'command:endpointProfiler.showRule?%5B%22EP101%22%5D');
  // extension.ts hands that command the preview of rules.md with the anchor as the fragment.
  const extension = readFileSync(path.resolve(__dirname, '../../src/extension.ts'), 'utf8');
  assert.match(extension, /explain: \(rule\) => vscode\.Uri\.parse\(ruleLinkUri\(rule\)\)/);
  assert.match(
    extension,
    /executeCommand\(\s*'markdown\.showPreview',\s*rulesDoc\.with\(\{ fragment: ruleAnchor\.get\(id\)/,
  );
});

test('problemDiagnostic: a file read in part or not at all is a warning at the line named; deliberate skips are not', () => {
  const at = (path: string, problem: string) => {
    const d = problemDiagnostic({ path, problem });
    return d && `${d.file}:${d.range.startLine} ${d.severity} ${d.code}`;
  };
  assert.equal(
    at('a.py', 'parse errors at line 12: routes/findings in this file may be incomplete'),
    'a.py:11 warning not-analysed',
  );
  assert.equal(
    at('b.py', 'not valid UTF-8 (from line 3): read with U+FFFD for the bad bytes'),
    'b.py:2 warning not-analysed',
  );
  assert.equal(at('c.py', 'could not read: EACCES: permission denied'), 'c.py:0 warning not-analysed');
  assert.equal(at('d.js', 'skipped: looks minified (1 lines averaging 30008 characters)'), undefined);
  assert.equal(at('e.py', 'deleted while the scan read it: left out'), undefined);
  assert.equal(at('locked/', 'folder left out: could not list it: EACCES'), undefined);
});
