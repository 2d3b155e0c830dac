// The objects of a Python file's facts keyed by names the code chooses (imported names, module instances, class
// attributes, call keywords) are in V8's dictionary mode from the start (lang/shared/records.ts): a `{}` given
// each file's own names grows the process's hidden-class transition tree by one class per name. They still read,
// print and serialise as the same plain objects.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deserialize, serialize, setFlagsFromString } from 'node:v8';
import { extractCodeFacts } from '../../src/core/analysis';
import { extractPythonRouteFacts } from '../../src/core/discovery/python/extract';
import { Parsers } from '../../src/core/parsing/parser';
import type { WorkspaceFile } from '../../src/core/workspace';

setFlagsFromString('--allow-natives-syntax');
// eslint-disable-next-line @typescript-eslint/no-implied-eval -- a V8 intrinsic, readable only in compiled code
const hasFastProperties = new Function('o', 'return %HasFastProperties(o)') as (o: object) => boolean;

const SOURCE = [
  'import requests',
  'from fastapi import APIRouter, Depends',
  'from .store import load_items as load',
  'http = requests.Session()',
  'router = APIRouter(prefix="/items", tags=["items"])',
  'class Store(Base):',
  '    limit = Limit(size=3)',
  '    def __init__(self):',
  '        self.client = requests.Session()',
  '@router.get("/a", response_model=Item)',
  'async def a(x: Annotated[int, Query(alias="y")] = Query(default=1)):',
  '    return load()',
  '',
].join('\n');

test('name-keyed objects of Python facts are dictionaries that read and serialise as plain objects', async () => {
  const parsers = await Parsers.load(undefined, ['python']);
  const file: WorkspaceFile = { path: 'app/items.py', absPath: '/w/app/items.py', language: 'python' };
  const tree = parsers.parse('python', SOURCE);
  try {
    const route = extractPythonRouteFacts(file, tree.rootNode);
    const code = extractCodeFacts(file, tree.rootNode, SOURCE);
    const call = route.calls.find((c) => c.call.k === 'call' && Object.keys(c.call.kw).includes('prefix'))?.call;
    assert.ok(call?.k === 'call');
    const param = route.functions.find((f) => f.name === 'a')?.params[0];
    const ast = param?.defaultAst;
    assert.ok(ast?.t === 'call');
    const records: Array<[string, object | undefined]> = [
      ['call keywords', call.kw],
      ['class attributes', route.classes[0]?.attributes],
      ['default read as an expression: keywords', ast.kw],
      ['re-exports', code.reexports],
      ['module instances', code.instances],
      ['classes', code.classes],
      ['self attributes', code.attributes],
    ];
    for (const [what, record] of records) {
      assert.ok(record && Object.keys(record).length > 0, `${what}: present`);
      assert.equal(hasFastProperties(record), false, `${what}: dictionary mode`);
      assert.equal(Object.getPrototypeOf(record), Object.prototype, `${what}: a plain object's prototype`);
      const plain = JSON.parse(JSON.stringify(record)) as object;
      assert.deepEqual(deserialize(serialize(record)), plain, what);
      assert.deepEqual(serialize(record), serialize(plain), `${what}: the same bytes as the plain object`);
    }
    assert.deepEqual(code.reexports, {
      APIRouter: 'fastapi.APIRouter',
      Depends: 'fastapi.Depends',
      load: 'app.store.load_items',
    });
    assert.deepEqual(code.attributes, { Store: { limit: 'Limit#', client: 'requests.Session#' } });
  } finally {
    tree.delete();
  }
});
