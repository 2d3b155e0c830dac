// What served a run (serverInfoModel.ts): the command Start Server ran, else serverCommand, else
// the user's answer for that port — one answer per port of this machine, kept per workspace.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  addressText,
  serverAddressKey,
  serverAnswerProblem,
  serverForRun,
  withServerAnswer,
} from '../../src/vscode/serverInfoModel';

test('one answer per port of this machine, whichever loopback name the URL uses; host and port elsewhere', () => {
  const key = serverAddressKey('http://127.0.0.1:8000/items/1');
  assert.equal(key, ':8000');
  assert.equal(serverAddressKey('http://localhost:8000/'), key);
  assert.equal(serverAddressKey('http://[::1]:8000/x'), key);
  assert.notEqual(serverAddressKey('http://127.0.0.1:8001/'), key);
  assert.equal(serverAddressKey('http://127.0.0.1/'), ':80');
  assert.equal(serverAddressKey('https://api.example.com/v1'), 'api.example.com:443');
  assert.equal(serverAddressKey('not a url'), undefined);
  assert.equal(addressText(':8000'), 'port 8000');
  assert.equal(addressText('api.example.com:443'), 'api.example.com:443');
});

test('the server a run records: Start Server’s command, else the setting, else the answer; skipped and unknown differ', () => {
  const url = 'http://127.0.0.1:8000/items';
  const answers = { ':8000': 'gunicorn -w 4 main:app', ':9000': '' };
  assert.deepEqual(serverForRun(url, 'uvicorn main:app --workers 2', 'hypercorn main:app', answers), {
    server: { command: 'uvicorn main:app --workers 2', workers: 2 },
    source: 'started',
  });
  assert.deepEqual(serverForRun(url, undefined, ' hypercorn main:app ', answers), {
    server: { command: 'hypercorn main:app', workers: 1 },
    source: 'setting',
  });
  assert.deepEqual(serverForRun(url, undefined, '', answers), {
    server: { command: 'gunicorn -w 4 main:app', workers: 4 },
    source: 'answered',
  });
  // A description rather than a command: kept as said, no worker count invented.
  assert.deepEqual(serverForRun(url, undefined, '', { ':8000': 'the docker compose stack' }), {
    server: { command: 'the docker compose stack' },
    source: 'answered',
  });
  assert.deepEqual(serverForRun('http://localhost:9000/', undefined, '', answers), { source: 'skipped' });
  assert.deepEqual(serverForRun('http://127.0.0.1:7000/', undefined, '', answers), { source: 'unknown' });
  assert.deepEqual(serverForRun(url, undefined, undefined, undefined), { source: 'unknown' });
  // State from elsewhere that is not a string is not an answer.
  assert.deepEqual(serverForRun(url, undefined, '', { ':8000': 42 }), { source: 'unknown' });
});

test('answers are one line of bounded length; setting one keeps the other ports’', () => {
  assert.equal(serverAnswerProblem(''), undefined, 'empty = skip');
  assert.equal(serverAnswerProblem('uvicorn main:app'), undefined);
  assert.match(serverAnswerProblem('a\nb') ?? '', /one line/);
  assert.match(serverAnswerProblem('x'.repeat(301)) ?? '', /at most 300/);
  assert.deepEqual(
    withServerAnswer({ ':9000': 'flask run', ':1': 5 }, 'http://127.0.0.1:8000/', '  uvicorn main:app '),
    {
      ':9000': 'flask run',
      ':8000': 'uvicorn main:app',
    },
  );
  assert.deepEqual(withServerAnswer(undefined, 'http://localhost:8000/', ''), { ':8000': '' });
});
