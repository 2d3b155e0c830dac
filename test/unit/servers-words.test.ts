// The server command splitter: POSIX quoting without a shell, and a clear refusal of anything
// only a shell could do (a workspace string must never reach `sh -c`).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CommandSyntaxError, shellWords, splitCommand } from '../../src/core/servers/words';

test('shellWords: quotes, escapes and whitespace as a POSIX shell splits them', () => {
  const cases: Array<[string, string[]]> = [
    ['uvicorn app:app --port {port}', ['uvicorn', 'app:app', '--port', '{port}']],
    ['  a   b\tc\n', ['a', 'b', 'c']],
    [`python -c 'print("hi; there")'`, ['python', '-c', 'print("hi; there")']],
    [`echo "a \\"quoted\\" \\$HOME \\\\ x"`, ['echo', 'a "quoted" $HOME \\ x']],
    [`echo "it's"`, ['echo', "it's"]],
    ['a\\ b c\\;d', ['a b', 'c;d']],
    [`gunicorn -b '127.0.0.1:{port}' "my app:app"`, ['gunicorn', '-b', '127.0.0.1:{port}', 'my app:app']],
    [`x '' ""`, ['x', '', '']],
    [`sh -c 'sleep 1 && echo $PORT'`, ['sh', '-c', 'sleep 1 && echo $PORT']],
    [`a'b'"c"d`, ['abcd']],
    ['', []],
  ];
  for (const [line, words] of cases) assert.deepEqual(shellWords(line), words, line);
});

test('shellWords: refuses shell-only syntax with one line naming the character', () => {
  const refused: Array<[string, string]> = [
    ['uvicorn app:app; rm -rf /', ';'],
    ['cd api && uvicorn app:app', '&'],
    ['uvicorn app:app &', '&'],
    ['uvicorn app:app | tee log', '|'],
    ['uvicorn app:app > log', '>'],
    ['uvicorn app:app < /dev/null', '<'],
    ['uvicorn app:app --port $PORT', '$'],
    ['uvicorn app:app --workers $(nproc)', '$'],
    ['uvicorn app:app --workers `nproc`', '`'],
    ['(uvicorn app:app)', '('],
    ['echo "$(whoami)"', '$'],
    ['echo "`whoami`"', '`'],
  ];
  for (const [line, c] of refused) {
    assert.throws(
      () => shellWords(line),
      (e: unknown) =>
        e instanceof CommandSyntaxError &&
        e.message.includes(`'${c}'`) &&
        e.message.includes('needs a shell') &&
        !e.message.includes('\n'),
      line,
    );
  }
  assert.throws(() => shellWords('uvicorn app:app --port $PORT'), /write \{port\} and \{host\} where the address goes/);
  assert.throws(() => shellWords(`echo 'open`), /unclosed ' quote \(opened at character 6\)/);
  assert.throws(() => shellWords('echo "open'), /unclosed " quote/);
  assert.throws(() => shellWords('echo \\'), /lone backslash/);
});

test('splitCommand: leading NAME=value words become environment; an empty command is refused', () => {
  assert.deepEqual(splitCommand('WEB_CONCURRENCY=2 A_B="x y" gunicorn -w 1 app:app'), {
    argv: ['gunicorn', '-w', '1', 'app:app'],
    env: { WEB_CONCURRENCY: '2', A_B: 'x y' },
  });
  assert.deepEqual(splitCommand('env X=1 node server.js --x=y'), {
    argv: ['node', 'server.js', '--x=y'],
    env: { X: '1' },
  });
  assert.deepEqual(splitCommand('node a=b'), { argv: ['node', 'a=b'], env: {} });
  assert.throws(() => splitCommand('  '), /the command is empty/);
  assert.throws(() => splitCommand('X=1'), /the command is empty/);
});
