// Python file → functions, calls with resolved callees, suppressions (see facts.ts).
import { PYTHON_OFFLOADERS, PYTHON_RETURNS } from './catalog/python';
import { globToRegExp } from './match';
import type { CallFact, CodeFacts, FunctionFact } from './facts';
import {
  AWAITED,
  children,
  classInstance,
  ruleList,
  instanceOf,
  lineEnds,
  lookup,
  MAX_ARGS_TEXT,
  member,
  named,
  NO_AWAIT,
  OFFLOADED,
  ONCE,
  SPAWNED,
  spanOf,
  TIGHT,
  TIGHT_PARENTS,
  type Scope,
} from './resolve';
import type { Node } from '../parsing/parser';
import { absoluteModule, pythonModuleName, readImport, readImportModule } from '../lang/python/modules';
import { PyAstReader, type PyAst } from '../lang/python/expr';
import {
  annotationInstance,
  dependencyArg,
  dependsIn,
  isDependsCall,
  isDependsName,
  unquoted,
  yieldedInstance,
  type AnnotationNames,
} from './python-annotations';
import { syntaxOf, type SyntaxNode } from '../lang/syntax';
import { nameRecord, recordOf } from '../lang/shared/records';

/** Syntax-tree levels the fact walk descends (real code stays far below; see walk). */
const MAX_DEPTH = 500;
/** Parts of a dotted name resolve() follows. */
const MAX_NAME_DEPTH = 64;

/** Calls that run what they are handed in a thread (the catalog's PYTHON_OFFLOADERS). */
const OFFLOADER = anyOfGlobs(PYTHON_OFFLOADERS);

/**
 * One pattern matching what any of `globs` matches, anchored once: a plain alternation of `^…$` patterns is tried
 * at every start position, each `*`-led glob scanning the name again, and it runs for every call in a function.
 * The `*`-led globs share one leading `.*` (`.*(?:#submit|\.submit)` is `.*#submit|.*\.submit`).
 */
function anyOfGlobs(globs: readonly string[]): RegExp {
  const whole: string[] = [];
  const tails: string[] = [];
  for (const glob of globs) {
    const body = globToRegExp(glob).source.slice(1, -1); // without its ^ and $
    if (body.startsWith('.*')) tails.push(body.slice(2));
    else whole.push(body);
  }
  if (tails.length) whole.push(`.*(?:${tails.join('|')})`);
  return new RegExp(`^(?:${whole.join('|')})$`);
}

/** Builtins that iterate their first argument. */
const CONSUMERS = new Set([
  'list',
  'tuple',
  'set',
  'sorted',
  'len',
  'sum',
  'any',
  'all',
  'dict',
  'frozenset',
  'enumerate',
  'bool',
]);

/** Types the catalog knows: a subscript of their instance is the same kind of thing. */
const KNOWN_TYPES = new Set(Object.values(PYTHON_RETURNS));

/**
 * Hooks ASGI/aiohttp/Quart/Sanic servers run before they accept connections or after they stop
 * (uvicorn and hypercorn finish the lifespan startup before serving): once, not per request.
 * Sanic's after_server_start / before_server_stop run while requests are served and are not here.
 */
const STARTUP_DECORATOR =
  /\.(?:on_event\(\s*["'](?:startup|shutdown)["']|before_serving\b|after_serving\b|before_server_start\b|after_server_stop\b|main_process_start\b|main_process_stop\b|listener\(\s*["'](?:before_server_start|after_server_stop|main_process_start|main_process_stop)["'])/;
const STARTUP_KEYWORDS = new Set(['lifespan', 'on_startup', 'on_shutdown']);
/** `@cache`, `@functools.lru_cache`, `@lru_cache(maxsize=None)`: the result is kept after the first call. */
const MEMOISING = /^(?:functools\.)?(?:cache|lru_cache)\b/;

/** A def without parameters, or with only `self` / `cls`: a memoised call of it runs its body once. */
function onlySelf(def: SyntaxNode): boolean {
  const params = def.childForFieldName('parameters')?.namedChildren.filter((c) => c && c.type !== 'comment') ?? [];
  return params.length === 0 || (params.length === 1 && ['self', 'cls'].includes(params[0].text));
}
/**
 * Command-line entry points: click / typer / Flask-CLI commands and groups. A string argument starting
 * with '/' is a chat-bot slash command (Slack Bolt's `@app.command("/echo")`), served per request: not one.
 */
const CLI_DECORATOR = /^[\w.]*\b(?:command|group)\b(?!\(\s*["']\/)/;
/** cyclopts: `@app.default` on a module-level function is the app's command when run without a subcommand. */
const CLI_DEFAULT = /^\w[\w.]*\.default$/;
/** Django management commands: their methods run from `manage.py`, not per request. */
const COMMAND_BASE = /(^|\.)BaseCommand$/;
/** Starlette/FastAPI background tasks: the function handed over runs after the response, once per request. */
const TASK_REGISTRAR = /(?:^|[.#])add_task$|(?:^|\.)BackgroundTask$/;
/** Calls that schedule a coroutine to run beside the caller: what they are handed is no one-time work. */
const SPAWNER = /(?:^|[.#])(?:create_task|ensure_future|start_soon|run_coroutine_threadsafe)$|^asyncio\.Task$/;
const STARTUP_LISTS = /\.(?:on_startup|on_shutdown|on_cleanup|cleanup_ctx)\.append$/;

const PROTOCOL = /^(?:typing|typing_extensions)\.Protocol$/;

/** The instance an annotation `Self` resolves to before its class is known (typing, typing_extensions, or unimported). */
const SELF_TYPE = /^(?:typing\.|typing_extensions\.)?Self#$/;

/**
 * Sanic middleware decorators: `@app.middleware`, `@app.middleware("request")`, `@bp.middleware(attach_to="response")`,
 * `@app.on_request`, `@app.on_response(priority=1)`. Starlette's `@app.middleware("http")` is not one (its
 * functions must be async, and are checked as such).
 */
const SANIC_MIDDLEWARE =
  /^[\w.]+\.(?:on_request|on_response)\b|^[\w.]+\.middleware(?:$|\(\s*(?:attach_to\s*=\s*)?["'](?:request|response)["'])/;
/** Calls registering middleware whose function is an argument (see registerMiddleware). */
const STARLETTE_MIDDLEWARE = /(?:^|[.#])(?:Middleware|add_middleware)$/;

/** `# noqa` (every rule) or `# noqa: EP101, EP102`; a malformed list after the colon suppresses nothing, as in Ruff. */
const NOQA = /#\s*noqa(?::(.*))?/i;

/** `x.m()` where `x` is a name the file does not bind (a parameter or local of no known type), or no name at all. */
function unboundReceiver(fn: SyntaxNode | null, scopes: Scope[]): boolean {
  if (fn?.type !== 'attribute') return false;
  let object = fn.childForFieldName('object');
  while (object?.type === 'attribute') object = object.childForFieldName('object');
  if (object?.type !== 'identifier') return true;
  return object.text !== 'self' && object.text !== 'cls' && lookup(object.text, scopes) === undefined;
}

/**
 * How the walk reads a node: where it stands (the function it is in by index, the class, the scopes, whether inside a
 * lambda), the context flags of its statement and, for the node itself, how it is called (`here`).
 */
type Visitor<R> = (
  node: SyntaxNode,
  fnIndex: number | undefined,
  className: string | undefined,
  scopes: Scope[],
  inLambda: boolean,
  ctx: number,
  here?: number,
) => R;

export function extractPythonFacts(path: string, tsRoot: Node, source: string): CodeFacts {
  return (extractor ??= pythonFactsExtractor())(path, tsRoot, source);
}

let extractor: ((path: string, tsRoot: Node, source: string) => CodeFacts) | undefined;

/**
 * The extractor: its functions are made once per isolate, and each call sets the file's state they read. Made anew
 * for every file, as they were, each file's functions were new closures: V8's optimised code for the walk expected
 * the last file's (`wrong call target`) and was thrown away again and again while a worker warmed up, on the same
 * two cores the workers share (bench/README.md, "Optimising less per isolate").
 */
function pythonFactsExtractor(): (path: string, tsRoot: Node, source: string) => CodeFacts {
  // The file being read (set by each call; see the end of this function)
  let source!: string;
  let root!: SyntaxNode;
  let module!: string;
  let isPackage!: boolean;
  let ends!: number[];
  let facts!: CodeFacts;
  let moduleScope!: Scope;
  /** Annotations, defaults and `Depends(…)` calls, read partially (a lambda in one hides nothing else). */
  let exprs!: PyAstReader;
  /** Module-level `X = Annotated[T, …]` aliases: T, so `user: X` is typed T. */
  const typeAliases = new Map<string, PyAst>();
  /** How annotations written under `scopes` read their names. */
  const namesIn = (scopes: Scope[]): AnnotationNames => ({
    resolve: (e) => resolveAst(e, scopes),
    alias: (name) => {
      const alias = typeAliases.get(name);
      return alias && lookup(name, scopes) === `${module}.${name}` ? alias : undefined;
    },
  });
  /** The instance the annotation (a `type` node) declares. */
  const annotated = (type: SyntaxNode | null, scopes: Scope[]): string | undefined =>
    type ? annotationInstance(exprs.annotation(type), namesIn(scopes)) : undefined;

  /** What each function's `return` statements (and `yield`s) give, by function index; undefined: not known. */
  const returnsSeen = new Map<number, Array<string | undefined>>();
  const yieldsSeen = new Map<number, Array<string | undefined>>();
  const returnedValue = (
    v: SyntaxNode | undefined,
    scopes: Scope[],
    className: string | undefined,
  ): string | undefined => {
    if (v?.type === 'identifier' && v.text === 'self' && className) return `${module}.${className}#`;
    const r = v && ['call', 'await', 'identifier', 'attribute'].includes(v.type) ? resolve(v, scopes) : undefined;
    return r?.endsWith('#') ? r : undefined;
  };

  /** Classes (qualnames) that are Django management commands. */
  const commandClasses = new Set<string>();

  /** Instances a class's methods reach through `self.x`: class key ('app.services.UserService') → attribute → instance. */
  const selfAttrs = new Map<string, Map<string, string>>();

  // A dotted name no catalog entry has (x.m().m()… thousands deep in generated code) resolves to nothing,
  // rather than recursing until the stack overflows.
  const resolve = (node: SyntaxNode | null, scopes: Scope[], depth = 0): string | undefined => {
    if (!node || depth > MAX_NAME_DEPTH) return undefined;
    switch (node.type) {
      case 'identifier':
        return lookup(node.text, scopes) ?? node.text;
      case 'attribute': {
        const object = node.childForFieldName('object');
        const base = resolve(object, scopes, depth + 1);
        const attr = node.childForFieldName('attribute')?.text;
        if (!base || !attr) return undefined;
        if (object?.type === 'identifier' && (object.text === 'self' || object.text === 'cls')) {
          const inst = selfAttrs.get(base)?.get(attr);
          if (inst) return inst;
        }
        return member(base, attr);
      }
      case 'call':
        return callResult(resolve(node.childForFieldName('function'), scopes, depth + 1));
      case 'await':
        return named(node)[0]?.type === 'call' ? resolve(named(node)[0], scopes, depth + 1) : undefined;
      case 'subscript':
        return subscripted(resolve(node.childForFieldName('value'), scopes, depth + 1));
      case 'parenthesized_expression':
      case 'type':
        return resolve(named(node)[0] ?? null, scopes, depth + 1);
      default:
        return undefined;
    }
  };

  /** `resolve` for an expression read as a PyAst (annotations, defaults, `Depends(…)` calls). */
  const resolveAst = (e: PyAst | undefined, scopes: Scope[]): string | undefined => {
    switch (e?.t) {
      case 'name': {
        const parts = e.v.split('.');
        if (parts.length > MAX_NAME_DEPTH + 1) return undefined;
        let base = lookup(parts[0], scopes) ?? parts[0];
        for (let i = 1; i < parts.length; i++) {
          const inst =
            i === 1 && (parts[0] === 'self' || parts[0] === 'cls') ? selfAttrs.get(base)?.get(parts[1]) : undefined;
          base = inst ?? member(base, parts[i]);
        }
        return base;
      }
      case 'attr': {
        const base = resolveAst(e.obj, scopes);
        return base && member(base, e.name);
      }
      case 'call':
        return callResult(resolveAst(e.fn, scopes));
      case 'sub':
        return subscripted(resolveAst(e.base, scopes));
      default:
        return undefined;
    }
  };

  /** `import a.b as c` binds c → 'a.b', `import a.b` binds a → 'a', `from ..x import y` binds y → 'pkg.x.y'. */
  const bindImport = (st: SyntaxNode, scope: Scope): void => {
    const atModule = scope === moduleScope;
    for (const imp of readImport(st)) {
      if (imp.name === undefined) {
        if (!imp.local.includes('.')) scope.set(imp.local, imp.module);
        continue;
      }
      const from = absoluteModule(module, isPackage, imp.module, imp.level);
      scope.set(imp.local, from ? `${from}.${imp.name}` : imp.name);
      // What another module's `from <this module> import <local>` reaches (a package's __init__ re-exporting)
      if (atModule && from) (facts.reexports ??= nameRecord())[imp.local] = `${from}.${imp.name}`;
    }
    if (atModule && st.type === 'import_from_statement' && named(st).some((c) => c.type === 'wildcard_import')) {
      const imp = readImportModule(st);
      const from = imp && absoluteModule(module, isPackage, imp.module, imp.level);
      if (from) (facts.reexportStars ??= []).push(from);
    }
  };

  /**
   * A module-level alias of `Annotated[T, …]`, by assignment or by a `type X = …` statement (PEP 695):
   * `user: X` is then typed T and depends on what the alias' `Depends(…)` names. False: not such an alias.
   */
  const bindTypeAlias = (name: string, value: SyntaxNode | null, scopes: Scope[]): boolean => {
    const alias = exprs.annotation(value);
    if (alias?.t !== 'sub' || !alias.args.length) return false;
    const head = resolveAst(alias.base, scopes)?.replace(/^(typing|typing_extensions)\./, '');
    if (head !== 'Annotated') return false;
    typeAliases.set(name, alias.args[0]);
    scopes[0].set(name, `${module}.${name}`);
    const declared = annotationInstance(alias.args[0], namesIn(scopes));
    if (declared) (facts.typeAliases ??= nameRecord())[name] = declared;
    const deps = dependsIn(alias, namesIn(scopes));
    if (deps.length) (facts.dependsAliases ??= nameRecord())[name] = deps;
    return true;
  };

  const bindAssignment = (node: SyntaxNode, scopes: Scope[]): void => {
    const left = node.childForFieldName('left');
    if (left?.type !== 'identifier') return;
    const right = node.childForFieldName('right');
    // `CurrentUser = Annotated[User, Depends(get_user)]`: a type alias, read as an annotation
    if (scopes.length === 1 && right?.type === 'subscript' && bindTypeAlias(left.text, right, scopes)) return;
    const value =
      (right?.type === 'call' || right?.type === 'await' ? resolve(right, scopes) : undefined) ??
      annotated(node.childForFieldName('type'), scopes);
    if (!value) return;
    scopes[scopes.length - 1].set(left.text, value);
    if (scopes.length === 1 && value.endsWith('#')) (facts.instances ??= nameRecord())[left.text] = value;
  };

  /**
   * What `self.x` holds in a class's methods, lexically: class-body assignments and `self.x = …`
   * statements in `__init__`, from a constructor call or an annotated `__init__` parameter.
   */
  const collectSelfAttrs = (key: string, body: SyntaxNode, scopes: Scope[]): void => {
    const attrs = new Map<string, string>();
    const valueOf = (right: SyntaxNode | null, type: SyntaxNode | null, local: Scope): string | undefined =>
      (right?.type === 'call'
        ? resolve(right, [...scopes, local])
        : right?.type === 'identifier'
          ? local.get(right.text)
          : undefined) ?? annotated(type, scopes);
    for (const st of named(body)) {
      const def = st.type === 'decorated_definition' ? st.childForFieldName('definition') : st;
      const assign = st.type === 'expression_statement' ? named(st)[0] : undefined;
      if (assign?.type === 'assignment' && assign.childForFieldName('left')?.type === 'identifier') {
        const v = valueOf(assign.childForFieldName('right'), assign.childForFieldName('type'), new Map());
        if (v?.endsWith('#')) attrs.set(assign.childForFieldName('left')!.text, v);
      }
      if (def?.type !== 'function_definition' || def.childForFieldName('name')?.text !== '__init__') continue;
      const params: Scope = new Map();
      for (const p of named(def.childForFieldName('parameters') ?? def)) {
        const pname = (p.childForFieldName('name') ?? named(p).find((c) => c.type === 'identifier'))?.text;
        const t = pname && annotated(p.childForFieldName('type'), scopes);
        if (pname && t) params.set(pname, t);
      }
      for (const stmt of named(def.childForFieldName('body') ?? def)) {
        const a = stmt.type === 'expression_statement' ? named(stmt)[0] : undefined;
        const left = a?.type === 'assignment' ? a.childForFieldName('left') : undefined;
        if (left?.type !== 'attribute' || left.childForFieldName('object')?.text !== 'self') continue;
        const v = valueOf(a!.childForFieldName('right'), a!.childForFieldName('type'), params);
        const attr = left.childForFieldName('attribute')?.text;
        if (attr && v?.endsWith('#')) attrs.set(attr, v);
      }
    }
    if (attrs.size) {
      selfAttrs.set(key, attrs);
      (facts.attributes ??= nameRecord())[key.slice(module.length + 1)] = recordOf(attrs);
    }
  };

  /** `FastAPI(lifespan=f)`, `Starlette(on_startup=[f])`, `app.add_event_handler("startup", f)`, `app.on_startup.append(f)`. */
  const registerStartup = (call: SyntaxNode, scopes: Scope[]): void => {
    const args = call.childForFieldName('arguments');
    if (args?.type !== 'argument_list') return;
    const fnText = call.childForFieldName('function')?.text ?? '';
    const refs: SyntaxNode[] = [];
    const list = named(args);
    if (/(^|\.)add_event_handler$/.test(fnText) && /^["'](startup|shutdown)["']$/.test(list[0]?.text ?? '') && list[1])
      refs.push(list[1]);
    else if (STARTUP_LISTS.test(fnText) && list[0]) refs.push(list[0]);
    for (const a of list) {
      if (a.type !== 'keyword_argument' || !STARTUP_KEYWORDS.has(a.childForFieldName('name')?.text ?? '')) continue;
      const v = a.childForFieldName('value');
      if (v?.type === 'list' || v?.type === 'tuple') refs.push(...named(v));
      else if (v) refs.push(v);
    }
    // A lifespan composed by a combinator (`lifespan=combine(db_lifespan, cache_lifespan)`): the
    // combinator (its nested functions are the composed lifespan) and every function handed to it
    const add = (r: SyntaxNode, depth: number): void => {
      if (depth > 4) return;
      if (r.type === 'call') {
        add(r.childForFieldName('function') ?? r, depth + 1);
        for (const a of named(r.childForFieldName('arguments') ?? r))
          add(a.type === 'keyword_argument' ? (a.childForFieldName('value') ?? a) : a, depth + 1);
        return;
      }
      if (r.type === 'list' || r.type === 'tuple') for (const e of named(r)) add(e, depth + 1);
      const name = r.type === 'identifier' || r.type === 'attribute' ? resolve(r, scopes) : undefined;
      if (name) (facts.startup ??= []).push(name);
    };
    for (const r of refs) add(r, 0);
  };

  /** Sanic middleware registered by a call (`app.register_middleware(f)`): plain defs among them run on the loop. */
  const loopHookNames = new Set<string>();

  /**
   * Middleware functions registered by a call: Starlette's `Middleware(BaseHTTPMiddleware, dispatch=f)` and
   * `app.add_middleware(BaseHTTPMiddleware, dispatch=f)`, a decorator applied by hand (`app.middleware("http")(f)`,
   * `app.on_request(f)`), Sanic's `app.register_middleware(f, "request")` and `app.middleware(f)`. They run per
   * request (requestDeps); Sanic's, when plain defs, on the loop (loopHook).
   */
  const registerMiddleware = (call: SyntaxNode, callee: string | undefined, scopes: Scope[]): void => {
    const fnNode = call.childForFieldName('function');
    const args = call.childForFieldName('arguments');
    if (!fnNode || args?.type !== 'argument_list') return;
    const list = named(args);
    const first = list[0]?.type === 'identifier' || list[0]?.type === 'attribute' ? list[0] : undefined;
    const add = (ref: SyntaxNode | undefined | null, sanic: boolean) => {
      const name = ref && (ref.type === 'identifier' || ref.type === 'attribute') ? resolve(ref, scopes) : undefined;
      if (!name || name.includes('#')) return;
      (facts.requestDeps ??= []).push(name);
      if (sanic) loopHookNames.add(name);
    };
    if (fnNode.type === 'call') {
      // `app.middleware("http")(f)`, `app.middleware("request")(f)`, `app.on_response(priority=2)(f)`
      const inner = fnNode.childForFieldName('function')?.text ?? '';
      const deco = `${inner}${fnNode.childForFieldName('arguments')?.text ?? ''}`;
      if (/\.(?:middleware|on_request|on_response)$/.test(inner)) add(first, SANIC_MIDDLEWARE.test(deco));
      return;
    }
    const text = fnNode.text;
    if (/\.(?:register_middleware|on_request|on_response)$/.test(text) || (/\.middleware$/.test(text) && first))
      return add(first, true);
    if (!STARLETTE_MIDDLEWARE.test(callee ?? '')) return;
    for (const a of list)
      if (a.type === 'keyword_argument' && a.childForFieldName('name')?.text === 'dispatch')
        add(a.childForFieldName('value'), false);
  };

  /** Iterating an instance of a known type (`for b in qs`, `list(qs)`): a call of its '__iter__', for the catalog to judge. */
  const iterates = (iterable: SyntaxNode | null, fnIndex: number, scopes: Scope[]): void => {
    const inst =
      iterable && (iterable.type === 'call' || iterable.type === 'identifier' || iterable.type === 'attribute')
        ? resolve(iterable, scopes)
        : undefined;
    if (!inst?.endsWith('#') || !KNOWN_TYPES.has(inst.slice(0, -1))) return;
    const call: CallFact = {
      callee: `${inst}__iter__`,
      written: '',
      args: '',
      argCount: 0,
      span: spanOf(iterable!),
      awaited: false,
      lineEnd: ends[iterable!.startPosition.row] ?? 1,
      noAwait: true,
    };
    facts.functions[fnIndex].calls.push(call);
  };

  const visitFunction = (
    def: SyntaxNode,
    decorators: string[],
    parent: number | undefined,
    className: string | undefined,
    scopes: Scope[],
  ): void => {
    const name = def.childForFieldName('name')?.text ?? '<anonymous>';
    const parentFn = parent === undefined ? undefined : facts.functions[parent];
    const qualname = parentFn ? `${parentFn.qualname}.${name}` : className ? `${className}.${name}` : name;
    if (parentFn) scopes[scopes.length - 1].set(name, `${module}.${qualname}`);
    const asyncKw = children(def).find((c) => c.type === 'async');
    const defKw = children(def).find((c) => c.type === 'def');
    const fn: FunctionFact = {
      name,
      qualname,
      async: !!asyncKw,
      parent,
      ...(className && !parentFn ? { method: true as const } : {}),
      ...(decorators.some((d) => STARTUP_DECORATOR.test(`.${d}`)) ? { startup: true as const } : {}),
      ...(!asyncKwOf(def) && !className && decorators.some((d) => SANIC_MIDDLEWARE.test(d))
        ? { loopHook: true as const }
        : {}),
      ...(decorators.some((d) => MEMOISING.test(d)) && onlySelf(def) ? { memoised: true as const } : {}),
      ...(decorators.some((d) => CLI_DECORATOR.test(d) || (!className && CLI_DEFAULT.test(d))) ||
      (className && !parentFn && commandClasses.has(className))
        ? { cli: true as const }
        : {}),
      decorators,
      depends: [],
      defLine: def.startPosition.row + 1,
      span: spanOf(def),
      hasAwait: false,
      calls: [],
      ...(asyncKw && defKw
        ? {
            asyncKeyword: {
              ...spanOf(asyncKw),
              endLine: defKw.startPosition.row + 1,
              endColumn: defKw.startPosition.column + 1,
            },
          }
        : {}),
    };
    const index = facts.functions.push(fn) - 1;
    const scope: Scope = new Map();
    const inner = [...scopes, scope];
    const params = named(def.childForFieldName('parameters') ?? def);
    params.forEach((p, i) => {
      const pname =
        p.type === 'identifier'
          ? p.text
          : (p.childForFieldName('name') ?? named(p).find((c) => c.type === 'identifier'))?.text;
      if (!pname) return;
      if (i === 0 && className && (pname === 'self' || pname === 'cls')) scope.set(pname, `${module}.${className}`);
      const typeNode = p.childForFieldName('type');
      const names = namesIn(scopes);
      const annotation = typeNode ? exprs.annotation(typeNode) : undefined;
      const annotatedType = annotationInstance(annotation, names);
      // `other: Self` in a method: an instance of the class (a subclass's, at run time, has its methods too)
      const typed =
        annotatedType && SELF_TYPE.test(annotatedType)
          ? className && !parentFn
            ? `${module}.${className}#`
            : undefined
          : annotatedType;
      if (typed) scope.set(pname, typed);
      // `user: Annotated[User, Depends(get_user)]`, or an alias of one (`user: CurrentUser`, here or imported)
      fn.depends.push(...dependsIn(annotation, names));
      const written = annotation && unquoted(annotation);
      const aliasName = written?.t === 'name' || written?.t === 'attr' ? resolveAst(written, scopes) : undefined;
      if (aliasName?.includes('.')) fn.depends.push(aliasName);
      const dflt = p.childForFieldName('value');
      const call = dflt?.type === 'call' ? exprs.value(dflt) : undefined;
      const target = call?.t === 'call' && isDependsCall(call, names) ? dependencyArg(call) : undefined;
      if (target) {
        const dep = resolveAst(target, scopes);
        if (dep) fn.depends.push(dep);
        // `svc=Depends(UserService)`: FastAPI injects an instance of the class
        const inst = !typed && target.t !== 'call' ? classInstance(dep) : undefined;
        if (inst) scope.set(pname, inst);
      }
    });
    const body = def.childForFieldName('body');
    if (body) walk(body, index, className, inner, false, 0);
    const returnType = def.childForFieldName('return_type');
    const contextManager = decorators.some((d) => /(^|\.)(async)?contextmanager$/.test(d));
    const agreed = (seen: Array<string | undefined> | undefined) =>
      seen?.length && seen.every((s) => s !== undefined && s === seen[0]) ? seen[0] : undefined;
    const returns = contextManager
      ? (yieldedInstance(returnType ? exprs.annotation(returnType) : undefined, namesIn(scopes)) ??
        agreed(yieldsSeen.get(index)))
      : (annotated(returnType, scopes) ?? (yieldsSeen.has(index) ? undefined : agreed(returnsSeen.get(index))));
    // `-> Self`: the class's instance (linking substitutes the receiver's class, see returnsSelf)
    if (returns && SELF_TYPE.test(returns) && className && !parentFn) {
      fn.returns = `${module}.${className}#`;
      fn.returnsSelf = true;
    } else if (returns && !SELF_TYPE.test(returns)) fn.returns = returns;
    if (className && !parentFn && (decorators.some((d) => /(^|\.)abstractmethod$/.test(d)) || (body && noBody(body))))
      fn.abstract = true;
  };

  /**
   * `inLambda`: inside a lambda handed to an offloading call, whose calls run off the loop;
   * `ctx`: NO_AWAIT for everything below; `here`: AWAITED / TIGHT / OFFLOADED for this node only.
   */
  // Tree depth is bounded: a minified or generated expression thousands of levels deep would
  // overflow the stack and cost the whole file; below MAX_DEPTH its calls are simply not seen.
  let depth = 0;
  const walk: Visitor<void> = (node, fnIndex, className, scopes, inLambda, ctx, here = 0) => {
    if (depth >= MAX_DEPTH) return;
    depth++;
    try {
      visit(node, fnIndex, className, scopes, inLambda, ctx, here);
    } finally {
      depth--;
    }
  };
  // visit()'s larger cases, each a function of its own: V8 optimises a function as a whole and throws the whole
  // away when a case meets something new ("wrong map"), and one large visit() was compiled 7-9 times per isolate
  // on polar's server/ (its cases' first files arrive one after another), each time the whole switch.
  const visitComment = (node: SyntaxNode): void => {
    const m = NOQA.exec(node.text);
    if (m) facts.suppressions[node.startPosition.row + 1] = m[1] === undefined ? ['*'] : ruleList(m[1].split('#')[0]);
  };
  const visitClass: Visitor<void> = (node, fnIndex, className, scopes, inLambda, ctx) => {
    const body = node.childForFieldName('body');
    const name = node.childForFieldName('name')?.text;
    if (fnIndex === undefined && name && body) {
      const qual = className ? `${className}.${name}` : name;
      const bases = node.childForFieldName('superclasses');
      (facts.classes ??= nameRecord())[qual] = bases
        ? named(bases)
            .map((b) =>
              b.type === 'identifier' || b.type === 'attribute'
                ? resolve(b, scopes)
                : // `Protocol[T]`: still a protocol (other generic bases are left out, as before)
                  b.type === 'subscript' && PROTOCOL.test(resolve(b.childForFieldName('value'), scopes) ?? '')
                  ? resolve(b.childForFieldName('value'), scopes)
                  : undefined,
            )
            .filter((b) => b !== undefined)
        : [];
      if (facts.classes[qual].some((b) => COMMAND_BASE.test(b))) commandClasses.add(qual);
      collectSelfAttrs(`${module}.${qual}`, body, scopes);
    }
    // `await` in a class body is a SyntaxError, even inside an async def
    if (body)
      walk(
        body,
        fnIndex,
        fnIndex === undefined ? (className ? `${className}.${name}` : name) : className,
        [...scopes, new Map() as Scope],
        inLambda,
        fnIndex === undefined ? ctx : ctx | NO_AWAIT,
      );
  };
  const visitAsPattern: Visitor<void> = (node, fnIndex, className, scopes, inLambda, ctx) => {
    const value = named(node)[0];
    const alias = node.childForFieldName('alias');
    const target = (alias && named(alias).find((c) => c.type === 'identifier')) || alias;
    for (const c of named(node)) walk(c, fnIndex, className, scopes, inLambda, ctx);
    const inst = value?.type === 'call' ? resolve(value, scopes) : undefined;
    // `with Db() as db` binds what `Db.__enter__` returns (a workspace class's own, resolved when linking)
    const workspaceClass = inst?.endsWith('#') && !inst.includes('()#') && !KNOWN_TYPES.has(inst.slice(0, -1));
    const isAsync = node.parent?.parent?.parent?.child(0)?.type === 'async';
    const bound = workspaceClass ? `${inst}${isAsync ? '__aenter__' : '__enter__'}()#` : inst;
    if (bound && target?.type === 'identifier') scopes[scopes.length - 1].set(target.text, bound);
  };
  /** Whether the call is read in full (false: visit() walks its children as any node's). */
  const visitCall: Visitor<boolean> = (node, fnIndex, className, scopes, inLambda, ctx, here = 0) => {
    // Resolved once for all its readers below (each resolve walks the name through the scopes again)
    const callee = resolve(node.childForFieldName('function'), scopes);
    registerStartup(node, scopes);
    registerMiddleware(node, callee, scopes);
    if (fnIndex === undefined) {
      // Import time or a script's `__main__` block: what it calls runs once
      if (isDependsName(callee)) {
        (facts.requestDeps ??= []).push(...dependsIn(exprs.value(node), namesIn(scopes)));
        return true;
      }
      if (callee && !callee.includes('#')) (facts.entries ??= []).push(callee);
      return false;
    }
    if (callee && SPAWNER.test(callee) && node.childForFieldName('arguments')?.type === 'argument_list') {
      if (!inLambda) facts.functions[fnIndex].calls.push(callFact(node, callee, ends, here | ctx));
      walk(node.childForFieldName('function')!, fnIndex, className, scopes, inLambda, ctx, TIGHT);
      for (const a of named(node.childForFieldName('arguments')!)) {
        const v = a.type === 'keyword_argument' ? a.childForFieldName('value') : a;
        if (v) walk(v, fnIndex, className, scopes, inLambda, ctx, v.type === 'call' ? SPAWNED : 0);
      }
      return true;
    }
    if (!inLambda) {
      const fact = callFact(node, callee, ends, here | ctx);
      if (unboundReceiver(node.childForFieldName('function'), scopes)) fact.loose = true;
      facts.functions[fnIndex].calls.push(fact);
    }
    const args = node.childForFieldName('arguments');
    const task = callee && TASK_REGISTRAR.test(callee) && args ? named(args)[0] : undefined;
    const taskName = task?.type === 'identifier' || task?.type === 'attribute' ? resolve(task, scopes) : undefined;
    if (taskName) (facts.functions[fnIndex].tasks ??= []).push(taskName);
    if (!inLambda && callee && CONSUMERS.has(callee) && args?.type === 'argument_list')
      iterates(named(args)[0] ?? null, fnIndex, scopes);
    if (!callee || args?.type !== 'argument_list' || !OFFLOADER.test(callee)) return false;
    // Lambdas handed to an offloader (positionally or as target=…) run in a thread
    for (const c of named(node)) {
      if (c !== args) walk(c, fnIndex, className, scopes, inLambda, ctx, TIGHT);
      else
        for (const a of named(args)) {
          const lambda = a.type === 'keyword_argument' ? a.childForFieldName('value') : a;
          if (lambda?.type === 'lambda') walk(lambda, fnIndex, className, scopes, inLambda, ctx, OFFLOADED);
          else walk(a, fnIndex, className, scopes, inLambda, ctx);
        }
    }
    return true;
  };
  const visit: Visitor<void> = (node, fnIndex, className, scopes, inLambda, ctx, here = 0) => {
    switch (node.type) {
      case 'comment':
        return visitComment(node);
      case 'decorated_definition': {
        const def = node.childForFieldName('definition');
        const decoratorNodes = named(node).filter((c) => c.type === 'decorator');
        const decorators = decoratorNodes.map((d) => d.text.slice(1, 200));
        // Evaluated at import time: their calls are entries, their Depends(…) per-request dependencies
        if (fnIndex === undefined) for (const d of decoratorNodes) walk(d, fnIndex, className, scopes, inLambda, ctx);
        if (def?.type === 'function_definition')
          return visitFunction(def, decorators, fnIndex, fnIndex === undefined ? className : undefined, scopes);
        if (def) walk(def, fnIndex, className, scopes, inLambda, ctx);
        return;
      }
      case 'function_definition':
        return visitFunction(node, [], fnIndex, fnIndex === undefined ? className : undefined, scopes);
      case 'class_definition':
        return visitClass(node, fnIndex, className, scopes, inLambda, ctx);
      case 'lambda':
        // Its calls run where it is called: inline (sorted(key=…)) or by the loop (call_soon) unless offloaded
        for (const c of named(node))
          walk(c, fnIndex, className, scopes, inLambda || (here & OFFLOADED) !== 0, ctx | NO_AWAIT);
        return;
      case 'generator_expression':
        // `await` inside makes it an async generator, which sum()/any()/list() cannot iterate
        for (const c of named(node)) walk(c, fnIndex, className, scopes, inLambda, ctx | NO_AWAIT);
        return;
      case 'import_statement':
      case 'import_from_statement':
        bindImport(node, scopes[scopes.length - 1]);
        return;
      case 'assignment':
        for (const c of named(node)) walk(c, fnIndex, className, scopes, inLambda, ctx);
        bindAssignment(node, scopes);
        return;
      case 'type_alias_statement': {
        // `type CurrentUser = Annotated[User, Depends(get_user)]` (PEP 695); a generic alias (`type X[T] = …`) is left out
        const left = node.childForFieldName('left');
        const name =
          left && named(left).length === 1 && named(left)[0].type === 'identifier' ? named(left)[0].text : '';
        if (name && scopes.length === 1) bindTypeAlias(name, node.childForFieldName('right'), scopes);
        return;
      }
      case 'as_pattern':
        return visitAsPattern(node, fnIndex, className, scopes, inLambda, ctx);
      case 'await':
        if (fnIndex !== undefined) facts.functions[fnIndex].hasAwait = true;
        for (const c of named(node)) walk(c, fnIndex, className, scopes, inLambda, ctx, AWAITED);
        return;
      case 'for_statement':
      case 'for_in_clause':
      case 'with_statement':
        if (fnIndex !== undefined && node.child(0)?.type === 'async') facts.functions[fnIndex].hasAwait = true;
        else if (fnIndex !== undefined && !inLambda && node.type !== 'with_statement')
          iterates(node.childForFieldName('right'), fnIndex, scopes);
        break;
      case 'return_statement':
      case 'yield': {
        if (fnIndex === undefined) break;
        const seen = node.type === 'yield' ? yieldsSeen : returnsSeen;
        const v = named(node)[0];
        (seen.get(fnIndex) ?? seen.set(fnIndex, []).get(fnIndex)!).push(returnedValue(v, scopes, className));
        break;
      }
      case 'if_statement': {
        if (fnIndex === undefined || !fillsOnce(node)) break;
        for (const c of named(node))
          walk(c, fnIndex, className, scopes, inLambda, c === node.childForFieldName('consequence') ? ctx | ONCE : ctx);
        return;
      }
      case 'call':
        if (visitCall(node, fnIndex, className, scopes, inLambda, ctx, here)) return;
        break;
    }
    const kids = named(node);
    const tight = TIGHT_PARENTS.has(node.type);
    for (let i = 0; i < kids.length; i++) {
      const kid = kids[i];
      // A leaf (an identifier, a number, a string's part) is nothing visit() reads, a comment apart: about half
      // of the nodes, not visited
      if (kid.children.length === 0 && kid.type !== 'comment') continue;
      walk(kid, fnIndex, className, scopes, inLambda, ctx, tight && i === 0 ? TIGHT : 0);
    }
  };

  /** The file's facts, read with the state set above. */
  function read(): CodeFacts {
    // Top-level names first, so calls that appear before a definition still resolve.
    for (const st of named(root)) {
      const def = st.type === 'decorated_definition' ? st.childForFieldName('definition') : st;
      const name = def?.childForFieldName('name')?.text;
      if (def && name && (def.type === 'function_definition' || def.type === 'class_definition'))
        moduleScope.set(name, `${module}.${name}`);
    }
    walk(root, undefined, undefined, [moduleScope], false, 0);
    if (loopHookNames.size) {
      const local = new Set<string>();
      for (const fn of facts.functions)
        if (fn.parent === undefined && !fn.method && loopHookNames.has(`${module}.${fn.qualname}`)) {
          local.add(`${module}.${fn.qualname}`);
          if (!fn.async) fn.loopHook = true;
        }
      // The others are defined in other files (or are no module-level function): the analysis resolves them there
      // and marks module-level plain defs only (see CodeFacts.loopHooks)
      const imported = [...loopHookNames].filter((name) => !local.has(name));
      if (imported.length) facts.loopHooks = imported;
    }
    if (facts.entries) facts.entries = [...new Set(facts.entries)];
    moduleImports(root, ends, source, facts);
    return facts;
  }

  return (filePath, tsRoot, fileSource) => {
    source = fileSource;
    root = syntaxOf(tsRoot);
    ({ module, isPackage } = pythonModuleName(filePath));
    ends = lineEnds(source);
    facts = { language: 'python', module, functions: [], suppressions: {} };
    moduleScope = new Map();
    exprs = new PyAstReader(tsRoot, true);
    depth = 0;
    try {
      return read();
    } finally {
      // Nothing of this file is kept once its facts are out, or once its extraction failed
      facts = undefined!;
      root = undefined!;
      exprs = undefined!;
      source = undefined!;
      ends = undefined!;
      moduleScope = undefined!;
      for (const perFile of [typeAliases, returnsSeen, yieldsSeen, commandClasses, selfAttrs, loopHookNames])
        perFile.clear();
    }
  };
}

/**
 * Module-level `import asyncio [as x]` and where a new import goes: after the last top-level
 * import (statements that are direct children of the module, never inside a block), else after
 * leading comments, the docstring and `from __future__` imports. Nothing past an
 * `if __name__ == "__main__":` block counts: when run as a script it executes before them.
 */
function moduleImports(root: SyntaxNode, ends: number[], source: string, facts: CodeFacts): void {
  const top = named(root);
  let at: number | undefined;
  let preamble = 0;
  let code = false;
  for (let i = 0; i < top.length; i++) {
    const st = top[i];
    if (st.type === 'if_statement' && /\b__name__\b/.test(st.childForFieldName('condition')?.text ?? '')) break;
    if (
      st.type === 'import_statement' ||
      st.type === 'import_from_statement' ||
      st.type === 'future_import_statement'
    ) {
      let end = st.endPosition.row;
      // `import os; x = f(` … `)`: the line after the last statement that shares the import's line
      for (let j = i + 1; j < top.length && top[j].startPosition.row === st.endPosition.row; j++)
        end = Math.max(end, top[j].endPosition.row);
      at = end + 1;
      if (st.type === 'import_statement') {
        for (const n of st.childrenForFieldName('name')) {
          if (n?.type === 'dotted_name' && (n.text === 'asyncio' || n.text.startsWith('asyncio.')))
            facts.asyncio ??= 'asyncio';
          else if (n?.type === 'aliased_import' && n.childForFieldName('name')?.text === 'asyncio')
            facts.asyncio ??= n.childForFieldName('alias')?.text;
        }
      }
    } else if (
      !code &&
      (st.type === 'comment' ||
        (st.type === 'expression_statement' && st.namedChildCount === 1 && st.namedChild(0)?.type === 'string'))
    ) {
      preamble = st.endPosition.row + 1;
      if (st.type !== 'comment') code = true; // one docstring
    } else code = true;
  }
  const row = at ?? preamble;
  const crlf = source.includes('\r\n') ? { crlf: true as const } : {};
  // `ends` has one entry per line; a file without a final newline has no line after its last one
  facts.importAt =
    row < ends.length
      ? { line: row + 1, column: 1, ...crlf }
      : { line: ends.length, column: ends[ends.length - 1], eof: true, ...crlf };
}

function asyncKwOf(def: SyntaxNode): boolean {
  return children(def).some((c) => c.type === 'async');
}

/** A body that does nothing of its own: `pass`, `...`, a docstring, `raise NotImplementedError`. */
function noBody(body: SyntaxNode): boolean {
  return named(body).every(
    (st) =>
      st.type === 'pass_statement' ||
      st.type === 'comment' ||
      (st.type === 'expression_statement' && ['ellipsis', 'string'].includes(named(st)[0]?.type ?? '')) ||
      (st.type === 'raise_statement' && /^raise\s+NotImplementedError\b/.test(st.text)),
  );
}

/** `if _x is None:` / `if not self._x:` (the names a memoising guard tests): the tested name. */
const GUARD = /^(?:not\s+([\w.]+)|([\w.]+)\s+is\s+None)$/;

/**
 * Whether an `if` fills a cache once: it tests a module global the function declares `global` (or
 * `nonlocal`), or an attribute (`self._model`, `cls._client`), for None / falsiness, and its body
 * assigns that same name. A local or a parameter (`if key is None: key = …`) is per call, so not.
 */
function fillsOnce(node: SyntaxNode): boolean {
  const m = GUARD.exec(node.childForFieldName('condition')?.text.replace(/\s+/g, ' ').trim() ?? '');
  const target = m?.[1] ?? m?.[2];
  const body = node.childForFieldName('consequence');
  if (!target || !body || !assigns(body, target, 0)) return false;
  if (target.includes('.')) return true;
  let fn: SyntaxNode | null = node.parent;
  while (fn && fn.type !== 'function_definition') fn = fn.parent;
  return !!fn && declares(fn.childForFieldName('body'), target, 0);
}

/** Whether statements under `node` (not in nested functions or classes) assign `target`. */
function assigns(node: SyntaxNode, target: string, depth: number): boolean {
  if (depth > 20 || node.type === 'function_definition' || node.type === 'class_definition') return false;
  if (node.type === 'assignment' && node.childForFieldName('left')?.text === target) return true;
  return named(node).some((c) => assigns(c, target, depth + 1));
}

/**
 * What calling `callee` gives: a library's or a class's instance, or a workspace function's or method's result
 * (`get_session()#`, resolved when linking from its `returns`).
 */
function callResult(callee: string | undefined): string | undefined {
  return (
    instanceOf(callee, PYTHON_RETURNS) ??
    classInstance(callee) ??
    (callee && /[.#]/.test(callee) && !callee.endsWith('#') ? `${callee}()#` : undefined)
  );
}

/** `sessions[0]` of a known type's instance keeps it (a workspace class's may hold anything). */
function subscripted(base: string | undefined): string | undefined {
  return base?.includes('#') && KNOWN_TYPES.has(base.slice(0, base.indexOf('#'))) ? base : undefined;
}

/** Whether a function body declares `global name` / `nonlocal name` (outside nested functions). */
function declares(node: SyntaxNode | null, name: string, depth: number): boolean {
  if (!node || depth > 20 || node.type === 'function_definition' || node.type === 'class_definition') return false;
  if (node.type === 'global_statement' || node.type === 'nonlocal_statement')
    return named(node).some((c) => c.text === name);
  return named(node).some((c) => declares(c, name, depth + 1));
}

/** What callFact reads of a call node (web-tree-sitter's `Node` for Node facts, `SyntaxNode` here). */
interface CallNode {
  text: string;
  namedChildCount: number;
  startPosition: { row: number; column: number };
  endPosition: { row: number; column: number };
  childForFieldName(field: string): CallNode | null;
}

export function callFact(
  node: CallNode,
  callee: string | undefined,
  ends: number[],
  flags: number,
  argsField = 'arguments',
  fnField = 'function',
): CallFact {
  const args = node.childForFieldName(argsField);
  const argsText = args ? args.text : '';
  const inside = argsText.length >= 2 ? argsText.slice(1, -1) : '';
  // Assigned one by one (in the order the facts always had), not spread: this runs once per call in the workspace
  const fact = {} as CallFact;
  if (callee !== undefined) fact.callee = callee;
  fact.written = node.childForFieldName(fnField)?.text.slice(0, 200) ?? '';
  fact.args = inside.length > MAX_ARGS_TEXT ? '' : inside;
  fact.argCount = args?.namedChildCount ?? 0;
  fact.span = spanOf(node);
  fact.awaited = (flags & AWAITED) !== 0;
  fact.lineEnd = ends[node.startPosition.row] ?? 1;
  if ((flags & TIGHT) !== 0) fact.tight = true;
  if ((flags & NO_AWAIT) !== 0) fact.noAwait = true;
  if ((flags & ONCE) !== 0) fact.once = true;
  if ((flags & SPAWNED) !== 0) fact.spawned = true;
  return fact;
}
