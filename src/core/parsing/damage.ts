// Whether tree-sitter's error recovery cost a file constructs discovery and analysis read.
// It recovers from most syntax errors with a small ERROR node around the broken tokens; a
// `def`, `class` or `function` keyword left loose in one means a definition (and the routes
// or calls inside it) is missing from the tree, and an ERROR root means the module itself was
// not recognised (Python blocks nested ~520 deep do that).
import type { Node } from './parser';

const DEFINING_KEYWORDS = new Set(['def', 'class', 'function']);

/** The problem to report for a tree that lost definitions to syntax errors, if it did. */
export function parseDamage(root: Node): string | undefined {
  return lostDefinitions(root) ? 'parse errors: routes/findings in this file may be incomplete' : undefined;
}

function lostDefinitions(root: Node): boolean {
  if (root.type === 'ERROR') return true;
  if (!root.hasError) return false;
  // Only subtrees with errors are visited, iteratively: deep trees must not overflow the stack.
  const stack: Node[] = [root];
  while (stack.length) {
    const node = stack.pop()!;
    const errorNode = node.type === 'ERROR';
    for (const child of node.children) {
      if (!child) continue;
      if (errorNode && DEFINING_KEYWORDS.has(child.type)) return true;
      if (child.hasError) stack.push(child);
    }
  }
  return false;
}
