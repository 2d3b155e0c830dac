// The text report's server side: the stalls a --watch-loop run saw, largest total first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { textReport } from '../../src/core/runs/report';
import { syntheticRun } from './vscode-records';

test('a watched run lists its stall sites and the loop lag; an unwatched one says nothing', () => {
  const run = syntheticRun({ latenciesMs: [250, 500, 750, 1000] });
  assert.doesNotMatch(textReport(run), /event loop/i);
  run.loopStalls = [
    { file: 'app.py', line: 11, function: 'read_config', route: 'GET /blocking', count: 4, totalMs: 1002, maxMs: 260 },
    { file: 'app.py', line: 25, function: 'cpu', count: 1, totalMs: 250.4, maxMs: 250.4 },
  ];
  run.loopLag = { p50Ms: 0.2, p99Ms: 251, maxMs: 260, timeline: [{ t: 0, maxMs: 260 }] };
  const report = textReport(run);
  assert.match(report, /Loop lag:\s+p50 0 ms, p99 251 ms, max 260 ms/);
  assert.match(
    report,
    /app\.py:11 in read_config\(\) \[GET \/blocking\] — blocked the loop 4× for ~251 ms each \(max 260 ms\)/,
  );
  assert.ok(report.indexOf('read_config') < report.indexOf('in cpu()'), 'largest total first');
});

test('a watched run with no stall says so', () => {
  const run = syntheticRun({ latenciesMs: [10] });
  run.loopStalls = [];
  assert.match(textReport(run), /No stall over the threshold in workspace code/);
});
