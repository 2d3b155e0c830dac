// Rule fixtures, as Ruff tests its rules: each file in test/fixtures/rules/ is a small app whose
// expectations sit on the lines themselves — `# EP101` / `// EP101` at the end of a line that
// must be flagged (several ids when several rules apply), `# OK` / `// OK` to say a line must not
// be. Any flagged line without its marker fails, as does a marker without its finding. The file is
// indexed like a workspace of one file (real discovery, real analysis), and its findings with
// every fix shown as a diff must equal the golden snapshot in __snapshots__/ (UPDATE_SNAPSHOTS=1
// rewrites them). Every fixed text still compiles: /usr/bin/python3 (compile only) or node --check.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { nodeFileSystem } from '../../src/core/fs';
import type { Finding, Fix } from '../../src/core/model';
import { Parsers } from '../../src/core/parsing/parser';
import { ProjectIndex } from '../../src/core/project';
import { applyEdits } from './analysis-helpers';

const DIR = path.resolve(__dirname, '..', 'fixtures', 'rules');
const SNAPSHOTS = path.join(DIR, '__snapshots__');
const UPDATE = process.env.UPDATE_SNAPSHOTS === '1';
/** A marker comment ending a line: the rule ids that line must raise, or OK. */
const MARKER = /(?:#|\/\/)\s*((?:EP\d{3}\s*)+|OK)\s*$/;

const fixtures = readdirSync(DIR)
  .filter((f) => /^EP\d{3}(_[\w-]+)?\.(py|js|mjs|ts)$/.test(f))
  .sort();
const parsers = Parsers.load();

/** `line:RULE` for every marked expectation. */
function expected(source: string): string[] {
  return source.split('\n').flatMap((text, i) => {
    const m = MARKER.exec(text);
    return m && m[1] !== 'OK'
      ? m[1]
          .trim()
          .split(/\s+/)
          .map((rule) => `${i + 1}:${rule}`)
      : [];
  });
}

async function findingsOf(name: string): Promise<{ findings: Finding[]; problems: string[] }> {
  const root = mkdtempSync(path.join(tmpdir(), 'ep-rule-fixture-'));
  try {
    copyFileSync(path.join(DIR, name), path.join(root, name));
    const index = new ProjectIndex(root, nodeFileSystem, await parsers);
    await index.refresh();
    return { findings: index.findings(), problems: index.problems().map((p) => p.problem) };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** A fix as a unified diff without context lines: one hunk per run of changed lines (LCS over lines). */
function diff(before: string, after: string): string[] {
  const a = before.split('\n');
  const b = after.split('\n');
  // lcs[i][j]: length of the longest common subsequence of a[i..] and b[j..]
  const lcs = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--)
    for (let j = b.length - 1; j >= 0; j--)
      lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      i++;
      j++;
      continue;
    }
    const [i0, j0] = [i, j];
    while ((i < a.length || j < b.length) && !(i < a.length && j < b.length && a[i] === b[j]))
      if (j >= b.length || (i < a.length && lcs[i + 1][j] >= lcs[i][j + 1])) i++;
      else j++;
    out.push(`@@ -${i0 + 1},${i - i0} +${j0 + 1},${j - j0} @@`);
    out.push(...a.slice(i0, i).map((l) => `-${l}`), ...b.slice(j0, j).map((l) => `+${l}`));
  }
  return out;
}

function fixesOf(f: Finding): Array<{ kind: string; fix: Fix }> {
  return [
    ...(f.fix ? [{ kind: 'fix', fix: f.fix }] : []),
    ...(f.alternativeFixes ?? []).map((fix) => ({ kind: 'alternative', fix })),
  ];
}

function snapshot(source: string, findings: Finding[]): string {
  const out: string[] = [];
  for (const f of findings) {
    out.push(`${f.rule} ${f.line}:${f.column}-${f.endLine}:${f.endColumn} ${f.severity} in ${f.handler ?? '-'}`);
    out.push(`  ${f.message}`);
    if (f.chain) out.push(`  chain: ${f.chain.join(' → ')}`);
    if (f.replacement) out.push(`  use: ${f.replacement}`);
    for (const { kind, fix } of fixesOf(f)) {
      out.push(`  ${kind}: ${fix.title}`);
      for (const line of diff(source, applyEdits(source, fix.edits))) out.push(`    ${line}`);
    }
    out.push('');
  }
  return out.length ? out.join('\n') : '(no findings)\n';
}

/** Compiles each text with Debian's Python (compile only: nothing runs); the errors, '' for none. */
function pythonCompileAll(sources: string[]): Promise<string[]> {
  const program = [
    'import json, sys',
    'out = []',
    'for src in json.load(sys.stdin):',
    '    try:',
    "        compile(src, '<fixed>', 'exec'); out.append('')",
    '    except SyntaxError as e:',
    '        out.append(str(e))',
    'print(json.dumps(out))',
  ].join('\n');
  return new Promise((resolve, reject) => {
    const child = execFile('/usr/bin/python3', ['-c', program], { timeout: 60_000 }, (err, stdout) =>
      err ? reject(new Error(err.message, { cause: err })) : resolve(JSON.parse(stdout) as string[]),
    );
    child.stdin!.end(JSON.stringify(sources));
  });
}

/** `node --check` on the text, saved with the fixture's extension (ESM or CommonJS as written). */
function nodeCheck(source: string, ext: string): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ep-rule-check-'));
  writeFileSync(path.join(dir, `fixed${ext}`), source);
  return new Promise((resolve) =>
    execFile(process.execPath, ['--check', path.join(dir, `fixed${ext}`)], { timeout: 20_000 }, (err, _o, stderr) => {
      rmSync(dir, { recursive: true, force: true });
      resolve(err ? stderr : '');
    }),
  );
}

test('every rule has a fixture', () => {
  for (const rule of ['EP101', 'EP102', 'EP103', 'EP104', 'EP201'])
    assert.ok(
      fixtures.some((f) => f.startsWith(rule)),
      `no test/fixtures/rules/${rule}*.py|js`,
    );
});

for (const name of fixtures) {
  test(`rule fixture ${name}`, async () => {
    const source = readFileSync(path.join(DIR, name), 'utf8');
    const { findings, problems } = await findingsOf(name);
    assert.deepEqual(problems, [], 'the fixture parses cleanly');
    const flagged = findings.map((f) => `${f.line}:${f.rule}`);
    assert.deepEqual([...new Set(flagged)].sort(), expected(source).sort(), 'flagged lines = marked lines');

    const snap = path.join(SNAPSHOTS, `${name}.snap`);
    const text = snapshot(source, findings);
    if (UPDATE || !existsSync(snap)) {
      assert.ok(UPDATE, `no snapshot ${path.relative(process.cwd(), snap)}: run with UPDATE_SNAPSHOTS=1`);
      mkdirSync(SNAPSHOTS, { recursive: true });
      writeFileSync(snap, text);
    } else assert.equal(text, readFileSync(snap, 'utf8'), `snapshot ${name}.snap (UPDATE_SNAPSHOTS=1 rewrites it)`);

    const fixed = [...new Set(findings.flatMap((f) => fixesOf(f).map(({ fix }) => applyEdits(source, fix.edits))))];
    const ext = path.extname(name);
    if (ext === '.py') {
      const errors = await pythonCompileAll(fixed);
      errors.forEach((e, i) => assert.equal(e, '', `fixed text does not compile:\n${fixed[i]}`));
    } else if (ext !== '.ts')
      for (const text of fixed) assert.equal(await nodeCheck(text, ext), '', `node --check fails:\n${text}`);
  });
}
