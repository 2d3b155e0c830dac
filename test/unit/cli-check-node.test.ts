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

test('check --json through tsconfig `paths` aliases: named, default and exact-alias imports reach the helpers', async () => {
  const { code, stdout } = await new Promise<{ code: number; stdout: string }>((resolve) => {
    execFile(
      process.execPath,
      [
        '--import',
        'tsx',
        CLI,
        'check',
        path.join(__dirname, '..', 'fixtures', 'analysis', 'express-aliases'),
        '--json',
      ],
      { timeout: 60_000 },
      (err, out) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout: out });
      },
    );
  });
  assert.equal(code, 1);
  const fs = JSON.parse(stdout) as Array<{ file: string; line: number; rule: string; chain?: string[] }>;
  assert.deepEqual(
    fs.map((f) => `${f.file}:${f.line} ${f.rule} ${f.chain?.join(' > ')}`),
    [
      // `import { readConfig } from '@server/util'` (a wildcard alias)
      'src/app.ts:9 EP102 GET /config > readConfig() > fs.readFileSync (src/server/util.ts:4)',
      // `import loadTemplate from '@server/templates'`: a default export, in a folder's index
      'src/app.ts:13 EP102 GET /page > loadTemplate() > fs.readFileSync (src/server/templates/index.ts:4)',
      // `import { hashPassword } from '@lib'` (an exact alias)
      'src/app.ts:17 EP102 POST /users > hashPassword() > bcrypt.hashSync (src/lib/index.ts:4)',
    ],
  );
});
