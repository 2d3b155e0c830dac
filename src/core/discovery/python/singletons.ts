// A class's singleton accessors (`Server.get_instance()`): a `@classmethod` or `@staticmethod` whose every
// return gives the class's one instance, so a call of it is an instance of the class, as `Server()` is.

import type { SyntaxNode } from '../../lang/syntax';

const MAX_WALK_DEPTH = 100;

/** A method definition of a class body, with the names its decorators are. */
export interface MethodNode {
  name: string;
  def: SyntaxNode;
  decorators: string[];
}

/**
 * The methods of class `className` that are instance accessors: a classmethod or staticmethod that ends in a
 * `return` and whose every `return` is `cls(…)` / `C(…)`, or `cls._x` / `C._x` where the class (any of its methods,
 * or its body) sets `cls._x = cls(…)` / `C._x = C(…)`. One that may return anything else (`return None`, `return
 * Other()`, a fall-through, a `yield`) is none: a call of it is not known to give an instance.
 */
export function instanceAccessors(className: string, body: SyntaxNode | null, methods: MethodNode[]): Set<string> {
  const out = new Set<string>();
  if (!body) return out;
  const receiversOf = (m: MethodNode) => {
    const names = new Set([className]);
    const first = m.def.childForFieldName('parameters')?.namedChildren[0];
    if (m.decorators.includes('classmethod') && first?.type === 'identifier') names.add(first.text);
    return names;
  };
  // where the class keeps its instance: `cls._x = cls()` in a method, `_x = …` never (that is no instance)
  const kept = new Set<string>();
  for (const m of methods) collectKept(m.def.childForFieldName('body'), receiversOf(m), kept);
  collectKept(body, new Set([className]), kept, true);
  for (const m of methods) {
    if (!m.decorators.includes('classmethod') && !m.decorators.includes('staticmethod')) continue;
    const mBody = m.def.childForFieldName('body');
    const last = mBody?.namedChildren.filter((c): c is SyntaxNode => !!c && c.type !== 'comment').at(-1);
    if (!mBody || last?.type !== 'return_statement') continue;
    const returns: Array<SyntaxNode | undefined> = [];
    if (!collectReturns(mBody, returns)) continue;
    const receivers = receiversOf(m);
    if (returns.every((v) => !!v && givesInstance(v, receivers, kept))) out.add(m.name);
  }
  return out;
}

/** `R(…)` or `R._x` (R the class or `cls`), `_x` an attribute the class keeps its instance in. */
function givesInstance(v: SyntaxNode, receivers: ReadonlySet<string>, kept: ReadonlySet<string>): boolean {
  if (v.type === 'call') {
    const fn = v.childForFieldName('function');
    return fn?.type === 'identifier' && receivers.has(fn.text);
  }
  if (v.type === 'attribute') {
    const obj = v.childForFieldName('object');
    const attr = v.childForFieldName('attribute');
    return obj?.type === 'identifier' && receivers.has(obj.text) && !!attr && kept.has(attr.text);
  }
  return false;
}

/** `R._x = R(…)` statements (R one of `receivers`) in `node`, not in nested definitions (`ownOnly`: nor methods). */
function collectKept(
  node: SyntaxNode | null | undefined,
  receivers: ReadonlySet<string>,
  out: Set<string>,
  ownOnly = false,
  depth = 0,
): void {
  if (!node || depth > MAX_WALK_DEPTH) return;
  for (const c of node.namedChildren) {
    if (!c || NESTED.has(c.type) || (ownOnly && c.type === 'decorated_definition')) continue;
    if (c.type === 'assignment') {
      const left = c.childForFieldName('left');
      const right = c.childForFieldName('right');
      if (left && right && givesInstance(right, receivers, new Set()) && left.type === 'attribute') {
        const obj = left.childForFieldName('object');
        const attr = left.childForFieldName('attribute');
        if (obj?.type === 'identifier' && receivers.has(obj.text) && attr) out.add(attr.text);
      }
    }
    collectKept(c, receivers, out, ownOnly, depth + 1);
  }
}

/**
 * The values of a function body's `return` statements (undefined for a bare `return`), not counting nested
 * definitions'. False when the body may give something else: a `yield` (a generator), or too deep to read.
 */
function collectReturns(node: SyntaxNode, out: Array<SyntaxNode | undefined>, depth = 0): boolean {
  if (depth > MAX_WALK_DEPTH) return false;
  for (const c of node.namedChildren) {
    if (!c || NESTED.has(c.type)) continue;
    if (c.type === 'yield') return false;
    if (c.type === 'return_statement') out.push(c.namedChildren.find((x) => !!x && x.type !== 'comment') ?? undefined);
    if (!collectReturns(c, out, depth + 1)) return false;
  }
  return true;
}

/** Definitions whose statements are not the enclosing function's. */
const NESTED = new Set(['function_definition', 'class_definition', 'lambda']);
