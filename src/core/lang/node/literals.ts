// JS/TS literal values every Node reader needs the same way (discovery and analysis).
import type { SyntaxNode } from '../syntax';

/**
 * A string literal or a template without substitutions; undefined for anything computed (`./${name}`), since a
 * guessed text would name a module or a path that is not the one the program uses.
 */
export function stringValue(node: SyntaxNode | null | undefined): string | undefined {
  if (!node) return undefined;
  if (node.type === 'string')
    return node.namedChildren
      .filter((c) => c.type === 'string_fragment')
      .map((c) => c.text)
      .join('');
  if (node.type === 'template_string' && node.namedChildren.every((c) => c.type === 'string_fragment'))
    return node.text.slice(1, -1);
  return undefined;
}

/** A call's arguments, comments left out. */
export function callArguments(call: SyntaxNode): SyntaxNode[] {
  return call.childForFieldName('arguments')?.namedChildren.filter((a) => a.type !== 'comment') ?? [];
}
