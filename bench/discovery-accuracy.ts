// Python route discovery accuracy against the real framework (not part of `npm test`), on the
// public corpus fastapi/fastapi `docs_src/`. For every docs_src/**/*.py file that constructs a
// FastAPI app (`FastAPI(` in its text):
//   - ground truth: Debian's FastAPI 0.92 (/usr/bin/python3, isolated mode) imports the module
//     (as docs_src.<topic>.<file>, so relative imports work) and lists the routes of its
//     module-level FastAPI apps that no other one mounts, as test/fixtures/python/dump_routes.py
//     does (framework-added routes left out, Starlette's implicit HEAD dropped, HTTPEndpoint
//     classes one route per method) — but inline, because dump_routes recurses into every
//     Mount's `.app.routes` (StaticFiles / WSGI mounts have none) and does not say where a
//     handler is defined. Each import is bounded by --timeout and runs in a pool of --jobs;
//   - discovery: a ProjectIndex over a temporary folder holding just that file, or, for a file
//     with relative imports (package examples such as docs_src/bigger_applications/*), over the
//     package folder those imports reach (read in place, never executed); the routes kept are
//     those whose outermost router is an object defined in that file;
//   - both sides compared as multisets of `METHODS path handler` (test/fixtures/python/discover.ts
//     keys()). Files that fail to import under FastAPI 0.92 are "not comparable", by reason class.
// Run: node --import tsx bench/discovery-accuracy.ts --dir /path/to/fastapi [--jobs N] [--timeout S] [--out FILE.md] [--json ROWS.json]
import { execFile, execFileSync } from 'node:child_process';
import {
  copyFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
  mkdirSync,
  existsSync,
} from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { nodeFileSystem } from '../src/core/fs';
import type { Route } from '../src/core/model';
import { Parsers } from '../src/core/parsing/parser';
import { ProjectIndex } from '../src/core/project';
import { keys } from '../test/fixtures/python/discover';

const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const PYTHON = '/usr/bin/python3';
const JOBS = Number(arg('--jobs') ?? Math.min(4, Math.max(2, os.cpus().length)));
const TIMEOUT_S = Number(arg('--timeout') ?? 10);

/** Imports one docs_src module with the real framework and prints its apps' routes as JSON. */
const PROBE = String.raw`
import importlib, inspect, json, os, sys, traceback
root, modname = sys.argv[1], sys.argv[2]
sys.path.insert(0, root)
def fail(e):
    frames = traceback.extract_tb(e.__traceback__)
    where = next((f"{f.filename[f.filename.rindex('docs_src/'):]}:{f.lineno}" for f in reversed(frames) if "docs_src/" in f.filename), None)
    print(json.dumps({"error": type(e).__name__, "message": str(e).splitlines()[0][:300] if str(e) else "", "name": getattr(e, "name", None), "where": where}))
    sys.exit(0)
try:
    mod = importlib.import_module(modname)
except BaseException as e:
    fail(e)
import fastapi, starlette, pydantic
from fastapi import FastAPI
from starlette.routing import Mount, Route, WebSocketRoute
def source(fn):
    try:
        return os.path.realpath(inspect.getsourcefile(fn) or "")
    except TypeError:
        return None
def walk(routes, prefix, reached, out):
    for route in routes:
        if isinstance(route, Mount):
            for sub in (route.app, getattr(route, "_base_app", None)):
                reached.add(id(sub))
            walk(getattr(route, "routes", None) or [], prefix + route.path, reached, out)
            continue
        endpoint = getattr(route, "endpoint", None)
        if endpoint is None or getattr(endpoint, "__module__", "").startswith(("fastapi.", "starlette.")):
            continue
        if inspect.isclass(endpoint):
            for m in ("get", "head", "post", "put", "patch", "delete", "options"):
                if hasattr(endpoint, m):
                    out.append({"methods": [m.upper()], "path": prefix + route.path, "handler": f"{endpoint.__name__}.{m}", "file": source(getattr(endpoint, m))})
            continue
        methods = ["WEBSOCKET"] if isinstance(route, WebSocketRoute) or type(route).__name__ == "APIWebSocketRoute" else sorted(route.methods or [])
        if type(route) is Route and "GET" in methods and "HEAD" in methods:
            methods.remove("HEAD")
        out.append({"methods": methods, "path": prefix + route.path, "handler": getattr(endpoint, "__name__", repr(endpoint)), "file": source(endpoint)})
try:
    apps, seen = [], set()
    for name, value in vars(mod).items():
        if isinstance(value, FastAPI) and id(value) not in seen:
            seen.add(id(value))
            apps.append((name, value))
    reached, per_app = set(), {}
    for name, value in apps:
        per_app[name] = []
        walk(value.routes, "", reached, per_app[name])
    roots = [name for name, value in apps if id(value) not in reached]
    print(json.dumps({"apps": roots, "routes": [r for name in roots for r in per_app[name]],
                      "versions": {"python": sys.version.split()[0], "fastapi": fastapi.__version__, "starlette": starlette.__version__, "pydantic": pydantic.VERSION}}))
except BaseException as e:
    fail(e)
`;

interface RealRoute {
  methods: string[];
  path: string;
  handler: string;
  file: string | null;
}
interface ProbeResult {
  error?: string;
  message?: string;
  name?: string | null;
  where?: string | null;
  apps?: string[];
  routes?: RealRoute[];
  versions?: Record<string, string>;
}
type Outcome =
  | { ok: true; apps: string[]; routes: RealRoute[]; versions?: Record<string, string> }
  | { ok: false; cls: string; reason: string; detail: string };

/** Files whose text constructs a FastAPI app, docs_src-relative order. */
function candidates(dir: string): string[] {
  const out: string[] = [];
  const visit = (rel: string) => {
    for (const e of readdirSync(path.join(dir, rel), { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      const p = `${rel}/${e.name}`;
      if (e.isDirectory()) {
        if (e.name !== '__pycache__') visit(p);
      } else if (e.name.endsWith('.py') && /\bFastAPI\s*\(/.test(readFileSync(path.join(dir, p), 'utf8'))) out.push(p);
    }
  };
  visit('docs_src');
  return out;
}

const FRAMEWORK = new Set(['fastapi', 'starlette', 'pydantic']);
const NEWER = 'newer than FastAPI 0.92 / Pydantic 1.10';
const MISSING = 'package not installed';

/** [class, reason] of an import failure, from the exception's type and message. */
function reasonOf(r: ProbeResult): [string, string] {
  const msg = r.message ?? '';
  let m: RegExpExecArray | null;
  if (r.error === 'ModuleNotFoundError' && r.name) {
    const top = r.name.split('.')[0];
    return FRAMEWORK.has(top) ? [NEWER, `no module \`${r.name}\``] : [MISSING, `\`${top}\``];
  }
  if (r.error === 'ImportError' && (m = /(\S+) is not installed/.exec(msg))) return [MISSING, `\`${m[1]}\``];
  if (r.error === 'ImportError' && (m = /cannot import name '([^']+)' from '([^'.]+)/.exec(msg)))
    return [FRAMEWORK.has(m[2]) ? NEWER : MISSING, `\`${m[2]}\` has no \`${m[1]}\``];
  if (r.error === 'AttributeError' && (m = /'(FastAPI|APIRouter)' object has no attribute '([^']+)'/.exec(msg)))
    return [NEWER, `no \`FastAPI/APIRouter.${m[2]}\``];
  if (r.error === 'AttributeError' && (m = /has no attribute '(model_\w+)'/.exec(msg)))
    return [NEWER, `Pydantic 2 \`BaseModel.${m[1]}\``];
  if (r.error === 'TypeError' && (m = /(\w+)\(\) got an unexpected keyword argument '([^']+)'/.exec(msg)))
    return [NEWER, `no \`${m[1]}(${m[2]}=)\``];
  if (r.error === 'TypeError' && /Fields of type .*AsyncIterable/.test(msg))
    return [NEWER, 'streaming `AsyncIterable` return annotations'];
  if (r.error === 'AssertionError' && /can only be a request body/.test(msg))
    return [NEWER, 'Query/Header/Cookie parameter models'];
  if (r.error === 'FastAPIError' && /Invalid args for response field/.test(msg))
    return [
      NEWER,
      /Annotated\[/.test(msg)
        ? '`Annotated[..., Depends()]` parameters'
        : 'a return annotation that is no Pydantic field (`Response | dict`)',
    ];
  return ['other', `${r.error}`];
}

function probe(root: string, file: string): Promise<Outcome> {
  const mod = file
    .replace(/\.py$/, '')
    .replace(/\/__init__$/, '')
    .split('/')
    .join('.');
  const env: NodeJS.ProcessEnv = { PATH: '/usr/bin:/bin', HOME: root, LANG: 'C.UTF-8', PYTHONDONTWRITEBYTECODE: '1' };
  return new Promise((resolve) => {
    execFile(
      PYTHON,
      ['-I', '-c', PROBE, root, mod],
      { cwd: root, env, timeout: TIMEOUT_S * 1000, killSignal: 'SIGKILL', maxBuffer: 16 << 20 },
      (err, stdout, stderr) => {
        if (err && (err as { killed?: boolean }).killed)
          return resolve({ ok: false, cls: 'timeout', reason: `> ${TIMEOUT_S} s`, detail: '' });
        const line = stdout.trim().split('\n').pop() ?? '';
        let r: ProbeResult;
        try {
          r = JSON.parse(line) as ProbeResult;
        } catch {
          return resolve({
            ok: false,
            cls: 'other',
            reason: 'interpreter died',
            detail: (stderr || (err ? err.message : 'no output')).trim().split('\n').pop()!.slice(0, 300),
          });
        }
        if (r.error) {
          const [cls, reason] = reasonOf(r);
          return resolve({
            ok: false,
            cls,
            reason,
            detail: `${r.error}: ${r.message}${r.where ? ` (${r.where})` : ''}`,
          });
        }
        if (!r.apps!.length)
          return resolve({
            ok: false,
            cls: 'other',
            reason: 'no module-level FastAPI app after import',
            detail: 'FastAPI() only inside a function?',
          });
        resolve({ ok: true, apps: r.apps!, routes: r.routes!, versions: r.versions });
      },
    );
  });
}

async function pool<T, R>(items: T[], n: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]);
      }
    }),
  );
  return out;
}

/** The folder discovery scans for a file: the package its relative imports reach, else undefined (the file alone). */
function packageRoot(dir: string, file: string): string | undefined {
  const text = readFileSync(path.join(dir, file), 'utf8');
  let dots = 0;
  for (const m of text.matchAll(/^\s*from\s+(\.+)/gm)) dots = Math.max(dots, m[1].length);
  if (!dots) return undefined;
  return path.posix.join(path.posix.dirname(file), ...Array<string>(dots - 1).fill('..'));
}

/** Module name discovery gives a file relative to the scanned folder. */
const moduleOf = (rel: string) =>
  rel
    .replace(/\.py$/, '')
    .replace(/(^|\/)__init__$/, '')
    .split('/')
    .join('.');

/** Multiset difference a − b. */
function minus(a: string[], b: string[]): string[] {
  const left = new Map<string, number>();
  for (const k of b) left.set(k, (left.get(k) ?? 0) + 1);
  return a.filter((k) => {
    const n = left.get(k) ?? 0;
    if (n) {
      left.set(k, n - 1);
      return false;
    }
    return true;
  });
}

/**
 * Why each known disagreement happens, matched on file and route key, so a re-run prints the
 * explanation next to it; a disagreement matching none is printed as "unexplained" (look at it).
 */
const CAUSES: Array<{ file: RegExp; key: RegExp; kind: 'missing' | 'extra'; cause: string }> = [
  {
    file: /custom_docs_ui\//,
    key: /^GET \/docs\/oauth2-redirect swagger_ui_redirect$/,
    kind: 'missing',
    cause:
      'limitation: the path is `app.swagger_ui_oauth2_redirect_url`, an attribute FastAPI sets in its constructor (default `/docs/oauth2-redirect`); discovery does not model constructor defaults and skips paths it cannot evaluate (README, Decisions)',
  },
];

function causeOf(file: string, key: string, kind: 'missing' | 'extra'): string {
  return CAUSES.find((c) => c.kind === kind && c.file.test(file) && c.key.test(key))?.cause ?? 'unexplained';
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const dirArg = arg('--dir');
  if (!dirArg || !existsSync(path.join(dirArg, 'docs_src'))) {
    process.stderr.write(
      'usage: node --import tsx bench/discovery-accuracy.ts --dir FASTAPI_CHECKOUT [--jobs N] [--timeout S] [--out FILE]\n',
    );
    process.exit(2);
  }
  const dir = realpathSync(dirArg);
  let commit = 'unknown (not a git checkout)';
  try {
    commit = execFileSync('git', ['-C', dir, 'log', '-1', '--format=%h %ad', '--date=short']).toString().trim();
  } catch {
    /* keep */
  }
  const files = candidates(dir);

  // Ground truth. The import root holds only a docs_src symlink, so `fastapi` is Debian's and not
  // the checkout's fastapi/ package; the modules' own side effects (files they create) land there.
  const work = mkdtempSync(path.join(os.tmpdir(), 'ep-discovery-accuracy-'));
  const importRoot = path.join(work, 'import');
  mkdirSync(importRoot);
  symlinkSync(path.join(dir, 'docs_src'), path.join(importRoot, 'docs_src'));
  mkdirSync(path.join(importRoot, 'static')); // StaticFiles(directory="static") checks it exists, as the docs assume
  let outcomes: Outcome[];
  let tImport = 0;
  let tDiscover = 0;
  const rows: Array<{
    file: string;
    real: string[];
    ours: string[];
    missing: string[];
    extra: string[];
    outside: number;
    scanned: string;
  }> = [];
  let versions: Record<string, string> | undefined;
  try {
    const s = performance.now();
    outcomes = await pool(files, JOBS, (f) => probe(importRoot, f));
    tImport = performance.now() - s;

    const parsers = await Parsers.load(undefined, ['python']);
    const d0 = performance.now();
    for (const [i, file] of files.entries()) {
      const o = outcomes[i];
      if (!o.ok) continue;
      versions ??= o.versions;
      const pkg = packageRoot(dir, file);
      let root: string;
      let rel: string;
      if (pkg) {
        root = path.join(dir, pkg);
        rel = path.posix.relative(pkg, file);
      } else {
        root = path.join(work, `f${i}`);
        mkdirSync(root);
        rel = path.posix.basename(file);
        copyFileSync(path.join(dir, file), path.join(root, rel));
      }
      const index = new ProjectIndex(root, nodeFileSystem, parsers);
      await index.refresh();
      const mod = moduleOf(rel);
      const ours: Route[] = index
        .routes()
        .filter((r) => (r.routers?.length ? r.routers[0].startsWith(`${mod}.`) : r.file === rel));
      // Real routes whose handler lives outside the scanned folder cannot be found statically there.
      const scope = pkg ? root : path.join(dir, file);
      const inside = (f: string | null) => !!f && (f === scope || f.startsWith(scope + path.sep));
      const realIn = o.routes.filter((r) => inside(r.file));
      const real = keys(realIn);
      const ourKeys = keys(ours);
      rows.push({
        file,
        real,
        ours: ourKeys,
        missing: minus(real, ourKeys),
        extra: minus(ourKeys, real),
        outside: o.routes.length - realIn.length,
        scanned: pkg ?? '(file alone)',
      });
    }
    tDiscover = performance.now() - d0;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }

  const comparable = rows.length;
  const agree = rows.filter((r) => !r.missing.length && !r.extra.length).length;
  const realTotal = rows.reduce((n, r) => n + r.real.length, 0);
  const ourTotal = rows.reduce((n, r) => n + r.ours.length, 0);
  const missing = rows.reduce((n, r) => n + r.missing.length, 0);
  const extra = rows.reduce((n, r) => n + r.extra.length, 0);
  const found = realTotal - missing;
  const outside = rows.reduce((n, r) => n + r.outside, 0);
  const pct = (a: number, b: number) => (b ? ((100 * a) / b).toFixed(1) : '–');
  const failures = new Map<string, { cls: string; reason: string; files: Array<{ file: string; detail: string }> }>();
  const classes = new Map<string, number>();
  files.forEach((f, i) => {
    const o = outcomes[i];
    if (o.ok) return;
    const k = `${o.cls}\0${o.reason}`;
    if (!failures.has(k)) failures.set(k, { cls: o.cls, reason: o.reason, files: [] });
    failures.get(k)!.files.push({ file: f, detail: o.detail });
    classes.set(o.cls, (classes.get(o.cls) ?? 0) + 1);
  });
  const byClass = [...failures.values()].sort(
    (a, b) =>
      classes.get(b.cls)! - classes.get(a.cls)! ||
      a.cls.localeCompare(b.cls) ||
      b.files.length - a.files.length ||
      a.reason.localeCompare(b.reason),
  );
  const notComparable = files.length - comparable;
  const cpu = os.cpus();
  const seconds = ((performance.now() - t0) / 1000).toFixed(1);

  const lines = [
    '# Python route discovery accuracy: fastapi/fastapi docs_src',
    '',
    `Command: \`node --import tsx bench/discovery-accuracy.ts --dir ${dirArg}\` (jobs ${JOBS}, import timeout ${TIMEOUT_S} s)`,
    '',
    `- date: ${new Date().toISOString()}`,
    `- machine: ${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${process.platform}/${process.arch}, node ${process.version}`,
    `- ground truth: ${PYTHON} -I, ${
      versions
        ? Object.entries(versions)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ')
        : 'no import succeeded'
    }`,
    `- corpus: fastapi/fastapi at ${commit}, ${files.length} docs_src/**/*.py files whose text constructs a FastAPI app`,
    `- run time: ${seconds} s (imports ${(tImport / 1000).toFixed(1)} s in ${JOBS} processes, discovery ${(tDiscover / 1000).toFixed(1)} s)`,
    '',
    '## Totals',
    '',
    '| | |',
    '|---|---:|',
    `| files with \`FastAPI(\` | ${files.length} |`,
    `| not comparable (import fails under the installed FastAPI, or no module-level app) | ${notComparable} |`,
    `| files compared | ${comparable} |`,
    `| files agreeing exactly | ${agree} (${pct(agree, comparable)} %) |`,
    `| real routes (framework) | ${realTotal} |`,
    `| routes discovery reports for those files | ${ourTotal} |`,
    `| real routes found (recall) | ${found}/${realTotal} (${pct(found, realTotal)} %) |`,
    `| extra routes (not in the framework's app) | ${extra} (precision ${pct(ourTotal - extra, ourTotal)} %) |`,
    `| real routes with a handler outside the scanned folder (left out) | ${outside} |`,
    `| compared files without any route on either side | ${rows.filter((r) => !r.real.length && !r.ours.length).length} |`,
    '',
    'A route is `METHODS path handler`; per file, both sides are compared as multisets. Real routes are those of the',
    "module-level FastAPI apps that no other one mounts (framework-added docs routes and Starlette's implicit HEAD left out);",
    "discovery's are those whose outermost router is defined in the file.",
    '',
    '## Disagreements',
    '',
  ];
  const bad = rows.filter((r) => r.missing.length || r.extra.length);
  if (!bad.length) lines.push('None.', '');
  for (const r of bad) {
    lines.push(`### ${r.file}`, '', `scanned: ${r.scanned}; real ${r.real.length}, discovery ${r.ours.length}`, '');
    for (const k of r.missing) lines.push(`- missing \`${k}\` — ${causeOf(r.file, k, 'missing')}`);
    for (const k of r.extra) lines.push(`- extra \`${k}\` — ${causeOf(r.file, k, 'extra')}`);
    lines.push('');
  }
  lines.push(
    '## Not comparable, by reason',
    '',
    ...[...classes].sort((a, b) => b[1] - a[1]).map(([c, n]) => `- ${c}: ${n} files`),
    '',
    '| class | reason | files |',
    '|---|---|---:|',
    ...byClass.map((f) => `| ${f.cls} | ${f.reason.replace(/\|/g, '\\|')} | ${f.files.length} |`),
    '',
    '<details><summary>Each file and its exception</summary>',
    '',
  );
  for (const f of byClass)
    lines.push(
      `${f.cls}, ${f.reason}:`,
      '',
      ...f.files.map((x) => `- ${x.file}${x.detail ? `: ${x.detail}` : ''}`),
      '',
    );
  lines.push('</details>', '');
  const text = lines.join('\n');
  const out = arg('--out');
  if (out) writeFileSync(out, text);
  else process.stdout.write(text);
  const json = arg('--json');
  if (json) writeFileSync(json, JSON.stringify(rows, null, 1));
  process.stderr.write(
    `${comparable} compared, ${agree} agree, recall ${found}/${realTotal}, extra ${extra}, not comparable ${notComparable}, ${seconds} s\n`,
  );
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
