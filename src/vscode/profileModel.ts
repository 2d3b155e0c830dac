// The decisions behind "Profile Endpoint", as plain data so they are unit-tested without
// VS Code: which handler the cursor is in, the path parameters a route needs (with a value
// that fits their declared type), the URL, and the load profiles offered.
import type { Route, RouteParam } from '../core/model';

/**
 * Where a route's remembered answers (path parameters, method, body, profile) are kept: the
 * handler's identity (file, name, methods, path), not its line, so an edit above the handler
 * does not lose them. Methods are sorted so the order discovery lists them in does not matter.
 */
export function answersKey(route: Pick<Route, 'file' | 'handler' | 'methods' | 'path'>): string {
  return `endpointProfiler.answers:${route.file}:${route.handler}:${[...route.methods].sort().join(',')}:${route.path}`;
}

/** The line-based key earlier versions used; read once as a fallback so their answers are not lost. */
export function legacyAnswersKey(route: Pick<Route, 'file' | 'line' | 'path'>): string {
  return `endpointProfiler.route:${route.file}:${route.line}:${route.path}`;
}

/** The route whose handler contains `line` (1-based) of `file`, innermost first. */
export function routeAt(routes: readonly Route[], file: string, line: number): Route | undefined {
  const inFile = routes.filter((r) => r.file === file);
  const containing = inFile.filter((r) =>
    r.range ? r.range.line <= line && line <= r.range.endLine : r.line === line,
  );
  // Nested handlers (a route inside a factory function) → the smallest range wins.
  return containing.sort((a, b) => span(a) - span(b))[0];
}

const span = (r: Route): number => (r.range ? r.range.endLine - r.range.line : 0);

export interface PathParam {
  name: string;
  /** The text in the route path this parameter replaces, e.g. `{item_id}`, `<int:id>`, `:id`. */
  token: string;
  /** A value that fits the declared converter/type/pattern, for pre-filling the input. */
  suggestion: string;
  /** Pattern a value must match (Django regex groups, aiohttp `{name:regex}`), when declared. */
  pattern?: string;
  /** A part discovery could not evaluate (`{settings.API_PREFIX?}`): the user must give its value. */
  unresolved?: true;
}

// One matcher per path-parameter syntax, in the order they are tried at each position:
// Django regex group, Flask/Django/Sanic/Quart `<conv:name>`, Starlette/FastAPI/aiohttp
// `{name[:conv|regex]}`, Express-family `:name` (Koa, Fastify, Hono, NestJS share it).
const SYNTAXES: Array<{
  re: RegExp;
  parse: (m: RegExpExecArray) => { name: string; type?: string; pattern?: string; unresolved?: true };
}> = [
  // A prefix or path discovery could not evaluate, written `{expression?}` (Route.unresolved).
  { re: /\{([^{}]+)\?\}/y, parse: (m) => ({ name: m[1], unresolved: true }) },
  { re: /\(\?P<(\w+)>((?:[^()\\]|\\.|\([^()]*\))*)\)/y, parse: (m) => ({ name: m[1], pattern: m[2] }) },
  { re: /<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>/y, parse: (m) => ({ name: m[2], type: m[1] }) },
  {
    re: /\{(\w+)(?::([^{}]*(?:\{[^{}]*\}[^{}]*)*))?\}/y,
    parse: (m) => ({ name: m[1], ...(m[2] && /^\w+$/.test(m[2]) ? { type: m[2] } : m[2] ? { pattern: m[2] } : {}) }),
  },
  { re: /:(\w+)(\?)?/y, parse: (m) => ({ name: m[1] }) },
];

/**
 * The parameters written in a route's path, each with a value to pre-fill: from the handler's
 * own signature when discovery read it (`item_id: int = 5` → 5, `kind: Literal['a', 'b']` → a),
 * else from the path's converter or pattern, else from the name.
 */
export function pathParams(path: string, signature: readonly RouteParam[] = []): PathParam[] {
  const out: PathParam[] = [];
  for (let i = 0; i < path.length; i++) {
    for (const { re, parse } of SYNTAXES) {
      re.lastIndex = i;
      const m = re.exec(path);
      if (!m) continue;
      const { name, type, pattern, unresolved } = parse(m);
      const declared = signature.find((p) => p.name === name);
      out.push({
        name,
        token: m[0],
        // Never a guess for a part the code computes at run time: the user types it.
        suggestion: unresolved ? '' : ((declared && fromSignature(declared, pattern)) ?? suggest(name, type, pattern)),
        ...(pattern ? { pattern } : {}),
        ...(unresolved ? { unresolved } : {}),
      });
      i += m[0].length - 1;
      break;
    }
  }
  return out;
}

const BY_TYPE: Record<string, string> = {
  int: '1',
  float: '1.5',
  number: '1',
  uuid: '00000000-0000-4000-8000-000000000000',
  path: 'a/b',
  slug: 'example',
  str: 'example',
  string: 'example',
};

/** A value from the handler's parameter: its default if it is a plain literal, else one fitting its annotation. */
function fromSignature(p: RouteParam, pattern?: string): string | undefined {
  const fits = (v: string): boolean => !pattern || (safeTest(pattern, v) ?? true);
  const literal = p.default === undefined ? undefined : plainLiteral(p.default);
  if (literal !== undefined && fits(literal)) return literal;
  if (!p.annotation) return undefined;
  // `Annotated[int, Path(gt=0)]` and `Optional[int]` are about their first type.
  const type = p.annotation
    .replace(/^(?:typing\.)?(?:Annotated|Optional)\[\s*/, '')
    .split(/[,\]|]/)[0]
    .trim();
  const choice = /^(?:typing\.)?Literal\[\s*(.+)$/.exec(p.annotation)?.[1].split(',')[0];
  const candidate =
    choice !== undefined
      ? plainLiteral(choice.replace(/\]\s*$/, '').trim())
      : BY_ANNOTATION[type.replace(/^(?:uuid|datetime|pathlib)\./, '')];
  return candidate !== undefined && fits(candidate) ? candidate : undefined;
}

const BY_ANNOTATION: Record<string, string> = {
  int: '1',
  float: '1.5',
  Decimal: '1.5',
  bool: 'true',
  str: 'example',
  UUID: '00000000-0000-4000-8000-000000000000',
  date: '2024-01-01',
  datetime: '2024-01-01T00:00:00',
  Path: 'a/b',
};

/** A Python number or string literal's value; anything else (a call, a name) is not a value to send. */
function plainLiteral(text: string): string | undefined {
  const t = text.trim();
  if (/^-?\d+(\.\d+)?$/.test(t)) return t;
  const quoted = /^[rbuRBU]?(['"])(.*)\1$/.exec(t);
  return quoted && !quoted[2].includes(quoted[1]) ? quoted[2] : undefined;
}

function safeTest(pattern: string, value: string): boolean | undefined {
  try {
    return new RegExp(`^(?:${pattern})$`).test(value);
  } catch {
    return undefined; /* a Python-only regex feature */
  }
}

function suggest(name: string, type?: string, pattern?: string): string {
  if (type && BY_TYPE[type]) return BY_TYPE[type];
  if (pattern) {
    for (const candidate of ['1', '2024', 'example', 'a', '00000000-0000-4000-8000-000000000000']) {
      const fits = safeTest(pattern, candidate);
      if (fits === undefined) break;
      if (fits) return candidate;
    }
    return '';
  }
  return /(^|_)(id|pk|num|count|page|year)$|Id$/.test(name) ? '1' : 'example';
}

/** Base URL + route path with every parameter replaced (values URI-encoded, except `path` converters' slashes). */
export function buildUrl(
  baseUrl: string,
  route: Pick<Route, 'path' | 'params'>,
  values: Record<string, string>,
): string {
  let path = route.path;
  for (const p of pathParams(route.path, route.params)) {
    const value = values[p.name] ?? p.suggestion;
    path = path.replace(p.token, value.split('/').map(encodeURIComponent).join('/'));
  }
  // Django paths and regexes are written without a leading slash or with anchors.
  path = path.replace(/^\^/, '').replace(/\$$/, '');
  const base = new URL(baseUrl); // throws on a malformed setting: the caller says so
  const prefix = base.pathname.replace(/\/+$/, '');
  return `${base.origin}${prefix}/${path.replace(/^\/+/, '')}${base.search}`;
}

/**
 * The method to send: the route's own, GET for "any method" routes; WebSocket routes and socket.io events
 * (method EVENT) cannot be profiled.
 */
export function methodsToOffer(route: Pick<Route, 'methods'>): string[] {
  const methods = route.methods.filter((m) => m !== 'WEBSOCKET' && m !== 'EVENT');
  if (methods.length === 0) return [];
  if (methods.includes('ANY') || methods.includes('ALL') || methods.includes('*')) return ['GET'];
  const withoutImplicit = methods.filter((m) => m !== 'HEAD' && m !== 'OPTIONS');
  return withoutImplicit.length ? withoutImplicit : methods;
}

export const hasBody = (method: string): boolean => method === 'POST' || method === 'PUT' || method === 'PATCH';

/**
 * What the body prompt starts from: the JSON example discovery derived from the handler's
 * request-body model (Route.bodyTemplate), on one line as the input box is, else `{}`. A
 * template that is not JSON (a route handed over from elsewhere) is not offered.
 */
export function bodyToOffer(route: Pick<Route, 'bodyTemplate'>): string {
  const t: unknown = route.bodyTemplate;
  if (typeof t !== 'string') return '{}';
  try {
    return JSON.stringify(JSON.parse(t));
  } catch {
    return '{}';
  }
}

export interface LoadProfile {
  label: string;
  detail: string;
  concurrency: number;
  requests?: number;
  durationS?: number;
  rate?: number;
  /** Set on the profile offered as the one used last time (shown as "Last used: …"); never saved. */
  lastUsed?: boolean;
}

export interface ProfileSettings {
  concurrency: number;
  requests: number;
  durationS: number; // 0 = use requests
  rate: number; // 0 = closed model
  /** Whether the user set concurrency AND requests themselves (any scope), rather than relying on defaults. */
  explicit: boolean;
}

/** The safe one first: Enter on a fresh picker sends 10 requests, not 200 (a 1 s blocking endpoint made that ~200 s). */
export const BUILT_IN_PROFILES: readonly LoadProfile[] = [
  {
    label: 'Seed check',
    detail: '10 concurrent, 10 requests: a serialised endpoint takes ~10× one request',
    concurrency: 10,
    requests: 10,
  },
  { label: 'Quick', detail: '10 concurrent, 200 requests', concurrency: 10, requests: 200 },
  { label: 'Sustained', detail: '50 concurrent for 30 s', concurrency: 50, durationS: 30 },
  {
    label: 'Rate',
    detail: '100 req/s for 30 s, at most 50 in flight (open model, coordinated-omission corrected)',
    concurrency: 50,
    durationS: 30,
    rate: 100,
  },
];

/**
 * The settings' bounds (package.json `contributes.configuration` declares the same; a unit test
 * keeps them equal). VS Code only warns about a value outside them, so they are enforced again
 * before a run, for settings and Custom… alike.
 */
export const LIMITS = {
  concurrency: { min: 1, max: 10_000 },
  requests: { min: 1, max: 1_000_000 },
  duration: { min: 0, max: 3600 },
  rate: { min: 0, max: 100_000 },
  timeout: { min: 0.1, max: 600 },
} as const;

const outside = (name: keyof typeof LIMITS, v: number, integer: boolean): string | undefined => {
  const { min, max } = LIMITS[name];
  if (!Number.isFinite(v) || v < min || v > max || (integer && !Number.isInteger(v)))
    return `${name} must be ${integer ? 'an integer' : 'a number'} from ${min.toLocaleString('en-US')} to ${max.toLocaleString('en-US')}, got ${v}`;
  return undefined;
};

/** Why a profile may not run (out of the settings' bounds), or undefined. */
export function profileProblem(
  p: Pick<LoadProfile, 'concurrency' | 'requests' | 'durationS' | 'rate'>,
): string | undefined {
  return (
    outside('concurrency', p.concurrency, true) ??
    (p.requests !== undefined ? outside('requests', p.requests, true) : undefined) ??
    (p.durationS !== undefined ? outside('duration', p.durationS, false) : undefined) ??
    (p.rate !== undefined ? outside('rate', p.rate, false) : undefined)
  );
}

/** Why the settings may not run, naming the setting, or undefined. */
export function settingsProblem(s: ProfileSettings, timeoutS: number): string | undefined {
  const problem =
    outside('concurrency', s.concurrency, true) ??
    outside('requests', s.requests, true) ??
    outside('duration', s.durationS, false) ??
    outside('rate', s.rate, false) ??
    outside('timeout', timeoutS, false);
  return problem && `endpointProfiler.${problem}`;
}

/** What the one request sent before the load found: its time, and its status or error. */
export interface ProbeResult {
  ms: number;
  status?: number;
  error?: string;
}

/** Seconds a profile should take: from all requests in parallel batches (low) to one at a time (high, a blocking endpoint). */
export function estimateSeconds(
  p: Pick<LoadProfile, 'concurrency' | 'requests' | 'durationS' | 'rate'>,
  perRequestS: number,
  timeoutS: number,
): { low: number; high: number } {
  const t = Math.min(Math.max(perRequestS, 0.001), timeoutS);
  if (p.durationS !== undefined) return { low: p.durationS, high: p.durationS + t };
  const n = p.requests ?? 0;
  if (p.rate) {
    const paced = n / p.rate;
    return { low: Math.max(paced, t), high: Math.max(paced, (n * t) / Math.min(p.concurrency, n || 1)) + t };
  }
  return { low: Math.ceil(n / p.concurrency) * t, high: n * t };
}

/** "0.4 s", "12 s", "3 min 20 s", "1 h 5 min". */
export function formatDuration(s: number): string {
  if (s < 10) return `${Number(s.toFixed(1))} s`;
  const r = Math.round(s);
  if (r < 60) return `${r} s`;
  if (r < 3600) return `${Math.floor(r / 60)} min${r % 60 ? ` ${r % 60} s` : ''}`;
  const m = Math.round((r % 3600) / 60);
  return `${Math.floor(r / 3600)} h${m ? ` ${m} min` : ''}`;
}

/** Anything estimated longer (one request at a time) is confirmed before it starts. */
export const CONFIRM_OVER_S = 60;

/** The time one request took, for the estimate: the probe's, or the timeout when it got no answer. */
export function perRequestSeconds(probe: ProbeResult, timeoutS: number): number {
  return probe.status === undefined ? timeoutS : probe.ms / 1000;
}

/** "≈ 3 min 20 s at ~1.0 s per request", or a range when queueing would change it ("≈ 20 s – 3 min 20 s"). */
export function estimateText(
  p: Pick<LoadProfile, 'concurrency' | 'requests' | 'durationS' | 'rate'>,
  probe: ProbeResult,
  timeoutS: number,
): string {
  const t = perRequestSeconds(probe, timeoutS);
  const { low, high } = estimateSeconds(p, t, timeoutS);
  const span =
    formatDuration(low) === formatDuration(high) || high < 1.5 * low || high < 1
      ? `≈ ${formatDuration(high)}`
      : `≈ ${formatDuration(low)} – ${formatDuration(high)} (the longer if requests queue)`;
  const per =
    probe.status === undefined
      ? `at up to ${formatDuration(timeoutS)} per request (the probe got no answer)`
      : `at ~${t < 1 ? `${Math.max(1, Math.round(t * 1000))} ms` : `${t.toFixed(1)} s`} per request`;
  return `${span} ${per}`;
}

/** What the probe said, for the picker's title line: "probe: 200 in 12 ms", "probe: 404 in 3 ms — not an expected status". */
export function probeSummary(probe: ProbeResult): string {
  const ms = probe.ms < 1000 ? `${Math.round(probe.ms)} ms` : `${(probe.ms / 1000).toFixed(1)} s`;
  if (probe.status === undefined) return `probe: no answer after ${ms} (${probe.error ?? 'error'})`;
  const unexpected = probe.status < 200 || probe.status > 399;
  return `probe: ${probe.status} in ${ms}${unexpected ? ' — not an expected status, the run would measure failures' : ''}`;
}

/** The profile the settings describe, described the way the quick pick shows it. */
export function settingsProfile(s: ProfileSettings): LoadProfile {
  const amount = s.durationS > 0 ? `for ${s.durationS} s` : `${s.requests} requests`;
  const rate = s.rate > 0 ? `, ${s.rate} req/s with at most ${s.concurrency} in flight` : '';
  return {
    label: 'From settings',
    detail: `${s.concurrency} concurrent, ${amount}${rate}`,
    concurrency: s.concurrency,
    ...(s.durationS > 0 ? { durationS: s.durationS } : { requests: s.requests }),
    ...(s.rate > 0 ? { rate: s.rate } : {}),
  };
}

/** Whether two profiles send the same load (labels aside). */
export function sameLoad(a: LoadProfile, b: LoadProfile): boolean {
  return (
    a.concurrency === b.concurrency && a.requests === b.requests && a.durationS === b.durationS && a.rate === b.rate
  );
}

const positiveOrAbsent = (v: unknown, integer: boolean): boolean =>
  v === undefined || (typeof v === 'number' && Number.isFinite(v) && v > 0 && (!integer || Number.isInteger(v)));

/**
 * The profile remembered in workspace state, checked (the state may come from another
 * version): a whole profile as saved now, within LIMITS, or the label earlier versions saved,
 * which only names a built-in. Anything else is dropped rather than sent.
 */
export function rememberedProfile(saved: unknown): LoadProfile | undefined {
  if (typeof saved === 'string') return BUILT_IN_PROFILES.find((p) => p.label === saved);
  if (typeof saved !== 'object' || saved === null) return undefined;
  const p = saved as Partial<LoadProfile>;
  if (typeof p.label !== 'string' || typeof p.detail !== 'string') return undefined;
  if (!positiveOrAbsent(p.concurrency, true) || p.concurrency === undefined) return undefined;
  if (!positiveOrAbsent(p.requests, true) || !positiveOrAbsent(p.durationS, false) || !positiveOrAbsent(p.rate, false))
    return undefined;
  if (p.requests === undefined && p.durationS === undefined) return undefined;
  const profile: LoadProfile = {
    label: p.label,
    detail: p.detail,
    concurrency: p.concurrency,
    ...(p.requests !== undefined ? { requests: p.requests } : {}),
    ...(p.durationS !== undefined ? { durationS: p.durationS } : {}),
    ...(p.rate !== undefined ? { rate: p.rate } : {}),
  };
  // Held to the settings' bounds like a Custom… answer: an older version saved any numbers.
  return profileProblem(profile) ? undefined : profile;
}

/** What is saved for the next run: the whole profile (a Custom… one included), without the offer's marker. */
export function profileToRemember(p: LoadProfile): LoadProfile {
  const { lastUsed: _marker, ...rest } = p;
  return rest;
}

/** The quick-pick label: the remembered profile says it is the last one used. */
export const profileLabel = (p: LoadProfile): string => (p.lastUsed ? `Last used: ${p.label}` : p.label);

/**
 * Profiles in the order offered: the settings' own first (pre-selected, so one Enter runs it)
 * when the user configured them, then the last one used (a Custom… one too, marked
 * "Last used"; first when the settings are defaults), then the built-ins it is not one of.
 */
export function profilesToOffer(s: ProfileSettings, lastUsed?: unknown): LoadProfile[] {
  const fromSettings = s.explicit ? [settingsProfile(s)] : [];
  const remembered = rememberedProfile(lastUsed);
  const last =
    remembered && !fromSettings.some((p) => sameLoad(p, remembered)) ? [{ ...remembered, lastUsed: true }] : [];
  const builtIns = BUILT_IN_PROFILES.filter((p) => !last.some((l) => sameLoad(l, p)));
  return [...fromSettings, ...last, ...builtIns];
}

/** A profile written the way "Custom…" reads it back (`20 500`, `8 30s 50 req/s`), to pre-fill that input. */
export function customProfileText(p: Pick<LoadProfile, 'concurrency' | 'requests' | 'durationS' | 'rate'>): string {
  const amount = p.durationS !== undefined ? `${p.durationS}s` : `${p.requests ?? 200}`;
  return `${p.concurrency} ${amount}${p.rate ? ` ${p.rate} req/s` : ''}`;
}

/** Parses a "Custom…" answer such as `20 concurrent, 500 requests` or `c=20 n=500` or `20 30s`. */
export function parseCustomProfile(text: string): LoadProfile | string {
  const nums: string[] = [...(text.match(/\d+(?:\.\d+)?\s*(?:s\b|sec|req\/s|rps)?/gi) ?? [])];
  if (nums.length < 2) return 'give a concurrency and a request count or duration, e.g. "20 500" or "20 30s"';
  const concurrency = Number.parseFloat(nums[0]);
  const second = nums[1].toLowerCase();
  if (!Number.isInteger(concurrency) || concurrency < 1)
    return `concurrency must be a positive integer, got ${nums[0]}`;
  const value = Number.parseFloat(second);
  if (!(value > 0)) return `the second number must be positive, got ${nums[1]}`;
  const isDuration = /s$|sec/.test(second) && !/req\/s|rps/.test(second);
  if (!isDuration && !Number.isInteger(value)) return `a request count must be an integer, got ${nums[1]}`;
  const rateText = nums.slice(2).find((n) => /req\/s|rps/i.test(n));
  const rate = rateText ? Number.parseFloat(rateText) : undefined;
  const amount = isDuration ? `for ${value} s` : `${value} requests`;
  const problem = profileProblem({
    concurrency,
    ...(isDuration ? { durationS: value } : { requests: value }),
    ...(rate ? { rate } : {}),
  });
  if (problem) return problem;
  return {
    label: 'Custom',
    // With a rate, concurrency only caps what is in flight (as the Rate preset says).
    detail: rate
      ? `${rate} req/s${isDuration ? ' ' : ', '}${amount}, at most ${concurrency} in flight`
      : `${concurrency} concurrent, ${amount}`,
    concurrency,
    ...(isDuration ? { durationS: value } : { requests: value }),
    ...(rate ? { rate } : {}),
  };
}

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/** A "Profile URL…" answer: `http://host/path` or `POST http://host/path` (hey, REST Client and curl users start from a URL). */
export function parseTargetInput(text: string): { method: string; url: string } | string {
  const parts = text.trim().split(/\s+/);
  const method = parts.length > 1 ? parts[0].toUpperCase() : 'GET';
  const raw = parts.length > 1 ? parts.slice(1).join(' ') : (parts[0] ?? '');
  if (parts.length > 2) return 'give a URL, optionally after its method: "POST http://127.0.0.1:8000/items"';
  if (!METHODS.includes(method)) return `unknown method ${parts[0]} (one of ${METHODS.join(', ')})`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return `not a URL: ${raw || '(empty)'} — e.g. http://127.0.0.1:8000/items`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `only http and https URLs, not ${url.protocol}`;
  if (url.username || url.password) return 'put credentials in endpointProfiler.headers, not in the URL';
  return { method, url: url.toString() };
}

/** Where a URL's answers (profile, label, body) are remembered. */
export const urlAnswersKey = (method: string, url: string): string => `endpointProfiler.url:${method} ${url}`;
