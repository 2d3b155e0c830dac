import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import type { RunRecord, TimelinePoint } from '../../src/core/model';
import { encodeHistogram, newHistogram, recordUs } from '../../src/core/load/histogram';
import { parseRunRecord, readRunFile, RunFileError, writeRunFile } from '../../src/core/runs/format';
import { RunStore } from '../../src/core/runs/store';
import { compareRuns, rateVerdictFor, verdictFor } from '../../src/core/runs/compare';
import { toCsv, toJson, toMarkdown } from '../../src/core/runs/export';

const dir = mkdtempSync(path.join(tmpdir(), 'ep-runs-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A run whose per-second p50/p99/count follow the given series. */
function run(
  id: string,
  perSecond: Array<{ count: number; p50: number; p99: number }>,
  createdAt = '2026-01-01T00:00:00Z',
): RunRecord {
  const h = newHistogram();
  for (const s of perSecond) for (let i = 0; i < s.count; i++) recordUs(h, (i % 100 === 99 ? s.p99 : s.p50) * 1000);
  const timeline: TimelinePoint[] = perSecond.map((s, t) => ({ t, errors: 0, ...s }));
  const count = perSecond.reduce((a, s) => a + s.count, 0);
  const p50 = perSecond.reduce((a, s) => a + s.p50, 0) / perSecond.length;
  const p99 = perSecond.reduce((a, s) => a + s.p99, 0) / perSecond.length;
  return {
    schemaVersion: 1,
    id,
    createdAt,
    target: { url: 'http://127.0.0.1:8000/', method: 'GET', headers: {}, bodyBytes: 0 },
    config: { model: 'closed', concurrency: 10, durationS: perSecond.length, timeoutS: 20, warmup: 0 },
    environment: { host: 'h', cpus: 2, node: 'v20', tool: 'endpoint-profiler', version: '0' },
    summary: {
      count,
      ok: count,
      errors: 0,
      rps: count / perSecond.length,
      durationS: perSecond.length,
      latencyMs: { min: p50, mean: p50, stdev: 0, p50, p75: p50, p90: p99, p95: p99, p99, p999: p99, max: p99 },
    },
    statusCodes: { 200: count },
    errorKinds: {},
    timeline,
    histogram: encodeHistogram(h),
    status: 'complete',
  };
}
const noisy = (n: number, count: number, p50: number, jitter: number) =>
  Array.from({ length: n }, (_, i) => ({
    count: count + ((i * 7) % 5) - 2,
    p50: p50 + (((i * 13) % 7) - 3) * jitter,
    p99: p50 * 3 + (((i * 5) % 3) - 1) * jitter,
  }));

test('run file round trip is atomic and leaves no temp files', async () => {
  const f = path.join(dir, 'a.json');
  const r = run('a', noisy(5, 100, 10, 0.1));
  await writeRunFile(f, r);
  assert.deepEqual(await readRunFile(f), r);
  assert.deepEqual(
    readdirSync(dir).filter((n) => n.includes('tmp')),
    [],
  );
});

test('corrupt, truncated and future-schema files: clear error, file left untouched', async () => {
  const good = JSON.stringify(run('x', noisy(3, 10, 5, 0)));
  const cases: Array<[string, string, RegExp]> = [
    ['corrupt.json', 'garbage{', /invalid JSON/],
    // V8 quotes the text around the error: the message must still be one line.
    ['multiline.json', 'garbage\n{\n  "a":\n', /invalid JSON/],
    ['truncated.json', good.slice(0, good.length / 2), /invalid JSON/],
    ['future.json', JSON.stringify({ ...JSON.parse(good), schemaVersion: 2 }), /newer than this tool supports/],
    ['partial.json', JSON.stringify({ schemaVersion: 1, id: 'x' }), /missing/],
  ];
  for (const [name, text, msg] of cases) {
    const f = path.join(dir, name);
    writeFileSync(f, text);
    await assert.rejects(
      readRunFile(f),
      (e: Error) => e instanceof RunFileError && msg.test(e.message) && !e.message.includes('\n'),
    );
    await assert.rejects(writeRunFile(f, run('y', noisy(3, 10, 5, 0))), /refusing to overwrite/);
    assert.equal(readFileSync(f, 'utf8'), text);
  }
  assert.throws(() => parseRunRecord('[]'), RunFileError);
});

test('store lists newest first, reports broken files without throwing, renames and removes', async () => {
  const store = new RunStore(path.join(dir, 'store'));
  assert.deepEqual(await store.list(), []);
  await store.save(run('old', noisy(3, 10, 5, 0), '2026-01-01T00:00:00Z'));
  await store.save(run('new', noisy(3, 10, 5, 0), '2026-02-01T00:00:00Z'));
  writeFileSync(path.join(dir, 'store', 'broken.json'), '{');
  const list = await store.list();
  assert.deepEqual(
    list.filter((e) => e.record).map((e) => e.id),
    ['new', 'old'],
  );
  assert.match(list.find((e) => e.id === 'broken')!.error!, /invalid JSON/);
  await store.rename('old', 'before fix');
  assert.equal((await store.load('old')).label, 'before fix');
  await store.remove('old');
  await assert.rejects(store.load('old'), RunFileError);
  await assert.rejects(store.load('../escape'), /invalid run id/);
});

test('compare: clear regressions are worse, identical runs same, short runs judged on their requests', () => {
  const base = run('base', noisy(10, 100, 10, 0.2));
  const slower = run('slower', noisy(10, 50, 20, 0.2));
  const c = compareRuns([base, slower, run('same', noisy(10, 100, 10, 0.2)), run('short', noisy(2, 50, 20, 0.2))]);
  const row = (m: string) => c.rows.find((r) => r.metric === m)!;
  assert.deepEqual(row('p50').verdicts, ['same', 'worse', 'same', 'worse']);
  assert.deepEqual(
    row('rps').verdicts,
    ['same', 'worse', 'same', 'worse'],
    'a short run’s throughput is judged from its request count over its duration',
  );
  assert.equal(row('max').verdicts[3], 'inconclusive', 'max has no per-request statistic');
  assert.ok(Math.abs(row('p50').ratios[1] - 2) < 0.01 && Math.abs(row('p50').deltas[1] - 10) < 0.01);
  assert.equal(compareRuns([slower, base]).rows.find((r) => r.metric === 'p50')!.verdicts[1], 'better');
  assert.match(c.method, /bootstrap/);
});

/** A run of one second or so whose requests took exactly `latenciesMs`. */
function shortRun(id: string, latenciesMs: number[]): RunRecord {
  const r = run(id, [{ count: latenciesMs.length, p50: 0, p99: 0 }]);
  const h = newHistogram();
  for (const ms of latenciesMs) recordUs(h, ms * 1000);
  const durationS = Math.max(...latenciesMs) / 1000;
  return {
    ...r,
    histogram: encodeHistogram(h),
    summary: { ...r.summary, durationS, rps: latenciesMs.length / durationS },
  };
}

test("compare of the seeds' 10-request runs: the serialised handler against its fix is a clear p50 drop", () => {
  // async def + time.sleep(1) under uvicorn: the first answer after 1 s, the other nine after 10 s (seen in the e2e).
  const blocking = shortRun('blocking', [1000, ...Array(9).fill(10_019)]);
  const fixed = shortRun('fixed', [1021, 1022, 1022, 1023, 1023, 1024, 1024, 1025, 1025, 1026]);
  const row = (c: ReturnType<typeof compareRuns>, m: string) => c.rows.find((r) => r.metric === m)!;
  const c = compareRuns([blocking, fixed]);
  assert.equal(row(c, 'p50').verdicts[1], 'better');
  assert.equal(row(c, 'mean').verdicts[1], 'better');
  // Issue 14: "+851 % throughput: inconclusive" — 10 requests in 10 s against 10 in 1 s is clear.
  assert.equal(row(c, 'rps').verdicts[1], 'better', 'from the counts over time, with their interval');
  assert.equal(row(c, 'errors').verdicts[1], 'same', 'no errors in either');
  assert.equal(row(compareRuns([fixed, blocking]), 'p50').verdicts[1], 'worse');
  assert.equal(
    row(compareRuns([fixed, shortRun('again', [1020, 1022, 1022, 1023, 1023, 1024, 1024, 1025, 1026, 1026])]), 'p50')
      .verdicts[1],
    'same',
  );
  assert.equal(
    row(compareRuns([shortRun('five', [1, 1, 1, 1, 1]), shortRun('slow', [9, 9, 9, 9, 9])]), 'p50').verdicts[1],
    'inconclusive',
    'under 10 requests a run is too few',
  );
});

test('a difference inside the noise is never worse: under 5 %, tails on too few requests, close short rates', () => {
  // 10 requests each, 107–111 ms: p99 is one request's latency, 1.2 % apart.
  const a = shortRun('a', [107, 107, 108, 108, 109, 109, 110, 110, 110, 110]);
  const b = shortRun('b', [107, 107, 108, 108, 109, 109, 110, 110, 111, 111.3]);
  const c = compareRuns([a, b]);
  for (const r of c.rows) assert.notEqual(r.verdicts[1], 'worse', `${r.metric} is not "worse"`);
  assert.equal(c.rows.find((r) => r.metric === 'p99')!.verdicts[1], 'inconclusive', 'p99 of 10 requests');
  assert.equal(rateVerdictFor({ count: 10, durationS: 1 }, { count: 10, durationS: 1.01 }), 'same');
  assert.equal(rateVerdictFor({ count: 10, durationS: 10 }, { count: 10, durationS: 1 }), 'better');
  assert.equal(rateVerdictFor({ count: 20, durationS: 1 }, { count: 14, durationS: 1 }), 'inconclusive');
  // Tight per-second series 3 % apart: intervals apart, but inside one machine's run-to-run noise.
  assert.equal(verdictFor([100, 100.1, 99.9, 100], [103, 103.1, 102.9, 103], true), 'same');
});

test('verdict is inconclusive when per-second samples overlap but means differ', () => {
  const a = [10, 30, 10, 30, 10, 30];
  const b = [12, 34, 11, 33, 12, 30];
  assert.equal(verdictFor(a, b, true), 'inconclusive');
  assert.equal(verdictFor([10, 10.1, 9.9, 10], [20, 20.2, 19.9, 20], true), 'worse');
});

test('exports: JSON parses back, CSV has percentiles and timeline, Markdown one row per run', () => {
  const r = run('e', noisy(4, 10, 5, 0));
  assert.deepEqual(parseRunRecord(toJson(r)), r);
  const csv = toCsv(r);
  assert.match(csv, /^latency_ms,p99,15$/m);
  assert.equal(csv.split('\n').filter((l) => /^\d+,/.test(l)).length, 4);
  assert.equal(
    toMarkdown([r, { ...r, label: 'b|c' }])
      .trim()
      .split('\n').length,
    4,
  );
});

test('wrong field types are refused when read, naming the file and the field; never overwritten', async () => {
  const good = run('typed', noisy(3, 10, 5, 0));
  // Hand edits of a run file: any shape, on purpose.
  /* eslint-disable @typescript-eslint/no-explicit-any */
  const edit = (f: (r: Record<string, any>) => void): string => {
    const r = JSON.parse(JSON.stringify(good)) as Record<string, any>;
    f(r);
    return JSON.stringify(r);
  };
  const cases: Array<[string, string, RegExp]> = [
    ['p50-string', edit((r) => (r.summary.latencyMs.p50 = 'x')), /summary\.latencyMs\.p50 must be a number/],
    ['latency-empty', edit((r) => (r.summary.latencyMs = {})), /summary\.latencyMs\.min must be a number/],
    ['rps-null', edit((r) => (r.summary.rps = null)), /summary\.rps must be a number, got null/],
    ['timeline-strings', edit((r) => (r.timeline = ['a', 'b'])), /timeline\[0\] must be an object/],
    ['timeline-null', edit((r) => (r.timeline = [null])), /timeline\[0\] must be an object, got null/],
    ['timeline-p99', edit((r) => (r.timeline[1].p99 = '9')), /timeline\[1\]\.p99 must be a number/],
    ['codes-string', edit((r) => (r.statusCodes = 'x')), /statusCodes must be an object/],
    ['codes-values', edit((r) => (r.statusCodes = { 200: 'many' })), /statusCodes\.200 must be a number/],
    ['config-null', edit((r) => (r.config = null)), /config must be an object, got null/],
    ['headers', edit((r) => (r.target.headers = { a: 1 })), /target\.headers\.a must be a string/],
    ['status', edit((r) => (r.status = 'done')), /status must be/],
    ['histogram', edit((r) => (r.histogram = 'bm90IGEgaGlzdG9ncmFt')), /histogram cannot be decoded/],
  ];
  /* eslint-enable @typescript-eslint/no-explicit-any */
  for (const [name, text, msg] of cases) {
    const f = path.join(dir, `${name}.json`);
    writeFileSync(f, text);
    await assert.rejects(
      readRunFile(f),
      (e: Error) =>
        e instanceof RunFileError && msg.test(e.message) && e.message.includes(f) && !e.message.includes('\n'),
      name,
    );
    await assert.rejects(writeRunFile(f, good), /refusing to overwrite/);
    assert.equal(readFileSync(f, 'utf8'), text);
  }
  const cli = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      path.join(__dirname, '../../src/cli.ts'),
      'compare',
      path.join(dir, 'config-null.json'),
      path.join(dir, 'p50-string.json'),
    ],
    { encoding: 'utf8' },
  );
  assert.equal(cli.status, 1);
  const [first, second, ...rest] = cli.stderr.trim().split('\n');
  assert.match(first, /config-null\.json: corrupt run file: config must be an object/);
  assert.match(second, /p50-string\.json: corrupt run file: summary\.latencyMs\.p50 must be a number/);
  assert.deepEqual(rest, [], 'one line a file');
  assert.ok(!cli.stderr.includes('internal error'));
});

test('writes: mode 0600, a fresh temp name (a planted symlink is never followed), no temp left behind', async () => {
  const folder = mkdtempSync(path.join(dir, 'plant-'));
  const victim = path.join(dir, 'victim.txt');
  writeFileSync(victim, 'untouched');
  // The old writer used .<name>.<pid>.<Date.now()>.tmp: plant a symlink for every such name of the next 3 s.
  const now = Date.now();
  for (let t = now; t < now + 3000; t++) symlinkSync(victim, path.join(folder, `.a.json.${process.pid}.${t}.tmp`));
  const f = path.join(folder, 'a.json');
  await writeRunFile(f, run('a', noisy(3, 10, 5, 0)));
  assert.equal(readFileSync(victim, 'utf8'), 'untouched');
  assert.ok(lstatSync(f).isFile() && !lstatSync(f).isSymbolicLink());
  assert.equal(statSync(f).mode & 0o777, 0o600);
  assert.equal(
    readdirSync(folder)
      .filter((n) => !n.endsWith('.tmp'))
      .join(),
    'a.json',
  );
});

test('store: save falls back to another folder when its own cannot be written, and says where', async () => {
  const blocked = path.join(dir, 'not-a-folder');
  writeFileSync(blocked, 'a file where the store folder should be');
  const fallback = path.join(dir, 'fallback');
  const saved = await new RunStore(blocked).save(run('kept', noisy(3, 10, 5, 0)), fallback);
  assert.equal(saved.id, 'kept');
  assert.equal(saved.file, path.join(fallback, 'kept.json'));
  assert.match(saved.error ?? '', /cannot write .*not-a-folder.*kept\.json: ENOTDIR; the run was saved to .*fallback/);
  assert.equal((await readRunFile(saved.file)).id, 'kept');
  const ok = await new RunStore(path.join(dir, 'fine')).save(run('fine', noisy(3, 10, 5, 0)));
  assert.deepEqual(ok, { id: 'fine', file: path.join(dir, 'fine', 'fine.json') });
});

test('store: 600 run files under a 256 file-descriptor limit are all listed as readable', () => {
  const folder = path.join(dir, 'many');
  mkdirSync(folder);
  const text = toJson(run('m', noisy(3, 10, 5, 0)));
  for (let i = 0; i < 600; i++)
    writeFileSync(path.join(folder, `m${i}.json`), text.replace('"id": "m"', `"id": "m${i}"`));
  const script = `const { RunStore } = require(${JSON.stringify(path.join(__dirname, '../../src/core/runs/store.ts'))});
new RunStore(${JSON.stringify(folder)}).list().then((l) => console.log(JSON.stringify({ ok: l.filter((e) => e.record).length, broken: l.filter((e) => e.error).map((e) => e.error).slice(0, 2) })));`;
  const r = spawnSync(
    'bash',
    ['-c', `ulimit -n 256 && exec "${process.execPath}" --import tsx -e '${script.replace(/'/g, `'\\''`)}'`],
    {
      encoding: 'utf8',
    },
  );
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), { ok: 600, broken: [] });
});

test('compare: errors count unexpected statuses of old records; config diffs show no userinfo nor a missing expect', () => {
  const base = run('base', noisy(2, 10, 5, 0));
  // Written before --expect: ten 404s were neither ok nor errors.
  const old = {
    ...run('old404', noisy(2, 10, 5, 0)),
    statusCodes: { 404: 20 },
    target: { ...base.target, url: 'http://u:pa55@127.0.0.1:8000/' },
  };
  old.summary = { ...old.summary, ok: 0, errors: 0 };
  const c = compareRuns([{ ...base, config: { ...base.config, expect: '200-399' } }, old]);
  assert.deepEqual(c.rows.find((r) => r.metric === 'errors')!.values, [0, 100]);
  assert.ok(!JSON.stringify(c).includes('pa55'));
  assert.deepEqual(
    c.configDiffs.map((d) => d.key),
    [],
  );
});
