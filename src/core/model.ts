// The shapes every part of the product agrees on. Plain data only: these values
// cross the CLI's JSON output, the load worker, run files and the webview.
// Lines and columns are 1-based everywhere (as editors, SARIF and the CLI print them).

export type Language = 'python' | 'javascript' | 'typescript' | 'tsx';

export type Framework =
  | 'fastapi'
  | 'starlette'
  | 'flask'
  | 'quart'
  | 'django'
  | 'django-ninja'
  | 'aiohttp'
  | 'sanic'
  | 'express'
  | 'fastify'
  | 'koa'
  | 'nestjs'
  | 'hono'
  | 'socket.io';

/** A range in a workspace file. `file` is relative to the workspace root, '/'-separated. */
export interface SourceRange {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** Where the framework runs a handler, which decides whether blocking calls freeze the server. */
export type Execution =
  | 'event-loop' // async handler, or a framework that calls sync handlers on the loop (aiohttp, Sanic, Node)
  | 'threadpool' // FastAPI/Starlette `def`, Quart `def`: offloaded, costs a pool token
  | 'worker' // WSGI (Flask, sync Django): one request per worker process/thread
  | 'library'; // the handler is library code (Route.library): how it runs is the library's, not read

export interface Route {
  framework: Framework;
  methods: string[]; // upper-case; ['WEBSOCKET'] for websocket routes
  path: string; // full path, every prefix applied, params as the framework writes them
  file: string; // relative to the workspace root, '/' separators
  line: number; // 1-based line of the handler's def/function
  handler: string; // the handler's name (Class.method for class-based views)
  async: boolean;
  execution: Execution;
  /**
   * The handler is not the workspace's code: the qualified name of the library code that answers
   * (`path("login/", auth_views.LoginView.as_view())` → `django.contrib.auth.views.LoginView`). `file`/`line`
   * are where the route is registered, or the workspace class that only configures the library's view
   * (`class Login(LoginView): template_name = …`); `async` is false and `execution` 'library': not known.
   */
  library?: string;
  /** Routers/blueprints/mounts the route came through, outermost first (e.g. ['app', 'api_router', 'items.router']). */
  routers?: string[];
  /** Range of the whole handler definition, when known (CodeLens, "cursor is in handler"). */
  range?: SourceRange;
  /**
   * The handler's parameters as its signature writes them, in order, when known (Python handlers):
   * `item_id: int = 5` → {name: 'item_id', annotation: 'int', default: '5'}; `*args` and `**kw`
   * keep their stars; `self`, `request` and the like are included. The editor pre-fills path
   * parameter values from them by type or default. Texts over 1,000 characters are left out.
   */
  params?: RouteParam[];
  /**
   * A JSON example of the request body, derived statically (compact, one line): for FastAPI
   * POST/PUT/PATCH handlers with a parameter annotated with a workspace pydantic model (BaseModel,
   * SQLModel) or dataclass (or declared with `Body()`), the model's fields with their literal defaults or values fitting their
   * types (nested models as objects, `list[Model]` as `[{…}]`, `Literal`/enum choices); several
   * body parameters, or `Body(embed=True)`, embedded by name as FastAPI does. The editor pre-fills
   * the body prompt with it. Absent when nothing can be derived.
   */
  bodyTemplate?: string;
  /**
   * Some part of the path (a prefix, mount or the route's own path) could not be evaluated statically:
   * it is written `{<expression text>?}` in `path` (`{settings.API_PREFIX?}/items`), never dropped.
   */
  unresolved?: boolean;
  /** Why the route is unresolved: which expressions could not be evaluated. */
  unresolvedReason?: string;
  /**
   * 'event': not an HTTP route but a socket.io event handler (framework 'socket.io', methods ['EVENT'], `path` the
   * event name: 'connection' for the connection handler, '*' for onAny). It runs on the event loop like a handler,
   * so analysis checks it; nothing can profile it over HTTP. Absent for HTTP routes.
   */
  kind?: 'event';
  /** The socket.io namespace of an event other than the main one ('/admin'). */
  namespace?: string;
}

export interface RouteParam {
  name: string;
  /** The annotation's source text, e.g. `int`, `Literal['a', 'b']`. */
  annotation?: string;
  /** The default value's source text, e.g. `5`, `'a'`. */
  default?: string;
}

export type Severity = 'error' | 'warning' | 'info';

export interface TextEdit {
  file: string; // relative, like SourceRange.file
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  newText: string;
}

/** A machine-applicable fix: the VS Code layer turns it into a WorkspaceEdit as is. */
export interface Fix {
  title: string;
  edits: TextEdit[];
}

/** Rule ids; each has its file in src/core/analysis/rules/ (RULE_BY_ID there must name every one). */
export type RuleId = 'EP101' | 'EP102' | 'EP103' | 'EP104' | 'EP201' | 'EP301';

export interface Finding {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** Documented in media/rules.md, generated from src/core/analysis/rules/. */
  rule: RuleId;
  severity: Severity;
  message: string;
  handler?: string;
  /** Steps from the handler's call site to the blocking call, e.g. ['fetch_profile()', 'load_remote()', 'requests.get (app/helpers.py:12)']. */
  chain?: string[];
  /** Locations of each chain step after the first, for related information. */
  chainLocations?: SourceRange[];
  /** The async replacement, in words/code, from the catalog. */
  replacement?: string;
  fix?: Fix;
  /** Further fixes (e.g. wrap in to_thread) offered besides the preferred one. */
  alternativeFixes?: Fix[];
}

// ---------------------------------------------------------------- run records

export interface LatencySummary {
  min: number;
  mean: number;
  stdev: number;
  p50: number;
  p75: number;
  p90: number;
  p95: number;
  p99: number;
  p999: number;
  max: number;
}

export interface TimelinePoint {
  t: number; // seconds since the measured phase began (bucket start)
  count: number;
  errors: number;
  p50: number; // ms
  p99: number; // ms
}

/**
 * Why a request did not count as ok. `status`: answered with a status outside `config.expect`;
 * `fd-limit`: the process ran out of file descriptors (EMFILE/ENFILE).
 */
export type ErrorKind =
  'status' | 'refused' | 'timeout' | 'reset' | 'dns' | 'too-large' | 'late' | 'fd-limit' | 'other';

export interface ServerConfig {
  command?: string;
  workers?: number;
  [key: string]: unknown;
}

export interface RunConfig {
  model: 'closed' | 'open';
  concurrency: number;
  requests?: number;
  durationS?: number;
  rate?: number;
  timeoutS: number;
  warmup: number; // warm-up requests (closed) or seconds (documented in README)
  keepAlive?: boolean;
  pipelining?: number;
  threads?: number;
  /** The HTTP client that measured: 'lean' (raw sockets, http: only) or 'undici'. */
  client?: 'lean' | 'undici';
  /** Statuses that count as ok (`--expect`), e.g. '200-399' (the default), '200,201', '2xx'. */
  expect?: string;
}

export interface RunRecord {
  schemaVersion: 1;
  id: string;
  label?: string;
  group?: string;
  createdAt: string; // ISO 8601
  target: { url: string; method: string; headers: Record<string, string>; bodyBytes: number };
  config: RunConfig;
  environment: { host: string; cpus: number; node: string; tool: string; version: string };
  server?: ServerConfig;
  route?: { framework?: Framework; path: string; file?: string; line?: number; handler?: string };
  summary: {
    count: number;
    ok: number;
    errors: number;
    rps: number;
    durationS: number;
    bytes?: number;
    /** Open model: requests the schedule called for that were never sent (the server or client could not keep up). */
    unsent?: number;
    /** Requests still in flight when the run's deadline (`-z`) or a cancel stopped it; not in the latency figures. */
    cancelledInFlight?: number;
    latencyMs: LatencySummary;
  };
  statusCodes: Record<string, number>;
  errorKinds: Partial<Record<ErrorKind, number>>;
  /** Event-loop stalls seen in the server during the run (`--watch-loop`), largest total first. */
  loopStalls?: LoopStall[];
  /** The server's event-loop lag during the run (`--watch-loop`). */
  loopLag?: LoopLag;
  /** The first message seen for each error kind, so a failure keeps its cause. */
  errorSamples?: Partial<Record<ErrorKind, string>>;
  timeline: TimelinePoint[];
  histogram: string; // HDR compressed, base64, values in µs
  uncorrectedHistogram?: string; // open model: latency from the actual send time
  clientBound?: boolean;
  status: 'complete' | 'cancelled' | 'failed';
  failure?: string; // one line, when status is 'failed'
}

/** One place in the workspace where the server's event loop was measured blocked. */
export interface LoopStall {
  file: string; // workspace-relative, '/' separators
  line: number; // 1-based: the line most samples of the stall stood on
  function: string;
  /** The route whose handler the stall ran under, e.g. 'GET /items/{id}', when discovery knows it. */
  route?: string;
  count: number; // stalls at this site
  totalMs: number;
  maxMs: number;
}

export interface LoopLag {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  timeline: Array<{ t: number; maxMs: number }>; // t: seconds since the measured phase began
}
