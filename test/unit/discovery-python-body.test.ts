// Route.bodyTemplate: the JSON example of a FastAPI handler's request body, derived from the
// workspace models its parameters are annotated with (test/fixtures/python/body_app, and
// inline sources for the forms the fixture does not show).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linkPythonRoutes, PythonLinkCache } from '../../src/core/discovery/python';
import { literalValue, PyAstReader, type PyAst } from '../../src/core/lang/python/expr';
import { syntaxOf } from '../../src/core/lang/syntax';
import type { Route } from '../../src/core/model';
import { Parsers } from '../../src/core/parsing/parser';
import { discover, discoverSources, find, fixtureSources, keptFactsOf } from '../fixtures/python/discover';

const body = (r: Route): unknown => (r.bodyTemplate === undefined ? undefined : JSON.parse(r.bodyTemplate));

const ITEM = {
  created_by: 'system',
  name: 'string',
  price: 1.5,
  tags: [],
  labels: [{ label: 'string', weight: 1 }],
  size: 's',
  fallback_size: 'l',
  color: 'red',
  box: { width: 0, height: 2.5 },
  dimensions: null,
  description: null,
  SKU: 'string',
};
const USER = { username: 'string', full_name: null, friends: [] };

test('body_app: models from another module (inherited, nested, lists, Optional, defaults, alias, enum, Literal, a cycle, a dataclass)', async () => {
  const routes = await discover('body_app');
  assert.deepEqual(body(find(routes, 'create_item')), ITEM, 'one body parameter is the body itself');
  assert.deepEqual(
    body(find(routes, 'update_item')),
    { item: ITEM, user: USER, importance: 0 },
    'a def handler with two body models (and a Body() int) embeds them by name; the path parameter, Depends, Query and Header ones are not the body',
  );
  assert.deepEqual(body(find(routes, 'patch_user')), { user: USER }, 'Body(embed=True)');
  assert.deepEqual(
    body(find(routes, 'add_note')),
    { text: 'string', pinned: false, refs: [] },
    'a dataclass reached as models.Note',
  );
  assert.deepEqual(body(find(routes, 'bulk_tags')), [{ label: 'string', weight: 1 }], 'List[Model]');
  assert.deepEqual(body(find(routes, 'set_dimensions')), { width: 0, height: 2.5 }, 'a router in a third module');
  assert.equal(find(routes, 'ping').bodyTemplate, undefined, 'simple types only: no template');
  assert.equal(find(routes, 'read_item').bodyTemplate, undefined, 'GET');
  for (const r of routes)
    if (r.bodyTemplate !== undefined) assert.ok(!r.bodyTemplate.includes('\n'), 'compact, one line');
});

test('what makes a class a body model: pydantic under any alias, SQLModel, dataclasses, workspace bases; not plain classes', async () => {
  const routes = await discoverSources({
    'm/models.py': [
      'import pydantic',
      'import pydantic as pd',
      'import dataclasses',
      'from pydantic import BaseModel as BM',
      'from pydantic.dataclasses import dataclass',
      'from sqlmodel import SQLModel, Field',
      'from typing import Optional',
      'class A(pydantic.BaseModel):',
      '    a: int',
      'class B(pd.BaseModel):',
      '    b: bool',
      'class C(BM):',
      '    c: str',
      'class Hero(SQLModel, table=True):',
      '    id: Optional[int] = Field(default=None, primary_key=True)',
      '    name: str = Field(index=True)',
      '@dataclasses.dataclass',
      'class D:',
      '    d: float',
      '@dataclass',
      'class E:',
      '    e: int = 4',
      'class Plain:',
      '    p: int',
      'class Sub(Plain, C):',
      '    s: str = "x"',
    ].join('\n'),
    'm/main.py': [
      'from fastapi import FastAPI',
      'from m import models',
      'from m.models import A, B, C, Hero, D, E, Sub',
      'app = FastAPI()',
      ...['a: A', 'b: B', 'c: C', 'h: Hero', 'd: D', 'e: E', 'p: models.Plain', 's: Sub'].flatMap((sig, i) => [
        `@app.post("/r${i}")`,
        `def r${i}(${sig}): ...`,
      ]),
    ].join('\n'),
  });
  const by = (path: string) => body(routes.find((r) => r.path === path)!);
  assert.deepEqual(by('/r0'), { a: 0 });
  assert.deepEqual(by('/r1'), { b: true });
  assert.deepEqual(by('/r2'), { c: 'string' });
  assert.deepEqual(by('/r3'), { id: null, name: 'string' });
  assert.deepEqual(by('/r4'), { d: 0 });
  assert.deepEqual(by('/r5'), { e: 4 });
  assert.equal(by('/r6'), undefined, 'a plain class is not a body');
  assert.deepEqual(by('/r7'), { c: 'string', s: 'x' }, 'fields of model bases; the plain base adds none');
});

test('which parameters are the body: markers, Annotated, path parameters, Request, forms; methods and frameworks', async () => {
  const routes = await discoverSources({
    'main.py': `
from datetime import datetime
from typing import Annotated, List, Optional
from fastapi import APIRouter, Body, Depends, FastAPI, File, Form, Query, Request, UploadFile
from starlette.applications import Starlette
from starlette.routing import Route
from pydantic import BaseModel

class A(BaseModel):
    x: int

app = FastAPI()

@app.post("/annotated")
def annotated(a: Annotated[A, Body(embed=True)], req: Request): ...

@app.post("/optional")
def optional(a: Optional[A] = None, q: Annotated[List[str], Query()] = []): ...

@app.post("/with-scalar-body")
def with_scalar_body(a: A, note: str = Body("hi"), count: Annotated[int, Body()] = 3): ...

@app.post("/dep")
def dep(a: A = Depends()): ...

@app.post("/form")
def form(a: A, name: str = Form(...)): ...

@app.post("/file")
def file(a: A, data: bytes = File(...)): ...

@app.post("/upload")
def upload(a: A, f: UploadFile): ...

@app.post("/{a}")
def in_path(a: A): ...

@app.get("/get")
def get(a: A): ...

@app.delete("/delete")
def delete(a: A): ...

@app.api_route("/both", methods=["GET", "POST"])
def both(a: A): ...

@app.post("/alias")
def alias(a: A, b: A = Body(..., alias="bee")): ...

@app.post("/example")
def example(a: A = Body(..., example={"x": 7})): ...

@app.post("/examples")
def examples(a: A = Body(..., examples={"normal": {"summary": "s", "value": {"x": 8}}})): ...

@app.post("/list-and-tags")
def list_and_tags(a: List[A], tags: list[str], extra: dict): ...

@app.post("/lone-dict")
def lone_dict(extra: dict, tags: list[str]): ...

@app.post("/numbers")
def numbers(numbers: list[int] = Body()): ...

@app.post("/scalars")
def scalars(start: Annotated[datetime, Body()], repeat: Optional[int] = Body(default=None)): ...

def create():
    from pydantic import BaseModel as Inner
    class Local(Inner):
        y: int
    r = APIRouter()
    @r.post("/factory")
    def factory(a: A): ...
    return r

app.include_router(create())

def added(a: A): ...

app.add_api_route("/added", added, methods=["PUT"])

async def star(request):
    ...

sapp = Starlette(routes=[Route("/star", star, methods=["POST"])])
`,
  });
  const by = (path: string) => body(routes.find((r) => r.path === path)!);
  assert.deepEqual(by('/annotated'), { a: { x: 0 } }, 'Annotated[A, Body(embed=True)]; Request is no body');
  assert.deepEqual(
    by('/optional'),
    { x: 0 },
    'Optional[A] = None is the body (its None is no body to send); a list in Query() is not',
  );
  assert.deepEqual(
    by('/with-scalar-body'),
    { a: { x: 0 }, note: 'hi', count: 3 },
    'Body() scalars are embedded with the model, their literal defaults used',
  );
  assert.equal(by('/dep'), undefined, 'a Depends() model is a dependency');
  assert.equal(by('/form'), undefined, 'a form body is not JSON');
  assert.equal(by('/file'), undefined);
  assert.equal(by('/upload'), undefined);
  assert.equal(by('/{a}'), undefined, 'a path parameter is not the body');
  assert.equal(by('/get'), undefined, 'GET');
  assert.equal(by('/delete'), undefined, 'DELETE: the editor asks for no body');
  assert.deepEqual(by('/both'), { x: 0 });
  assert.deepEqual(by('/alias'), { a: { x: 0 }, bee: { x: 0 } }, 'Body(alias=)');
  assert.deepEqual(by('/example'), { x: 7 }, 'Body(example=) as written');
  assert.deepEqual(by('/examples'), { x: 8 }, "Body(examples={…: {'value': …}}), FastAPI < 0.99");
  assert.deepEqual(
    by('/list-and-tags'),
    { a: [{ x: 0 }], tags: ['string'], extra: {} },
    'containers without Query() are body parameters',
  );
  assert.equal(by('/lone-dict'), undefined, 'no model, no Body(): nothing to derive');
  assert.deepEqual(by('/numbers'), [0], 'a body declared with Body() needs no model');
  assert.deepEqual(by('/scalars'), { start: '2024-01-01T00:00:00Z', repeat: null });
  assert.deepEqual(by('/factory'), { x: 0 }, 'a handler inside an app factory');
  assert.deepEqual(by('/added'), { x: 0 }, 'add_api_route');
  assert.equal(by('/star'), undefined, 'Starlette handlers take a request, no model');
});

test('field values: literal defaults, Field(default/alias/example/default_factory), enums, Literal, unions, containers, constrained and special types', async () => {
  const routes = await discoverSources({
    'models.py': `
import enum
import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Dict, FrozenSet, Literal, Optional, Set, Tuple, Union
from pydantic import BaseModel, EmailStr, Field, HttpUrl, conint, conlist, constr

class Prio(enum.IntEnum):
    LOW = 1
    HIGH = 2

class Auto(enum.Enum):
    ONE = enum.auto()

class Mode(str, enum.Enum):
    _ignore_ = ["x"]
    FAST = "fast"

class Leaf(BaseModel):
    v: int

class M(BaseModel):
    kind: ClassVar[str] = "m"
    a: int = Field(5, example=42)
    b: Annotated[str, Field(alias="B")] = "x"
    c: Union[int, str]
    d: Dict[str, int]
    e: Tuple[int, str]
    f: Tuple[int, ...]
    g: "Leaf"
    h: Leaf | None
    i: Prio
    j: Auto
    k: Mode = Mode.FAST
    l: Literal[3, 4]
    m: conint(gt=0)
    n: conlist(Leaf, min_items=1)
    o: list = Field(default_factory=list)
    p: Dict[str, int] = Field(default_factory=dict)
    q: "Undefined"
    r: uuid.UUID
    s: datetime
    t: date
    u: Decimal = Decimal("1.5")
    w: EmailStr
    x: HttpUrl
    y: Any
    z: Set[str]
    aa: FrozenSet[Leaf]
    bb: Optional[int] = -3
    cc: str = "multi" "part"
    dd: Dict[str, Any] = {"k": [1, 2.5, None, True]}
    ee: constr(min_length=2) = Field(..., examples=["ab"])
    ff: int = Field(default=9)
    gg: Leaf if True else int
    hh: list[Leaf] = [Leaf(v=1)]
    ii = 5
`,
    'main.py':
      'from fastapi import FastAPI\nfrom models import M\napp = FastAPI()\n@app.post("/m")\nasync def m(body: M): ...\n',
  });
  assert.deepEqual(body(find(routes, 'm')), {
    a: 42,
    B: 'x',
    c: 0,
    d: {},
    e: [0, 'string'],
    f: [0],
    g: { v: 0 },
    h: { v: 0 },
    i: 1,
    j: 1,
    k: 'fast',
    l: 3,
    m: 0,
    n: [{ v: 0 }],
    o: [],
    p: {},
    q: null,
    r: '3fa85f64-5717-4562-b3fc-2c963f66afa6',
    s: '2024-01-01T00:00:00Z',
    t: '2024-01-01',
    u: 0,
    w: 'user@example.com',
    x: 'https://example.com',
    y: null,
    z: ['string'],
    aa: [{ v: 0 }],
    bb: -3,
    cc: 'multipart',
    dd: { k: [1, 2.5, null, true] },
    ee: 'ab',
    ff: 9,
    gg: null,
    hh: [{ v: 0 }],
  });
});

test('cycle-safe and depth-bounded: a model inside itself is null (or an empty list), nesting stops at eight levels', async () => {
  const chain = Array.from(
    { length: 12 },
    (_, i) => `class L${i}(BaseModel):\n    n: ${i === 11 ? 'int' : `"L${i + 1}"`}\n`,
  ).join('');
  const routes = await discoverSources({
    'models.py': `from typing import List, Optional\nfrom pydantic import BaseModel\n${chain}
class Ping(BaseModel):
    pong: "Pong"
class Pong(BaseModel):
    ping: Ping
    pings: List[Ping]
class Tree(BaseModel):
    children: List["Tree"]
    parent: Optional["Tree"]
class Loop(Loop2):
    a: int
class Loop2(Loop):
    b: int
`,
    'main.py':
      'from fastapi import FastAPI\nfrom models import L0, Ping, Tree, Loop\napp = FastAPI()\n' +
      '@app.post("/deep")\ndef deep(x: L0): ...\n@app.post("/ping")\ndef ping(x: Ping): ...\n@app.post("/tree")\ndef tree(x: Tree): ...\n@app.post("/loop")\ndef loop(x: Loop): ...\n',
  });
  let deep = body(find(routes, 'deep')) as Record<string, unknown>;
  let levels = 0;
  while (deep && typeof deep === 'object' && 'n' in deep) {
    deep = deep.n as Record<string, unknown>;
    levels++;
  }
  assert.equal(levels, 8);
  assert.deepEqual(deep, {}, 'the ninth level is an empty object');
  assert.deepEqual(body(find(routes, 'ping')), { pong: { ping: null, pings: [] } });
  assert.deepEqual(body(find(routes, 'tree')), { children: [], parent: null });
  assert.equal(
    find(routes, 'loop').bodyTemplate,
    undefined,
    "classes that are each other's bases are not models (and do not hang)",
  );
});

test('a model with thousands of fields or unreadable annotations yields no template or nulls, never an error', async () => {
  const many = Array.from({ length: 30_000 }, (_, i) => `    f${i}: int`).join('\n');
  const routes = await discoverSources({
    'main.py':
      `from fastapi import FastAPI\nfrom pydantic import BaseModel\nclass Big(BaseModel):\n${many}\nclass Odd(BaseModel):\n    a: lambda: 1\n    b: ${'list['.repeat(150)}int${']'.repeat(150)}\n    c: ${'list['.repeat(300)}int${']'.repeat(300)}\napp = FastAPI()\n` +
      '@app.post("/big")\ndef big(x: Big): ...\n@app.post("/odd")\ndef odd(x: Odd): ...\n',
  });
  assert.equal(find(routes, 'big').bodyTemplate, undefined, 'over the work budget');
  assert.deepEqual(
    body(find(routes, 'odd')),
    { a: null, b: null, c: null },
    'c: an annotation too long to keep is still a field',
  );
});

/** Reads `text` as the facts do: as the annotation of `x: text`, or the value of `x = text`, in a file of its own. */
async function reading(
  partial = false,
): Promise<(text: string, as?: 'annotation' | 'value', before?: string) => PyAst | undefined> {
  const parsers = await Parsers.load(undefined, ['python']);
  return (text, as = 'value', before = '') => {
    const tree = parsers.parse('python', `${before}x${as === 'annotation' ? ':' : ' ='} ${text}\n`);
    try {
      const stmt = syntaxOf(tree.rootNode).namedChildren.at(-1);
      const assignment = stmt?.namedChildren[0];
      const reader = new PyAstReader(tree.rootNode, partial);
      return as === 'annotation'
        ? reader.annotation(assignment?.childForFieldName('type'))
        : reader.value(assignment?.childForFieldName('right'));
    } finally {
      tree.delete();
    }
  };
}

test('expressions are read from the syntax tree: literals and types, and what it does not know is unreadable', async () => {
  const read = await reading();
  const lit = (t: string) => literalValue(read(t))?.v;
  assert.equal(lit("'a\\'b\\n'"), "a'b\n");
  assert.equal(lit("r'a\\n'"), 'a\\n');
  assert.equal(lit('"""x"""'), 'x');
  assert.equal(lit('"a" \'b\''), 'ab', 'adjacent literals join');
  assert.equal(lit('1_000'), 1000);
  assert.equal(lit('0x1F'), 31);
  assert.equal(lit('0o17'), 15);
  assert.equal(lit('-2.5e1'), -25);
  assert.deepEqual(lit('(1, [None, True], {"a": {1, 2}},)'), [1, [null, true], { a: [1, 2] }]);
  assert.deepEqual(lit('{}'), {});
  assert.deepEqual(lit('[\n  1,  # one\n  2,\n]'), [1, 2], 'comments between items');
  assert.equal(lit('f"x{y}"'), undefined, 'an f-string is not a plain literal');
  assert.equal(lit('1j'), undefined);
  assert.equal(lit('x'), undefined);
  assert.deepEqual(read('typing.Optional[list["Item"]] | None', 'annotation'), {
    t: 'union',
    items: [
      {
        t: 'sub',
        base: { t: 'name', v: 'typing.Optional' },
        args: [
          {
            t: 'sub',
            base: { t: 'name', v: 'list' },
            args: [{ t: 'str', v: 'Item', ref: { t: 'name', v: 'Item' } }],
          },
        ],
      },
      { t: 'const', v: null },
    ],
  });
  assert.deepEqual(read('Field(..., alias="x")'), {
    t: 'call',
    fn: { t: 'name', v: 'Field' },
    args: [{ t: 'ellipsis' }],
    kw: { alias: { t: 'str', v: 'x' } },
  });
  for (const bad of [
    'lambda: 1',
    'a if b else c',
    '[x for x in y]',
    'f(*args)',
    'f(**kw)',
    'x[1:2]',
    'a + b',
    '~a',
    '1 +',
    '(((',
    '['.repeat(1000),
    'f(a b)',
    '**kw',
  ]) {
    assert.equal(read(bad), undefined, bad);
  }
});

test('an annotation reads as one flat union however the grammar groups it; parentheses keep one item', async () => {
  const read = await reading();
  const names = (...v: string[]) => v.map((n) => ({ t: 'name', v: n }));
  assert.deepEqual(read('dict[str, Any] | str | None', 'annotation'), {
    t: 'union',
    items: [
      { t: 'sub', base: { t: 'name', v: 'dict' }, args: names('str', 'Any') },
      { t: 'name', v: 'str' },
      { t: 'const', v: null },
    ],
  });
  assert.deepEqual(read('A | B | C', 'annotation'), { t: 'union', items: names('A', 'B', 'C') });
  assert.deepEqual(read('(A | B) | C', 'annotation'), {
    t: 'union',
    items: [
      { t: 'union', items: names('A', 'B') },
      { t: 'name', v: 'C' },
    ],
  });
});

test('a string in an annotation keeps the type it names (a forward reference), read with the same grammar', async () => {
  const read = await reading();
  const ref = (t: string) => {
    const e = read(t, 'annotation');
    return e?.t === 'str' ? e.ref : 'not a string';
  };
  assert.deepEqual(ref('"models.Item"'), { t: 'name', v: 'models.Item' });
  assert.deepEqual(ref('"Optional[Item]"'), {
    t: 'sub',
    base: { t: 'name', v: 'Optional' },
    args: [{ t: 'name', v: 'Item' }],
  });
  assert.deepEqual(ref('"list[\'Item\'] | None"'), {
    t: 'union',
    items: [
      { t: 'sub', base: { t: 'name', v: 'list' }, args: [{ t: 'str', v: 'Item', ref: { t: 'name', v: 'Item' } }] },
      { t: 'const', v: null },
    ],
  });
  assert.deepEqual(ref('"None"'), { t: 'const', v: null });
  assert.equal(ref('"\'Item\'"'), undefined, 'a string naming a string names no type');
  assert.equal(ref('"a description, not a type"'), undefined);
  assert.equal(ref('"Item["'), undefined);
  assert.equal(ref('f"{Item}"'), undefined, 'an f-string is no forward reference');
  assert.deepEqual(read('"Item"'), { t: 'str', v: 'Item' }, 'a default is a value, not a reference');
});

test("a whole annotation written as a string is the type it names: a handler's body and a model's fields", async () => {
  const routes = await discoverSources({
    'main.py': `from typing import Optional
from fastapi import FastAPI
from pydantic import BaseModel
class Item(BaseModel):
    name: str
    tags: "list[str] | None" = None
    owner: "Optional[Owner]"
class Owner(BaseModel):
    id: "int"
app = FastAPI()
@app.post("/items")
def create(items: "list[Item]"): ...
@app.post("/one")
def one(item: "Item | None"): ...
`,
  });
  const item = { name: 'string', tags: null, owner: { id: 0 } };
  assert.deepEqual(body(find(routes, 'create')), [item]);
  assert.deepEqual(body(find(routes, 'one')), item);
});

test('a partial reader (analysis) marks what it cannot read as other and reads the rest', async () => {
  const whole = await reading();
  const partial = await reading(true);
  const text = 'Annotated[Session, Depends(lambda: Session())]';
  assert.equal(whole(text, 'annotation'), undefined, 'all or nothing for discovery');
  assert.deepEqual(partial(text, 'annotation'), {
    t: 'sub',
    base: { t: 'name', v: 'Annotated' },
    args: [
      { t: 'name', v: 'Session' },
      { t: 'call', fn: { t: 'name', v: 'Depends' }, args: [{ t: 'other' }], kw: {} },
    ],
  });
  assert.deepEqual(partial('f(a + b, k=[x for x in y])'), {
    t: 'call',
    fn: { t: 'name', v: 'f' },
    args: [{ t: 'other' }],
    kw: { k: { t: 'other' } },
  });
  assert.deepEqual(
    partial('"Session | (lambda: 1)"', 'annotation'),
    { t: 'str', v: 'Session | (lambda: 1)', ref: { t: 'union', items: [{ t: 'name', v: 'Session' }, { t: 'other' }] } },
    'a forward reference is read partially too',
  );
  assert.equal(partial('f(a', 'value', 'y = 1\n'), undefined, 'what tree-sitter repaired stays unreadable');
});

test('nesting past 50 expressions, and what tree-sitter repaired in a file with syntax errors, are unreadable', async () => {
  const read = await reading();
  const nested = (n: number) => `${'list['.repeat(n - 1)}int${']'.repeat(n - 1)}`;
  assert.notEqual(read(nested(50), 'annotation'), undefined, '50 deep');
  assert.equal(read(nested(51), 'annotation'), undefined, '51 deep');
  assert.equal(read('Field(1, alias="a"', 'value'), undefined, 'a missing bracket');
  assert.equal(read('Field(1, alias="a)', 'value'), undefined, 'an unterminated string');
  assert.deepEqual(
    read('Field(1)', 'value', 'def broken(:\n    pass\n'),
    { t: 'call', fn: { t: 'name', v: 'Field' }, args: [{ t: 'num', v: 1 }], kw: {} },
    'an error elsewhere in the file leaves a whole expression readable',
  );
});

// ------------------------------------------------------------ incremental links

test('kept links: editing a model reaches the templates of handlers in other modules; an unrelated edit keeps their Route objects', async () => {
  const parsers = await Parsers.load(undefined, ['python']);
  const files = fixtureSources(['body_app']);
  const inputs = keptFactsOf(parsers, files);
  const MODELS = 'body_app/store/models.py';
  const edit = (file: string, from: string, to: string) => {
    assert.ok(files.get(file)?.includes(from), `${file} holds ${from}`);
    files.set(file, files.get(file)!.replace(from, to));
  };
  const cache = new PythonLinkCache();
  let last = cache.link(inputs());

  edit(MODELS, '    width: float\n', '    width: float\n    depth: int = 3\n');
  let kept = cache.link(inputs());
  assert.deepEqual(kept, linkPythonRoutes(inputs()));
  assert.deepEqual(
    (body(find(kept, 'create_item')) as typeof ITEM).box,
    { width: 0, depth: 3, height: 2.5 },
    'the nested model grew a field',
  );
  assert.deepEqual(body(find(kept, 'set_dimensions')), { width: 0, depth: 3, height: 2.5 });
  last = kept;

  edit(MODELS, 'class Tag(pd.BaseModel):', 'class Tag:');
  kept = cache.link(inputs());
  assert.deepEqual(kept, linkPythonRoutes(inputs()));
  assert.equal(find(kept, 'bulk_tags').bodyTemplate, undefined, 'Tag is no model any more');
  assert.deepEqual((body(find(kept, 'create_item')) as typeof ITEM).labels, []);
  last = kept;

  // main.py includes routes.py's router (it reads that module), routes.py reads only the models
  edit('body_app/store/main.py', '"/ping"', '"/pong"');
  kept = cache.link(inputs());
  assert.deepEqual(kept, linkPythonRoutes(inputs()));
  assert.equal(find(kept, 'ping').path, '/pong');
  assert.equal(
    find(kept, 'set_dimensions'),
    find(last, 'set_dimensions'),
    'a route whose module and models did not change is the same Route object',
  );

  edit(MODELS, 'class Tag:', 'class Tag(pd.BaseModel):');
  kept = cache.link(inputs());
  assert.deepEqual(kept, linkPythonRoutes(inputs()));
  assert.deepEqual(body(find(kept, 'bulk_tags')), [{ label: 'string', weight: 1 }]);
});
