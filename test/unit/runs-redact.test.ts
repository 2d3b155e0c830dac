import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isSecretHeader, redactHeaders, redactValue, stripUserinfo } from '../../src/core/runs/redact';

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
