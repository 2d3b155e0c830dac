// One Python file's syntax tree as plain objects, read in one TreeCursor walk. web-tree-sitter
// answers every `Node` property (type, children, fields, text) with a call into wasm and a new
// `Node` object per child handed out, and the readers ask each node many times; the cursor walk
// asks each node four questions once, and the readers then walk plain objects. Texts are slices of
// the source, positions are computed from indices: nothing refers to the wasm tree afterwards, so
// it can be deleted right away.
import type { Node } from '../../parsing/parser';

export interface Point {
  row: number;
  column: number;
}

/** The source a tree covers and where its lines start, shared by its nodes. */
class SourceText {
  private lineStarts: number[] | undefined;

  /** `text`: the root node's text, which starts at `offset` of the file, at `start`. */
  constructor(
    readonly text: string,
    private readonly offset: number,
    private readonly start: Point,
  ) {}

  slice(startIndex: number, endIndex: number): string {
    return this.text.slice(startIndex - this.offset, endIndex - this.offset);
  }

  /** tree-sitter's point of an index: rows count '\n', columns are UTF-16 units past the row's start. */
  point(index: number): Point {
    const starts = (this.lineStarts ??= lineStarts(this.text));
    const at = index - this.offset;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= at) lo = mid;
      else hi = mid - 1;
    }
    return lo === 0
      ? { row: this.start.row, column: this.start.column + at }
      : { row: this.start.row + lo, column: at - starts[lo] };
  }
}

/** Index (in `text`) where each line starts; the first is 0, the start of the text. */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** A node kind, by type id: its name, whether it is named, whether it is punctuation. */
interface Kind {
  type: string;
  named: boolean;
  punctuation: boolean;
}

/** Shared by every leaf (most nodes): one array fewer to allocate and collect per node. */
const NO_CHILDREN: SyntaxNode[] = [];

/**
 * A node as the readers use it: the subset of web-tree-sitter's `Node` they call, on plain data.
 * `children` leaves out punctuation (`(`, `,`, `:`) that fills no field; keywords (`async`, `def`)
 * and operators in a field (a binary operator's `+`) are kept.
 */
export class SyntaxNode {
  parent: SyntaxNode | null = null;
  children: SyntaxNode[] = NO_CHILDREN;
  private named: SyntaxNode[] | undefined;
  readonly type: string;
  readonly isNamed: boolean;

  constructor(
    private readonly source: SourceText,
    kind: Kind,
    /** The field this node fills in its parent ('name', 'body', …), if any. */
    readonly field: string | undefined,
    readonly startIndex: number,
    readonly endIndex: number,
  ) {
    this.type = kind.type;
    this.isNamed = kind.named;
  }

  get text(): string {
    return this.source.slice(this.startIndex, this.endIndex);
  }

  get startPosition(): Point {
    return this.source.point(this.startIndex);
  }

  get endPosition(): Point {
    return this.source.point(this.endIndex);
  }

  get namedChildren(): SyntaxNode[] {
    return (this.named ??= this.children.length === 0 ? NO_CHILDREN : this.children.filter((c) => c.isNamed));
  }

  get namedChildCount(): number {
    return this.namedChildren.length;
  }

  namedChild(index: number): SyntaxNode | null {
    return this.namedChildren[index] ?? null;
  }

  child(index: number): SyntaxNode | null {
    return this.children[index] ?? null;
  }

  childForFieldName(field: string): SyntaxNode | null {
    for (const c of this.children) if (c.field === field) return c;
    return null;
  }

  childrenForFieldName(field: string): SyntaxNode[] {
    return this.children.filter((c) => c.field === field);
  }
}

/** Plain trees already read, by the web-tree-sitter root they came from: both readers of a file share one walk. */
const read = new WeakMap<Node, SyntaxNode>();

/** The plain tree of `root` (read once per root object; the wasm tree is not needed afterwards). */
export function plainTree(root: Node): SyntaxNode {
  let tree = read.get(root);
  if (!tree) {
    tree = readTree(root);
    read.set(root, tree);
  }
  return tree;
}

function readTree(root: Node): SyntaxNode {
  const source = new SourceText(root.text, root.startIndex, root.startPosition);
  const language = root.tree.language;
  // Node kinds by type id: named or not (one id per kind; a name can be both, as '(' vs a rule), and
  // whether a reader can ask for it: punctuation (`(`, `,`, `:`) is left out unless it fills a field
  // (a binary operator's `+`), while keywords (`async`, `def`) stay.
  const kinds: Array<Kind | undefined> = [];
  const kind = (id: number): Kind => {
    let k = kinds[id];
    if (!k) {
      const type = language.types[id] || 'ERROR';
      const named = id === 0xffff || language.nodeTypeIsNamed(id);
      k = kinds[id] = { type, named, punctuation: !named && !/^[A-Za-z_]/.test(type) };
    }
    return k;
  };
  const fields = language.fields;
  const cursor = root.walk();
  try {
    const rootKind = kind(cursor.nodeTypeId);
    const top = new SyntaxNode(source, rootKind, undefined, root.startIndex, root.endIndex);
    let parent = top;
    if (!cursor.gotoFirstChild()) return top;
    // Iterative: deeply nested code must not overflow the stack.
    for (;;) {
      const k = kind(cursor.nodeTypeId);
      const fieldId = cursor.currentFieldId;
      if (!k.punctuation || fieldId) {
        const node = new SyntaxNode(
          source,
          k,
          fieldId ? (fields[fieldId] ?? undefined) : undefined,
          cursor.startIndex,
          cursor.endIndex,
        );
        node.parent = parent;
        if (parent.children === NO_CHILDREN) parent.children = [node];
        else parent.children.push(node);
        if (cursor.gotoFirstChild()) {
          parent = node;
          continue;
        }
      }
      while (!cursor.gotoNextSibling()) {
        if (parent === top || !cursor.gotoParent()) return top;
        parent = parent.parent!;
      }
    }
  } finally {
    cursor.delete();
  }
}
