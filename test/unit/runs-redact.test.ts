import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  isSecretHeader,
  redactCommand,
  redactHeaders,
  redactRecord,
  redactValue,
  stripUserinfo,
} from '../../src/core/runs/redact';

test('secret headers: the named ones and any name containing token, secret, key or auth', () => {
  for (const n of ['Authorization', 'proxy-authorization', 'Cookie', 'Set-Cookie', 'X-Api-Key', 'X-Auth-Token'])
    assert.ok(isSecretHeader(n), n);
  for (const n of ['x-csrf-token', 'X-Client-Secret', 'apikey', 'X-Amz-Security-Token'])
    assert.ok(isSecretHeader(n), n);
  for (const n of ['Accept', 'Content-Type', 'X-Request-Id', 'User-Agent']) assert.ok(!isSecretHeader(n), n);
  const h = redactHeaders({ Authorization: 'Bearer a', Accept: 'text/plain' });
  assert.equal(h.Accept, 'text/plain');
  assert.equal(h.Authorization, redactValue('Bearer a'));
  assert.match(h.Authorization, /^redacted:sha256:[0-9a-f]{8}$/);
  assert.equal(redactValue(h.Authorization), h.Authorization, 'idempotent');
  assert.notEqual(redactValue('Bearer a'), redactValue('Bearer b'));
});

test('URL userinfo is stripped, the rest kept', () => {
  assert.equal(stripUserinfo('http://u:p@127.0.0.1:8000/a?b=1'), 'http://127.0.0.1:8000/a?b=1');
  assert.equal(stripUserinfo('http://127.0.0.1:8000/a'), 'http://127.0.0.1:8000/a');
  assert.equal(stripUserinfo('http://u:p@[bad/x'), 'http://[bad/x');
});

test('server commands: secret environment values, secret flags and URL userinfo are hashed or dropped; the rest kept', () => {
  const h = redactValue;
  assert.equal(
    redactCommand('SECRET_KEY=abc123 DATABASE_URL=postgres://app:pw@db:5432/app uvicorn main:app --workers 4'),
    `SECRET_KEY=${h('abc123')} DATABASE_URL=postgres://db:5432/app uvicorn main:app --workers 4`,
  );
  assert.equal(
    redactCommand(`gunicorn main:app --db-password 's3 cret' --api-token=tok -w 2 --ssl-keyfile key.pem`),
    `gunicorn main:app --db-password ${h("'s3 cret'")} --api-token=${h('tok')} -w 2 --ssl-keyfile key.pem`,
  );
  const plain = 'python3 -m uvicorn app.main:app --host 127.0.0.1 --port 8000 WEB_CONCURRENCY=2';
  assert.equal(redactCommand(plain), plain, 'nothing secret: unchanged');
  const once = redactCommand('API_KEY=xyz node server.js');
  assert.equal(redactCommand(once), once, 'idempotent');
  assert.doesNotMatch(once, /xyz/);
});

test('a record with a secret in its server command is written redacted; the worker count stays', async () => {
  const { mkdtempSync, readFileSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const path = await import('node:path');
  const { writeRunFile } = await import('../../src/core/runs/format');
  const { syntheticRun } = await import('./vscode-records');
  const dir = mkdtempSync(path.join(tmpdir(), 'ep-redact-'));
  try {
    const run = syntheticRun({
      latenciesMs: [10, 11, 12],
      server: { command: 'AUTH_TOKEN=hunter2 gunicorn -w 4 main:app', workers: 4 },
    });
    assert.deepEqual(redactRecord(run).server, {
      command: `AUTH_TOKEN=${redactValue('hunter2')} gunicorn -w 4 main:app`,
      workers: 4,
    });
    assert.equal(run.server?.command, 'AUTH_TOKEN=hunter2 gunicorn -w 4 main:app', 'the input is not changed');
    const file = path.join(dir, 'r.json');
    await writeRunFile(file, run);
    assert.doesNotMatch(readFileSync(file, 'utf8'), /hunter2/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
