// The vscode-free half of the results panel host: CSP page, snapshot messages, restored state, throttle.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeHistogram, newHistogram, recordUs, summarizeHistogram } from '../../src/core/load/histogram';
import type { RunRecord } from '../../src/core/model';
import {
  contentSecurityPolicy,
  HISTOGRAM_BUCKETS,
  makeNonce,
  parsePanelState,
  restoreFailure,
  resultsHtml,
  runMessage,
  Throttle,
} from '../../src/vscode/resultsModel';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { RunStore } from '../../src/core/runs/store';

function record(latenciesMs: number[]): RunRecord {
  const h = newHistogram();
  for (const ms of latenciesMs) recordUs(h, ms * 1000);
  return {
    schemaVersion: 1,
    id: 'r1',
    createdAt: '2026-01-01T00:00:00Z',
    target: { url: 'http://127.0.0.1:1/', method: 'GET', headers: {}, bodyBytes: 0 },
    config: { model: 'closed', concurrency: 1, requests: latenciesMs.length, timeoutS: 20, warmup: 0 },
    environment: { host: 'h', cpus: 1, node: 'v20', tool: 'endpoint-profiler', version: '0' },
    summary: {
      count: latenciesMs.length,
      ok: latenciesMs.length,
      errors: 0,
      rps: 1,
      durationS: 1,
      latencyMs: summarizeHistogram(h),
    },
    statusCodes: { 200: latenciesMs.length },
    errorKinds: {},
    timeline: [],
    histogram: encodeHistogram(h),
    status: 'complete',
  };
}

test('the page allows only its nonce for scripts and styles, and resources from the webview origin', () => {
  const nonce = makeNonce();
  assert.match(nonce, /^[\w-]{24}$/);
  assert.notEqual(nonce, makeNonce());
  const html = resultsHtml({
    cspSource: 'https://x.vscode-cdn.net',
    scriptUri: 'https://x.vscode-cdn.net/dist/webview.js',
    nonce,
    title: 'Run: <a&b>',
  });
  assert.ok(
    html.includes(`content="${contentSecurityPolicy('https://x.vscode-cdn.net', nonce).replace(/'/g, '&#39;')}"`),
  );
  assert.match(
    contentSecurityPolicy('S', nonce),
    new RegExp(
      `^default-src 'none'; img-src S data:; style-src S 'nonce-${nonce}'; script-src 'nonce-${nonce}'; font-src S;$`,
    ),
  );
  assert.ok(html.includes(`<script nonce="${nonce}" src="https://x.vscode-cdn.net/dist/webview.js"></script>`));
  assert.ok(html.includes('<title>Run: &#60;a&#38;b&#62;</title>'));
  assert.doesNotMatch(html, /<style|style=/, 'no inline styles: the script injects them with the nonce');
});

test('a run message carries the decoded histogram: buckets hold every request, percentiles reach the max', () => {
  const lat = [10, 10, 12, 15, 20, 40, 80, 200];
  const m = runMessage(record(lat), true, { elapsedS: 0.5, fraction: 0.25 });
  assert.equal(m.type, 'run');
  if (m.type !== 'run') return;
  assert.equal(m.live, true);
  assert.deepEqual(m.progress, { elapsedS: 0.5, fraction: 0.25 });
  assert.equal(m.view.histogram.buckets.length, HISTOGRAM_BUCKETS);
  assert.equal(
    m.view.histogram.buckets.reduce((s, b) => s + b.count, 0),
    lat.length,
  );
  const p100 = m.view.histogram.percentiles.find((p) => p.p === 100);
  assert.ok(p100 && Math.abs(p100.ms - 200) < 1, `p100 ${p100?.ms}`);
  assert.equal('progress' in runMessage(record(lat), false), false);
});

test('restored state is accepted only when well-formed', () => {
  assert.deepEqual(parsePanelState({ kind: 'run', runIds: ['a'] }), { kind: 'run', runIds: ['a'] });
  assert.deepEqual(parsePanelState({ kind: 'compare', runIds: ['a', 'b'], extra: 1 }), {
    kind: 'compare',
    runIds: ['a', 'b'],
  });
  for (const bad of [
    undefined,
    null,
    'x',
    {},
    { kind: 'run', runIds: [] },
    { kind: 'compare', runIds: ['a'] },
    { kind: 'run', runIds: [1] },
    { kind: 'other', runIds: ['a'] },
  ]) {
    assert.equal(parsePanelState(bad), undefined, JSON.stringify(bad));
  }
});

test('the throttle emits the first value at once, then at most one (the latest) per interval', async () => {
  const seen: number[] = [];
  const t = new Throttle<number>(50, (v) => seen.push(v));
  t.push(1);
  t.push(2);
  t.push(3);
  assert.deepEqual(seen, [1]);
  await new Promise((r) => setTimeout(r, 120));
  assert.deepEqual(seen, [1, 3]);
  // a full interval after 3 went out, however late its timer fired on a busy machine
  await new Promise((r) => setTimeout(r, 70));
  t.push(4); // the interval has passed: at once
  t.push(5); // pending ...
  t.cancel(); // ... and dropped, as when the final record arrives
  await new Promise((r) => setTimeout(r, 120));
  assert.deepEqual(seen, [1, 3, 4]);
});

test('a restored panel whose run files vanished says so once, in words, naming the runs (no ENOENT)', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ep-restore-'));
  try {
    const store = new RunStore(dir);
    await store.save({ ...record([5, 6, 7]), id: 'kept' });
    const ids = ['kept', 'gone-1', 'gone-2'];
    const errors = await Promise.all(
      ids.map((id) =>
        store.load(id).then(
          () => undefined,
          (e: unknown) => e,
        ),
      ),
    );
    const compare = restoreFailure('compare', ids, errors);
    assert.equal(
      compare,
      'This comparison cannot be shown again: 2 of its 3 runs were deleted or moved (gone-1, gone-2). Select the runs in the Runs view and choose Compare Runs.',
    );
    assert.doesNotMatch(compare, /ENOENT|cannot read \//);
    const run = restoreFailure('run', ['gone-1'], [errors[1]]);
    assert.equal(run, 'This run cannot be shown again: its run was deleted or moved. Open a run from the Runs view.');
    assert.match(
      restoreFailure('run', ['x'], [new Error('/s/x.json: schemaVersion 9 is newer')]),
      /cannot read x \(schemaVersion 9 is newer\)/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
