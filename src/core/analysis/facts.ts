// Per-file facts the analyzer needs, as plain serialisable data: the syntax tree is
// deleted right after extraction and these are cached by content hash (ProjectIndex).

/** 1-based lines and columns; endColumn is exclusive (the column just past the last character). */
export interface Span {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export interface CallFact {
  /** Resolved as far as the file allows: 'time.sleep', 'requests.Session#get', 'app.helpers.load_remote', 'fs.readFileSync'. */
  callee?: string;
  /** The callee as written ('nap', 'rq.get', 's.get'). */
  written: string;
  /** Source text between the parentheses (capped), for rewrites. */
  args: string;
  argCount: number;
  /** Node: the only argument is a name a `const` binds to an integer written out (`const IV_LENGTH = 16`): that integer. */
  argValue?: number;
  span: Span;
  awaited: boolean;
  /** Column just past the end of the call's first line, where a suppression comment goes. */
  lineEnd: number;
  /**
   * The call is the object of a member access, a call or a subscript (`f(x).y`, `f(x)()`, `f(x)[0]`,
   * JS `f(x) ** 2`): `await` binds looser than these, so a rewrite starting with it needs parentheses.
   */
  tight?: true;
  /** `await` is not allowed where the call is (a lambda, a generator expression, a class body, a parameter default). */
  noAwait?: true;
  /**
   * Python: one-time work — the call sits in `if _x is None:` / `if not self._x:` whose body assigns that
   * module global (declared `global`) or attribute: it runs the first time only, not per request.
   */
  once?: true;
  /** Python: a method call whose receiver the file does not bind (`client.read()` on an untyped parameter). */
  loose?: true;
  /** Python: the coroutine handed to a task spawner (`asyncio.create_task(poll())`): it runs on beside what spawned it. */
  spawned?: true;
}

export interface FunctionFact {
  name: string;
  /** Qualified inside the module: 'Class.method', 'outer.inner'. */
  qualname: string;
  async: boolean;
  /** Index of the enclosing function in `functions`, for nested functions. */
  parent?: number;
  /** Defined directly in a class body: `qualname` is 'Class.method', and `Class#method` calls land here. */
  method?: true;
  /**
   * Python: a plain `def` the framework calls on the event loop, per request: Sanic middleware
   * (`@app.middleware("request")`, `@app.on_response`, `app.register_middleware(f)` in the same file; from
   * another file, see CodeFacts.loopHooks), which Sanic calls from its request coroutine without a thread.
   */
  loopHook?: true;
  /** Python: a startup/shutdown hook (`@app.on_event("startup")`, `@app.before_serving`, …): runs once, not per request. */
  startup?: true;
  /**
   * Python: memoised one-time work — `@functools.cache` / `@lru_cache` on a function without parameters (or
   * with only `self`/`cls`): its body runs once, not per request, so what it calls is not reported through it.
   */
  memoised?: true;
  /**
   * Python: a command-line entry point — a click/typer/Flask-CLI command (`@cli.command()`, `@app.command()`)
   * or a Django management command's method: it runs when someone types the command, not per request.
   */
  cli?: true;
  /**
   * Python: what the function returns, as an instance ('sqlalchemy.orm.Session#', 'app.models.User#'): its
   * return annotation (for an async def, what awaiting it gives; for a @contextmanager, what it yields), else
   * what every `return` in it gives when they agree (`return self` in a method: its class's instance).
   */
  returns?: string;
  /**
   * Python: the method is annotated `-> Self` (typing / typing_extensions): `returns` names its own class, and a
   * call on a subclass or its instance (`Sub.for_key()`, `sub.copy()`) gives that subclass's instance instead.
   */
  returnsSelf?: true;
  /** Python: a method without a body of its own (@abstractmethod, or only `pass` / `...` / raise NotImplementedError). */
  abstract?: true;
  /** Node: a function the server runs per request besides the handler (`app.use(fn)`, route middleware, request hooks). */
  middleware?: true;
  decorators: string[];
  /**
   * Python: functions handed to a background-task registrar (`background_tasks.add_task(f)`, `BackgroundTask(f)`),
   * resolved like callees: they run after the response, per request.
   */
  tasks?: string[];
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
  /**
   * Module-level names bound to instances of known types ('http' → 'requests.Session#'), so another
   * module's `from .clients import http; http.get(u)` resolves to 'requests.Session#get'.
   */
  instances?: Record<string, string>;
  /**
   * Python: module-level `Annotated[T, …]` aliases by the instance T declares ('Http' → 'requests.Session#'),
   * so another module's `http: Http` (an 'app.deps.Http#' instance) calls T's methods.
   */
  typeAliases?: Record<string, string>;
  /**
   * Python: functions (resolved like callees) registered here as startup/shutdown hooks or lifespans:
   * `FastAPI(lifespan=…)`, `on_startup=[…]`, `add_event_handler("startup", …)`, aiohttp `on_startup.append(…)`.
   */
  startup?: string[];
  /**
   * Python: callees (resolved) of calls made at module level — at import time, or in an
   * `if __name__ == "__main__":` block when run as a script (`asyncio.run(main())`): run once, not per request.
   */
  entries?: string[];
  /**
   * Python: FastAPI dependencies declared outside a signature (`APIRouter(dependencies=[Depends(auth)])`,
   * `@app.get("/", dependencies=[…])`), and middleware functions registered by a call rather than a decorator
   * (`Middleware(BaseHTTPMiddleware, dispatch=f)`, `app.add_middleware(…, dispatch=f)`, `app.middleware("http")(f)`,
   * Sanic's `app.register_middleware(f)`): run per request.
   */
  requestDeps?: string[];
  /**
   * Python: Sanic middleware registered here by a call but defined in another module (resolved like callees:
   * `from app.hooks import stamp; app.register_middleware(stamp)`): where a plain def, it runs on the loop (loopHook).
   */
  loopHooks?: string[];
  /** Python: module-level aliases `CurrentUser = Annotated[User, Depends(get_user)]` → the dependencies they declare. */
  dependsAliases?: Record<string, string[]>;
  /**
   * Node: package-like import specifiers by the module name callees start with ('@server.util' → '@server/util'):
   * linking resolves those a tsconfig/jsconfig `paths` alias maps to a workspace file (src/core/nodeImports/).
   */
  specifiers?: Record<string, string>;
  /** Node: the qualname of the function the module exports as its default; calls of the module name land in it. */
  defaultExport?: string;
  /** Node: names of functions (resolved like callees) registered as middleware, defined here or in another file. */
  middleware?: string[];
  /** Python: instances a class's attributes hold (class-body annotations, `self.x = …` in `__init__`): qualname → attribute → instance. */
  attributes?: Record<string, Record<string, string>>;
  /** Python classes (module level and nested in classes) by qualname → their base classes, resolved like callees. */
  classes?: Record<string, string[]>;
  /**
   * Python: module-level `from m import a [as b]` bindings ('b' → 'm.a', absolute), so a name another module
   * imports from this one (a package's `__init__.py` re-exporting `from .recipe import Recipe`) is followed there.
   */
  reexports?: Record<string, string>;
  /** Python: modules whose names a module-level `from m import *` re-exports (absolute). */
  reexportStars?: string[];
  /** Python: the name a module-level `import asyncio` (or `import asyncio as x`) binds, when one does. */
  asyncio?: string;
  /**
   * Python: where a new module-level `import` goes: before `line` at column 1, after the last top-level
   * import (or the docstring, `from __future__` imports and leading comments). `eof`: the file ends
   * without a newline on `line`, so the import goes at its end, after a newline; `crlf`: the file's line ends.
   */
  importAt?: { line: number; column: number; eof?: true; crlf?: true };
}
