// Start Server's pure decisions: whether the baseUrl setting is usable (and what to say when it
// is not), and how many workers a server command runs (recorded with each run for Compare).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { baseUrlProblem, hostAndPort } from '../../src/vscode/serverModel';

test('baseUrl: usable http(s) URLs pass; malformed ones get a message naming the setting and the fix', () => {
  for (const ok of ['http://127.0.0.1:8000', 'https://localhost', 'http://[::1]:3000/api', 'http://127.0.0.1:8000/base?x=1']) assert.equal(baseUrlProblem(ok), undefined, ok);
  const cases: Array<[unknown, RegExp]> = [
    ['127.0.0.1:8000', /not a valid URL: “127\.0\.0\.1:8000” \(it needs the scheme: http:\/\/…\)/],
    ['localhost:8000', /must be an http:\/\/ or https:\/\/ URL.*needs the scheme/],
    ['ws://127.0.0.1:8000', /must be an http:\/\/ or https:\/\/ URL/],
    ['http://', /not a valid URL/],
    ['', /is empty/],
    [undefined, /is empty/],
  ];
  for (const [bad, why] of cases) {
    const problem = baseUrlProblem(bad);
    assert.match(problem ?? '', /^The endpointProfiler\.baseUrl setting /, String(bad));
    assert.match(problem ?? '', why, String(bad));
    assert.match(problem ?? '', /e\.g\. http:\/\/127\.0\.0\.1:8000/);
  }
});

test('hostAndPort: default ports, IPv6 brackets dropped, and the clear message instead of "Invalid URL"', () => {
  assert.deepEqual(hostAndPort('http://127.0.0.1:8000/x'), { host: '127.0.0.1', port: 8000 });
  assert.deepEqual(hostAndPort('https://localhost/'), { host: 'localhost', port: 443 });
  assert.deepEqual(hostAndPort('http://[::1]/'), { host: '::1', port: 80 });
  assert.throws(() => hostAndPort('127.0.0.1:8000'), /^Error: The endpointProfiler\.baseUrl setting is not a valid URL/);
});
