// Whether tree-sitter's error recovery cost a file constructs discovery and analysis read, and where.
//
// The rule. tree-sitter recovers from a syntax error in one of two ways, and each can lose code or not:
// - An ERROR node around tokens it could not fit. One that holds only literals, names and operators (`y = (1 +`,
//   `{"a": 1,, }`) loses nothing read; one that holds a definition (`def`, `class`, `function`, `=>`, also as
//   the bare word it re-lexes them to), a decorator, an import, or a call (also one whose `(` never closed:
//   `app.add_api_route("/b", b`) lost what discovery and analysis read, since they read structure (an ERROR has no
//   fields) and a route's registration, handler and blocking calls are exactly those constructs.
// - A MISSING closer (`}`, `)`, `]`) inserted at the end of a construct left open. It swallows the code after it
//   when a line inside the construct starts at or left of the indentation of the line that opened it: that code
//   was written to follow the construct (a route registered after an unclosed function is now in its body), while
//   a construct merely unclosed at the end of the file keeps its deeper-indented lines and loses nothing.
// An ERROR root means the module itself was not recognised (Python blocks nested ~520 deep do that).
import type { Node } from './parser';

/** Node types that are, or hold, a construct discovery or analysis reads (Python, JavaScript, TypeScript). */
const READ_CONSTRUCTS = new Set([
  'call',
  'call_expression',
  'new_expression',
  'argument_list',
  'arguments',
  'decorator',
  'decorated_definition',
  'function_definition',
  'class_definition',
  'function_declaration',
  'generator_function_declaration',
  'function_expression',
  'arrow_function',
  'class_declaration',
  'abstract_class_declaration',
  'method_definition',
  'import_statement',
  'import_from_statement',
  'lambda',
]);
/** Tokens that start such a construct, as keywords or as the identifiers an ERROR re-lexes them to. */
const READ_WORDS = new Set(['def', 'class', 'function', 'import', '@', '=>', 'lambda']);
/** What a call's `(` follows: the callee. */
const CALLEES = new Set(['identifier', 'attribute', 'member_expression', 'subscript', 'subscript_expression']);
const CLOSERS = new Set(['}', ')', ']']);
const INCOMPLETE = 'routes/findings in this file may be incomplete';

/** The problem to report for a tree that lost constructs to syntax errors (naming the line), if it did. */
export function parseDamage(root: Node, source: string): string | undefined {
  if (root.type === 'ERROR') return `parse errors: the file was not recognised as a whole; ${INCOMPLETE}`;
  if (!root.hasError) return undefined;
  const lines = new LineIndents(source);
  // Only subtrees with errors are visited, iteratively: deep trees must not overflow the stack.
  const stack: Node[] = [root];
  while (stack.length) {
    const node = stack.pop()!;
    for (const child of node.children) {
      if (!child) continue;
      if (child.type === 'ERROR') {
        if (holdsReadConstruct(child)) return `parse errors at line ${child.startPosition.row + 1}: ${INCOMPLETE}`;
      } else if (child.isMissing) {
        if (CLOSERS.has(child.type) && swallows(node, lines))
          return `parse errors: '${child.type}' missing for line ${node.startPosition.row + 1}, which swallows the code after it; ${INCOMPLETE}`;
      } else if (child.hasError) stack.push(child);
    }
  }
  return undefined;
}

function holdsReadConstruct(error: Node): boolean {
  const stack: Node[] = [error];
  while (stack.length) {
    const node = stack.pop()!;
    let previous: Node | null = null;
    for (const child of node.children) {
      if (!child) continue;
      if (READ_CONSTRUCTS.has(child.type) || READ_WORDS.has(child.type)) return true;
      if (child.type === 'identifier' && READ_WORDS.has(child.text)) return true;
      if (child.type === '(' && previous && CALLEES.has(previous.type)) return true; // a call left open
      if (child.childCount) stack.push(child);
      previous = child;
    }
  }
  return false;
}

/** Whether a line inside `open` (a construct whose closer is MISSING) starts at or left of the line that opened it. */
function swallows(open: Node, lines: LineIndents): boolean {
  const openRow = open.startPosition.row;
  const openIndent = lines.indent(openRow);
  for (const child of open.namedChildren) {
    if (!child || child.type === 'comment') continue;
    const { row, column } = child.startPosition;
    if (row > openRow && column <= openIndent && lines.indent(row) === column) return true;
  }
  return false;
}

/** Each line's indentation (leading spaces and tabs), computed only for files with errors. */
class LineIndents {
  private starts: number[] | undefined;

  constructor(private readonly source: string) {}

  indent(row: number): number {
    const starts = (this.starts ??= lineStarts(this.source));
    let i = starts[row] ?? this.source.length;
    const start = i;
    while (this.source[i] === ' ' || this.source[i] === '\t') i++;
    return i - start;
  }
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}
