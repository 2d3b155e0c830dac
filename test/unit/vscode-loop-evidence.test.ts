// What watched runs add to the editor, over REAL analysis findings of a small FastAPI app: a stall
// on an EP101 line (and on the helper line an EP102 chain reaches) confirms the finding; a stall
// on a CPU loop no rule sees becomes EP301; the route's next watched run without it clears it.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { nodeFileSystem } from '../../src/core/fs';
import type { LoopStall, RunRecord } from '../../src/core/model';
import { Parsers } from '../../src/core/parsing/parser';
import { ProjectIndex } from '../../src/core/project';
import { handlerHover } from '../../src/vscode/handlerModel';
import { findingKey, loopEvidence, loopHoverLines, runName } from '../../src/vscode/loopEvidenceModel';
import { syntheticRun } from './vscode-records';

const MAIN = [
  'import time', // 1
  'from fastapi import FastAPI', // 2
  'from app.helpers import load_config', // 3
  '', // 4
  'app = FastAPI()', // 5
  '', // 6
  '@app.get("/sleep")', // 7
  'async def sleep():', // 8
  '    time.sleep(0.3)', // 9: EP101
  '    return {}', // 10
  '', // 11
  '@app.get("/config")', // 12
  'async def config():', // 13
  '    return load_config()', // 14: EP102 → helpers.py:4
  '', // 15
  '@app.get("/cpu")', // 16
  'async def cpu():', // 17
  '    n = 0', // 18
  '    for i in range(10_000_000):', // 19
  '        n += i', // 20: no rule sees this
  '    return {"n": n}', // 21
  '',
].join('\n');
const HELPERS = ['import time', '', 'def load_config():', '    time.sleep(0.2)', '    return {}', ''].join('\n');

async function indexed() {
  const root = mkdtempSync(path.join(tmpdir(), 'ep-loop-evidence-'));
  mkdirSync(path.join(root, 'app'));
  writeFileSync(path.join(root, 'app', '__init__.py'), '');
  writeFileSync(path.join(root, 'app', 'main.py'), MAIN);
  writeFileSync(path.join(root, 'app', 'helpers.py'), HELPERS);
  const index = new ProjectIndex(root, nodeFileSystem, await Parsers.load());
  await index.refresh();
  const text = new Map([
    ['app/main.py', MAIN],
    ['app/helpers.py', HELPERS],
  ]);
  return {
    findings: index.findings(),
    routes: index.routes(),
    lineText: (file: string, line: number) => text.get(file)?.split('\n')[line - 1],
  };
}

/** A watched run of `path` (a record as the editor saves it after Start Server's loop watch). */
function watched(p: string, handlerLine: number, stalls: LoopStall[] | undefined, minute: number): RunRecord {
  const run = syntheticRun({
    label: `GET ${p}`,
    latenciesMs: [300, 310, 320, 330],
    concurrency: 4,
    url: `http://127.0.0.1:8000${p}`,
    route: { framework: 'fastapi', path: p, file: 'app/main.py', line: handlerLine, handler: p.slice(1) },
    createdAt: new Date(2026, 11, 6, 16, minute, 5).toISOString(),
  });
  if (stalls) run.loopStalls = stalls;
  return run;
}
const stall = (line: number, fn: string, route: string, file = 'app/main.py'): LoopStall => ({
  file,
  line,
  function: fn,
  route,
  count: 4,
  totalMs: 1216,
  maxMs: 320,
});

test('a stall on an EP101 line and on the line an EP102 chain reaches confirms them', async () => {
  const { findings, lineText } = await indexed();
  const ep101 = findings.find((f) => f.rule === 'EP101' && f.line === 9);
  const ep102 = findings.find((f) => f.rule === 'EP102' && f.line === 14);
  assert.ok(ep101 && ep102, JSON.stringify(findings.map((f) => [f.rule, f.file, f.line])));
  const runs = [
    watched('/sleep', 8, [stall(9, 'sleep', 'GET /sleep')], 40),
    watched('/config', 13, [stall(4, 'load_config', 'GET /config', 'app/helpers.py')], 41),
  ];
  const evidence = loopEvidence(runs, findings, lineText);
  assert.equal(
    evidence.confirmed.get(findingKey(ep101))?.text,
    `confirmed: blocked the loop 4× ~304 ms in run ${runName(runs[0])}`,
  );
  assert.match(runName(runs[0]), /^GET \/sleep at 16:40:05$/);
  assert.match(
    evidence.confirmed.get(findingKey(ep102))?.text ?? '',
    /^confirmed: blocked the loop 4× ~304 ms in run GET \/config/,
  );
  assert.deepEqual(evidence.measured, [], 'a line a static rule names is not measured-only');
});

test('a CPU loop no rule sees becomes EP301 (information, the run as evidence), cleared by the next watched run', async () => {
  const { findings, routes, lineText } = await indexed();
  assert.equal(
    findings.filter((f) => f.line >= 17 && f.line <= 21).length,
    0,
    'the analysis has nothing on the CPU loop',
  );
  const first = watched('/cpu', 17, [stall(20, 'cpu', 'GET /cpu')], 42);
  const evidence = loopEvidence([first], findings, lineText);
  assert.equal(evidence.measured.length, 1);
  const d = evidence.measured[0].diagnostic;
  assert.equal(d.code, 'EP301');
  assert.equal(d.severity, 'information');
  assert.equal(d.file, 'app/main.py');
  assert.deepEqual(d.range, { startLine: 19, startCharacter: 8, endLine: 19, endCharacter: 14 }, 'the code on line 20');
  assert.match(
    d.message,
    /^measured: blocked the event loop 4× ~304 ms \(max 320 ms\) in cpu\(\) under GET \/cpu during run GET \/cpu at 16:42:05/,
  );
  assert.deepEqual(
    d.related.map((r) => [r.file, r.range.startLine, r.message]),
    [['app/main.py', 16, `run ${runName(first)}: GET /cpu, 4 requests at concurrency 4`]],
  );

  const cpuRoute = routes.find((r) => r.path === '/cpu')!;
  const hover = handlerHover(cpuRoute, findings, first, [], loopHoverLines(cpuRoute, evidence));
  assert.match(hover, /⏱ line 20 \(EP301\) measured: blocked the event loop 4× ~304 ms/);

  // A later run without the watch says nothing about the loop; a later watched one without the stall clears it.
  const unwatched = watched('/cpu', 17, undefined, 43);
  assert.equal(loopEvidence([first, unwatched], findings, lineText).measured.length, 1);
  const clean = watched('/cpu', 17, [], 44);
  assert.deepEqual(loopEvidence([clean, first, unwatched], findings, lineText).measured, []);
  // Another route's run does not clear it.
  const other = watched('/sleep', 8, [], 45);
  assert.equal(loopEvidence([first, other], findings, lineText).measured.length, 1);
});

test('the hover of a confirmed handler says what the run measured', async () => {
  const { findings, routes, lineText } = await indexed();
  const run = watched('/sleep', 8, [stall(9, 'sleep', 'GET /sleep')], 46);
  const route = routes.find((r) => r.path === '/sleep')!;
  const lines = loopHoverLines(route, loopEvidence([run], findings, lineText));
  assert.deepEqual(lines, [`⏱ line 9 (EP101) confirmed: blocked the loop 4× ~304 ms in run ${runName(run)}`]);
  const cpu = routes.find((r) => r.path === '/cpu')!;
  assert.deepEqual(loopHoverLines(cpu, loopEvidence([run], findings, lineText)), [], 'not on another handler');
});
