// Per-file facts the analyzer needs, as plain serialisable data: the syntax tree is
// deleted right after extraction and these are cached by content hash (ProjectIndex).

/** 1-based lines and columns; endColumn is exclusive (the column just past the last character). */
export interface Span { line: number; column: number; endLine: number; endColumn: number }

export interface CallFact {
  /** Resolved as far as the file allows: 'time.sleep', 'requests.Session#get', 'app.helpers.load_remote', 'fs.readFileSync'. */
  callee?: string;
  /** The callee as written ('nap', 'rq.get', 's.get'). */
  written: string;
  /** Source text between the parentheses (capped), for rewrites. */
  args: string;
  argCount: number;
  span: Span;
  awaited: boolean;
  /** Column just past the end of the call's first line, where a suppression comment goes. */
  lineEnd: number;
}

export interface FunctionFact {
  name: string;
  /** Qualified inside the module: 'Class.method', 'outer.inner'. */
  qualname: string;
  async: boolean;
  /** Index of the enclosing function in `functions`, for nested functions. */
  parent?: number;
  decorators: string[];
  /** FastAPI `Depends(fn)` targets, resolved like callees. */
  depends: string[];
  /** Line of the `def`/`function` keyword (routes point here). */
  defLine: number;
  span: Span;
  /** The `async ` keyword and the space after it, for the "make it def" fix. */
  asyncKeyword?: Span;
  hasAwait: boolean;
  calls: CallFact[];
}

export interface CodeFacts {
  language: 'python' | 'node';
  /** 'app.helpers' for app/helpers.py; 'src/helpers' for src/helpers.js. */
  module: string;
  functions: FunctionFact[];
  /** Line → suppressed rule ids ('*' = every rule). */
  suppressions: Record<number, string[]>;
  /** Python: whether `import asyncio` is present, and the line where a new import goes. */
  importsAsyncio?: boolean;
  importLine?: number;
}
