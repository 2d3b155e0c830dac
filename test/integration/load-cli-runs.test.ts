// The CLI never loses a run: --out is checked before the first request, SIGTERM/SIGHUP end a
// run like Ctrl-C with a valid cancelled record, and a write that still fails falls back.
// The signal test drives the built CLI (dist/cli.js: run `npm run build` first), as CI and
// `timeout` do; the others run it from source.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { parseRunRecord } from '../../src/core/runs/format';
import { startFaultServer, type FaultServer } from '../fixtures/servers/fault-server';

let srv: FaultServer;
const dir = mkdtempSync(path.join(tmpdir(), 'ep-cli-runs-'));
before(async () => {
  srv = await startFaultServer();
});
after(async () => {
  await srv.close();
  rmSync(dir, { recursive: true, force: true });
});

type Result = { status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string };
const cli = (args: string[], env: NodeJS.ProcessEnv = {}): Promise<Result> =>
  new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', path.join(__dirname, '../../src/cli.ts'), ...args],
      { encoding: 'utf8', timeout: 30_000, env: { ...process.env, ...env } },
      (err, stdout, stderr) => {
        resolve({
          status: err ? (typeof err.code === 'number' ? err.code : null) : 0,
          signal: err?.signal ?? null,
          stdout,
          stderr,
        });
      },
    );
  });

const until = async (cond: () => boolean, ms = 10_000): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
};

test('7. --out is checked before the first request: missing folder, a folder, corrupt or newer file → exit 2', async () => {
  const corrupt = path.join(dir, 'corrupt.json');
  writeFileSync(corrupt, '{ not json');
  const newer = path.join(dir, 'newer.json');
  writeFileSync(newer, JSON.stringify({ schemaVersion: 99, id: 'x' }));
  const folder = path.join(dir, 'a-folder');
  mkdirSync(folder);
  const cases: Array<[string, RegExp]> = [
    [path.join(dir, 'missing', 'run.json'), /folder .*missing does not exist/],
    [folder, /it is a folder/],
    [corrupt, /refusing to overwrite .*corrupt\.json: not a run file: invalid JSON/],
    [newer, /refusing to overwrite .*newer\.json: .*newer than this tool supports/],
  ];
  // A folder that takes no new files even for root (sysfs): what a read-only folder or file system looks like.
  if (process.platform === 'linux') cases.push(['/sys/run.json', /folder \/sys does not take new files/]);
  const before = srv.received();
  for (const [out, msg] of cases) {
    const r = await cli(['load', '-n', '3', '--out', out, `${srv.url}/ok`]);
    assert.equal(r.status, 2, `${out}: ${r.stderr}`);
    assert.match(r.stderr, msg);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
  assert.equal(srv.received(), before, 'nothing was sent');
  assert.equal(readFileSync(corrupt, 'utf8'), '{ not json', 'never overwritten');
});

test('7. a write that fails after the run still prints the record and saves it to a fallback path', async () => {
  const gone = path.join(dir, 'gone');
  mkdirSync(gone);
  const tmp = mkdtempSync(path.join(dir, 'tmp-'));
  const running = cli(
    ['load', '-c', '1', '-z', '1.5s', '--json', '--out', path.join(gone, 'run.json'), `${srv.url}/ok?ms=5`],
    {
      TMPDIR: tmp,
    },
  );
  await until(() => srv.received() > 0);
  rmSync(gone, { recursive: true });
  const r = await running;
  assert.equal(r.status, 1, r.stderr);
  const record = parseRunRecord(r.stdout);
  assert.ok(record.summary.ok > 0);
  const m = /cannot write .*gone\/run\.json: ENOENT; the run was saved to (\S+) instead/.exec(r.stderr);
  assert.ok(m, r.stderr);
  assert.ok(m[1].startsWith(tmp));
  assert.equal(parseRunRecord(readFileSync(m[1], 'utf8')).id, record.id);
});

test('7. SIGTERM and SIGHUP stop the built CLI like Ctrl-C: cancelled record printed and saved, exit 128+n', async () => {
  const bin = path.join(__dirname, '../../dist/cli.js');
  assert.ok(existsSync(bin), 'run npm run build first');
  for (const [sig, code] of [
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const) {
    const out = path.join(dir, `${sig}.json`);
    const before = srv.received();
    const child = spawn(process.execPath, [
      bin,
      'load',
      '-c',
      '2',
      '-z',
      '30s',
      '--json',
      '--out',
      out,
      `${srv.url}/ok?ms=10`,
    ]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    await until(() => srv.received() > before + 5);
    const t = Date.now();
    child.kill(sig);
    const status = await exited;
    assert.ok(Date.now() - t < 3000, `${sig}: stopped in ${Date.now() - t} ms`);
    assert.equal(status, code, stderr);
    const record = parseRunRecord(stdout);
    assert.equal(record.status, 'cancelled');
    assert.ok(record.summary.count > 0);
    assert.equal(parseRunRecord(readFileSync(out, 'utf8')).id, record.id);
    assert.match(stderr, new RegExp(`stopped by ${sig}`));
  }
});

test('8. concurrency above the open-file limit is refused before any connection, naming the limit', async () => {
  const bin = path.join(__dirname, '../../dist/cli.js');
  const before = srv.received();
  const r = await new Promise<Result>((resolve) =>
    execFile(
      'bash',
      ['-c', `ulimit -n 256 && exec "${process.execPath}" "${bin}" load -c 1000 -n 1000 ${srv.url}/ok`],
      { encoding: 'utf8', timeout: 20_000 },
      (err, stdout, stderr) =>
        resolve({ status: err ? (typeof err.code === 'number' ? err.code : null) : 0, signal: null, stdout, stderr }),
    ),
  );
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /concurrency 1000 .*open-file limit is 256 \(ulimit -n/);
  assert.equal(r.stderr.trim().split('\n').length, 1);
  assert.equal(srv.received(), before, 'nothing was sent');
});

test('9. -H values with CR/LF and invalid header names are refused before sending (exit 2)', async () => {
  const before = srv.received();
  for (const [h, msg] of [
    ['X-A: one\r\nX-Injected: two', /invalid value for header 'X-A': it contains CR or LF/],
    ['Bad Name: x', /invalid header name "Bad Name"/],
  ] as const) {
    const r = await cli(['load', '-n', '2', '-H', h, `${srv.url}/ok`]);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, msg);
  }
  assert.equal(srv.received(), before, 'nothing was sent');
});

test('load --help documents --expect, unsent, cancelledInFlight, redaction, signals and the fd limit', async () => {
  const r = await cli(['load', '--help']);
  assert.equal(r.status, 0);
  for (const word of ['--expect', "'unsent'", "'cancelledInFlight'", 'redacted:sha256:', 'SIGTERM', 'ulimit -n', '128'])
    assert.ok(r.stdout.includes(word), word);
});
