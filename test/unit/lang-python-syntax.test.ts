// The plain tree of one TreeCursor walk (src/core/lang/syntax.ts) answers every question the
// readers ask exactly as web-tree-sitter's Node does: type, named, text, indices, positions (UTF-16
// columns, CRLF, leading blank lines), fields, children (less unfielded punctuation), parents.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { syntaxOf, type SyntaxNode } from '../../src/core/lang/syntax';
import { Parsers, type Node } from '../../src/core/parsing/parser';

const FIELDS = [
  'name',
  'body',
  'left',
  'right',
  'operator',
  'function',
  'arguments',
  'value',
  'type',
  'definition',
  'parameters',
  'return_type',
  'superclasses',
  'object',
  'attribute',
  'module_name',
  'alias',
  'condition',
  'consequence',
  'alternative',
  'subscript',
  'expression',
];

/** Compares one node and its subtree; returns how many nodes were compared. */
function same(ts: Node, plain: SyntaxNode, where: string): number {
  const at = `${where} ${ts.type}@${ts.startIndex}`;
  assert.equal(plain.type, ts.type, at);
  assert.equal(plain.isNamed, ts.isNamed, at);
  assert.equal(plain.startIndex, ts.startIndex, at);
  assert.equal(plain.endIndex, ts.endIndex, at);
  assert.deepEqual(plain.startPosition, ts.startPosition, at);
  assert.deepEqual(plain.endPosition, ts.endPosition, at);
  assert.equal(plain.text, ts.text, at);
  // children a reader can see: all but punctuation that fills no field
  const kept = ts.children.filter(
    (c, i): c is Node => !!c && (c.isNamed || /^[A-Za-z_]/.test(c.type) || ts.fieldNameForChild(i) !== null),
  );
  assert.deepEqual(
    plain.children.map((c) => `${c.type}@${c.startIndex}:${c.field ?? ''}`),
    kept.map((c) => `${c.type}@${c.startIndex}:${ts.fieldNameForChild(ts.children.indexOf(c)) ?? ''}`),
    at,
  );
  assert.equal(plain.namedChildCount, ts.namedChildCount, at);
  for (const field of FIELDS) {
    const a = plain.childForFieldName(field);
    const b = ts.childForFieldName(field);
    assert.equal(a && `${a.type}@${a.startIndex}`, b && `${b.type}@${b.startIndex}`, `${at} .${field}`);
  }
  let n = 1;
  kept.forEach((c, i) => {
    assert.equal(plain.children[i].parent, plain, at);
    n += same(c, plain.children[i], where);
  });
  return n;
}

function pythonFixtures(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...pythonFixtures(p));
    else if (e.name.endsWith('.py')) out.push(p);
  }
  return out.sort();
}

const CRAFTED: Record<string, string> = {
  'leading blank lines and CRLF': '\r\n\r\n  \r\nimport os\r\nx = os.getenv("A") + "b"\r\n',
  'non-BMP characters before nodes on a line': 's = "😀😀"; t = f"{s}é{x!r:>10}"\nu = "é" + "😀"\n',
  'syntax errors': 'def f(:\n    return (1 +\nclass C(:\n  x = [1, 2\n',
  'no final newline, async, decorators, operators':
    '@app.get("/a", dependencies=[Depends(x)])\nasync def h(a: int | None = None, *, b=-1) -> dict:\n    async with c as d:\n        await e(not a, b is None)',
  empty: '',
  'only a comment': '# nothing\n',
};

test('the plain tree answers like web-tree-sitter on every fixture and crafted source', async () => {
  const parsers = await Parsers.load(undefined, ['python']);
  const sources: Array<[string, string]> = [
    ...Object.entries(CRAFTED),
    ...pythonFixtures(path.join(__dirname, '../fixtures')).map((f): [string, string] => [f, readFileSync(f, 'utf8')]),
  ];
  let nodes = 0;
  for (const [name, source] of sources) {
    const tree = parsers.parse('python', source);
    try {
      nodes += same(tree.rootNode, syntaxOf(tree.rootNode), name);
    } finally {
      tree.delete();
    }
  }
  assert.ok(sources.length > 100 && nodes > 10_000, `${sources.length} sources, ${nodes} nodes compared`);
});

test('both readers of one root object share one walk', async () => {
  const parsers = await Parsers.load(undefined, ['python']);
  const tree = parsers.parse('python', 'x = 1\n');
  try {
    const root = tree.rootNode;
    assert.equal(syntaxOf(root), syntaxOf(root));
  } finally {
    tree.delete();
  }
});

test('a source of several input chunks reaches the parser whole, non-BMP characters across chunk ends included', async () => {
  // web-tree-sitter copies the source into wasm memory 5,119 UTF-16 units at a time (the build patches how:
  // scripts/fast-tree-sitter.mjs); surrogate pairs are placed across the first chunk's end and all over the rest.
  const first = `a = "${'x'.repeat(5118 - 'a = "'.length)}😀"\n`;
  assert.equal(first.charCodeAt(5118), 0xd83d);
  const lines = [first];
  for (let i = 0; lines.join('').length < 40_000; i++)
    lines.push(`v${i} = "${'é😀'.repeat(i % 7)}${'y'.repeat(i % 13)}"\n`);
  const source = lines.join('');
  const parsers = await Parsers.load(undefined, ['python']);
  const tree = parsers.parse('python', source);
  try {
    const root = syntaxOf(tree.rootNode);
    assert.equal(tree.rootNode.hasError, false);
    assert.equal(root.endIndex, source.length);
    const written = lines.map((l) => l.slice(0, l.indexOf(' = ')));
    const values = lines.map((l) => l.slice(l.indexOf(' = ') + 3, -1));
    const read = root.namedChildren.map((st) => st.namedChildren[0]);
    assert.deepEqual(
      read.map((a) => a.childForFieldName('left')?.text),
      written,
    );
    assert.deepEqual(
      read.map((a) => a.childForFieldName('right')?.text),
      values,
    );
  } finally {
    tree.delete();
  }
});

test("a grammar's node kinds are looked up once per process, not once per file", async () => {
  const parsers = await Parsers.load(undefined, ['python']);
  const source = 'import os\n\n@app.get("/a")\nasync def f(x: int = 1):\n    return os.getenv("A")\n';
  const first = parsers.parse('python', source);
  const language = first.language;
  const original = language.nodeTypeIsNamed.bind(language);
  let asked = 0;
  language.nodeTypeIsNamed = (typeId: number) => {
    asked++;
    return original(typeId);
  };
  try {
    syntaxOf(first.rootNode);
    const second = parsers.parse('python', source);
    try {
      const before = asked;
      same(second.rootNode, syntaxOf(second.rootNode), 'second file');
      assert.equal(asked, before, 'no kind asked of the grammar again');
    } finally {
      second.delete();
    }
  } finally {
    language.nodeTypeIsNamed = original;
    first.delete();
  }
});
