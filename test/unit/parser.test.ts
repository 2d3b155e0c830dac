import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Parsers, languageOf } from '../../src/core/parsing/parser';

test('parses all four languages from wasm bytes', async () => {
  const parsers = await Parsers.load();
  const samples = {
    python: 'async def f():\n    time.sleep(1)\n',
    javascript: 'app.get("/x", (req, res) => res.send(fs.readFileSync("a")));',
    typescript: 'const f = async (x: number): Promise<void> => {};',
    tsx: 'const C = () => <div>{1}</div>;',
  } as const;
  for (const [lang, src] of Object.entries(samples)) {
    const tree = parsers.parse(lang as keyof typeof samples, src);
    try {
      assert.equal(tree.rootNode.hasError, false, `${lang} parsed with errors`);
      assert.ok(tree.rootNode.namedChildCount > 0);
    } finally {
      tree.delete();
    }
  }
});

test('a broken file still yields a tree with error nodes', async () => {
  const parsers = await Parsers.load();
  const tree = parsers.parse('python', 'def f(:\n  return\nasync def g():\n    time.sleep(1)\n');
  try {
    assert.equal(tree.rootNode.hasError, true);
    assert.match(tree.rootNode.text, /time\.sleep/);
  } finally {
    tree.delete();
  }
});

test('languageOf maps extensions', () => {
  assert.equal(languageOf('a/b.py'), 'python');
  assert.equal(languageOf('x.mjs'), 'javascript');
  assert.equal(languageOf('x.ts'), 'typescript');
  assert.equal(languageOf('x.tsx'), 'tsx');
  assert.equal(languageOf('x.md'), undefined);
});
