// Python expressions read exactly, from the plain syntax tree (../syntax.ts): parameter annotations and defaults,
// class fields (`Optional[list[Item]]`, `Field(1.5, alias='x')`, `Literal['a']`, `Item | None`, `[]`). Read while
// the file's facts are extracted and kept in them as plain data, so nothing parses their text again. What it does
// not read (lambdas, comprehensions, operators other than `|` and unary minus, `*`/`**` arguments, slices, a
// syntax error) makes the whole expression unreadable: undefined, never a throw. A partial reader (analysis')
// marks such a part `other` instead and reads the rest (`Annotated[Session, Depends(lambda: …)]` still declares a
// Session); a syntax error still makes the whole expression unreadable.
//
// A string in an annotation is a forward reference (`list["Item"]`, `"Item | None"`): its text is read with the
// same grammar (a dotted name directly, anything else parsed on its own) and kept beside it as `ref`.
import { Parser, type Language, type Node as TsNode, type Tree } from 'web-tree-sitter';
import { readSyntax, type SyntaxNode } from '../syntax';
import { nameRecord } from '../shared/records';

export type PyAst =
  | { t: 'name'; v: string } // a dotted name: a, a.b.c
  | { t: 'str'; v: string; f?: boolean; ref?: PyAst } // ref: in an annotation, the type a forward reference names
  | { t: 'num'; v: number }
  | { t: 'const'; v: null | boolean } // None, True, False
  | { t: 'ellipsis' }
  | { t: 'sub'; base: PyAst; args: PyAst[] } // X[a, b]
  | { t: 'call'; fn: PyAst; args: PyAst[]; kw: Record<string, PyAst> }
  | { t: 'attr'; obj: PyAst; name: string } // attribute of something that is not a plain name
  | { t: 'union'; items: PyAst[] } // A | B
  | { t: 'neg'; v: PyAst }
  | { t: 'list' | 'tuple' | 'set'; items: PyAst[] }
  | { t: 'dict'; entries: Array<[PyAst, PyAst]> }
  | { t: 'other' }; // a part a partial reader did not read (a lambda, a comprehension, `a + b`, …)

const OTHER: PyAst = Object.freeze({ t: 'other' });

/**
 * Bracket nesting read at most: an expression (a call's or a subscript's argument, a container's item, a
 * parenthesised one) inside 50 others is unreadable. Texts are at most 1,000 characters but can be all brackets.
 */
export const MAX_NESTING = 50;

/** Named nodes that may sit anywhere between an expression's parts and mean nothing to it. */
const EXTRAS = new Set(['comment', 'line_continuation']);

class Unreadable extends Error {}
/**
 * The one instance thrown: reading gives up on a part often (partial reads, every unreadable annotation), and a new
 * Error captures a stack trace each time, which nothing reads.
 */
const UNREADABLE = new Unreadable();

/**
 * Reads the expressions of one file. `root`, the file's web-tree-sitter root, gives the grammar that reads forward
 * references and, in a file with syntax errors, tells an expression tree-sitter repaired (a bracket or a name it
 * made up, tokens it skipped) from one written whole.
 */
export class PyAstReader {
  private readonly language: Language | undefined;
  private hasErrors: boolean | undefined;

  /** `partial`: a part it does not read is `other` rather than making the whole expression unreadable. */
  constructor(
    private readonly root?: TsNode,
    private readonly partial = false,
  ) {
    this.language = root?.tree.language;
  }

  /** A default value or a class attribute's value. */
  value(node: SyntaxNode | null | undefined): PyAst | undefined {
    return this.top(node, false);
  }

  /** An annotation (the `type` node of a parameter or an assignment): strings in it are forward references. */
  annotation(node: SyntaxNode | null | undefined): PyAst | undefined {
    return this.top(node, true);
  }

  /** `checked`: the node is known to hold no error (a forward reference's own tree). */
  private top(node: SyntaxNode | null | undefined, annotation: boolean, checked = false): PyAst | undefined {
    if (!node || (!checked && this.repaired(node))) return undefined;
    try {
      return this.read(node, 1, annotation);
    } catch (err) {
      if (err instanceof Unreadable) return undefined;
      throw err;
    }
  }

  /** Whether tree-sitter's error recovery is in the node: an error, a token it inserted or skipped. */
  private repaired(node: SyntaxNode): boolean {
    if (!this.root || !(this.hasErrors ??= this.root.hasError)) return false;
    let ts = this.root.descendantForIndex(node.startIndex, node.endIndex);
    // the widest node of that range: a token inserted at its end may belong to an ancestor of the same range
    while (ts?.parent && ts.parent.startIndex === node.startIndex && ts.parent.endIndex === node.endIndex)
      ts = ts.parent;
    return !ts || ts.hasError;
  }

  /** `depth`: how many expressions hold this one (1 at the top), as MAX_NESTING counts. */
  private read(node: SyntaxNode, depth: number, ann: boolean): PyAst {
    if (!this.partial) return this.readWhole(node, depth, ann);
    try {
      return this.readWhole(node, depth, ann);
    } catch (err) {
      // the innermost part that could not be read (its parts call read again)
      if (err instanceof Unreadable) return OTHER;
      throw err;
    }
  }

  private readWhole(node: SyntaxNode, depth: number, ann: boolean): PyAst {
    if (depth > MAX_NESTING) throw UNREADABLE;
    switch (node.type) {
      case 'type':
        return this.read(only(node), depth, ann);
      case 'identifier':
        if (KEYWORDS.has(node.text)) throw UNREADABLE; // the grammar takes `await` for a name where Python 2 could
        return { t: 'name', v: node.text };
      case 'none':
        return { t: 'const', v: null };
      case 'true':
        return { t: 'const', v: true };
      case 'false':
        return { t: 'const', v: false };
      case 'ellipsis':
        return { t: 'ellipsis' };
      case 'integer':
      case 'float':
        return { t: 'num', v: numberValue(node.text) };
      case 'string':
      case 'concatenated_string':
        return this.string(node, ann);
      case 'attribute':
      case 'member_type': {
        const obj = this.read(field(node, 'object') ?? node.namedChildren[0] ?? fail(), depth, ann);
        const name = (field(node, 'attribute') ?? lastNamed(node)).text;
        return obj.t === 'name' ? { t: 'name', v: `${obj.v}.${name}` } : { t: 'attr', obj, name };
      }
      case 'subscript':
        return {
          t: 'sub',
          base: this.read(field(node, 'value') ?? fail(), depth, ann),
          args: node.childrenForFieldName('subscript').map((a) => this.read(a, depth + 1, ann)),
        };
      case 'generic_type': {
        // `List[int]` in an annotation: the name, then its type_parameter `[…]`
        const [head, params, ...rest] = meaningful(node);
        if (params?.type !== 'type_parameter' || rest.length > 0) throw UNREADABLE;
        return { t: 'sub', base: this.read(head, depth, ann), args: this.items(params, depth, ann) };
      }
      case 'call':
        return this.call(node, depth, ann);
      case 'binary_operator':
      case 'union_type': {
        // `A | B | C`, flat; a parenthesised union stays one item
        if (node.type === 'binary_operator' && field(node, 'operator')?.type !== '|') throw UNREADABLE;
        const items: PyAst[] = [];
        this.unionItems(node, depth, ann, items);
        return { t: 'union', items };
      }
      case 'unary_operator': {
        const op = field(node, 'operator')?.type;
        const v = this.read(field(node, 'argument') ?? fail(), depth, ann);
        if (op === '-') return { t: 'neg', v };
        if (op === '+') return v;
        throw UNREADABLE;
      }
      case 'parenthesized_expression':
        return this.read(only(node), depth + 1, ann);
      case 'tuple':
      case 'list':
      case 'set':
        return { t: node.type, items: this.items(node, depth, ann) };
      case 'dictionary':
        return { t: 'dict', entries: meaningful(node).map((pair) => this.pair(pair, depth, ann)) };
      default:
        throw UNREADABLE;
    }
  }

  /** A container's items, one level deeper. */
  private items(node: SyntaxNode, depth: number, ann: boolean): PyAst[] {
    return meaningful(node).map((c) => this.read(c, depth + 1, ann));
  }

  private pair(pair: SyntaxNode, depth: number, ann: boolean): [PyAst, PyAst] {
    if (pair.type !== 'pair') throw UNREADABLE; // `**spread`
    return [
      this.read(field(pair, 'key') ?? fail(), depth + 1, ann),
      this.read(field(pair, 'value') ?? fail(), depth + 1, ann),
    ];
  }

  /** `f(a, k=v)`; `*args`, `**kw` and a generator argument are unreadable. */
  private call(node: SyntaxNode, depth: number, ann: boolean): PyAst {
    const args = field(node, 'arguments');
    if (args?.type !== 'argument_list') throw UNREADABLE;
    const fn = this.read(field(node, 'function') ?? fail(), depth, ann);
    const positional: PyAst[] = [];
    const kw = nameRecord<PyAst>();
    for (const a of meaningful(args)) {
      if (a.type === 'keyword_argument') {
        const name = field(a, 'name');
        if (name?.type !== 'identifier') throw UNREADABLE;
        kw[name.text] = this.read(field(a, 'value') ?? fail(), depth + 1, ann);
      } else positional.push(this.read(a, depth + 1, ann));
    }
    return { t: 'call', fn, args: positional, kw };
  }

  /** The items of `A | B | C`, however the grammar grouped them (`dict[K, V] | A | B` is a union_type of two). */
  private unionItems(node: SyntaxNode, depth: number, ann: boolean, out: PyAst[]): void {
    const [left, right] = node.type === 'union_type' ? meaningful(node) : [field(node, 'left'), field(node, 'right')];
    if (!left || !right) throw UNREADABLE;
    for (const side of [left, right]) {
      const s = side.type === 'type' ? only(side) : side;
      if ((s.type === 'binary_operator' && field(s, 'operator')?.type === '|') || s.type === 'union_type')
        this.unionItems(s, depth, ann, out);
      else out.push(this.read(s, depth, ann));
    }
  }

  /** A string literal, or adjacent ones joined; in an annotation, with the forward reference it names. */
  private string(node: SyntaxNode, ann: boolean): PyAst {
    let v = '';
    let f = false;
    const parts = node.type === 'concatenated_string' ? meaningful(node) : [node];
    for (const part of parts) {
      if (part.type !== 'string') throw UNREADABLE;
      const s = stringLiteral(part.text);
      v += s.v;
      f ||= s.f;
    }
    if (f) return { t: 'str', v, f };
    const ref = ann ? this.forwardRef(v) : undefined;
    return ref && ref.t !== 'str' && ref.t !== 'other' ? { t: 'str', v, ref } : { t: 'str', v };
  }

  /** The type a forward reference's text names: a dotted name at once, anything else parsed as an expression. */
  private forwardRef(text: string): PyAst | undefined {
    const trimmed = text.replace(/^[ \t\n\r\f]+|[ \t\n\r\f]+$/g, '');
    if (DOTTED.test(trimmed)) {
      const parts = trimmed.split('.');
      if (!parts.some((p) => NOT_NAMES.has(p))) return { t: 'name', v: trimmed };
    }
    if (!this.language || trimmed === '') return undefined;
    const tree = parseAlone(this.language, trimmed);
    if (!tree) return undefined;
    try {
      if (tree.rootNode.hasError) return undefined;
      const statements = meaningful(readSyntax(tree.rootNode));
      const stmt = statements.length === 1 && statements[0].type === 'expression_statement' ? statements[0] : undefined;
      const expression = stmt && meaningful(stmt);
      return expression?.length === 1 ? this.top(expression[0], true, true) : undefined;
    } finally {
      tree.delete();
    }
  }
}

/** One parser per grammar for forward references' texts (a parser lives in wasm memory: kept, not one per file). */
const refParsers = new WeakMap<Language, Parser>();

/** `text` parsed on its own; undefined when the parse throws (that parser is dropped: it may be left broken). */
function parseAlone(language: Language, text: string): Tree | undefined {
  let parser = refParsers.get(language);
  if (!parser) {
    parser = new Parser();
    parser.setLanguage(language);
    refParsers.set(language, parser);
  }
  try {
    return parser.parse(text) ?? undefined;
  } catch {
    refParsers.delete(language);
    try {
      parser.delete();
    } catch {
      /* already broken: dropping it is all that matters */
    }
    return undefined;
  }
}

const DOTTED = /^[\p{ID_Start}_][\p{ID_Continue}]*(?:\.[\p{ID_Start}_][\p{ID_Continue}]*)*$/u;
/** Keywords that start or join an expression: never a name in one. */
const KEYWORDS = new Set('lambda not await yield if else for in is and or'.split(' '));
/** What a forward reference's dotted name cannot hold: those, and the constants. */
const NOT_NAMES = new Set([...KEYWORDS, 'None', 'True', 'False']);

function fail(): never {
  throw UNREADABLE;
}

function field(node: SyntaxNode, name: string): SyntaxNode | null {
  return node.childForFieldName(name);
}

/** Named children but comments and line continuations. */
function meaningful(node: SyntaxNode): SyntaxNode[] {
  const named = node.namedChildren;
  return named.some((c) => EXTRAS.has(c.type)) ? named.filter((c) => !EXTRAS.has(c.type)) : named;
}

function only(node: SyntaxNode): SyntaxNode {
  const inner = meaningful(node);
  if (inner.length !== 1) throw UNREADABLE;
  return inner[0];
}

function lastNamed(node: SyntaxNode): SyntaxNode {
  const inner = meaningful(node);
  return inner[inner.length - 1] ?? fail();
}

/** A number literal's value; a complex or an infinite one is unreadable. */
function numberValue(text: string): number {
  const raw = text.replace(/_/g, '');
  if (/[jJ]$/.test(raw)) throw UNREADABLE;
  const v = /^0[oO]/.test(raw) ? Number.parseInt(raw.slice(2), 8) : Number(raw);
  if (!Number.isFinite(v)) throw UNREADABLE;
  return v;
}

const STRING = /^([A-Za-z]{0,2})('''|"""|'|")/;

/** One string literal's value (escapes decoded unless raw) and whether it is an f-string. */
function stringLiteral(text: string): { v: string; f: boolean } {
  const m = STRING.exec(text);
  if (!m || !/^[rRbBuUfF]*$/.test(m[1])) throw UNREADABLE;
  const quote = m[2];
  const start = m[0].length;
  if (text.length < start + quote.length || !text.endsWith(quote)) throw UNREADABLE; // unterminated
  const body = text.slice(start, text.length - quote.length);
  const prefix = m[1].toLowerCase();
  return { v: prefix.includes('r') ? body : unescape(body), f: prefix.includes('f') };
}

function unescape(s: string): string {
  // Most strings hold no escape: no regex pass over them (docstrings, SQL) at all
  if (!s.includes('\\')) return s;
  return s.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|\r?\n|.)/g, (m, e: string) => {
    switch (e[0]) {
      case 'n':
        return '\n';
      case 't':
        return '\t';
      case 'r':
        return '\r';
      case '0':
        return '\0';
      case '\r':
      case '\n':
        return '';
      case '\\':
      case "'":
      case '"':
        return e;
      case 'x':
      case 'u':
      case 'U':
        return e.length > 1 ? String.fromCodePoint(Number.parseInt(e.slice(1), 16)) : m;
      default:
        return m;
    }
  });
}

/** The JSON value of a plain literal (numbers, strings, True/False/None, lists/tuples/sets/dicts of them), or undefined. */
export function literalValue(e: PyAst | undefined, depth = 0): { v: unknown } | undefined {
  if (!e || depth > MAX_NESTING) return undefined;
  switch (e.t) {
    case 'str':
      return e.f ? undefined : { v: e.v };
    case 'num':
      return { v: e.v };
    case 'const':
      return { v: e.v };
    case 'neg': {
      const inner = e.v.t === 'num' ? e.v.v : undefined;
      return inner === undefined ? undefined : { v: -inner };
    }
    case 'list':
    case 'tuple':
    case 'set': {
      const out: unknown[] = [];
      for (const item of e.items) {
        const v = literalValue(item, depth + 1);
        if (!v) return undefined;
        out.push(v.v);
      }
      return { v: out };
    }
    case 'dict': {
      const entries: Array<[string, unknown]> = [];
      for (const [k, val] of e.entries) {
        const key = literalValue(k, depth + 1);
        const v = literalValue(val, depth + 1);
        if (!key || !v || (typeof key.v !== 'string' && typeof key.v !== 'number')) return undefined;
        entries.push([String(key.v), v.v]);
      }
      return { v: Object.fromEntries(entries) };
    }
    default:
      return undefined;
  }
}
