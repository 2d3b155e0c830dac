// A loop stall's link in the results panel opens only a stall of a run the panel shows, at a
// workspace-relative path that stays in the folder: the webview's message is data, not a path.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { stallLinkTarget } from '../../src/vscode/sourceLinkModel';
import { syntheticRun } from './vscode-records';

const run = syntheticRun({ latenciesMs: [300, 310] });
run.loopStalls = [
  { file: 'app/main.py', line: 11, function: 'read_config', count: 2, totalMs: 600, maxMs: 310 },
  { file: '../outside.py', line: 3, function: 'x', count: 1, totalMs: 60, maxMs: 60 },
  { file: '/etc/passwd', line: 1, function: 'x', count: 1, totalMs: 60, maxMs: 60 },
];

test('a stall of a shown run opens at its line; anything else opens nothing', () => {
  assert.deepEqual(stallLinkTarget([run], 'app/main.py', 11), { segments: ['app', 'main.py'], line: 11 });
  assert.equal(stallLinkTarget([run], 'app/main.py', 12), undefined, 'not a stall of the run');
  assert.equal(stallLinkTarget([], 'app/main.py', 11), undefined, 'no run shown');
  assert.equal(stallLinkTarget([run], '../outside.py', 3), undefined, 'outside the folder');
  assert.equal(stallLinkTarget([run], '/etc/passwd', 1), undefined, 'an absolute path');
  assert.equal(stallLinkTarget([run], 'app/main.py', '11'), undefined, 'a line that is not a number');
  assert.equal(stallLinkTarget([run], { file: 'app/main.py' }, 11), undefined);
});
