// `check` over an Express app end to end, with routes from the real Node discovery.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as path from 'node:path';

const CLI = path.join(__dirname, '..', '..', 'src', 'cli.ts');

test('check --json on an Express app: sync fs in a handler, bcrypt.hashSync through a required helper', async () => {
  const { code, stdout } = await new Promise<{ code: number; stdout: string }>((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', CLI, 'check', path.join(__dirname, '..', 'fixtures', 'analysis', 'express-app'), '--json'],
      { timeout: 60_000 },
      (err, out) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout: out });
      },
    );
  });
  assert.equal(code, 1);
  const fs = JSON.parse(stdout) as Array<{ file: string; line: number; rule: string; chain?: string[] }>;
  assert.deepEqual(
    fs.map((f) => `${f.file}:${f.line} ${f.rule}`),
    ['src/server.js:8 EP101', 'src/server.js:13 EP102'],
  );
  assert.deepEqual(fs[1].chain?.slice(1), ['hashPassword()', 'bcrypt.hashSync (src/auth.js:4)']);
});
