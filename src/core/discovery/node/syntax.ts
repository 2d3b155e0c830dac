// Small readers over tree-sitter JS/TS nodes shared by every Node framework.
import type { SyntaxNode as Node } from '../../lang/syntax';
import { stringValue } from '../../lang/node/literals';
import type { HandlerFact } from './facts';

export function isFunction(node: Node): boolean {
  return (
    node.type === 'arrow_function' ||
    node.type === 'function_expression' ||
    node.type === 'function' ||
    node.type === 'function_declaration' ||
    node.type === 'method_definition'
  );
}

/**
 * The function a call calls. tree-sitter reads `await app.register<Opts>(plugin, opts)` (type arguments after an
 * awaited member) as a call of `await app.register`: the callee is the awaited expression.
 */
export function calleeOf(call: Node): Node | null {
  const fn = call.childForFieldName('function');
  return fn?.type === 'await_expression' ? (fn.namedChildren[0] ?? null) : fn;
}

export function handlerOf(node: Node, name: string): HandlerFact {
  return {
    name,
    async: node.children.some((c) => c?.type === 'async'),
    line: node.startPosition.row + 1,
    column: node.startPosition.column + 1,
    endLine: node.endPosition.row + 1,
    endColumn: node.endPosition.column + 1,
  };
}

/** `['GET', 'POST']` or `'GET'` → string values; undefined when any element is computed. */
export function stringList(node: Node | null | undefined): string[] | undefined {
  if (!node) return undefined;
  if (node.type !== 'array') {
    const one = stringValue(node);
    return one === undefined ? undefined : [one];
  }
  const items = node.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment').map(stringValue);
  return items.every((s): s is string => s !== undefined) ? items : undefined;
}

/** The value of `key` in an object literal (`{ key: v }`, `{ key }`, or a `key() {}` method). */
export function property(object: Node | undefined, key: string): Node | undefined {
  if (object?.type !== 'object') return undefined;
  for (const child of object.namedChildren) {
    if (!child) continue;
    if (child.type === 'pair' && propertyName(child.childForFieldName('key')) === key)
      return child.childForFieldName('value') ?? undefined;
    if (child.type === 'shorthand_property_identifier' && child.text === key) return child;
    if (child.type === 'method_definition' && propertyName(child.childForFieldName('name')) === key) return child;
  }
  return undefined;
}

function propertyName(node: Node | null): string | undefined {
  if (!node) return undefined;
  return node.type === 'property_identifier' || node.type === 'identifier' ? node.text : stringValue(node);
}

export function joinPath(prefix: string, path: string): string {
  const joined = `${prefix.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`.replace(/\/{2,}/g, '/');
  return joined.length > 1 ? joined.replace(/\/+$/, '') : '/';
}
