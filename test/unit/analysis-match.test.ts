// The catalog matcher: wildcard patterns (with their allow-lists) give the same verdicts, and a name's verdict is
// worked out once however often it is asked (a workspace names the same callees at thousands of call sites).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Matcher } from '../../src/core/analysis/match';
import type { CallFact } from '../../src/core/analysis/facts';

const call = (callee: string, argCount = 1): CallFact => ({
  callee,
  written: callee,
  args: '',
  argCount,
  span: { line: 1, column: 1, endLine: 1, endColumn: 2 },
  awaited: false,
  lineEnd: 2,
});

test('wildcard catalog patterns, their allow-lists and configured patterns match as written', () => {
  const m = new Matcher({ extraBlockingCalls: [{ pattern: 'app.legacy.*_sync' }], allowedCalls: ['os.path.isfile'] });
  const hit = (name: string) => m.match('python', call(name))?.pattern;
  assert.equal(hit('mypy_boto3_s3.S3Client#get_object'), 'mypy_boto3_*.*Client#*');
  assert.equal(hit('mypy_boto3_s3.S3Client#generate_presigned_url'), undefined); // made locally
  assert.equal(hit('os.path.exists'), 'os.path.*');
  assert.equal(hit('os.path.join'), undefined); // pure
  assert.equal(hit('os.path.isfile'), undefined); // allowed by the configuration
  assert.equal(hit('app.models.User.objects.get'), '*.objects.get');
  assert.equal(hit('torch.nn.Linear#'), 'torch.nn.*#');
  assert.equal(hit('torch.nn.Linear#forward'), 'torch.nn.*#forward');
  assert.equal(hit('app.legacy.fetch_sync'), 'app.legacy.*_sync');
  assert.equal(hit('app.legacy.fetch'), undefined);
  assert.equal(hit('app.services.load'), undefined);
  // Argument counts are checked per call, after the name's verdict
  assert.equal(m.match('python', call('smtplib.SMTP', 0)), undefined); // connects only when given a host
  assert.equal(m.match('python', call('smtplib.SMTP', 1))?.pattern, 'smtplib.SMTP');
});

test("a name's verdict is worked out once: asking again tries no pattern", () => {
  const m = new Matcher({ extraBlockingCalls: [{ pattern: '*.legacy_*' }] });
  const names = ['app.services.load', 'app.db.Session#get', 'app.models.User.objects.first', 'pathlib.Path#suffix'];
  let tried = 0;
  const real = RegExp.prototype.test;
  RegExp.prototype.test = function (this: RegExp, s: string) {
    tried++;
    return real.call(this, s);
  };
  let first: number;
  const verdicts: Array<string | undefined> = [];
  try {
    for (const name of names) verdicts.push(m.match('python', call(name))?.pattern);
    first = tried;
    for (let i = 0; i < 1000; i++) for (const name of names) m.match('python', call(name));
  } finally {
    RegExp.prototype.test = real;
  }
  assert.deepEqual(verdicts, [undefined, undefined, '*.objects.first', undefined]);
  assert.equal(tried, first);
});
