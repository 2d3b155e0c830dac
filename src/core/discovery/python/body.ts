// A FastAPI handler's request body as a JSON example (Route.bodyTemplate), derived from its
// signature the way FastAPI sorts parameters: path parameters, Depends/Query/Header/… ones,
// Request-like ones and simple types are not the body; parameters annotated with workspace
// pydantic models (BaseModel, SQLModel, any import alias, through workspace bases) or
// dataclasses, containers, and `Body()` ones are. A template is derived when a model or a
// `Body()` parameter is among them. One body parameter is the body itself; more (or
// `Body(embed=True)`) are embedded by name. Model classes are found through the module graph,
// so a model in another module is read like a router in another module is — and, read while a
// link pass is recorded, becomes a dependency of that pass (an edit of the model re-links the
// handler's module; nothing else does).
import type { PyClass, PyParam } from './facts';
import type { ModuleFile, ModuleGraph } from './modules';
import { literalValue, type PyAst } from '../../lang/python/expr';

/** Model nesting followed; deeper, a nested model is `{}`. A template over budget or too long is tried again less deep. */
const NESTING = [8, 4, 2, 1];
/** Type nesting followed in one annotation (`Optional[List[Dict[str, A]]]` is 4). */
const MAX_TYPE_DEPTH = 20;
/** Classes followed up one class's bases (inheritance chains, mixins). */
const MAX_BASES = 30;
/** Work one template may take (names resolved, values built); past it, no template. */
const BUDGET = 20_000;
/** A template longer than this is not offered (the body prompt is one line). */
const MAX_TEMPLATE = 20_000;
/** Fields one template holds at most (nested models repeated included): past it, it is too long anyway. */
const MAX_FIELDS = 5_000;

type ClassKind = 'model' | 'dataclass' | 'typeddict' | 'enum' | 'other';

/** What a name in an annotation stands for: a workspace class, or a name from elsewhere (builtins, typing, pydantic…) by its last part. */
type Named =
  { k: 'class'; mod: ModuleFile; cls: PyClass } | { k: 'name'; name: string; top: string } | { k: 'unknown' };

interface Ctx {
  mod: ModuleFile;
  scope: string;
}

class OverBudget extends Error {}

/** The FastAPI parameter functions that decide where a parameter comes from. */
const PARAM_FUNCTIONS = new Set(['Depends', 'Security', 'Query', 'Path', 'Header', 'Cookie', 'Body', 'Form', 'File']);
/** Parameters FastAPI fills itself. */
const SPECIAL = new Set(['Request', 'WebSocket', 'HTTPConnection', 'Response', 'BackgroundTasks', 'SecurityScopes']);
const SEQUENCES = new Set([
  'list',
  'List',
  'set',
  'Set',
  'frozenset',
  'FrozenSet',
  'Sequence',
  'MutableSequence',
  'Iterable',
  'Collection',
  'AbstractSet',
  'MutableSet',
  'Deque',
  'deque',
  'conlist',
  'conset',
  'confrozenset',
]);
const TUPLES = new Set(['tuple', 'Tuple']);
const MAPPINGS = new Set([
  'dict',
  'Dict',
  'Mapping',
  'MutableMapping',
  'DefaultDict',
  'defaultdict',
  'OrderedDict',
  'Counter',
]);
const UUID_EXAMPLE = '3fa85f64-5717-4562-b3fc-2c963f66afa6';
/** Example values by type name, as FastAPI's Swagger UI shows them. */
const SCALARS: Record<string, unknown> = {
  str: 'string',
  bytes: 'string',
  bytearray: 'string',
  constr: 'string',
  conbytes: 'string',
  StrictStr: 'string',
  StrictBytes: 'string',
  SecretStr: 'string',
  SecretBytes: 'string',
  EmailStr: 'user@example.com',
  NameEmail: 'user <user@example.com>',
  AnyUrl: 'https://example.com',
  AnyHttpUrl: 'https://example.com',
  HttpUrl: 'https://example.com',
  Url: 'https://example.com',
  int: 0,
  conint: 0,
  StrictInt: 0,
  NonNegativeInt: 0,
  NonPositiveInt: 0,
  PositiveInt: 1,
  NegativeInt: -1,
  float: 0,
  confloat: 0,
  StrictFloat: 0,
  NonNegativeFloat: 0,
  NonPositiveFloat: 0,
  PositiveFloat: 1,
  NegativeFloat: -1,
  Decimal: 0,
  condecimal: 0,
  bool: true,
  StrictBool: true,
  UUID: UUID_EXAMPLE,
  UUID1: UUID_EXAMPLE,
  UUID3: UUID_EXAMPLE,
  UUID4: UUID_EXAMPLE,
  UUID5: UUID_EXAMPLE,
  datetime: '2024-01-01T00:00:00Z',
  AwareDatetime: '2024-01-01T00:00:00Z',
  NaiveDatetime: '2024-01-01T00:00:00',
  date: '2024-01-01',
  time: '00:00:00',
  timedelta: 0,
  IPv4Address: '127.0.0.1',
  IPv6Address: '::1',
  IPvAnyAddress: '127.0.0.1',
};

/** One per link pass: what it caches was read under that pass's dependency record. */
export class BodyTemplates {
  private readonly kinds = new Map<PyClass, ClassKind>();
  private readonly names = new Map<string, Named>();
  private readonly fields = new Map<PyClass, Map<string, { mod: ModuleFile; field: PyParam }>>();
  /** Models' examples by how much nesting was left, when no cycle cut them short: handlers share models. */
  private readonly examples = new Map<PyClass, Map<number, { value: unknown; fields: number }>>();
  private steps = 0;
  private fieldCount = 0;
  private cycles = 0;
  private maxNesting = NESTING[0];

  constructor(private readonly graph: ModuleGraph) {}

  /**
   * The JSON body a FastAPI handler takes, compact, when a parameter is a workspace model (or a
   * container of them) or is declared with `Body()`; undefined when none is (a lone `dict` or
   * `list[str]` body has nothing to derive), or when the body is a form.
   */
  forHandler(mod: ModuleFile, scope: string, params: readonly PyParam[], path: string): string | undefined {
    for (const nesting of NESTING) {
      this.steps = 0;
      this.fieldCount = 0;
      this.maxNesting = nesting;
      try {
        const value = this.body({ mod, scope }, params, path);
        if (value === undefined) return undefined;
        const json = JSON.stringify(value.v);
        if (json.length <= MAX_TEMPLATE) return json;
      } catch (err) {
        if (!(err instanceof OverBudget)) throw err;
      }
    }
    return undefined;
  }

  private body(ctx: Ctx, params: readonly PyParam[], path: string): { v: unknown } | undefined {
    const inPath = new Set([...path.matchAll(/\{(\w+)(?::[^{}]*)?\}/g)].map((m) => m[1]));
    const body: Array<{ key: string; value: unknown; embed: boolean }> = [];
    let derived = false;
    for (const p of params) {
      if (p.name.startsWith('*')) continue;
      const { type, meta } = this.unwrapAnnotated(ctx, p.annotationAst);
      const def = p.defaultAst;
      let marker: { name: string; call: Extract<PyAst, { t: 'call' }> } | undefined;
      for (const m of [def, ...meta]) {
        if (m?.t !== 'call') continue;
        const name = this.paramFunction(ctx, m.fn);
        if (name) {
          marker = { name, call: m };
          break;
        }
      }
      if (marker && marker.name !== 'Body') {
        if (marker.name === 'Form' || marker.name === 'File') return undefined; // a form, not JSON
        continue;
      }
      if (!marker) {
        if (inPath.has(p.name) || !type) continue;
        const shape = this.shape(ctx, type);
        if (shape === 'form') return undefined;
        if (shape !== 'model' && shape !== 'container') continue;
      }
      const model = !!type && this.involvesModel(ctx, type);
      if (model || marker) derived = true; // a model, or a body the handler declares with Body()
      const call = marker?.call;
      // An example given wins; a literal default only stands for a value that is not a model (`= Body(None)` is no body to send).
      const written =
        call && call === def
          ? (call.kw['default'] ?? (call.args[0]?.t === 'ellipsis' ? undefined : call.args[0]))
          : def;
      const literal = !model ? literalValue(written) : undefined;
      const given = (call && exampleOf(call)) ?? literal;
      const value = given ? given.v : type ? this.example(ctx, type, 0, new Set()) : null;
      const alias = call?.kw['alias'];
      const embed = call?.kw['embed'];
      body.push({
        key: alias?.t === 'str' && !alias.f ? alias.v : p.name,
        value,
        embed: embed?.t === 'const' && embed.v === true,
      });
    }
    if (!derived || body.length === 0) return undefined;
    if (body.length === 1 && !body[0].embed) return { v: body[0].value };
    return { v: Object.fromEntries(body.map((b) => [b.key, b.value])) };
  }

  private step(): void {
    if (++this.steps > BUDGET) throw new OverBudget();
  }

  // ------------------------------------------------------------ names

  private named(ctx: Ctx, dotted: string): Named {
    this.step();
    const key = `${ctx.mod.file.path}\0${ctx.scope}\0${dotted}`;
    let n = this.names.get(key);
    if (!n) {
      const r = this.graph.resolve(ctx.mod, ctx.scope, dotted);
      if (!r) n = { k: 'name', name: dotted.split('.').pop()!, top: dotted.includes('.') ? dotted.split('.')[0] : '' };
      else if (r.k === 'class') n = { k: 'class', mod: r.mod, cls: r.cls };
      else if (r.k === 'extern') n = { k: 'name', name: r.qual.split('.').pop()!, top: r.qual.split('.')[0] };
      else n = { k: 'unknown' };
      this.names.set(key, n);
    }
    return n;
  }

  /** The last part of a name from outside the workspace (`typing.Optional` → Optional), or undefined. */
  private externName(ctx: Ctx, e: PyAst): string | undefined {
    if (e.t !== 'name') return undefined;
    const n = this.named(ctx, e.v);
    return n.k === 'name' ? n.name : undefined;
  }

  /** `Depends`, `Body`, `Query`, … when `fn` names FastAPI's. */
  private paramFunction(ctx: Ctx, fn: PyAst): string | undefined {
    if (fn.t !== 'name') return undefined;
    const n = this.named(ctx, fn.v);
    return n.k === 'name' && n.top === 'fastapi' && PARAM_FUNCTIONS.has(n.name) ? n.name : undefined;
  }

  /** `Annotated[T, meta…]` → T and its metadata; anything else as it is. */
  private unwrapAnnotated(ctx: Ctx, type: PyAst | undefined): { type: PyAst | undefined; meta: PyAst[] } {
    if (type?.t === 'sub' && type.args.length > 0 && this.externName(ctx, type.base) === 'Annotated')
      return { type: type.args[0], meta: type.args.slice(1) };
    return { type, meta: [] };
  }

  // ------------------------------------------------------------ classes

  private kindOf(mod: ModuleFile, cls: PyClass, seen = new Set<PyClass>()): ClassKind {
    const known = this.kinds.get(cls);
    if (known) return known;
    if (seen.has(cls) || seen.size > MAX_BASES) return 'other';
    seen.add(cls);
    let kind: ClassKind = 'other';
    const ctx = { mod, scope: '' };
    for (const d of cls.decorators) {
      const fn = d.k === 'call' ? d.fn : d;
      if (fn.k !== 'ref') continue;
      const n = this.named(ctx, fn.name);
      if (n.k === 'name' && n.name === 'dataclass' && (n.top === 'dataclasses' || n.top === 'pydantic'))
        kind = 'dataclass';
    }
    for (const base of cls.bases) {
      if (kind !== 'other') break;
      if (base.k !== 'ref') continue;
      const n = this.named(ctx, base.name);
      if (n.k === 'class') {
        const k = this.kindOf(n.mod, n.cls, seen);
        if (k !== 'other') kind = k;
      } else if (n.k === 'name') {
        if (
          (n.top === 'pydantic' && (n.name === 'BaseModel' || n.name === 'GenericModel')) ||
          (n.top === 'sqlmodel' && n.name === 'SQLModel')
        )
          kind = 'model';
        else if (n.top === 'enum' && /(Enum|Flag)$/.test(n.name)) kind = 'enum';
        else if (n.name === 'TypedDict' && (n.top === 'typing' || n.top === 'typing_extensions')) kind = 'typeddict';
      }
    }
    this.kinds.set(cls, kind);
    return kind;
  }

  /** A model's fields with the module each is written in: bases' first (last base first, as pydantic merges them), then its own. */
  private fieldsOf(
    mod: ModuleFile,
    cls: PyClass,
    kind: ClassKind,
    seen: Set<PyClass>,
    out = new Map<string, { mod: ModuleFile; field: PyParam }>(),
  ): Map<string, { mod: ModuleFile; field: PyParam }> {
    if (seen.has(cls) || seen.size > MAX_BASES) return out;
    seen.add(cls);
    const ctx = { mod, scope: '' };
    for (const base of [...cls.bases].reverse()) {
      if (base.k !== 'ref') continue;
      const n = this.named(ctx, base.name);
      if (n.k === 'class' && this.kindOf(n.mod, n.cls) !== 'other' && this.kindOf(n.mod, n.cls) !== 'enum')
        this.fieldsOf(n.mod, n.cls, kind, seen, out);
    }
    for (const field of cls.fields ?? []) {
      this.step();
      if (field.annotation === undefined) continue; // not a field: a plain class attribute
      if (kind === 'model' && field.name.startsWith('_')) continue; // pydantic's private attributes
      const ann = field.annotationAst;
      const head = ann?.t === 'sub' ? ann.base : ann;
      const name = head && this.externName(ctx, head);
      if (name === 'ClassVar' || name === 'InitVar') continue;
      out.set(field.name, { mod, field });
    }
    return out;
  }

  private classExample(mod: ModuleFile, cls: PyClass, depth: number, stack: Set<PyClass>): unknown {
    const kind = this.kindOf(mod, cls);
    if (kind === 'enum') return this.enumValue(mod, cls);
    if (kind === 'other') return null;
    if (stack.has(cls)) {
      // a model containing itself
      this.cycles++;
      return null;
    }
    if (depth >= this.maxNesting) return {};
    const left = this.maxNesting - depth;
    const memo = this.examples.get(cls)?.get(left);
    if (memo) {
      this.count(memo.fields);
      return memo.value;
    }
    const fields0 = this.fieldCount;
    const cycles0 = this.cycles;
    stack.add(cls);
    try {
      const entries: Array<[string, unknown]> = [];
      let fields = this.fields.get(cls);
      if (!fields) this.fields.set(cls, (fields = this.fieldsOf(mod, cls, kind, new Set())));
      for (const { mod: fmod, field } of fields.values()) {
        this.count(1);
        const { key, value } = this.fieldValue({ mod: fmod, scope: '' }, field, depth, stack);
        entries.push([key, value]);
      }
      const value = Object.fromEntries(entries);
      if (this.cycles === cycles0) {
        let byLeft = this.examples.get(cls);
        if (!byLeft) this.examples.set(cls, (byLeft = new Map<number, { value: unknown; fields: number }>()));
        byLeft.set(left, { value, fields: this.fieldCount - fields0 });
      }
      return value;
    } finally {
      stack.delete(cls);
    }
  }

  private count(fields: number): void {
    this.fieldCount += fields;
    if (this.fieldCount > MAX_FIELDS) throw new OverBudget();
  }

  /** The first member's value, when it is a plain literal. */
  private enumValue(mod: ModuleFile, cls: PyClass, member?: string): unknown {
    const ctx = { mod, scope: '' };
    for (const f of cls.fields ?? []) {
      this.step();
      if (f.name.startsWith('_') || (member !== undefined && f.name !== member)) continue;
      const d = f.defaultAst;
      if (!d) continue;
      if (d.t === 'call' && d.fn.t === 'name' && this.externName(ctx, d.fn) === 'auto') {
        const strEnum = cls.bases.some((b) => b.k === 'ref' && /StrEnum$/.test(b.name));
        return strEnum ? f.name.toLowerCase() : 1;
      }
      const v = literalValue(d);
      if (v && (typeof v.v === 'string' || typeof v.v === 'number' || typeof v.v === 'boolean')) return v.v;
      if (member !== undefined) return null;
    }
    return null;
  }

  /** A field's key (its alias, if it has one) and value: an example given, a literal default, else one from its type. */
  private fieldValue(ctx: Ctx, field: PyParam, depth: number, stack: Set<PyClass>): { key: string; value: unknown } {
    const { type, meta } = this.unwrapAnnotated(ctx, field.annotationAst);
    let def = field.defaultAst;
    const infos: Array<Extract<PyAst, { t: 'call' }>> = [];
    for (const m of meta) if (m.t === 'call' && this.isFieldFunction(ctx, m.fn)) infos.push(m);
    if (def?.t === 'call' && this.isFieldFunction(ctx, def.fn)) {
      infos.unshift(def);
      def = def.kw['default'] ?? (def.args[0]?.t === 'ellipsis' ? undefined : def.args[0]);
    }
    const alias = infos.map((i) => i.kw['alias']).find((a) => a?.t === 'str' && !a.f);
    const key = alias?.t === 'str' ? alias.v : field.name;
    for (const info of infos) {
      const ex = exampleOf(info);
      if (ex) return { key, value: ex.v };
    }
    const literal = literalValue(def);
    if (literal) return { key, value: literal.v };
    for (const info of infos) {
      const factory = info.kw['default_factory'];
      const name = factory && this.externName(ctx, factory);
      if (name && (SEQUENCES.has(name) || TUPLES.has(name))) return { key, value: [] };
      if (name && MAPPINGS.has(name)) return { key, value: {} };
    }
    // `color: Color = Color.RED`: that member's value
    if (def?.t === 'name' && def.v.includes('.')) {
      const owner = this.named(ctx, def.v.slice(0, def.v.lastIndexOf('.')));
      if (owner.k === 'class' && this.kindOf(owner.mod, owner.cls) === 'enum') {
        const v = this.enumValue(owner.mod, owner.cls, def.v.slice(def.v.lastIndexOf('.') + 1));
        if (v !== null) return { key, value: v };
      }
    }
    return { key, value: type ? this.example(ctx, type, depth + 1, stack) : null };
  }

  private isFieldFunction(ctx: Ctx, fn: PyAst): boolean {
    const name = this.externName(ctx, fn);
    return name === 'Field' || name === 'field';
  }

  // ------------------------------------------------------------ types

  /** An example value of a type. */
  private example(ctx: Ctx, type: PyAst, depth: number, stack: Set<PyClass>): unknown {
    this.step();
    switch (type.t) {
      case 'const':
        return null; // None
      case 'str':
        // a forward reference: `'Item'`
        return type.ref ? this.example(ctx, type.ref, depth, stack) : null;
      case 'union':
        return this.firstOf(ctx, type.items, depth, stack);
      case 'name': {
        const n = this.named(ctx, type.v);
        if (n.k === 'class') return this.classExample(n.mod, n.cls, depth, stack);
        if (n.k !== 'name') return null;
        if (SEQUENCES.has(n.name) || TUPLES.has(n.name)) return [];
        if (MAPPINGS.has(n.name)) return {};
        return SCALARS[n.name] ?? null;
      }
      case 'call': {
        // pydantic's constrained types: conint(gt=0), conlist(Item, min_items=1)
        const name = this.externName(ctx, type.fn);
        if (name === 'conlist' || name === 'conset' || name === 'confrozenset') {
          const item = type.args[0] ?? type.kw['item_type'];
          return item ? this.listOf(ctx, item, depth, stack) : [];
        }
        return name !== undefined ? (SCALARS[name] ?? null) : null;
      }
      case 'sub': {
        const { type: inner } = this.unwrapAnnotated(ctx, type);
        if (inner !== type) return inner ? this.example(ctx, inner, depth, stack) : null;
        const base = type.base.t === 'name' ? this.named(ctx, type.base.v) : undefined;
        if (base?.k === 'class') return this.classExample(base.mod, base.cls, depth, stack); // a generic model: Page[Item]
        if (base?.k !== 'name') return null;
        const args = type.args.length === 1 && type.args[0].t === 'tuple' ? type.args[0].items : type.args;
        switch (base.name) {
          case 'Optional':
          case 'Union':
            return this.firstOf(ctx, args, depth, stack);
          case 'Literal': {
            const v = literalValue(args[0]);
            return v ? v.v : null;
          }
          case 'Required':
          case 'NotRequired':
          case 'Final':
          case 'ReadOnly':
            return args[0] ? this.example(ctx, args[0], depth, stack) : null;
        }
        if (SEQUENCES.has(base.name)) return args[0] ? this.listOf(ctx, args[0], depth, stack) : [];
        if (TUPLES.has(base.name)) {
          if (args.length === 2 && args[1].t === 'ellipsis') return this.listOf(ctx, args[0], depth, stack);
          return args.map((a) => this.example(ctx, a, depth, stack));
        }
        if (MAPPINGS.has(base.name)) return {};
        return null;
      }
      default:
        return null;
    }
  }

  /** `[example]`, or `[]` when the item is itself a model being built (a cycle) or unknown. */
  private listOf(ctx: Ctx, item: PyAst, depth: number, stack: Set<PyClass>): unknown[] {
    const v = this.example(ctx, item, depth, stack);
    return v === null ? [] : [v];
  }

  /** The first type of a union that is not None. */
  private firstOf(ctx: Ctx, items: PyAst[], depth: number, stack: Set<PyClass>): unknown {
    const first = items.find((t) => !(t.t === 'const' && t.v === null) && !(t.t === 'name' && t.v === 'NoneType'));
    return first ? this.example(ctx, first, depth, stack) : null;
  }

  /** Where FastAPI takes a parameter without a marker from: a model or a container is the body; Request and the like are filled in; the rest are query parameters. */
  private shape(ctx: Ctx, type: PyAst, depth = 0): 'model' | 'container' | 'special' | 'form' | 'scalar' {
    if (depth > MAX_TYPE_DEPTH) return 'scalar';
    this.step();
    const items = type.t === 'union' ? type.items : undefined;
    if (type.t === 'sub') {
      const { type: inner } = this.unwrapAnnotated(ctx, type);
      if (inner !== type) return inner ? this.shape(ctx, inner, depth + 1) : 'scalar';
    }
    const head = type.t === 'sub' ? type.base : type;
    if (type.t === 'str') return type.ref ? this.shape(ctx, type.ref, depth + 1) : 'scalar';
    const n = head.t === 'name' ? this.named(ctx, head.v) : undefined;
    const unionArgs =
      items ??
      (type.t === 'sub' && n?.k === 'name' && (n.name === 'Optional' || n.name === 'Union') ? type.args : undefined);
    if (unionArgs) {
      const shapes = unionArgs
        .filter((t) => !(t.t === 'const' && t.v === null))
        .map((t) => this.shape(ctx, t, depth + 1));
      return shapes.find((s) => s !== 'scalar') ?? 'scalar';
    }
    if (!n) return 'scalar';
    if (n.k === 'class') {
      const kind = this.kindOf(n.mod, n.cls);
      return kind === 'model' || kind === 'dataclass' ? 'model' : kind === 'typeddict' ? 'container' : 'scalar';
    }
    if (n.k !== 'name') return 'scalar';
    if (SPECIAL.has(n.name)) return 'special';
    if (n.name === 'UploadFile') return 'form';
    if (SEQUENCES.has(n.name) || TUPLES.has(n.name) || MAPPINGS.has(n.name)) return 'container';
    return 'scalar';
  }

  /** Whether a workspace model or dataclass appears in a type (`Item`, `list[Item]`, `Optional['Item']`). */
  private involvesModel(ctx: Ctx, type: PyAst, depth = 0): boolean {
    if (depth > MAX_TYPE_DEPTH) return false;
    this.step();
    switch (type.t) {
      case 'name': {
        const n = this.named(ctx, type.v);
        if (n.k !== 'class') return false;
        const kind = this.kindOf(n.mod, n.cls);
        return kind === 'model' || kind === 'dataclass' || kind === 'typeddict';
      }
      case 'str':
        return !!type.ref && this.involvesModel(ctx, type.ref, depth + 1);
      case 'union':
        return type.items.some((t) => this.involvesModel(ctx, t, depth + 1));
      case 'sub': {
        const { type: inner } = this.unwrapAnnotated(ctx, type);
        if (inner !== type) return !!inner && this.involvesModel(ctx, inner, depth + 1);
        if (this.externName(ctx, type.base) === 'Literal') return false;
        return (
          this.involvesModel(ctx, type.base, depth + 1) || type.args.some((t) => this.involvesModel(ctx, t, depth + 1))
        );
      }
      case 'tuple':
        return type.items.some((t) => this.involvesModel(ctx, t, depth + 1));
      default:
        return false;
    }
  }
}

/** `Field(example=…)`, `Body(examples=[…])`: the (first) example given, when it is a plain literal. */
function exampleOf(call: Extract<PyAst, { t: 'call' }>): { v: unknown } | undefined {
  const ex = literalValue(call.kw['example']);
  if (ex) return ex;
  const exs = call.kw['examples'];
  if (exs?.t === 'list' && exs.items.length > 0) return literalValue(exs.items[0]);
  // FastAPI before 0.99: `examples={"name": {"summary": …, "value": {…}}}`
  const first = exs?.t === 'dict' ? exs.entries[0]?.[1] : undefined;
  const value = first?.t === 'dict' ? first.entries.find(([k]) => k.t === 'str' && k.v === 'value')?.[1] : undefined;
  return literalValue(value);
}
