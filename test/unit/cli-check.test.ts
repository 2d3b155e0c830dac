// The check verb end to end: real workspace scan, real route discovery, real analysis.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const CLI = path.join(__dirname, '..', '..', 'src', 'cli.ts');
const FIX = path.join(__dirname, '..', 'fixtures', 'analysis');

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', CLI, 'check', ...args],
      { timeout: 60_000 },
      (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
      },
    );
  });
}

test('check --json on a FastAPI app: async handlers flagged directly and through helpers, def handlers not', async () => {
  const { code, stdout } = await cli([path.join(FIX, 'fastapi-app'), '--json']);
  assert.equal(code, 1);
  const fs = JSON.parse(stdout) as Array<{
    file: string;
    line: number;
    rule: string;
    handler?: string;
    chain?: string[];
    column: number;
    endLine: number;
    endColumn: number;
    severity: string;
    message: string;
  }>;
  for (const f of fs)
    for (const k of ['file', 'line', 'column', 'endLine', 'endColumn', 'rule', 'severity', 'message'] as const)
      assert.ok(f[k] !== undefined, k);
  const at = (line: number) => fs.filter((f) => f.file === 'app/main.py' && f.line === line).map((f) => f.rule);
  assert.deepEqual(at(16), ['EP101'], 'async dependency get_settings');
  assert.deepEqual(at(31), [], 'def handler runs in the threadpool');
  assert.deepEqual(at(32), []);
  assert.deepEqual(at(37), ['EP101'], 'aliased time.sleep');
  assert.deepEqual(at(43), ['EP101'], 'module-level httpx.Client');
  assert.deepEqual(at(45), ['EP101'], 'requests.Session instance');
  assert.deepEqual(at(62), [], 'nested def inside async def');
  assert.deepEqual(at(68), [], 'noqa');
  const profile = fs.find((f) => f.line === 26)!;
  assert.equal(profile.rule, 'EP102');
  assert.equal(profile.handler, 'fetch_profile');
  assert.deepEqual(profile.chain, ['fetch_profile()', 'load_remote()', 'requests.get (app/helpers.py:5)']);
  assert.ok(
    fs.some((f) => f.rule === 'EP103' && f.line === 36),
    'FastAPI async handler that never awaits',
  );
  assert.ok(!fs.some((f) => f.line === 57 || f.line === 74), 'offloaded and middleware without blocking calls');
});

test('check --sarif has the 2.1.0 shape with rules, results and related locations for chains', async () => {
  const { code, stdout } = await cli([path.join(FIX, 'fastapi-app'), '--sarif']);
  assert.equal(code, 1);
  const sarif = JSON.parse(stdout);
  assert.equal(sarif.version, '2.1.0');
  const run = sarif.runs[0];
  assert.deepEqual(
    run.tool.driver.rules.map((r: { id: string }) => r.id),
    ['EP101', 'EP102', 'EP103', 'EP104', 'EP201', 'EP301'],
  );
  // Metadata from the rule registry: names, both descriptions, default levels.
  assert.deepEqual(
    run.tool.driver.rules.map((r: { name: string; defaultConfiguration: { level: string } }) => [
      r.name,
      r.defaultConfiguration.level,
    ]),
    [
      ['blocking-call', 'error'],
      ['blocking-chain', 'error'],
      ['async-never-awaits', 'warning'],
      ['inference-on-loop', 'warning'],
      ['worker-call', 'note'],
      // Never produced by check (it comes from watched runs in the editor); listed so its doc ships with the metadata.
      ['measured-loop-stall', 'note'],
    ],
  );
  assert.ok(run.tool.driver.rules.every((r: { fullDescription?: { text: string } }) => r.fullDescription?.text));
  for (const r of run.results) assert.equal(run.tool.driver.rules[r.ruleIndex].id, r.ruleId);
  const chained = run.results.find((r: { ruleId: string }) => r.ruleId === 'EP102');
  assert.equal(chained.locations[0].physicalLocation.artifactLocation.uri, 'app/main.py');
  assert.ok(chained.relatedLocations.length >= 2);
  for (const r of run.results) assert.ok(['error', 'warning', 'note'].includes(r.level));
  // The time.sleep finding carries its fix as a SARIF replacement.
  const sleep = run.results.find(
    (r: { ruleId: string; locations: Array<{ physicalLocation: { region: { startLine: number } } }> }) =>
      r.ruleId === 'EP101' && r.locations[0].physicalLocation.region.startLine === 37,
  );
  const replaced = sleep.fixes[0].artifactChanges[0].replacements
    .map((x: { insertedContent: { text: string } }) => x.insertedContent.text)
    .join('');
  assert.match(replaced, /await asyncio\.sleep/);
});

test('file paths with spaces and # are percent-encoded in SARIF; JSON keeps them as written, with the replacement note', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ep-check-uri-'));
  try {
    const sub = path.join(dir, 'my app #2');
    mkdirSync(sub);
    writeFileSync(
      path.join(sub, 'main.py'),
      'import requests\nfrom fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get("/")\nasync def home():\n    return requests.get("http://127.0.0.1:1/").text\n',
    );
    const sarif = JSON.parse((await cli([dir, '--sarif'])).stdout);
    assert.equal(
      sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri,
      'my%20app%20%232/main.py',
    );
    const json = (
      JSON.parse((await cli([dir, '--json'])).stdout) as Array<{
        rule: string;
        file: string;
        replacement?: string;
        alternativeFixes?: Array<{ title: string }>;
      }>
    ).find((f) => f.rule === 'EP101')!;
    assert.equal(json.file, 'my app #2/main.py');
    assert.match(json.replacement ?? '', /httpx\.AsyncClient/);
    assert.ok(
      json.alternativeFixes?.some((f) => /to_thread/.test(f.title)),
      JSON.stringify(json.alternativeFixes),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('files left out of the analysis (minified, binary) are named on stderr, and the rest is still checked', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ep-check-min-'));
  try {
    writeFileSync(path.join(dir, 'bundle.js'), `${'var a=1;'.repeat(5_000)}\n`);
    writeFileSync(path.join(dir, 'blob.js'), Buffer.from([0x61, 0, 0x62]));
    writeFileSync(
      path.join(dir, 'main.py'),
      'import time\nfrom fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get("/")\nasync def home():\n    time.sleep(1)\n',
    );
    const r = await cli([dir, '--json']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /bundle\.js: skipped: looks minified/);
    assert.match(r.stderr, /blob\.js: skipped: binary/);
    assert.deepEqual(
      (JSON.parse(r.stdout) as Array<{ file: string }>).map((f) => f.file),
      ['main.py', 'main.py'],
    );
    rmSync(path.join(dir, 'main.py'));
    const clean = await cli([dir, '--json']);
    assert.equal(clean.code, 0, 'a skipped file is no finding: still clean');
    assert.match(clean.stderr, /blob\.js: skipped: binary/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('check text output: file:line:col  rule  message, with chain lines', async () => {
  const { code, stdout } = await cli([path.join(FIX, 'fastapi-app')]);
  assert.equal(code, 1);
  assert.match(stdout, /^app\/main\.py:16:5 {2}EP101 {2}time\.sleep\(\) blocks the event loop/m);
  assert.match(stdout, /via fetch_profile\(\) → load_remote\(\) → requests\.get \(app\/helpers\.py:5\)/);
});

test('a clean workspace exits 0; usage errors exit 2 with one line and no stack', async () => {
  const clean = await cli([path.join(FIX, 'clean-app'), '--json']);
  assert.equal(clean.code, 0);
  assert.deepEqual(JSON.parse(clean.stdout), []);
  for (const args of [['/nonexistent/dir'], ['--bogus'], [FIX, '--exclude'], [FIX, '--jobs', '0'], [FIX, '--jobs=x']]) {
    const r = await cli(args);
    assert.equal(r.code, 2, args.join(' '));
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  }
});

test('.endpoint-profiler.json adds and allows calls; a broken config is a usage error', async () => {
  const r = await cli([path.join(FIX, 'configured'), '--json']);
  assert.equal(r.code, 1);
  assert.deepEqual(
    (JSON.parse(r.stdout) as Array<{ line: number }>).map((f) => f.line),
    [6],
  );
  const dir = mkdtempSync(path.join(tmpdir(), 'ep-check-'));
  try {
    writeFileSync(path.join(dir, 'bad.json'), '{ nope');
    const bad = await cli([path.join(FIX, 'clean-app'), '--config', path.join(dir, 'bad.json')]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /bad\.json: not valid JSON/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('framework semantics end to end: aiohttp sync handler on the loop, Flask worker (network only), Django sync ORM in async view', async () => {
  const { code, stdout } = await cli([path.join(FIX, 'mixed-frameworks'), '--json']);
  assert.equal(code, 1);
  const fs = JSON.parse(stdout) as Array<{ file: string; line: number; rule: string; severity: string }>;
  assert.deepEqual(
    fs.map((f) => `${f.file}:${f.line} ${f.rule} ${f.severity}`),
    ['aio.py:7 EP101 error', 'views.py:7 EP101 error', 'wsgi.py:9 EP201 info'],
  );
});
