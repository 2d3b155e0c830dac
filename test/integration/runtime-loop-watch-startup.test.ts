// The Node loop-watch hook watches the running loop, not the start-up: a main script that blocks while it
// is evaluated (module loading on a busy machine) must not be paused by the watchdog — it is no request,
// and a pause mid-evaluation can crash V8's inspector (Node 20 died with SIGTRAP there in CI).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { prepareLoopWatch } from '../../src/core/runtime/loopWatch';

test('a main script that blocks 300 ms at start-up reports no stall; a block after start-up does', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ep-watch-startup-'));
  const watch = prepareLoopWatch({ root: dir });
  try {
    const script = path.join(dir, 'app.js');
    // Blocks while evaluated, then once more from a timer (a running loop), then exits
    writeFileSync(
      script,
      [
        'const spin = (ms) => { const end = Date.now() + ms; while (Date.now() < end); };',
        'spin(300);',
        'setTimeout(() => { spin(300); setTimeout(() => {}, 400); }, 200);',
        '',
      ].join('\n'),
    );
    await promisify(execFile)(process.execPath, [script], {
      cwd: dir,
      env: { ...process.env, ...watch.env() },
      timeout: 20_000,
    });
    const env = watch.env();
    const records = readdirSync(env.EP_LOOP_WATCH_DIR)
      .filter((f) => f.endsWith('.jsonl'))
      .flatMap((f) => readFileSync(path.join(env.EP_LOOP_WATCH_DIR, f), 'utf8').split('\n').filter(Boolean))
      .map((l) => JSON.parse(l) as { kind: string; stack?: Array<{ line: number }> });
    // Stalls by the script line that blocked: 2 is the start-up's, 3 the timer's (a stall may come in pieces)
    const stallsAt = (line: number) =>
      records.filter((r) => r.kind === 'stall' && r.stack?.some((f) => f.line === line)).length;
    assert.equal(stallsAt(2), 0, `no stall at start-up, got ${JSON.stringify(records)}`);
    assert.ok(stallsAt(3) >= 1, `the timer's block is a stall, got ${JSON.stringify(records)}`);
  } finally {
    watch.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});
