// One Python file's tree → PythonRouteFacts. A walk over statements (module level,
// function bodies for app factories, if/try/with blocks; of methods, only the instances
// they make), never throwing: whatever
// cannot be read becomes { k: 'other' } and is skipped by the linker.
import type { Node } from '../../parsing/parser';
import { PyAstReader } from '../../lang/python/expr';
import { readImport, readImportModule } from '../../lang/python/modules';
import { syntaxOf, type SyntaxNode } from '../../lang/syntax';
import { nameRecord } from '../../lang/shared/records';
import type { WorkspaceFile } from '../../workspace';
import type {
  PyClass,
  PyDictEntry,
  PyExpr,
  PyFunction,
  PyMethod,
  PyParam,
  PyRange,
  PySelfStatement,
  PythonRouteFacts,
} from './facts';
import { mapChildren, refName } from './facts';
import { instanceAccessors, type MethodNode } from './singletons';

type CallExpr = Extract<PyExpr, { k: 'call' }>;

/**
 * Expression nesting the walk follows; deeper, an expression is unknown ({ k: 'other' }). Files
 * with 3,000-term sums or 5,000 nested brackets then still yield their routes, and the facts stay
 * shallow for the linker.
 */
const MAX_DEPTH = 40;
/** Statement nesting (if/try/with blocks) the walk follows; tree-sitter itself stops near 1,000. */
const MAX_BLOCK_DEPTH = 100;
/** Parameter annotations and defaults longer than this are left out (they pre-fill nothing). */
const MAX_PARAM_TEXT = 1000;

export function extractPythonRouteFacts(_file: WorkspaceFile, root: Node): PythonRouteFacts {
  const facts: PythonRouteFacts = { imports: [], assignments: [], functions: [], classes: [], calls: [], loops: [] };
  walkBlock(syntaxOf(root), '', { facts, exprs: new PyAstReader(root) });
  return facts;
}

/** What one file's walk fills, and the reader of its annotations and defaults. */
interface Walk {
  facts: PythonRouteFacts;
  exprs: PyAstReader;
  /** Compound statements (if/try/with/for/while) around the statement walked, inside the function walked. */
  branches?: number;
}

/** `loop`: the index in `facts.loops` of the innermost `for` whose body is being walked. */
function walkBlock(block: SyntaxNode, scope: string, w: Walk, depth = 0, loop?: number): void {
  if (depth > MAX_BLOCK_DEPTH) return;
  for (const stmt of block.namedChildren) if (stmt) walkStatement(stmt, scope, w, depth + 1, loop);
}

function walkStatement(stmt: SyntaxNode, scope: string, w: Walk, depth = 0, loop?: number): void {
  const { facts } = w;
  if (depth > MAX_BLOCK_DEPTH) return;
  switch (stmt.type) {
    case 'import_statement':
    case 'import_from_statement':
      // Function-level imports bind names in that function only (a factory's `from .views import bp`)
      for (const imp of readImport(stmt)) facts.imports.push(scope === '' ? imp : { ...imp, scope });
      // `from .views import *` (a package's __init__ re-exporting its modules): a name not bound here is looked up there
      if (scope === '' && stmt.namedChildren.some((c) => c?.type === 'wildcard_import')) {
        const from = readImportModule(stmt);
        if (from) (facts.stars ??= []).push(from);
      }
      return;
    case 'expression_statement':
      for (const child of stmt.namedChildren)
        if (child) walkExpressionStatement(child, scope, facts, loop, scope !== '' && (w.branches ?? 0) > 0);
      return;
    case 'return_statement':
      // `return create_api_app(health_path="/hc")`: a call site like any other (factories calling factories).
      // Inside a function it is also the value the function returns (`return Starlette(routes=…)`), kept as an
      // assignment to a name no code can write (returnedName), which collectReturns lists in the function's returns.
      for (const child of stmt.namedChildren)
        if (child?.type === 'call') {
          const value = expr(child);
          facts.calls.push(callFact(scope, value, loop));
          if (scope) facts.assignments.push({ scope, name: returnedName(scope, child), value, returned: true });
        } else if (scope && RETURNED_LISTS.has(child?.type ?? '') && child) {
          // `return [path(...) for …]`: the patterns a urlconf helper builds
          facts.assignments.push({ scope, name: returnedName(scope, child), value: expr(child), returned: true });
        }
      return;
    case 'decorated_definition': {
      const decorators = stmt.namedChildren.filter((c): c is SyntaxNode => c?.type === 'decorator').map(decoratorExpr);
      const def = stmt.childForFieldName('definition');
      if (def) walkDefinition(def, scope, decorators, w);
      return;
    }
    case 'function_definition':
    case 'class_definition':
      walkDefinition(stmt, scope, [], w);
      return;
    case 'for_statement': {
      // `for bp in [a.bp, b.bp]: app.register_blueprint(bp)`: the calls in its body are read once per item
      const targets = loopTargets(stmt.childForFieldName('left'));
      const right = stmt.childForFieldName('right');
      let inner = loop;
      if (targets && right) inner = facts.loops.push({ scope, targets, iter: expr(right) }) - 1;
      const body = stmt.childForFieldName('body');
      w.branches = (w.branches ?? 0) + 1;
      if (body) walkBlock(body, scope, w, depth + 1, inner);
      const orelse = stmt.childForFieldName('alternative');
      if (orelse) walkStatement(orelse, scope, w, depth + 1, loop);
      w.branches--;
      return;
    }
    default:
      // if/elif/else, try/except/finally, with, while: routes are often registered inside them
      w.branches = (w.branches ?? 0) + 1;
      for (const child of stmt.namedChildren) {
        if (!child) continue;
        if (child.type === 'block') walkBlock(child, scope, w, depth + 1, loop);
        else if (/_clause$/.test(child.type)) walkStatement(child, scope, w, depth + 1, loop);
      }
      w.branches--;
  }
}

function walkExpressionStatement(
  node: SyntaxNode,
  scope: string,
  facts: PythonRouteFacts,
  loop: number | undefined,
  conditional: boolean,
): void {
  if (node.type === 'assignment' || node.type === 'augmented_assignment') {
    const left = node.childForFieldName('left');
    const right = node.childForFieldName('right');
    if (!left || !right) return;
    // `router = await make_router(app)`: the awaited call's result is what the async factory returns
    const called = right.type === 'await' && right.namedChildren[0]?.type === 'call' ? right.namedChildren[0] : right;
    const value = expr(called);
    if (left.type === 'identifier') {
      facts.assignments.push({
        scope,
        name: left.text,
        value,
        ...(node.type === 'augmented_assignment' ? { augmented: true } : {}),
        ...(conditional ? { conditional: true } : {}),
      });
    } else if (left.type === 'attribute' && node.type === 'assignment' && constructs(value)) {
      // `holder.server = Server(init_api())`: an instance kept on an object, under its dotted name (no lookup
      // finds it by that name; the link only runs the instance's `__init__`)
      const target = expr(left);
      if (target.k === 'ref') facts.assignments.push({ scope, name: target.name, value });
    }
    if (called.type === 'call') facts.calls.push(callFact(scope, value, loop)); // `x = app.include_router(...)` is rare but harmless
  } else if (node.type === 'call') {
    facts.calls.push(callFact(scope, expr(node), loop));
  } else if (node.type === 'await' && node.namedChildren[0]?.type === 'call') {
    // `await startup(app)`: an async setup function given the app registers routes as a plain call does
    facts.calls.push(callFact(scope, expr(node.namedChildren[0]), loop));
  }
}

function callFact(scope: string, call: PyExpr, loop: number | undefined): PythonRouteFacts['calls'][number] {
  return loop === undefined ? { scope, call } : { scope, call, loop };
}

/** A for loop's target names: `x`, or `prefix, router` (a flat tuple of names); undefined for anything else. */
function loopTargets(left: SyntaxNode | null): string[] | undefined {
  if (left?.type === 'identifier') return [left.text];
  if (left?.type !== 'pattern_list' && left?.type !== 'tuple_pattern') return undefined;
  const names = left.namedChildren.map((c) => (c?.type === 'identifier' ? c.text : undefined));
  return names.every((n): n is string => n !== undefined) && names.length > 0 ? names : undefined;
}

function walkDefinition(def: SyntaxNode, scope: string, decorators: PyExpr[], w: Walk): void {
  const { facts, exprs } = w;
  const name = def.childForFieldName('name')?.text;
  if (!name) return;
  if (def.type === 'function_definition') {
    const fn: PyFunction = {
      scope,
      name,
      async: isAsync(def),
      range: rangeOf(def),
      decorators,
      params: readParams(def, exprs),
      returns: [],
    };
    // `def get_settings() -> Settings`: the settings object a prefix is read from (`get_settings().api_prefix`)
    const returnType = def.childForFieldName('return_type');
    const annotated = returnType?.namedChildren[0] ?? returnType;
    if (annotated && (annotated.type === 'identifier' || annotated.type === 'attribute'))
      fn.returnType = annotated.text;
    facts.functions.push(fn);
    const body = def.childForFieldName('body');
    // Nested functions' bodies are walked too: factories register routes on their local app.
    if (body && scope === '') {
      // the body runs as a whole whatever statement the def is in
      const around = w.branches;
      w.branches = 0;
      walkBlock(body, name, w);
      w.branches = around;
      collectReturns(body, name, fn.returns);
    }
  } else if (def.type === 'class_definition') {
    const bases =
      def
        .childForFieldName('superclasses')
        ?.namedChildren.filter((c): c is SyntaxNode => !!c && c.type !== 'keyword_argument')
        .map((c) => expr(c)) ?? [];
    const cls: PyClass = { name, bases, range: rangeOf(def), decorators, attributes: nameRecord(), methods: [] };
    // A class defined inside a function: a class factory's product (`def make_router_class(): class R(APIRouter): …; return R`)
    if (scope) cls.scope = scope;
    // Only a class with bases or decorators can be a pydantic model, a dataclass or an enum.
    const fields: PyParam[] | undefined = bases.length > 0 || decorators.length > 0 ? [] : undefined;
    const methodNodes: MethodNode[] = [];
    for (const stmt of def.childForFieldName('body')?.namedChildren ?? []) {
      if (!stmt) continue;
      if (stmt.type === 'expression_statement') {
        const a = stmt.namedChildren[0];
        const left = a?.type === 'assignment' ? a.childForFieldName('left') : undefined;
        const right = a?.childForFieldName('right');
        if (left?.type === 'identifier' && right) cls.attributes[left.text] = expr(right);
        if (left?.type === 'identifier' && fields) {
          const field: PyParam = { name: left.text };
          const type = a.childForFieldName('type');
          // an annotation too long to keep still makes a field (of a type not known): ''
          if (type) keepAnnotation(field, type, exprs, '');
          if (right) keepDefault(field, right, exprs);
          fields.push(field);
        }
        continue;
      }
      const decos =
        stmt.type === 'decorated_definition'
          ? stmt.namedChildren.filter((c): c is SyntaxNode => c?.type === 'decorator').map(decoratorExpr)
          : [];
      const m = stmt.type === 'decorated_definition' ? stmt.childForFieldName('definition') : stmt;
      if (m?.type === 'function_definition') {
        const mName = m.childForFieldName('name')?.text;
        if (mName) {
          const method: PyMethod = {
            name: mName,
            async: isAsync(m),
            range: rangeOf(m),
            decorators: decos,
            params: readParams(m, exprs),
          };
          const self = method.params[0]?.name;
          const body = m.childForFieldName('body');
          let statements: PySelfStatement[] = [];
          if (!scope && self && !self.startsWith('*') && body) {
            const others = new Set(method.params.slice(1).map((p) => p.name.replace(/^\*+/, '')));
            selfStatements(body, self, others, statements);
          }
          // calls that hand the instance's or a parameter's router on: their names are read in the method's scope
          const handing = statements.filter(
            (st): st is { call: CallExpr } => 'call' in st && st.call.k === 'call' && !onInstance(st.call, self),
          );
          if (!scope && body && !methodInstances(body, `${name}.${mName}`, method.params, facts, handing))
            statements = statements.filter((st) => !handing.includes(st as { call: CallExpr }));
          if (statements.length > 0) method.selfStatements = statements;
          cls.methods.push(method);
          methodNodes.push({ name: mName, def: m, decorators: decos.map((d) => refName(d) ?? '') });
        }
      }
    }
    for (const accessor of instanceAccessors(name, def.childForFieldName('body'), methodNodes))
      for (const method of cls.methods) if (method.name === accessor) method.instanceAccessor = true;
    if (fields) cls.fields = fields;
    facts.classes.push(cls);
  }
}

/** Limit on the statements recorded per method (an `__init__` registering hundreds of routes is still read). */
const MAX_SELF_STATEMENTS = 2000;

/**
 * A method body's statements on its instance `self` (named by the first parameter): `self.x = value`, and
 * calls `self.a.m(…)`, `self.m(…)`, `super().m(…)`, in order, inside if/try/with blocks too (not loops). Also
 * the calls that may register routes on a router the method is handed or holds: a call on another parameter
 * (`app.include_router(…)`, `app.router.add_get(…)`), and a call passing one, or an attribute of the instance,
 * as an argument (`setup_routes(self.app)`, `register(app)`).
 */
function selfStatements(
  block: SyntaxNode,
  self: string,
  params: ReadonlySet<string>,
  out: PySelfStatement[],
  depth = 0,
): void {
  if (depth > MAX_BLOCK_DEPTH) return;
  for (const stmt of block.namedChildren) {
    if (!stmt || out.length >= MAX_SELF_STATEMENTS) return;
    if (stmt.type === 'expression_statement') {
      const node = stmt.namedChildren[0];
      if (node?.type === 'assignment') {
        const left = node.childForFieldName('left');
        const right = node.childForFieldName('right');
        if (left?.type === 'attribute' && left.childForFieldName('object')?.text === self && right) {
          const attr = left.childForFieldName('attribute')?.text;
          if (attr) out.push({ attr, value: expr(right) });
        }
      } else if (node?.type === 'call') {
        const call = expr(node);
        if (call.k !== 'call') continue;
        if (onInstance(call, self) || handsOn(call, self, params)) out.push({ call });
      }
    } else if (
      stmt.type !== 'function_definition' &&
      stmt.type !== 'class_definition' &&
      stmt.type !== 'decorated_definition' &&
      stmt.type !== 'for_statement' &&
      stmt.type !== 'while_statement'
    ) {
      for (const child of stmt.namedChildren)
        if (child && (child.type === 'block' || /_clause$/.test(child.type)))
          selfStatements(child, self, params, out, depth + 1);
    }
  }
}

/** `self.m(…)`, `self.a.m(…)`, `super().m(…)`: a call on the instance. */
function onInstance(call: CallExpr, self: string): boolean {
  const onSelf = call.fn.k === 'ref' && call.fn.name.startsWith(`${self}.`);
  const onSuper = call.fn.k === 'attr' && call.fn.obj.k === 'call' && refName(call.fn.obj.fn) === 'super';
  return onSelf || onSuper;
}

/**
 * A call that may register routes on a router a method holds or is handed: `app.m(…)` or `app.router.m(…)` on a
 * parameter `app`, or a call of a name given such a parameter or an attribute of the instance (`self.app`).
 */
function handsOn(call: CallExpr, self: string, params: ReadonlySet<string>): boolean {
  if (call.fn.k !== 'ref') return false;
  const head = headOf(call.fn.name);
  if (params.has(head)) return call.fn.name.includes('.');
  if (head === self) return false;
  const handed = (a: PyExpr) =>
    a.k === 'ref' && (params.has(a.name) || (a.name.startsWith(`${self}.`) && !a.name.includes('.', self.length + 1)));
  return call.args.some(handed) || Object.values(call.kw).some(handed);
}

/** Parts of a compound statement that hold statements or bind a name (`with open() as f`). */
const STATEMENT_PARTS = new Set(['with_item', 'as_pattern', 'decorated_definition']);

/** Assignments of instances recorded per method (a method building hundreds of objects is still read). */
const MAX_METHOD_ASSIGNMENTS = 200;

/**
 * A method's `x = Cls(…)` and `self.x = Cls(…)` (the instances it makes, a workspace class's `__init__` may build
 * routers), under scope `Class.method`, with what their arguments need to resolve there: the method's plain
 * `name = value` locals they mention (in turn) and its imports. Only assignments of a call of a name are kept
 * (methods are many). A name the method binds any other way (a parameter, a `for` or `with` target, a walrus) is
 * an unevaluated `{name?}`, never the module's name of that spelling; a callee named so makes no instance.
 */
function methodInstances(
  body: SyntaxNode,
  scope: string,
  params: PyParam[],
  facts: PythonRouteFacts,
  handing: Array<{ call: CallExpr }>,
): boolean {
  const plain = new Map<string, Array<{ at: number; value: SyntaxNode }>>();
  const imports = new Map<string, Array<{ at: number; stmt: SyntaxNode }>>();
  const calls: Array<{ at: number; target: SyntaxNode; value: SyntaxNode }> = [];
  const paramNames = params.map((p) => p.name.replace(/^\*+/, ''));
  const hidden = new Set(paramNames);
  /** Names the body binds (a parameter among them is not the caller's value any more). */
  const rebound = new Set<string>();
  let at = 0;
  let complete = true;
  const bindAll = (pattern: SyntaxNode | null, depth: number): void => {
    if (!pattern || depth > MAX_BLOCK_DEPTH) return;
    if (pattern.type === 'identifier') {
      hidden.add(pattern.text);
      rebound.add(pattern.text);
    } else if (pattern.type !== 'attribute' && pattern.type !== 'subscript')
      for (const c of pattern.namedChildren) bindAll(c, depth + 1);
  };
  const assigned = (node: SyntaxNode): void => {
    const left = node.childForFieldName('left');
    let right = node.childForFieldName('right');
    const called = right?.type === 'await' && right.namedChildren[0]?.type === 'call' ? right.namedChildren[0] : right;
    if (left?.type === 'identifier' && called) {
      rebound.add(left.text);
      const list = plain.get(left.text);
      if (list) list.push({ at, value: called });
      else plain.set(left.text, [{ at, value: called }]);
      if (capWordsCall(called)) calls.push({ at, target: left, value: called });
    } else if (left?.type === 'attribute') {
      if (called && capWordsCall(called)) calls.push({ at, target: left, value: called });
    } else bindAll(left, 0);
    // `a = b = f()`: the names further along are bound to what no expression here shows
    for (; right?.type === 'assignment'; right = right.childForFieldName('right'))
      bindAll(right.childForFieldName('left'), 0);
  };
  // Statements, and the expressions of compound statements' headers (`with … as x`, `for x in …`); expression
  // statements' own expressions (most of a body) are not walked: only a walrus binds there, found apart
  const visit = (node: SyntaxNode, depth: number): void => {
    if (depth > MAX_BLOCK_DEPTH * 2) {
      complete = false;
      return;
    }
    at++;
    switch (node.type) {
      case 'function_definition':
      case 'class_definition': {
        const n = node.childForFieldName('name');
        if (n) hidden.add(n.text);
        return; // their bodies are scopes of their own
      }
      case 'expression_statement':
        for (const c of node.namedChildren)
          if (c?.type === 'assignment') assigned(c);
          else if (c?.type === 'augmented_assignment') bindAll(c.childForFieldName('left'), 0);
        return;
      case 'return_statement':
      case 'raise_statement':
      case 'assert_statement':
      case 'delete_statement':
      case 'pass_statement':
      case 'comment':
      case 'lambda':
        return;
      case 'for_statement':
        bindAll(node.childForFieldName('left'), 0);
        break;
      case 'as_pattern':
        bindAll(node.childForFieldName('alias'), 0);
        break;
      case 'global_statement':
      case 'nonlocal_statement':
      case 'match_statement': // capture patterns bind names
        bindAll(node, 0);
        return;
      case 'import_statement':
      case 'import_from_statement':
        for (const imp of readImport(node)) {
          const head = imp.local.split('.')[0];
          const list = imports.get(head);
          if (list) list.push({ at, stmt: node });
          else imports.set(head, [{ at, stmt: node }]);
        }
        return;
    }
    // a block's statements; of a compound statement its blocks, clauses and `as` targets, not a header's
    // expressions (`if` conditions, `for` iterables)
    for (const c of node.namedChildren)
      if (
        c &&
        (node.type === 'block' ||
          c.type === 'block' ||
          STATEMENT_PARTS.has(c.type) ||
          /_(clause|definition)$/.test(c.type))
      )
        visit(c, depth + 1);
  };
  const walrus = (node: SyntaxNode, depth: number): void => {
    if (depth > MAX_BLOCK_DEPTH * 2) complete = false;
    else if (node.type === 'named_expression') bindAll(node.childForFieldName('name'), 0);
    else if (node.type !== 'function_definition' && node.type !== 'class_definition' && node.type !== 'lambda')
      for (const c of node.namedChildren) if (c) walrus(c, depth + 1);
  };
  visit(body, 0);
  if (calls.length === 0 && handing.length === 0) return true;
  if (body.text.includes(':=')) walrus(body, 0);
  if (!complete) return false;
  // a name both imported and assigned here is whichever ran last: not known
  for (const name of imports.keys()) if (plain.has(name)) hidden.add(name);
  const kept: Array<{ at: number; name?: string; value?: PyExpr; stmt?: SyntaxNode }> = [];
  const needed = new Set<string>();
  const wanted: string[] = [];
  const need = (e: PyExpr): void =>
    forEachHead(e, (head) => {
      if (!needed.has(head)) {
        needed.add(head);
        wanted.push(head);
      }
    });
  for (const c of calls) {
    if (kept.length >= MAX_METHOD_ASSIGNMENTS) break;
    const target = expr(c.target);
    const value = expr(c.value);
    if (target.k !== 'ref' || !constructs(value)) continue;
    if (hidden.has(target.name) || hidden.has(headOf(value.fn.name))) continue;
    const shown = hideNames(value, hidden);
    kept.push({ at: c.at, name: target.name, value: shown });
    need(shown);
  }
  // a call handing a router on: parameters stay (the link binds them to the caller's arguments) unless rebound
  const passed = new Set(paramNames.filter((p) => !rebound.has(p)));
  const unknown = new Set([...hidden].filter((n) => !passed.has(n)));
  for (const h of handing) {
    h.call = hideNames(h.call, unknown) as CallExpr;
    forEachHead(h.call, (head) => {
      if (!passed.has(head) && !needed.has(head)) {
        needed.add(head);
        wanted.push(head);
      }
    });
  }
  if (kept.length === 0 && wanted.length === 0) return true;
  const keptAt = new Set(kept.map((k) => k.at));
  for (let i = 0; i < wanted.length; i++) {
    const head = wanted[i];
    // every assignment of a local read, so that none is taken for the module's name of that spelling
    for (const a of plain.get(head) ?? []) {
      if (keptAt.has(a.at)) continue;
      const shown = hideNames(expr(a.value), hidden);
      kept.push({ at: a.at, name: head, value: shown });
      need(shown);
    }
    for (const imp of imports.get(head) ?? []) kept.push({ at: imp.at, stmt: imp.stmt });
  }
  kept.sort((a, b) => a.at - b.at);
  const seen = new Set<SyntaxNode>();
  for (const k of kept) {
    if (k.stmt) {
      if (seen.has(k.stmt)) continue;
      seen.add(k.stmt);
      for (const imp of readImport(k.stmt)) if (needed.has(headOf(imp.local))) facts.imports.push({ ...imp, scope });
    } else if (k.name && k.value) facts.assignments.push({ scope, name: k.name, value: k.value });
  }
  return true;
}

/**
 * A call of a dotted name in CapWords (`Server(api)`, `web.Server(api)`), as PEP 8 names classes: the link runs
 * `__init__` only of a class called directly, and methods' other calls (`create_user(…)`, `x.get(…)`) were most
 * of what recording every call cost (polar's tests). A lower-case class's instance is left unread, as before.
 */
function constructs(value: PyExpr): value is CallExpr & { fn: { k: 'ref'; name: string } } {
  if (value.k !== 'call' || value.fn.k !== 'ref') return false;
  const c = value.fn.name.charCodeAt(value.fn.name.lastIndexOf('.') + 1);
  return c >= 65 && c <= 90; // A-Z
}

/** `Server(…)`, `web.Server(…)` in the tree: constructs' test before the call is read (most calls fail it). */
function capWordsCall(node: SyntaxNode): boolean {
  if (node.type !== 'call') return false;
  const fn = node.childForFieldName('function');
  const last = fn?.type === 'attribute' ? fn.childForFieldName('attribute') : fn?.type === 'identifier' ? fn : null;
  const c = last ? last.text.charCodeAt(0) : 0;
  return c >= 65 && c <= 90; // A-Z
}

function headOf(dotted: string): string {
  const dot = dotted.indexOf('.');
  return dot < 0 ? dotted : dotted.slice(0, dot);
}

/** Calls `f` with the first segment of every dotted name `e` reads. */
function forEachHead(e: PyExpr, f: (head: string) => void, depth = 0): void {
  if (depth > MAX_DEPTH) return;
  if (e.k === 'ref') f(headOf(e.name));
  else
    mapChildren(e, (x) => {
      forEachHead(x, f, depth + 1);
      return x;
    });
}

/** `e` with every dotted name headed by one of `hidden` an unevaluated `{name?}` (its source text). */
function hideNames(e: PyExpr, hidden: ReadonlySet<string>, depth = 0): PyExpr {
  if (depth > MAX_DEPTH) return { k: 'other' };
  if (e.k === 'ref') return hidden.has(headOf(e.name)) ? { k: 'other', text: e.name } : e;
  return mapChildren(e, (x) => hideNames(x, hidden, depth + 1));
}

/** Values a function returns that are kept besides calls: lists of patterns a helper builds. */
const RETURNED_LISTS = new Set(['list', 'list_comprehension']);

/**
 * The name a returned call is assigned to in the facts, also how its object is shown (`main.create_app() (line 9)`):
 * not an identifier, so no code reads or rebinds it.
 */
function returnedName(fnName: string, value: SyntaxNode): string {
  return `${fnName}() (line ${value.startPosition.row + 1})`;
}

function collectReturns(block: SyntaxNode, fnName: string, out: string[], depth = 0): void {
  if (depth > MAX_BLOCK_DEPTH) return;
  for (const stmt of block.namedChildren) {
    if (!stmt) continue;
    if (stmt.type === 'return_statement') {
      const value = stmt.namedChildren[0];
      if (value?.type === 'identifier') out.push(value.text);
      else if (value?.type === 'call' || RETURNED_LISTS.has(value?.type ?? '')) out.push(returnedName(fnName, value));
    } else if (
      stmt.type !== 'function_definition' &&
      stmt.type !== 'class_definition' &&
      stmt.type !== 'decorated_definition'
    ) {
      for (const child of stmt.namedChildren)
        if (child && (child.type === 'block' || /_clause$/.test(child.type)))
          collectReturns(child, fnName, out, depth + 1);
    }
  }
}

/** A def's parameters as written: name (stars kept on `*args`/`**kw`), annotation and default, text and read. */
function readParams(def: SyntaxNode, exprs: PyAstReader): PyParam[] {
  const out: PyParam[] = [];
  for (const p of def.childForFieldName('parameters')?.namedChildren ?? []) {
    if (!p) continue;
    switch (p.type) {
      case 'identifier':
      case 'list_splat_pattern':
      case 'dictionary_splat_pattern':
        out.push({ name: p.text });
        break;
      case 'typed_parameter': // `b: int`, `*args: str`
      case 'default_parameter': // `c=5`
      case 'typed_default_parameter': {
        // `d: int = 5`
        const name =
          p.childForFieldName('name') ??
          p.namedChildren.find(
            (c) =>
              c?.type === 'identifier' || c?.type === 'list_splat_pattern' || c?.type === 'dictionary_splat_pattern',
          );
        if (!name) break;
        const param: PyParam = { name: name.text };
        const type = p.childForFieldName('type');
        const value = p.childForFieldName('value');
        if (type) keepAnnotation(param, type, exprs);
        if (value) keepDefault(param, value, exprs);
        out.push(param);
        break;
      }
      // `/` and `*` separators, comments: not parameters
    }
  }
  return out;
}

/** An annotation's text and its reading, when not too long; `tooLong`: the text kept instead of one that is. */
function keepAnnotation(p: PyParam, type: SyntaxNode, exprs: PyAstReader, tooLong?: string): void {
  const text = type.text;
  if (text.length > MAX_PARAM_TEXT) {
    if (tooLong !== undefined) p.annotation = tooLong;
    return;
  }
  p.annotation = text;
  const ast = exprs.annotation(type);
  if (ast) p.annotationAst = ast;
}

function keepDefault(p: PyParam, value: SyntaxNode, exprs: PyAstReader): void {
  const text = value.text;
  if (text.length > MAX_PARAM_TEXT) return;
  p.default = text;
  const ast = exprs.value(value);
  if (ast) p.defaultAst = ast;
}

function decoratorExpr(deco: SyntaxNode): PyExpr {
  const inner = deco.namedChildren[0];
  return inner ? expr(inner) : { k: 'other' };
}

function isAsync(def: SyntaxNode): boolean {
  return def.child(0)?.type === 'async';
}

export function rangeOf(node: SyntaxNode): PyRange {
  return {
    line: node.startPosition.row + 1,
    column: node.startPosition.column + 1,
    endLine: node.endPosition.row + 1,
    endColumn: node.endPosition.column + 1,
  };
}

function expr(node: SyntaxNode, depth = 0): PyExpr {
  if (depth > MAX_DEPTH) return { k: 'other' };
  switch (node.type) {
    case 'identifier':
      return { k: 'ref', name: node.text };
    case 'attribute': {
      const obj = node.childForFieldName('object');
      const attr = node.childForFieldName('attribute')?.text;
      if (!obj || !attr) return { k: 'other' };
      const o = expr(obj, depth + 1);
      return o.k === 'ref' ? { k: 'ref', name: `${o.name}.${attr}` } : { k: 'attr', obj: o, name: attr };
    }
    case 'string':
      return stringExpr(node, depth);
    case 'concatenated_string': {
      // `"/a" "/b" f"/{x}"`: one flat string (or f-string), however many parts
      const parts: Array<string | PyExpr> = [];
      let literal = true;
      for (const c of node.namedChildren) {
        if (!c || c.type === 'comment') continue;
        const e = c.type === 'string' ? stringExpr(c, depth) : expr(c, depth + 1);
        if (e.k === 'str') parts.push(e.v);
        else {
          literal = false;
          if (e.k === 'fstr') for (const p of e.parts) parts.push(p);
          else parts.push(e);
        }
      }
      return literal ? { k: 'str', v: (parts as string[]).join('') } : { k: 'fstr', parts };
    }
    case 'binary_operator': {
      const l = node.childForFieldName('left');
      const r = node.childForFieldName('right');
      const op = node.childForFieldName('operator')?.text;
      return l && r && op === '+' ? { k: 'add', l: expr(l, depth + 1), r: expr(r, depth + 1) } : { k: 'other' };
    }
    case 'conditional_expression': {
      // `[...] if not settings.STATIC_BUILD else []`: either value, unknown as one; a list reader takes both
      const [yes, , no] = node.namedChildren;
      const text = node.endIndex - node.startIndex <= 80 ? node.text : undefined;
      return yes && no
        ? { k: 'other', ...(text !== undefined ? { text } : {}), either: [expr(yes, depth + 1), expr(no, depth + 1)] }
        : { k: 'other' };
    }
    case 'parenthesized_expression': {
      const inner = node.namedChildren[0];
      return inner ? expr(inner, depth + 1) : { k: 'other' };
    }
    case 'list':
    case 'tuple':
    case 'expression_list': // `urlpatterns += path(...),`
    case 'set':
      return {
        k: 'seq',
        // a comment between items is none (`for r, v in [(…), # legacy\n (…)]` reads every item)
        items: node.namedChildren
          .filter((c): c is SyntaxNode => !!c && c.type !== 'comment')
          .map((c) => seqItem(c, depth + 1)),
      };
    case 'call': {
      const fn = node.childForFieldName('function');
      const argList = node.childForFieldName('arguments');
      if (!fn) return { k: 'other' };
      const args: PyExpr[] = [];
      const kw = nameRecord<PyExpr>();
      for (const a of argList?.namedChildren ?? []) {
        if (!a) continue;
        if (a.type === 'keyword_argument') {
          const name = a.childForFieldName('name')?.text;
          const value = a.childForFieldName('value');
          if (name && value) kw[name] = expr(value, depth + 1);
        } else if (a.type === 'dictionary_splat') {
          // kept apart: `**kwargs` may give any keyword, so no parameter is known to be left out
          kw['**'] = { k: 'other', text: a.text.length <= 80 ? a.text : undefined };
        } else if (a.type !== 'comment') {
          // `**kwargs` passes keywords, never a positional argument (a url of add_resource); `*x` as in a list
          args.push(seqItem(a, depth + 1));
        }
      }
      return { k: 'call', fn: expr(fn, depth + 1), args, kw, line: node.startPosition.row + 1 };
    }
    case 'list_comprehension': {
      // `[path(f"{p}{r}", v) for r, v in [...]]` (a urlconf's patterns built from a table): one `for` is read
      const text = node.endIndex - node.startIndex <= 80 ? node.text : undefined;
      const body = node.childForFieldName('body');
      const fors = node.namedChildren.filter((c) => c?.type === 'for_in_clause');
      const clause = fors.length === 1 ? fors[0] : undefined;
      const targets = loopTargets(clause?.childForFieldName('left') ?? null);
      const iter = clause?.childForFieldName('right');
      if (!body || !targets || !iter) return { k: 'other', ...(text !== undefined ? { text } : {}) };
      // `… if p`: each `if` clause's condition, read per item by the link
      const conds = node.namedChildren
        .filter((c): c is SyntaxNode => c?.type === 'if_clause')
        .map((c) => (c.namedChildren[0] ? expr(c.namedChildren[0], depth + 1) : { k: 'other' as const }));
      return {
        k: 'other',
        ...(text !== undefined ? { text } : {}),
        comp: {
          elt: expr(body, depth + 1),
          targets,
          iter: expr(iter, depth + 1),
          ...(conds.length > 0 ? { filtered: true, conds } : {}),
        },
      };
    }
    case 'dictionary': {
      // `as_view({"get": "list"})`: the entries, beside the short text a placeholder shows
      const text = node.endIndex - node.startIndex <= 80 ? node.text : undefined;
      const dict = node.namedChildren.flatMap((c): PyDictEntry[] => {
        if (c?.type === 'dictionary_splat')
          return c.namedChildren[0] ? [{ value: expr(c.namedChildren[0], depth + 1) }] : [];
        const key = c?.type === 'pair' ? c.childForFieldName('key') : undefined;
        const value = c?.type === 'pair' ? c.childForFieldName('value') : undefined;
        return key && value ? [{ key: expr(key, depth + 1), value: expr(value, depth + 1) }] : [];
      });
      return { k: 'other', ...(text !== undefined ? { text } : {}), dict };
    }
    default:
      // the source text, short, for the placeholder of a path that cannot be evaluated (`{os.environ["P"]?}`)
      return node.endIndex - node.startIndex <= 80 ? { k: 'other', text: node.text } : { k: 'other' };
  }
}

/** An item of a list literal or a call's argument: `*x` stays `other` (its text) with what it unpacks. */
function seqItem(node: SyntaxNode, depth: number): PyExpr {
  const inner = node.type === 'list_splat' ? node.namedChildren[0] : undefined;
  if (!inner) return expr(node, depth);
  const text = node.endIndex - node.startIndex <= 80 ? node.text : undefined;
  return { k: 'other', ...(text !== undefined ? { text } : {}), spread: expr(inner, depth + 1) };
}

function stringExpr(node: SyntaxNode, depth: number): PyExpr {
  // One pass over the parts, and no array for a plain string (most are: docstrings, messages, SQL)
  const kids = node.namedChildren;
  let isF = false;
  let isRaw = false;
  for (const c of kids)
    if (c.type === 'string_start') {
      // the prefix letters before the quotes: `f"`, `Rb"""`
      const start = c.text;
      isF = start.includes('f') || start.includes('F');
      isRaw = start.includes('r') || start.includes('R');
      break;
    }
  if (!isF) {
    let v = '';
    for (const c of kids)
      if (c.type === 'string_content') v += isRaw ? c.text : unescape(c.text);
      else if (c.type === 'escape_sequence') v += unescape(c.text);
    return { k: 'str', v };
  }
  const parts: Array<string | PyExpr> = [];
  for (const c of kids) {
    if (c.type === 'string_content') parts.push(isRaw ? c.text : unescape(c.text));
    else if (c.type === 'escape_sequence') parts.push(unescape(c.text));
    else if (c.type === 'interpolation') {
      const inner = c.childForFieldName('expression') ?? c.namedChildren[0];
      parts.push(inner ? expr(inner, depth + 1) : { k: 'other' });
    }
  }
  return { k: 'fstr', parts };
}

/** Route strings rarely hold escapes; only the common ones matter. */
function unescape(s: string): string {
  if (!s.includes('\\')) return s;
  return s.replace(/\\([\\'"nt])/g, (_m, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c));
}
