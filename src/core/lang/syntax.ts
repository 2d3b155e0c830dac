// One file's syntax tree (Python or JavaScript/TypeScript) as plain JavaScript objects, read in one TreeCursor walk.
//
// web-tree-sitter hands out a fresh `Node` for every child and marshals it through wasm memory on every
// property read (`type`, `childForFieldName`, `text`, …): on real 300k–400k-line servers that walk, not the parse,
// took most of the time, and discovery and analysis each paid it. Here each node is visited once: its type id,
// field id and two offsets are read from the cursor, everything else (type name, named-ness, text, line and
// column) is computed in JavaScript. Discovery and analysis both read this tree; it holds no wasm object and is
// dropped with the facts' extraction. Checked node by node against web-tree-sitter for both grammars
// (test/unit/lang-python-syntax.test.ts, lang-node-syntax.test.ts).
import type { Language as TsLanguage, Node as TsNode } from 'web-tree-sitter';

export interface Point {
  row: number;
  column: number;
}

/** The file's text and where its lines start: what every node's text and position are computed from. */
class SourceText {
  private lineStarts: number[] | undefined;

  constructor(
    /** The root node's text (tree-sitter's root starts after leading whitespace). */
    readonly text: string,
    /** The root's offset in the file, and its row and column. */
    readonly base: number,
    private readonly baseRow: number,
    private readonly baseColumn: number,
  ) {}

  slice(start: number, end: number): string {
    return this.text.slice(start - this.base, end - this.base);
  }

  /** Row and column (UTF-16 units) as tree-sitter reports them: rows split at '\n' only. */
  point(index: number): Point {
    const starts = (this.lineStarts ??= lineStarts(this.text));
    const offset = index - this.base;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo === 0
      ? { row: this.baseRow, column: this.baseColumn + offset }
      : { row: this.baseRow + lo, column: offset - starts[lo] };
  }
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** The children of every leaf: one shared empty array (frozen: nothing may add to it). */
const NO_CHILDREN: SyntaxNode[] = Object.freeze([]) as unknown as SyntaxNode[];

/**
 * One node: the part of web-tree-sitter's `Node` the extractors read, with the same answers but for punctuation
 * left out of `children` (checked node by node against web-tree-sitter in test/unit/lang-node-syntax.test.ts).
 */
export class SyntaxNode {
  /**
   * Visible children in order, anonymous ones (`async`, `default`, operators) included, punctuation that fills no
   * field left out (see readSyntax). Read-only.
   */
  children: SyntaxNode[] = NO_CHILDREN;
  /** Unique within the file (a pre-order number); set by the walk. */
  id = 0;
  /** Set by the walk; null for the root. */
  parent: SyntaxNode | null = null;
  readonly type: string;
  readonly isNamed: boolean;
  private named: SyntaxNode[] | undefined;
  private start: Point | undefined;
  private end: Point | undefined;

  constructor(
    private readonly source: SourceText,
    kind: Kind,
    /** The field this node fills in its parent (`name`, `body`, …), or null. */
    readonly field: string | null,
    readonly startIndex: number,
    readonly endIndex: number,
  ) {
    this.type = kind.type;
    this.isNamed = kind.named;
  }

  get text(): string {
    return this.source.slice(this.startIndex, this.endIndex);
  }

  /** Read-only; the children themselves when all are named (most nodes: no second array). */
  get namedChildren(): SyntaxNode[] {
    if (this.named === undefined) {
      const children = this.children;
      let i = 0;
      while (i < children.length && children[i].isNamed) i++;
      this.named = i === children.length ? children : children.filter((c) => c.isNamed);
    }
    return this.named;
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

  childrenForFieldName(field: string): SyntaxNode[] {
    return this.type === 'ERROR' ? [] : this.children.filter((c) => c.field === field);
  }

  /**
   * The first child in `field`, as tree-sitter's `ts_node_child_by_field_name`: an ERROR node has no fields (the
   * cursor may still name one a child had in the rule that failed).
   */
  childForFieldName(field: string): SyntaxNode | null {
    if (this.type === 'ERROR') return null;
    for (const c of this.children) if (c.field === field) return c;
    return null;
  }

  get startPosition(): Point {
    return (this.start ??= this.source.point(this.startIndex));
  }

  get endPosition(): Point {
    return (this.end ??= this.source.point(this.endIndex));
  }
}

/** A node kind, by type id: its name, whether it is named, whether it is punctuation. */
interface Kind {
  type: string;
  named: boolean;
  punctuation: boolean;
}

/**
 * Each grammar's kinds by type id, kept for the process: per file, finding them again cost a wasm call
 * (`nodeTypeIsNamed`) and a regular expression per type the file uses, a fixed cost on every small file.
 */
const kindsByLanguage = new WeakMap<TsLanguage, Array<Kind | undefined>>();

function kindsOf(language: TsLanguage): Array<Kind | undefined> {
  let kinds = kindsByLanguage.get(language);
  if (!kinds) kindsByLanguage.set(language, (kinds = []));
  return kinds;
}

function newKind(language: TsLanguage, kinds: Array<Kind | undefined>, typeId: number): Kind {
  const type = language.types[typeId] || 'ERROR';
  // 0xffff: tree-sitter's ERROR symbol, named, which the language's tables do not list
  const named = typeId === 0xffff || language.nodeTypeIsNamed(typeId);
  return (kinds[typeId] = { type, named, punctuation: !named && !/^[A-Za-z_]/.test(type) });
}

/**
 * The tree under `root` as SyntaxNodes, in one pre-order cursor walk without recursion (minified or
 * generated code nests thousands deep). Punctuation (`(`, `,`, `;`, `=>`: anonymous, not a word) that fills no
 * field is left out, a quarter of the nodes no extractor asks about; keywords (`async`, `const`, `default`) and
 * operators in a field (a binary expression's `+`) stay.
 */
export function readSyntax(root: TsNode): SyntaxNode {
  const language = root.tree.language;
  const fields = language.fields;
  const kinds = kindsOf(language);
  const kindOf = (typeId: number): Kind => kinds[typeId] ?? newKind(language, kinds, typeId);
  const startPosition = root.startPosition;
  const source = new SourceText(root.text, root.startIndex, startPosition.row, startPosition.column);
  const cursor = root.walk();
  // Each node's children are gathered on one shared stack and copied out in one array of their exact length when
  // the walk leaves the node: pushing onto a fresh array per node grew most to 17 slots, memory every reading of
  // a large file held (and the collector copied) for nothing.
  const pending: SyntaxNode[] = [];
  /** For each node the walk is inside, where its children start in `pending` (the innermost last). */
  const firsts: number[] = [];
  const close = (node: SyntaxNode): void => {
    const first = firsts.pop()!;
    if (pending.length > first) node.children = pending.slice(first);
    pending.length = first;
  };
  try {
    let id = 0;
    const rootKind = kindOf(cursor.nodeTypeId);
    const top = new SyntaxNode(source, rootKind, null, root.startIndex, root.endIndex);
    top.id = id++;
    /** The parent of the node the cursor is on. */
    let parent = top;
    if (!cursor.gotoFirstChild()) return top;
    firsts.push(0);
    for (;;) {
      const kind = kindOf(cursor.nodeTypeId);
      const fieldId = cursor.currentFieldId;
      if (!kind.punctuation || fieldId) {
        const node = new SyntaxNode(
          source,
          kind,
          fieldId ? (fields[fieldId] ?? null) : null,
          cursor.startIndex,
          cursor.endIndex,
        );
        node.id = id++;
        node.parent = parent;
        pending.push(node);
        if (cursor.gotoFirstChild()) {
          firsts.push(pending.length);
          parent = node;
          continue;
        }
      }
      while (!cursor.gotoNextSibling()) {
        if (parent === top || !cursor.gotoParent()) {
          for (let open: SyntaxNode | null = parent; open; open = open.parent) close(open);
          return top;
        }
        close(parent);
        parent = parent.parent!;
      }
    }
  } finally {
    cursor.delete();
  }
}

/**
 * The last reading and the web-tree-sitter root it was read from: discovery and analysis extract one file right
 * after the other, so one entry shares the walk, and no earlier file's nodes stay reachable (a WeakMap's entries
 * live until a full collection: +75 MB peak on a 325k-line server).
 */
let last: { root: TsNode; reading: SyntaxNode } | undefined;

/** The one reading of a parsed file's tree (read on first use, then shared until another root is read). */
export function syntaxOf(root: TsNode): SyntaxNode {
  if (last?.root !== root) last = { root, reading: readSyntax(root) };
  return last.reading;
}
