// JavaScript/TypeScript file → functions (declarations, arrows, methods), calls with
// resolved callees (require/import aliases, `new`, instances), suppressions.
import { NODE_ROUTE_METHODS } from '../lang/shared/http';
import { NODE_RETURNS } from './catalog/node';
import type { CodeFacts, FunctionFact } from './facts';
import { callFact } from './python-facts';
import {
  AWAITED,
  classInstance,
  ruleList,
  instanceOf,
  lineEnds,
  lookup,
  member,
  NO_AWAIT,
  spanOf,
  TIGHT,
  TIGHT_PARENTS,
  type Scope,
} from './resolve';
import type { SyntaxNode as Node } from '../lang/syntax';
import { stringValue } from '../lang/node/literals';
import {
  isRelative,
  nodeModule,
  readImportStatement,
  readRequire,
  requireSpecifier,
  specifierModule,
} from '../lang/node/modules';
import { TYPE_ONLY } from '../lang/node/typeSyntax';
import { nameRecord } from '../lang/shared/records';

/** Syntax-tree levels the fact walk descends (real code stays far below; see walk). */
const MAX_DEPTH = 500;
/** Parts of a dotted name resolve() follows. */
const MAX_NAME_DEPTH = 64;

const FUNCTION_TYPES = new Set([
  'function_declaration',
  'generator_function_declaration',
  'function_expression',
  'function',
  'arrow_function',
  'method_definition',
  'generator_function',
]);
const IGNORE = /endpoint-profiler-ignore\b(.*)/s;

/** Parameter names that say a function is handed a request: its context, the request, the response, `next`. */
const REQUEST_PARAM = /^(ctx|c|context|req|request|res|response|reply|next)$/;

/**
 * Whether a function written in a `.use(…)` takes what a server hands middleware: three or more parameters
 * (`(req, res, next)`, `(err, req, res, next)`), or one named or destructured as a request, response or `next`
 * (Koa's `async ctx => …`, `(ctx, next)`, Hono's `(c, next)`). `md.use((md, opts) => …)` registers a markdown-it
 * plugin, `schema.use(plugin)` a library's: whatever they call runs when the library does, not per request.
 */
function takesRequest(fn: Node): boolean {
  const single = fn.childForFieldName('parameter');
  if (single) return REQUEST_PARAM.test(single.text);
  const params = fn.childForFieldName('parameters')?.namedChildren.filter((p) => p.type !== 'comment') ?? [];
  if (params.length >= 3) return true;
  return params.some((p) => {
    const name =
      p.type === 'required_parameter' || p.type === 'optional_parameter' ? p.childForFieldName('pattern') : p;
    return name?.type === 'object_pattern' || REQUEST_PARAM.test(name?.text ?? '');
  });
}

const PATH_TYPES = new Set(['string', 'template_string', 'regex', 'array']);
/** What a route's last argument (its handler) looks like: `cache.get('k', fn, { ttl })` is no route. */
const HANDLER_TYPES = new Set([...FUNCTION_TYPES, 'identifier', 'member_expression', 'call_expression']);
/** Fastify hooks that run for every request (not onReady/onClose/onRoute/onRegister/onListen). */
const REQUEST_HOOKS = new Set([
  'onRequest',
  'preParsing',
  'preValidation',
  'preHandler',
  'preSerialization',
  'onSend',
  'onResponse',
  'onError',
  'onTimeout',
  'onRequestAbort',
]);
const SERVER_PACKAGES =
  /^(express|koa|fastify|hono|@koa\.router|koa-router|router|restify|polka|connect|@hono|@nestjs)(\.|$)/;
/** NestJS interfaces whose method the framework calls on every request it applies to. */
const NEST_PER_REQUEST: Record<string, string[]> = {
  NestMiddleware: ['use'],
  CanActivate: ['canActivate'],
  NestInterceptor: ['intercept'],
  PipeTransform: ['transform'],
};

/**
 * The qualname of the function a top-level statement exports as the module's default (`export default function f`,
 * `export default f`, `module.exports = f`), as the walk names it; undefined for any other statement.
 */
function defaultExport(st: Node): string | undefined {
  let value: Node | null | undefined;
  if (st.type === 'export_statement' && st.children.some((c) => c.type === 'default'))
    value = st.childForFieldName('declaration') ?? st.childForFieldName('value') ?? st.namedChildren[0];
  else if (st.type === 'expression_statement') {
    const assign = st.namedChildren[0];
    if (assign?.type === 'assignment_expression' && assign.childForFieldName('left')?.text === 'module.exports')
      value = assign.childForFieldName('right');
  }
  if (!value) return undefined;
  if (value.type === 'identifier') return value.text;
  if (!FUNCTION_TYPES.has(value.type)) return undefined;
  // `module.exports = function () {}` is named after the property it is assigned to, as nameFor does
  const own = value.childForFieldName('name')?.text;
  return own ?? (st.type === 'expression_statement' ? 'exports' : `<anonymous:${value.startPosition.row + 1}>`);
}

export function extractNodeFacts(path: string, root: Node, source: string): CodeFacts {
  const module = nodeModule(path);
  /** Each line's length, read on the first call inside a function (many files have none). */
  let ends: number[] | undefined;
  const facts: CodeFacts = { language: 'node', module, functions: [], suppressions: {} };
  const moduleScope: Scope = new Map();
  let lines: string[] | undefined;

  const requireOf = (node: Node | null): string | undefined => {
    const spec = requireSpecifier(node);
    return spec === undefined ? undefined : recordSpecifier(spec, specifierModule(spec, path));
  };
  /** A package-like specifier (`@server/util`) that may be a tsconfig `paths` alias, resolved when linking. */
  const recordSpecifier = (spec: string, name: string): string => {
    if (!isRelative(spec) && !spec.startsWith('node:')) (facts.specifiers ??= nameRecord())[name] = spec;
    return name;
  };

  // A dotted name no catalog entry has (x.m().m()… thousands deep in generated code) resolves to nothing,
  // rather than recursing until the stack overflows.
  const resolve = (node: Node | null, scopes: Scope[], depth = 0): string | undefined => {
    if (!node || depth > MAX_NAME_DEPTH) return undefined;
    switch (node.type) {
      case 'identifier':
        return lookup(node.text, scopes) ?? node.text;
      case 'type_identifier':
        return lookup(node.text, scopes) ?? node.text;
      case 'this':
        return lookup('this', scopes);
      case 'member_expression': {
        const object = node.childForFieldName('object');
        const base = resolve(object, scopes, depth + 1);
        const prop = node.childForFieldName('property')?.text;
        if (!base || !prop) return undefined;
        if (object?.type === 'this') {
          const field = fields.get(base)?.get(prop);
          if (field) return field;
        }
        return member(base, prop);
      }
      case 'call_expression':
        return (
          requireOf(node) ?? instanceOf(resolve(node.childForFieldName('function'), scopes, depth + 1), NODE_RETURNS)
        );
      case 'new_expression': {
        const ctor = resolve(node.childForFieldName('constructor'), scopes, depth + 1);
        return instanceOf(ctor, NODE_RETURNS) ?? classInstance(ctor);
      }
      case 'await_expression':
      case 'parenthesized_expression':
      case 'non_null_expression':
      case 'as_expression':
      case 'satisfies_expression':
        return resolve(node.namedChildren[0] ?? null, scopes, depth + 1);
      default:
        return undefined;
    }
  };

  /** Instances a class's methods reach through `this.x`: class key → field → instance ('src/cats/cats.service.CatsService#'). */
  const fields = new Map<string, Map<string, string>>();

  /** Typed class fields, fields initialised with `new X()`, and constructor parameter properties (NestJS injection). */
  const collectFields = (key: string, body: Node, scopes: Scope[]): void => {
    const found = new Map<string, string>();
    const typeOf = (annotation: Node | null): string | undefined => {
      const t = annotation && annotation.namedChildren[0];
      return t?.type === 'type_identifier' ? classInstance(resolve(t, scopes)) : undefined;
    };
    for (const m of body.namedChildren) {
      if (m.type === 'public_field_definition' || m.type === 'field_definition') {
        const name = (m.childForFieldName('name') ?? m.childForFieldName('property'))?.text;
        const value = m.childForFieldName('value');
        const inst =
          (value?.type === 'new_expression' ? resolve(value, scopes) : undefined) ??
          typeOf(m.childForFieldName('type'));
        if (name && inst?.endsWith('#')) found.set(name, inst);
      } else if (m.type === 'method_definition' && m.childForFieldName('name')?.text === 'constructor') {
        for (const p of (m.childForFieldName('parameters') ?? m).namedChildren) {
          if (!p.children.some((c) => c.type === 'accessibility_modifier' || c.type === 'readonly')) continue;
          const name = p.childForFieldName('pattern');
          const inst = typeOf(p.childForFieldName('type'));
          if (name?.type === 'identifier' && inst) found.set(name.text, inst);
        }
      }
    }
    if (found.size) fields.set(key, found);
  };

  const bindPattern = (pattern: Node, value: string, scope: Scope): void => {
    if (pattern.type === 'identifier') return void scope.set(pattern.text, value);
    if (pattern.type !== 'object_pattern') return;
    for (const p of pattern.namedChildren) {
      if (p.type === 'shorthand_property_identifier_pattern') scope.set(p.text, member(value, p.text));
      else if (p.type === 'pair_pattern') {
        const key = p.childForFieldName('key')?.text,
          local = p.childForFieldName('value');
        if (key && local?.type === 'identifier') scope.set(local.text, member(value, key));
      }
    }
  };

  /** Local names bound to a package (not a workspace module): `chai.use(plugin)` is no server's middleware. */
  const packages = new Set<string>();
  /** Inline functions registered as middleware, by node id (their FunctionFact is made when the walk reaches them). */
  const middlewareNodes = new Set<number>();
  /** Classes whose methods a framework calls per request (NestJS middleware, guards, interceptors, pipes): class → methods. */
  const perRequestMethods = new Map<string, Set<string>>();

  /**
   * Functions a server runs per request besides the handler: `X.use(fn…)`, the functions between
   * the path and the handler of `X.METHOD(path, mw…, handler)` (or of `X.route(path).METHOD(mw…, handler)`),
   * Fastify request hooks (`addHook('preHandler', fn)`, `{ preHandler: [fn] }` route options).
   */
  const registerMiddleware = (call: Node, scopes: Scope[]): void => {
    const callee = call.childForFieldName('function');
    const argsNode = call.childForFieldName('arguments');
    if (callee?.type !== 'member_expression' || argsNode?.type !== 'arguments') return;
    const method = callee.childForFieldName('property')?.text ?? '';
    const object = callee.childForFieldName('object');
    const args = argsNode.namedChildren;
    let mws: Node[];
    if (method === 'use') {
      if (
        object?.type === 'identifier' &&
        packages.has(object.text) &&
        !SERVER_PACKAGES.test(lookup(object.text, scopes) ?? '')
      )
        return;
      mws = args.filter((a) => !FUNCTION_TYPES.has(a.type) || takesRequest(a));
    } else if (NODE_ROUTE_METHODS.has(method)) {
      const routed =
        object?.type === 'call_expression' &&
        object.childForFieldName('function')?.type === 'member_expression' &&
        object.childForFieldName('function')?.childForFieldName('property')?.text === 'route';
      if (routed) mws = args.slice(0, -1);
      else if (args.length >= 3 && PATH_TYPES.has(args[0].type) && HANDLER_TYPES.has(args[args.length - 1].type))
        mws = args.slice(1, -1);
      else return;
    } else if (method === 'addHook' && REQUEST_HOOKS.has(stringValue(args[0]) ?? '')) mws = args.slice(1);
    else if (method === 'route' && args.length === 1 && args[0].type === 'object') mws = args;
    else return;
    const mark = (n: Node): void => {
      if (FUNCTION_TYPES.has(n.type)) middlewareNodes.add(n.id);
      else if (n.type === 'array') n.namedChildren.forEach(mark);
      else if (n.type === 'object') {
        for (const p of n.namedChildren) {
          const key =
            p.type === 'pair'
              ? p.childForFieldName('key')?.text
              : p.type === 'shorthand_property_identifier'
                ? p.text
                : undefined;
          const value = p.type === 'pair' ? p.childForFieldName('value') : p;
          if (key && REQUEST_HOOKS.has(key) && value) mark(value);
        }
      } else if (
        n.type === 'identifier' ||
        n.type === 'member_expression' ||
        n.type === 'shorthand_property_identifier'
      ) {
        const name =
          n.type === 'shorthand_property_identifier' ? (lookup(n.text, scopes) ?? n.text) : resolve(n, scopes);
        if (name) (facts.middleware ??= []).push(name);
      }
    };
    mws.forEach(mark);
  };

  /** The module (or its member) a binding names: `import x from './m'` and `import * as x` → the module itself. */
  const bound = (mod: string, imported: string): string =>
    imported === 'default' || imported === '*' ? mod : member(mod, imported);

  const bindImport = (st: Node, scope: Scope): void => {
    const read = readImportStatement(st);
    if (!read) return;
    const mod = recordSpecifier(read.spec, specifierModule(read.spec, path));
    for (const { local, imported } of read.bindings) {
      scope.set(local, bound(mod, imported));
      if (!isRelative(read.spec)) packages.add(local);
    }
  };

  /** The name a function expression gets from where it is written: `const f = () => …`, `{ f: … }`, `exports.f = …`. */
  const nameFor = (fnNode: Node): string | undefined => {
    const own = fnNode.childForFieldName('name')?.text;
    if (own) return own;
    const p = fnNode.parent;
    if (!p) return undefined;
    if (p.type === 'variable_declarator' || p.type === 'public_field_definition' || p.type === 'field_definition')
      return p.childForFieldName('name')?.text ?? p.childForFieldName('property')?.text;
    if (p.type === 'pair') return p.childForFieldName('key')?.text;
    if (p.type === 'assignment_expression') {
      const left = p.childForFieldName('left');
      return left?.type === 'member_expression' ? left.childForFieldName('property')?.text : left?.text;
    }
    return undefined;
  };

  // Top-level declarations first, so a handler can call a helper declared below it.
  for (const st of root.namedChildren) {
    const exported = defaultExport(st);
    if (exported) facts.defaultExport = exported;
    const decl = st.type === 'export_statement' ? (st.childForFieldName('declaration') ?? st.namedChildren[0]) : st;
    if (!decl) continue;
    const name = decl.childForFieldName('name')?.text;
    if (
      name &&
      (decl.type === 'function_declaration' ||
        decl.type === 'class_declaration' ||
        decl.type === 'generator_function_declaration')
    )
      moduleScope.set(name, `${module}.${name}`);
    if (decl.type === 'lexical_declaration' || decl.type === 'variable_declaration') {
      for (const d of decl.namedChildren.filter((x) => x.type === 'variable_declarator')) {
        const value = d.childForFieldName('value');
        const id = d.childForFieldName('name');
        if (
          id?.type === 'identifier' &&
          value &&
          (value.type === 'arrow_function' || value.type === 'function_expression' || value.type === 'function')
        )
          moduleScope.set(id.text, `${module}.${id.text}`);
      }
    }
  }

  /** `ctx`: NO_AWAIT for everything below; `here`: AWAITED / TIGHT for this node only. */
  // Tree depth is bounded: a minified or generated expression thousands of levels deep would
  // overflow the stack and cost the whole file; below MAX_DEPTH its calls are simply not seen.
  let depth = 0;
  /** Whether any comment may suppress a finding: without one, comments and type-only subtrees are not walked. */
  const suppressible = source.includes('endpoint-profiler-ignore');
  const walk = (
    node: Node,
    fnIndex: number | undefined,
    className: string | undefined,
    scopes: Scope[],
    ctx = 0,
    here = 0,
  ): void => {
    // a leaf (half the nodes: names, literals) holds no call; only a comment may say something
    if (node.children.length === 0 && node.type !== 'comment') return;
    if (depth >= MAX_DEPTH || (!suppressible && TYPE_ONLY.has(node.type))) return;
    depth++;
    try {
      visit(node, fnIndex, className, scopes, ctx, here);
    } finally {
      depth--;
    }
  };
  const visit = (
    node: Node,
    fnIndex: number | undefined,
    className: string | undefined,
    scopes: Scope[],
    ctx = 0,
    here = 0,
  ): void => {
    if (node.type === 'comment') {
      if (!suppressible) return;
      const m = IGNORE.exec(node.text);
      if (m) {
        const rest = m[1].replace(/\*\/\s*$/, '').trim();
        const rules = rest ? ruleList(rest) : ['*'];
        const line = node.startPosition.row + 1;
        facts.suppressions[line] = rules;
        // Alone on its line, the comment covers the line after it; after code, only its own line.
        lines ??= source.split('\n');
        if (lines[line - 1].trimStart().startsWith(node.text.split('\n')[0]))
          facts.suppressions[node.endPosition.row + 2] = rules;
      }
      return;
    }
    if (node.type === 'import_statement') return bindImport(node, scopes[scopes.length - 1]);
    if (node.type === 'class_declaration' || node.type === 'class') {
      const name = node.childForFieldName('name')?.text ?? '<class>';
      const scope: Scope = new Map([['this', `${module}.${name}`]]);
      const body = node.childForFieldName('body');
      if (body) collectFields(`${module}.${name}`, body, scopes);
      const implemented = (node.namedChildren.find((c) => c.type === 'class_heritage') ?? node).namedChildren.find(
        (c) => c.type === 'implements_clause',
      );
      const hooks =
        implemented &&
        implemented.namedChildren.flatMap((t) => NEST_PER_REQUEST[(t.childForFieldName('name') ?? t).text] ?? []);
      if (hooks?.length) perRequestMethods.set(name, new Set(hooks));
      if (body) walk(body, fnIndex, name, [...scopes, scope], ctx);
      return;
    }
    if (FUNCTION_TYPES.has(node.type)) {
      const own = nameFor(node);
      const name = own ?? `<anonymous:${node.startPosition.row + 1}>`;
      const parentFn = fnIndex === undefined ? undefined : facts.functions[fnIndex];
      const qualname =
        node.type === 'method_definition' && className
          ? `${className}.${name}`
          : parentFn
            ? `${parentFn.qualname}.${name}`
            : name;
      const asyncKw = node.children.find((c) => c.type === 'async');
      const fn: FunctionFact = {
        name,
        qualname,
        async: !!asyncKw,
        parent: fnIndex,
        ...(node.type === 'method_definition' && className ? { method: true as const } : {}),
        ...(middlewareNodes.has(node.id) ||
        (node.type === 'method_definition' && className && perRequestMethods.get(className)?.has(name))
          ? { middleware: true as const }
          : {}),
        decorators: [],
        depends: [],
        defLine: node.startPosition.row + 1,
        span: spanOf(node),
        hasAwait: false,
        calls: [],
      };
      const index = facts.functions.push(fn) - 1;
      if (parentFn && own) scopes[scopes.length - 1].set(name, `${module}.${qualname}`);
      const inner: Scope[] = [...scopes, new Map() as Scope];
      // `await` in a parameter default is a SyntaxError
      for (const c of node.namedChildren)
        walk(
          c,
          index,
          node.type === 'method_definition' ? className : undefined,
          inner,
          c.type === 'formal_parameters' ? NO_AWAIT : 0,
        );
      return;
    }
    if (node.type === 'variable_declarator') {
      const id = node.childForFieldName('name');
      const value = node.childForFieldName('value');
      if (value) walk(value, fnIndex, className, scopes, ctx);
      const required = id ? readRequire(id, value) : undefined;
      if (required) {
        const mod = recordSpecifier(required.spec, specifierModule(required.spec, path));
        if (id?.type === 'identifier' && !isRelative(required.spec)) packages.add(id.text);
        for (const { local, imported } of required.bindings) scopes[scopes.length - 1].set(local, bound(mod, imported));
        return;
      }
      const resolved = value && value.type !== 'identifier' ? resolve(value, scopes) : undefined;
      if (id && resolved && (value!.type !== 'member_expression' || resolved.includes('.') || resolved.includes('#')))
        bindPattern(id, resolved, scopes[scopes.length - 1]);
      return;
    }
    if (node.type === 'await_expression') {
      if (fnIndex !== undefined) facts.functions[fnIndex].hasAwait = true;
      for (const c of node.namedChildren) walk(c, fnIndex, className, scopes, ctx, AWAITED);
      return;
    }
    if (node.type === 'call_expression') registerMiddleware(node, scopes);
    if ((node.type === 'call_expression' || node.type === 'new_expression') && fnIndex !== undefined) {
      const isNew = node.type === 'new_expression';
      const fnNode = node.childForFieldName(isNew ? 'constructor' : 'function');
      const callee = fnNode ? resolve(fnNode, scopes) : undefined;
      const fact = callFact(
        node,
        callee,
        (ends ??= lineEnds(source)),
        here | ctx,
        'arguments',
        isNew ? 'constructor' : 'function',
      );
      const only = fact.argCount === 1 ? node.childForFieldName('arguments')?.namedChildren[0] : undefined;
      const value = only?.type === 'identifier' ? constantInteger(only) : undefined;
      if (value !== undefined) fact.argValue = value;
      facts.functions[fnIndex].calls.push(fact);
    }
    const kids = node.namedChildren;
    // `await f() ** 2` is a SyntaxError: the base of ** is as tight as a member access
    const tight =
      TIGHT_PARENTS.has(node.type) ||
      (node.type === 'binary_expression' && node.childForFieldName('operator')?.type === '**');
    for (let i = 0; i < kids.length; i++)
      // a leaf is skipped here rather than in walk(): half the nodes, each a call saved
      if (kids[i].children.length !== 0 || kids[i].type === 'comment')
        walk(kids[i], fnIndex, className, scopes, ctx, tight && i === 0 ? TIGHT : 0);
  };

  walk(root, undefined, undefined, [moduleScope]);
  return facts;
}

/** Nodes whose own names (parameters, loop variables, a catch's error) are bound for the code inside them. */
const BINDS_NAMES = new Set([
  ...FUNCTION_TYPES,
  'for_statement',
  'for_in_statement',
  'catch_clause',
  'class_declaration',
]);

/**
 * The integer a name stands for where it is read, when the nearest declaration of that name around it is
 * `const NAME = <digits>` (`const IV_LENGTH = 16; crypto.randomBytes(IV_LENGTH)`). Anything else declaring the
 * name first (`let`, `var`, a parameter, a loop variable) leaves it unknown: such a name may hold any value.
 */
export function constantInteger(name: Node): number | undefined {
  const wanted = name.text;
  const declares = (text: string) => new RegExp(`(^|[^\\w$])${wanted.replace(/\$/g, '\\$')}($|[^\\w$])`).test(text);
  for (let scope = name.parent; scope; scope = scope.parent) {
    if (scope.type === 'statement_block' || scope.type === 'program' || scope.type === 'switch_case') {
      for (const child of scope.namedChildren) {
        const statement = child.type === 'export_statement' ? child.childForFieldName('declaration') : child;
        if (statement?.type !== 'lexical_declaration' && statement?.type !== 'variable_declaration') continue;
        for (const d of statement.namedChildren) {
          if (d.type !== 'variable_declarator') continue;
          const id = d.childForFieldName('name');
          if (id?.type !== 'identifier' ? !declares(id?.text ?? '') : id.text !== wanted) continue;
          const value = d.childForFieldName('value');
          const constant = statement.type === 'lexical_declaration' && statement.text.startsWith('const');
          return constant && value?.type === 'number' && /^\d+$/.test(value.text) ? Number(value.text) : undefined;
        }
      }
    } else if (BINDS_NAMES.has(scope.type)) {
      // the part before the body: parameters, `for (…)`, `catch (e)`, a class's name
      const body = scope.childForFieldName('body');
      const head = body ? scope.text.slice(0, body.startIndex - scope.startIndex) : scope.text;
      if (declares(head)) return undefined;
    }
  }
  return undefined;
}
