// The serialisable facts one Python file contributes to route discovery. Extraction
// records expressions structurally and knows no framework; the linker interprets them,
// so a router defined in one file and included in another is resolved only once all
// files' facts are known.

import type { PyAst } from '../../lang/python/expr';
import { nameRecord } from '../../lang/shared/records';

/** An expression, reduced to what route discovery can use. */
export type PyExpr =
  | { k: 'str'; v: string }
  | { k: 'fstr'; parts: Array<string | PyExpr> }
  | { k: 'ref'; name: string } // a dotted name: a, a.b.c
  | { k: 'attr'; obj: PyExpr; name: string } // attribute of something that is not a plain name
  | { k: 'call'; fn: PyExpr; args: PyExpr[]; kw: Record<string, PyExpr>; line?: number } // line: 1-based, where the call starts
  | { k: 'seq'; items: PyExpr[] }
  | { k: 'add'; l: PyExpr; r: PyExpr }
  | {
      k: 'other';
      /** The source, when short (placeholders of unevaluated paths). */
      text?: string;
      /** What `*x` in a list literal unpacks. */
      spread?: PyExpr;
      /** A dict literal's entries. */
      dict?: PyDictEntry[];
      /** A list comprehension's parts. */
      comp?: PyComprehension;
      /** `a if c else b`: its two values. */
      either?: [PyExpr, PyExpr];
    };

/** `[path(p, v) for p, v in ITEMS if …]`: one `for`, its targets (a flat tuple of names), `filtered` by `conds`. */
export interface PyComprehension {
  elt: PyExpr;
  targets: string[];
  iter: PyExpr;
  filtered?: boolean;
  /** The `if` clauses' conditions, in order (present when `filtered`). */
  conds?: PyExpr[];
}

/**
 * `e` with `f` applied to each expression directly inside it: a call's callee and arguments, a list's items, a
 * comprehension's element and iterable, a conditional's two values, … (`e` itself when it has none). The one walk
 * every rewrite of an expression (substituting parameters, hiding names) goes through, so none misses a kind.
 */
export function mapChildren(e: PyExpr, f: (x: PyExpr) => PyExpr): PyExpr {
  switch (e.k) {
    case 'attr':
      return { ...e, obj: f(e.obj) };
    case 'call': {
      const kw = nameRecord<PyExpr>();
      for (const [k, v] of Object.entries(e.kw)) kw[k] = f(v);
      return { ...e, fn: f(e.fn), args: e.args.map(f), kw };
    }
    case 'fstr':
      return { k: 'fstr', parts: e.parts.map((p) => (typeof p === 'string' ? p : f(p))) };
    case 'seq':
      return { k: 'seq', items: e.items.map(f) };
    case 'add':
      return { k: 'add', l: f(e.l), r: f(e.r) };
    case 'other': {
      const { spread, dict, comp, either } = e;
      if (!spread && !dict && !comp && !either) return e;
      return {
        ...e,
        ...(spread ? { spread: f(spread) } : {}),
        ...(dict ? { dict: dict.map((d) => ({ ...(d.key ? { key: f(d.key) } : {}), value: f(d.value) })) } : {}),
        ...(comp
          ? {
              comp: {
                ...comp,
                elt: f(comp.elt),
                iter: f(comp.iter),
                ...(comp.conds ? { conds: comp.conds.map(f) } : {}),
              },
            }
          : {}),
        ...(either ? { either: [f(either[0]), f(either[1])] as [PyExpr, PyExpr] } : {}),
      };
    }
    default:
      return e;
  }
}

/** An entry of a dict literal (`{"get": "list"}`); no key for a `**x` it unpacks. */
export interface PyDictEntry {
  key?: PyExpr;
  value: PyExpr;
}

/** `import a.b as c` → {local: 'c', module: 'a.b', level: 0}; `from ..x import y as z` → {local: 'z', module: 'x', name: 'y', level: 2}. */
export interface PyImport {
  local: string;
  module: string;
  name?: string;
  level: number;
  /** The enclosing function's name for an import inside a function (an app factory's `from .views import bp`); absent at module level. */
  scope?: string;
}

export interface PyRange {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** A range that is one line's start: where a route registered by a call, or a class's header, is shown. */
export function lineRange(line: number): PyRange {
  return { line, column: 0, endLine: line, endColumn: 0 };
}

/**
 * `scope` is '' at module level, else the enclosing function's name (app factories), or `Class.method` for what a
 * module-level class's method makes (instances of CapWords calls, and the locals and imports they read).
 */
export interface PyAssignment {
  scope: string;
  /** A dotted name for an attribute target (`self.server = Server(api)`): no lookup finds it by that name. */
  name: string;
  value: PyExpr;
  /** `urlpatterns += [...]` */
  augmented?: boolean;
  /** Inside an if/try/with/for/while of a function's body: it may not run. */
  conditional?: boolean;
  /**
   * `return Starlette(routes=…)`: the value a function returns, under a name no code can write (`create_app() (line
   * 9)`). Evaluated only when something asks for it (a call of the function, a lifespan given it), never on its
   * own: most functions return calls that are no router.
   */
  returned?: boolean;
}

/**
 * A parameter as the def writes it: its texts are Route.params; their readings (absent when unreadable, see
 * lang/python/expr.ts) are what request-body templates are derived from.
 */
export interface PyParam {
  name: string;
  annotation?: string;
  default?: string;
  annotationAst?: PyAst;
  defaultAst?: PyAst;
}

export interface PyFunction {
  scope: string;
  name: string;
  async: boolean;
  range: PyRange;
  decorators: PyExpr[];
  params: PyParam[];
  /** Names the function returns (`return app`), for factories. */
  returns: string[];
  /** The return annotation when it is a plain or dotted name (`-> AppSettings`). */
  returnType?: string;
}

export interface PyClass {
  name: string;
  /** The enclosing function's name for a class defined inside one (class factories); absent at module level. */
  scope?: string;
  bases: PyExpr[];
  range: PyRange;
  decorators: PyExpr[];
  /** Class-level `NAME = value` / `NAME: type = value` (settings classes hold route prefixes). */
  attributes: Record<string, PyExpr>;
  /**
   * Class-level `name: type = value`, `name: type` and `name = value` statements as written, in
   * order (request-body models' fields, enum members), for classes with bases or decorators.
   * Texts over 1,000 characters are left out, except that an annotation that long is kept as ''.
   */
  fields?: PyParam[];
  methods: PyMethod[];
}

export interface PyMethod {
  name: string;
  async: boolean;
  range: PyRange;
  decorators: PyExpr[];
  params: PyParam[];
  /**
   * Module-level classes only: what the method does with its instance, in order (a controller base class's
   * `__init__` that builds `self.router` and registers `self.list` on it): `self.x = value`, and calls
   * `self.….m(…)` / `super().m(…)`. The instance is named by the first parameter. Absent when there are none.
   */
  selfStatements?: PySelfStatement[];
  /**
   * A `@classmethod`/`@staticmethod` whose every return is the class's one instance (`return cls()`, `return
   * cls._instance` after `cls._instance = cls()`): a call of it stands for an instance of the class (singletons.ts).
   */
  instanceAccessor?: true;
}

export type PySelfStatement = { attr: string; value: PyExpr } | { call: PyExpr };

export interface PythonRouteFacts {
  imports: PyImport[];
  assignments: PyAssignment[];
  functions: PyFunction[];
  classes: PyClass[];
  /** Calls made as statements (`app.include_router(...)`), with their scope and the innermost `for` (index in `loops`) around them. */
  calls: Array<{ scope: string; call: PyExpr; loop?: number }>;
  /** `for` statements: the names each iteration binds and what it iterates over. */
  loops: PyLoop[];
  /** Module-level `from x import *`, in order: the modules whose public names this one binds too. */
  stars?: Array<{ module: string; level: number }>;
}

/** `for bp in [a.bp, b.bp]:` → {targets: ['bp'], iter: [a.bp, b.bp]}; `for prefix, r in ROUTERS:` → targets ['prefix', 'r']. */
export interface PyLoop {
  scope: string;
  targets: string[];
  iter: PyExpr;
}

/** The dotted name of a ref, or undefined. */
export function refName(e: PyExpr | undefined): string | undefined {
  return e?.k === 'ref' ? e.name : undefined;
}
