import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Node } from 'web-tree-sitter';
import { readSyntax, syntaxOf, type SyntaxNode } from '../../src/core/lang/syntax';
import { Parsers, languageOf } from '../../src/core/parsing/parser';
import type { Language } from '../../src/core/model';

/**
 * tree-sitter-typescript's `typeof a.b` (type_query) holds a hidden member expression whose `object` and
 * `property` fields web-tree-sitter finds through the hidden node; a cursor never visits hidden nodes, so the
 * plain tree does not have them. No extractor reads them.
 */
const HIDDEN_FIELDS: Record<string, string[]> = { type_query: ['object', 'property'] };

/** Punctuation (anonymous, not a word) that fills no field: left out of the plain tree's children. */
function leftOut(parent: Node, child: Node, fields: string[]): boolean {
  if (child.isNamed || /^[A-Za-z_]/.test(child.type)) return false;
  return !fields.some((f) => parent.childrenForFieldName(f).some((c) => c?.equals(child)));
}

/** Every difference between web-tree-sitter's answers and the plain tree's, node by node (at most 10). */
function differences(tsRoot: Node, root: SyntaxNode, fields: string[]): string[] {
  const out: string[] = [];
  const stack: Array<[Node, SyntaxNode]> = [[tsRoot, root]];
  while (stack.length && out.length < 10) {
    const [a, b] = stack.pop()!;
    const kept = a.children.filter((c): c is Node => !!c && !leftOut(a, c, fields));
    const at = `${a.type}@${a.startPosition.row + 1}:${a.startPosition.column + 1}`;
    const same = (what: string, x: unknown, y: unknown) => {
      if (JSON.stringify(x) !== JSON.stringify(y))
        out.push(`${at} ${what}: ${JSON.stringify(x)} ≠ ${JSON.stringify(y)}`);
    };
    same('type', a.type, b.type);
    same('isNamed', a.isNamed, b.isNamed);
    same('text', a.text, b.text);
    same('range', [a.startIndex, a.endIndex], [b.startIndex, b.endIndex]);
    same('startPosition', a.startPosition, b.startPosition);
    same('endPosition', a.endPosition, b.endPosition);
    same('namedChildCount', a.namedChildCount, b.namedChildCount);
    same('parent', a.parent && [a.parent.type, a.parent.startIndex], b.parent && [b.parent.type, b.parent.startIndex]);
    same(
      'children',
      kept.map((c) => c.type),
      b.children.map((c) => c.type),
    );
    same(
      'namedChildren',
      a.namedChildren.map((c) => c!.type),
      b.namedChildren.map((c) => c.type),
    );
    same('child(0)', kept[0]?.type, b.child(0)?.type);
    for (const field of fields) {
      if (HIDDEN_FIELDS[a.type]?.includes(field)) continue;
      const x = a.childForFieldName(field);
      const y = b.childForFieldName(field);
      same(`field ${field}`, x && [x.type, x.startIndex], y && [y.type, y.startIndex]);
    }
    if (kept.length === b.children.length) for (let i = 0; i < kept.length; i++) stack.push([kept[i], b.children[i]]);
  }
  return out;
}

async function check(parsers: Parsers, language: Language, source: string, name: string): Promise<void> {
  const tree = parsers.parse(language, source);
  try {
    const fields = tree.language.fields.filter((f): f is string => !!f);
    assert.deepEqual(differences(tree.rootNode, readSyntax(tree.rootNode), fields), [], name);
  } finally {
    tree.delete();
  }
}

test('the plain tree answers as web-tree-sitter does: types, text, positions, children, every field', async () => {
  const parsers = await Parsers.load();
  const samples: Array<[Language, string]> = [
    // leading whitespace (the root starts after it), CRLF, a BOM, characters outside the BMP before a node
    [
      'typescript',
      '\n\n  \uFEFF// café 😀\r\nconst a = "😀x"; app.get(`/é${a}`, async (req, res) => { await f(); });\r\n',
    ],
    [
      'typescript',
      'import { Controller, Get } from "@nestjs/common";\n@Controller("cats")\nexport class Cats implements CanActivate {\n' +
        '  constructor(private readonly s: CatsService) {}\n  @Get(":id") async one(@Param("id") id: string): Promise<Cat> { return this.s.find(id) ** 2; }\n' +
        '  x: typeof a.b = new X();\n}\n',
    ],
    [
      'javascript',
      'const r = require("express").Router();\nmodule.exports = r;\nr.get("/a", (q, s) => s.send(1 + 2));\n',
    ],
    ['tsx', 'export default function C({ a }: P) { return <div onClick={() => a?.b!()}>{`t${a}`}</div>; }\n'],
    // syntax errors: ERROR and MISSING nodes
    ['javascript', 'function f( { app.get("/x", h\nclass { m() { return } \nconst = ;'],
  ];
  for (const [language, source] of samples) await check(parsers, language, source, source.slice(0, 40));
});

test('the plain tree answers as web-tree-sitter does on every Node fixture file', async () => {
  const parsers = await Parsers.load();
  const root = path.join(__dirname, '..', 'fixtures', 'node');
  const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => !f.includes('node_modules'));
  let checked = 0;
  for (const file of files) {
    const language = languageOf(file);
    if (!language || language === 'python') continue;
    await check(parsers, language, readFileSync(path.join(root, file), 'utf8'), file);
    checked++;
  }
  assert.ok(checked > 20, `only ${checked} fixture files`);
});

test('discovery and analysis share one reading per parsed tree', async () => {
  const parsers = await Parsers.load();
  const tree = parsers.parse('javascript', 'app.get("/", h);');
  try {
    const root = tree.rootNode;
    assert.equal(syntaxOf(root), syntaxOf(root));
    assert.notEqual(readSyntax(root), syntaxOf(root));
  } finally {
    tree.delete();
  }
});

test('a tree nested thousands deep is read without recursion', async () => {
  const parsers = await Parsers.load();
  const tree = parsers.parse('javascript', `x = ${'['.repeat(5000)}${']'.repeat(5000)};`);
  try {
    let depth = 0;
    for (let n: SyntaxNode | undefined = readSyntax(tree.rootNode); n; n = n.namedChildren.at(-1)) depth++;
    assert.ok(depth > 5000, `depth ${depth}`);
  } finally {
    tree.delete();
  }
});
