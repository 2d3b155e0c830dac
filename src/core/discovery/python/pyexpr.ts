// A small parser for the Python expressions facts keep as text: parameter annotations and
// defaults, class fields (`Optional[list[Item]]`, `Field(1.5, alias='x')`, `Literal['a']`,
// `Item | None`, `[]`). Anything else it does not read (lambdas, comprehensions, operators
// other than `|` and unary minus) makes the whole text unreadable: undefined, never a throw.

export type PyAst =
  | { t: 'name'; v: string } // a dotted name: a, a.b.c
  | { t: 'str'; v: string; f?: boolean }
  | { t: 'num'; v: number }
  | { t: 'const'; v: null | boolean } // None, True, False
  | { t: 'ellipsis' }
  | { t: 'sub'; base: PyAst; args: PyAst[] } // X[a, b]
  | { t: 'call'; fn: PyAst; args: PyAst[]; kw: Record<string, PyAst> }
  | { t: 'attr'; obj: PyAst; name: string } // attribute of something that is not a plain name
  | { t: 'union'; items: PyAst[] } // A | B
  | { t: 'neg'; v: PyAst }
  | { t: 'list' | 'tuple' | 'set'; items: PyAst[] }
  | { t: 'dict'; entries: Array<[PyAst, PyAst]> };

type Token =
  { k: 'name'; v: string } | { k: 'str'; v: string; f: boolean } | { k: 'num'; v: number } | { k: 'op'; v: string };

/** Bracket nesting read at most (texts are at most 1,000 characters, but can be all brackets). */
const MAX_NESTING = 50;

const NUMBER =
  /(?:0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][+-]?\d[\d_]*)?)[jJ]?/y;
const NAME = /[\p{ID_Start}_][\p{ID_Continue}]*/uy;
const STRING_START = /([rRbBuUfF]{0,2})('''|"""|'|")/y;

function tokenize(text: string): Token[] | undefined {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f') {
      i++;
      continue;
    }
    if (c === '\\' && (text[i + 1] === '\n' || text[i + 1] === '\r')) {
      i += 2;
      continue;
    }
    if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    STRING_START.lastIndex = i;
    const s = STRING_START.exec(text);
    if (s) {
      const prefix = s[1].toLowerCase();
      const quote = s[2];
      const start = i + s[0].length;
      let j = start;
      let body: string | undefined;
      while (j < text.length) {
        if (text[j] === '\\') {
          j += 2;
          continue;
        }
        if (text.startsWith(quote, j)) {
          body = text.slice(start, j);
          break;
        }
        if (quote.length === 1 && text[j] === '\n') return undefined;
        j++;
      }
      if (body === undefined) return undefined;
      out.push({ k: 'str', v: prefix.includes('r') ? body : unescape(body), f: prefix.includes('f') });
      i = j + quote.length;
      continue;
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(text[i + 1] ?? ''))) {
      NUMBER.lastIndex = i;
      const m = NUMBER.exec(text)!;
      const raw = m[0].replace(/_/g, '');
      if (/[jJ]$/.test(raw)) return undefined; // complex
      const v = /^0[oO]/.test(raw) ? Number.parseInt(raw.slice(2), 8) : Number(raw);
      if (!Number.isFinite(v)) return undefined;
      out.push({ k: 'num', v });
      i += m[0].length;
      continue;
    }
    NAME.lastIndex = i;
    const n = NAME.exec(text);
    if (n) {
      out.push({ k: 'name', v: n[0] });
      i += n[0].length;
      continue;
    }
    if (text.startsWith('...', i)) {
      out.push({ k: 'op', v: '...' });
      i += 3;
      continue;
    }
    if (text.startsWith('**', i)) {
      out.push({ k: 'op', v: '**' });
      i += 2;
      continue;
    }
    if ('()[]{},:=|.-+*'.includes(c)) {
      out.push({ k: 'op', v: c });
      i++;
      continue;
    }
    return undefined;
  }
  return out;
}

function unescape(s: string): string {
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

class ParseError extends Error {}

class Parser {
  private i = 0;
  private depth = 0;
  constructor(private readonly tokens: Token[]) {}

  all(): PyAst {
    const e = this.expr();
    if (this.i !== this.tokens.length) throw new ParseError();
    return e;
  }

  private peek(v: string): boolean {
    const t = this.tokens[this.i];
    return t?.k === 'op' && t.v === v;
  }

  private eat(v: string): boolean {
    if (!this.peek(v)) return false;
    this.i++;
    return true;
  }

  private expect(v: string): void {
    if (!this.eat(v)) throw new ParseError();
  }

  private expr(): PyAst {
    if (++this.depth > MAX_NESTING) throw new ParseError();
    try {
      const first = this.unary();
      if (!this.peek('|')) return first;
      const items = [first];
      while (this.eat('|')) items.push(this.unary());
      return { t: 'union', items };
    } finally {
      this.depth--;
    }
  }

  private unary(): PyAst {
    if (this.eat('-')) return { t: 'neg', v: this.unary() };
    if (this.eat('+')) return this.unary();
    return this.postfix();
  }

  private postfix(): PyAst {
    let e = this.atom();
    for (;;) {
      if (this.eat('.')) {
        const t = this.tokens[this.i++];
        if (t?.k !== 'name') throw new ParseError();
        e = e.t === 'name' ? { t: 'name', v: `${e.v}.${t.v}` } : { t: 'attr', obj: e, name: t.v };
      } else if (this.eat('[')) {
        e = { t: 'sub', base: e, args: this.items(']') };
      } else if (this.eat('(')) {
        const args: PyAst[] = [];
        const kw: Record<string, PyAst> = {};
        while (!this.eat(')')) {
          const t = this.tokens[this.i];
          const next = this.tokens[this.i + 1];
          if (t?.k === 'name' && next?.k === 'op' && next.v === '=') {
            this.i += 2;
            kw[t.v] = this.expr();
          } else args.push(this.expr());
          if (!this.eat(',')) {
            this.expect(')');
            break;
          }
        }
        e = { t: 'call', fn: e, args, kw };
      } else return e;
    }
  }

  /** Comma-separated expressions up to `close`, a trailing comma allowed. */
  private items(close: string): PyAst[] {
    const out: PyAst[] = [];
    while (!this.eat(close)) {
      out.push(this.expr());
      if (!this.eat(',')) {
        this.expect(close);
        break;
      }
    }
    return out;
  }

  private atom(): PyAst {
    const t = this.tokens[this.i++];
    if (!t) throw new ParseError();
    switch (t.k) {
      case 'name':
        if (t.v === 'None') return { t: 'const', v: null };
        if (t.v === 'True') return { t: 'const', v: true };
        if (t.v === 'False') return { t: 'const', v: false };
        if (/^(lambda|not|await|yield|if|else|for|in|is|and|or)$/.test(t.v)) throw new ParseError();
        return { t: 'name', v: t.v };
      case 'num':
        return { t: 'num', v: t.v };
      case 'str': {
        // adjacent literals concatenate
        let v = t.v;
        let f = t.f;
        for (let n = this.tokens[this.i]; n?.k === 'str'; n = this.tokens[++this.i]) {
          v += n.v;
          f ||= n.f;
        }
        return f ? { t: 'str', v, f } : { t: 'str', v };
      }
      case 'op':
        switch (t.v) {
          case '...':
            return { t: 'ellipsis' };
          case '[':
            return { t: 'list', items: this.items(']') };
          case '(': {
            if (this.eat(')')) return { t: 'tuple', items: [] };
            const first = this.expr();
            if (this.eat(')')) return first;
            this.expect(',');
            return { t: 'tuple', items: [first, ...this.items(')')] };
          }
          case '{': {
            if (this.eat('}')) return { t: 'dict', entries: [] };
            const first = this.expr();
            if (!this.eat(':')) {
              if (!this.eat(',')) {
                this.expect('}');
                return { t: 'set', items: [first] };
              }
              return { t: 'set', items: [first, ...this.items('}')] };
            }
            const entries: Array<[PyAst, PyAst]> = [[first, this.expr()]];
            while (this.eat(',')) {
              if (this.eat('}')) return { t: 'dict', entries };
              const k = this.expr();
              this.expect(':');
              entries.push([k, this.expr()]);
            }
            this.expect('}');
            return { t: 'dict', entries };
          }
        }
    }
    throw new ParseError();
  }
}

/** The expression a text holds, or undefined when it is not one this parser reads. */
export function parsePyExpr(text: string | undefined): PyAst | undefined {
  if (text === undefined) return undefined;
  const tokens = tokenize(text);
  if (!tokens || tokens.length === 0) return undefined;
  try {
    return new Parser(tokens).all();
  } catch (err) {
    if (err instanceof ParseError) return undefined;
    throw err;
  }
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
