// `check` end to end on the Fastify, Koa, Hono and NestJS fixture apps: discovery's routes are what
// make analysis look inside handlers, so a readFileSync in each framework's handler must be reported.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as path from 'node:path';

const CLI = path.join(__dirname, '..', '..', 'src', 'cli.ts');
const FIXTURES = path.join(__dirname, '..', 'fixtures', 'node');

function check(
  fixture: string,
): Promise<{ code: number; findings: Array<{ file: string; line: number; rule: string; handler?: string }> }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', CLI, 'check', path.join(FIXTURES, fixture), '--json'],
      { timeout: 60_000 },
      (err, out) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, findings: JSON.parse(out || '[]') });
      },
    );
  });
}

const expected: Record<string, string[]> = {
  'fastify-plugins': ['app.js:17 EP101 readConfig'],
  'koa-routers': ['routes/users.js:16 EP101 GET /:id'],
  'hono-apps': ['routes/users.js:16 EP101 GET /:id'],
  'nest-app': ['src/cats/cats.controller.ts:13 EP101 CatsController.findOne'],
};

for (const [fixture, findings] of Object.entries(expected)) {
  test(`check --json finds fs.readFileSync in a ${fixture} handler`, async () => {
    const result = await check(fixture);
    assert.equal(result.code, 1);
    assert.deepEqual(
      result.findings.map((f) => `${f.file}:${f.line} ${f.rule} ${f.handler}`),
      findings,
    );
  });
}
