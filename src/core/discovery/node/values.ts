// Paths and prefixes written with constants: module-level `const` strings, template literals and `+`
// over them, members of constant object literals, and constants imported from other modules (kept as
// parts the link resolves). Evaluation is depth-bounded; anything else is not a known text.
import type { SyntaxNode as Node } from '../../lang/syntax';
import type { NodeRouteFacts, Text, TextPart } from './facts';
import { requireSpecifier } from '../../lang/node/modules';

const MAX_DEPTH = 16;

/** Wrappers that do not change a value: `(x)`, `x as const`, `x satisfies T`, `x!`. */
function unwrap(node: Node): Node {
  let n = node;
  for (
    let i = 0;
    i < MAX_DEPTH &&
    ['parenthesized_expression', 'as_expression', 'satisfies_expression', 'non_null_expression'].includes(n.type);
    i++
  ) {
    const inner = n.namedChildren.find((c) => c && c.type !== 'comment');
    if (!inner) break;
    n = inner;
  }
  return n;
}

/** Joins texts; parts only when some piece is another module's constant. */
export function concatText(...pieces: Text[]): Text {
  if (pieces.every((p): p is string => typeof p === 'string')) return pieces.join('');
  const parts: TextPart[] = [];
  for (const p of pieces) {
    for (const part of typeof p === 'string' ? [p] : p.parts) {
      const last = parts[parts.length - 1];
      if (typeof part === 'string' && typeof last === 'string') parts[parts.length - 1] = last + part;
      else if (part !== '') parts.push(part);
    }
  }
  return { parts };
}

/** One file's module-level constants, read from its top-level declarations. */
export class Constants {
  private readonly values = new Map<string, Node>();
  private readonly boundNames = new Set<string>();

  constructor(
    root: Node,
    private readonly facts: NodeRouteFacts,
  ) {
    for (const statement of root.namedChildren) {
      const declaration =
        statement?.type === 'export_statement' ? statement.childForFieldName('declaration') : statement;
      // `const` only: a `let` or `var` may be reassigned before the call reads it.
      if (declaration?.type !== 'lexical_declaration' || declaration.child(0)?.type !== 'const') continue;
      for (const d of declaration.namedChildren) {
        const name = d?.type === 'variable_declarator' ? d.childForFieldName('name') : undefined;
        const value = d?.childForFieldName('value');
        // `const x = require('m')` binds an import, not a constant.
        if (name?.type === 'identifier' && value && requireSpecifier(value) === undefined)
          this.values.set(name.text, value);
      }
    }
  }

  /**
   * The items of a constant array literal (`const routes = [{ path: '/auth', route: authRoute }, …]`), for a loop
   * over it to be read once per item; undefined when `node` is no such array or an item is spread in.
   */
  items(node: Node | null | undefined): Node[] | undefined {
    const value = node?.type === 'identifier' ? this.values.get(node.text) : undefined;
    const array = value && unwrap(value);
    if (array?.type !== 'array') return undefined;
    const items = array.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment');
    return items.some((c) => c.type === 'spread_element') ? undefined : items;
  }

  /** Reads `read()` with `name` bound to `value` (a loop's variable to one item), as a module constant would be. */
  bound<T>(name: string, value: Node, read: () => T): T {
    const before = this.values.get(name);
    const wasBound = this.boundNames.has(name);
    this.values.set(name, value);
    this.boundNames.add(name);
    try {
      return read();
    } finally {
      if (before) this.values.set(name, before);
      else this.values.delete(name);
      if (!wasBound) this.boundNames.delete(name);
    }
  }

  /** What `name` is bound to by bound() just now (a loop's item, a helper's argument), if it is. */
  boundTo(name: string): Node | undefined {
    return this.boundNames.has(name) ? this.values.get(name) : undefined;
  }

  /** `item.route` where `item` holds a constant object literal: the value written for `route` there. */
  memberValue(node: Node): Node | undefined {
    const object = node.childForFieldName('object');
    const key = node.childForFieldName('property');
    const local = object?.type === 'identifier' ? this.values.get(object.text) : undefined;
    return local && key?.type === 'property_identifier' ? this.member(local, key.text) : undefined;
  }

  /** The text an expression evaluates to, or undefined when it is not built from strings and constants. */
  text(node: Node | null | undefined, depth = 0): Text | undefined {
    if (!node || depth > MAX_DEPTH) return undefined;
    const n = unwrap(node);
    switch (n.type) {
      case 'string':
        return n.namedChildren
          .filter((c) => c?.type === 'string_fragment' || c?.type === 'escape_sequence')
          .map((c) => (c.type === 'escape_sequence' ? unescape(c.text) : c.text))
          .join('');
      case 'template_string': {
        const pieces: Text[] = [];
        for (const c of n.namedChildren) {
          if (!c) continue;
          if (c.type === 'string_fragment') pieces.push(c.text);
          else if (c.type === 'escape_sequence') pieces.push(unescape(c.text));
          else if (c.type === 'template_substitution') {
            const inner = c.namedChildren.find((x) => x && x.type !== 'comment');
            const value = inner?.type === 'number' ? inner.text : this.text(inner, depth + 1);
            if (value === undefined) return undefined;
            pieces.push(value);
          }
        }
        return concatText(...pieces);
      }
      case 'binary_expression': {
        if (n.childForFieldName('operator')?.type !== '+') return undefined;
        const side = (s: Node | null) => (s && unwrap(s).type === 'number' ? unwrap(s).text : this.text(s, depth + 1));
        const left = side(n.childForFieldName('left'));
        const right = left === undefined ? undefined : side(n.childForFieldName('right'));
        // `1 + 2` is a number, not a path.
        if (
          left === undefined ||
          right === undefined ||
          (this.isNumber(n.childForFieldName('left')) && this.isNumber(n.childForFieldName('right')))
        )
          return undefined;
        return concatText(left, right);
      }
      case 'identifier':
      case 'shorthand_property_identifier': {
        if (this.facts.imports[n.text]) return { parts: [{ import: n.text }] };
        const value = this.values.get(n.text) ?? localConstant(n, n.text);
        return value ? this.text(value, depth + 1) : undefined;
      }
      case 'member_expression': {
        const object = n.childForFieldName('object');
        const member = n.childForFieldName('property');
        if (object?.type !== 'identifier' || member?.type !== 'property_identifier') return undefined;
        if (this.facts.imports[object.text]) return { parts: [{ import: object.text, member: member.text }] };
        const local = this.values.get(object.text) ?? localConstant(object, object.text);
        return local ? this.text(this.member(local, member.text), depth + 1) : undefined;
      }
      default:
        return undefined;
    }
  }

  /** The object literal `node` is, or a module constant holds, directly or as a call's first argument (`createRoute({ … })`). */
  objectLiteral(node: Node | undefined, depth = 0): Node | undefined {
    if (!node || depth > 2) return undefined;
    const n = unwrap(node);
    if (n.type === 'object') return n;
    if (n.type === 'identifier') return this.objectLiteral(this.values.get(n.text), depth + 1);
    if (n.type === 'call_expression') {
      const first = n.childForFieldName('arguments')?.namedChildren.find((c) => c && c.type !== 'comment');
      return first ? this.objectLiteral(first, depth + 1) : undefined;
    }
    return undefined;
  }

  /**
   * A path or prefix: its text, with each part that cannot be evaluated kept as an `unknown` part holding its
   * source (`` `${base}api` `` → `{base?}api`), never dropped.
   */
  pathText(node: Node, depth = 0): Text {
    const known = this.text(node);
    if (known !== undefined) return known;
    const n = unwrap(node);
    if (depth < MAX_DEPTH && n.type === 'template_string') {
      const pieces: Text[] = [];
      for (const c of n.namedChildren) {
        if (!c) continue;
        if (c.type === 'string_fragment') pieces.push(c.text);
        else if (c.type === 'escape_sequence') pieces.push(unescape(c.text));
        else if (c.type === 'template_substitution') {
          const inner = c.namedChildren.find((x) => x && x.type !== 'comment');
          pieces.push(inner ? (inner.type === 'number' ? inner.text : this.pathText(inner, depth + 1)) : '');
        }
      }
      return concatText(...pieces);
    }
    if (depth < MAX_DEPTH && n.type === 'binary_expression' && n.childForFieldName('operator')?.type === '+') {
      const left = n.childForFieldName('left');
      const right = n.childForFieldName('right');
      if (left && right) return concatText(this.pathText(left, depth + 1), this.pathText(right, depth + 1));
    }
    return { parts: [{ unknown: n.text }] };
  }

  /**
   * Whether the expression is written as a string whatever its value: a literal, template or concatenation,
   * `process.env.X`, `a || 'b'`, or a constant holding one. An argument that is could only be a path.
   */
  stringLike(node: Node | null | undefined, depth = 0): boolean {
    if (!node || depth > MAX_DEPTH) return false;
    const n = unwrap(node);
    switch (n.type) {
      case 'string':
      case 'template_string':
        return true;
      case 'binary_expression': {
        const op = n.childForFieldName('operator')?.type;
        if (op === '+')
          return (
            this.stringLike(n.childForFieldName('left'), depth + 1) ||
            this.stringLike(n.childForFieldName('right'), depth + 1)
          );
        return (
          (op === '||' || op === '??') &&
          (this.stringLike(n.childForFieldName('left'), depth + 1) ||
            this.stringLike(n.childForFieldName('right'), depth + 1))
        );
      }
      case 'ternary_expression':
        return (
          this.stringLike(n.childForFieldName('consequence'), depth + 1) ||
          this.stringLike(n.childForFieldName('alternative'), depth + 1)
        );
      case 'member_expression':
        return n.childForFieldName('object')?.text === 'process.env';
      case 'subscript_expression':
        return n.childForFieldName('object')?.text === 'process.env';
      case 'identifier': {
        const value = this.values.get(n.text);
        return !!value && this.stringLike(value, depth + 1);
      }
      default:
        return false;
    }
  }

  /** Every constant text the name holds: itself, or `name.key` for each key of a constant object literal. */
  exported(name: string): Array<[string, Text]> {
    const value = this.values.get(name);
    if (!value) return [];
    const own = this.text(value);
    if (own !== undefined) return [[name, own]];
    const object = unwrap(value);
    if (object.type !== 'object') return [];
    const out: Array<[string, Text]> = [];
    for (const pair of object.namedChildren) {
      const key = pair?.type === 'pair' ? pair.childForFieldName('key') : undefined;
      const text =
        key && (key.type === 'property_identifier' || key.type === 'string')
          ? this.knownOrString(pair.childForFieldName('value'))
          : undefined;
      if (text === undefined) continue;
      const field = key!.type === 'string' ? this.text(key) : key!.text;
      if (typeof field === 'string') out.push([`${name}.${field}`, text]);
    }
    return out;
  }

  /** The text of a value, or an unknown part for one that is a string only known at run time (`process.env.X || '/'`). */
  private knownOrString(node: Node | null): Text | undefined {
    const known = this.text(node);
    if (known !== undefined || !node) return known;
    return this.stringLike(node) ? { parts: [{ unknown: node.text }] } : undefined;
  }

  private member(value: Node, key: string): Node | undefined {
    const object = unwrap(value);
    if (object.type !== 'object') return undefined;
    for (const pair of object.namedChildren) {
      if (pair?.type !== 'pair') continue;
      const k = pair.childForFieldName('key');
      if (k && ((k.type === 'property_identifier' && k.text === key) || (k.type === 'string' && this.text(k) === key)))
        return pair.childForFieldName('value') ?? undefined;
    }
    return undefined;
  }

  private isNumber(node: Node | null): boolean {
    return !!node && unwrap(node).type === 'number';
  }
}

/**
 * A `const` declared before `node` in a block around it (`function bootstrap() { const prefix = 'api'; … }`): the
 * value it is bound to there. Module-level constants are the Constants' own; a `let` or `var` may change.
 */
function localConstant(node: Node, name: string): Node | undefined {
  let block = node.parent;
  for (let depth = 0; block && depth < 64; depth++, block = block.parent) {
    if (block.type !== 'statement_block') continue;
    for (const statement of block.namedChildren) {
      if (statement.startIndex >= node.startIndex) break;
      if (statement.type !== 'lexical_declaration' || statement.child(0)?.type !== 'const') continue;
      for (const d of statement.namedChildren)
        if (d.type === 'variable_declarator' && d.childForFieldName('name')?.text === name)
          return d.childForFieldName('value') ?? undefined;
    }
  }
  return undefined;
}

function unescape(sequence: string): string {
  const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0' };
  const c = sequence.slice(1);
  return simple[c] ?? (c.length === 1 ? c : '');
}
