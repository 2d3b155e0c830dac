// "Start server…": the command that would serve the discovered app, derived from what
// discovery already knows (the app object a route hangs off, its module, its framework)
// and the workspace's package.json scripts. Nothing is executed or imported to find it.
import type { Route, ServerConfig } from '../core/model';

export interface ServerCommand {
  label: string;
  command: string;
  /** Workspace-relative folder to run in ('' = the workspace root). */
  cwd: string;
  /** Environment the command needs (the terminal is created with it: no shell-specific `VAR=… cmd` prefix). */
  env?: Record<string, string>;
}

/**
 * Why `baseUrl` (the endpointProfiler.baseUrl setting) cannot be used, in words naming the
 * setting; undefined when it is a usable http(s) URL. `new URL`'s own "Invalid URL" says neither.
 */
export function baseUrlProblem(baseUrl: unknown): string | undefined {
  const fix = 'Set it to the address the server listens on, e.g. http://127.0.0.1:8000.';
  if (typeof baseUrl !== 'string' || baseUrl.trim() === '')
    return `The endpointProfiler.baseUrl setting is empty. ${fix}`;
  // `127.0.0.1:8000` does not parse and `localhost:8000` parses as scheme "localhost": both lack http://.
  const hint = /^[\w.-]+(:\d+)?(\/|$)/.test(baseUrl) ? ' (it needs the scheme: http://…)' : '';
  let u: URL;
  try {
    u = new URL(baseUrl);
  } catch {
    return `The endpointProfiler.baseUrl setting is not a valid URL: “${baseUrl}”${hint}. ${fix}`;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    return `The endpointProfiler.baseUrl setting must be an http:// or https:// URL, not “${baseUrl}”${hint}. ${fix}`;
  if (!u.hostname) return `The endpointProfiler.baseUrl setting has no host: “${baseUrl}”. ${fix}`;
  return undefined;
}

/** Host and port of a URL built from the baseUrl setting; a malformed one throws `baseUrlProblem`'s message. */
export function hostAndPort(baseUrl: string): { host: string; port: number } {
  const problem = baseUrlProblem(baseUrl);
  if (problem) throw new Error(problem);
  const u = new URL(baseUrl);
  const port = u.port ? Number(u.port) : u.protocol === 'https:' ? 443 : 80;
  return { host: u.hostname.replace(/^\[|\]$/g, ''), port };
}

/**
 * Discovery names the outermost router `<module's last segment>.<variable>` (`main.app`).
 * The importable module comes from the workspace's Python files: the one with that name
 * nearest the route's file (`app/main.py` → `app.main`; a `src/` layout folder is not a package).
 */
function appObject(route: Route, pythonFiles: readonly string[]): { module: string; variable: string } | undefined {
  const outer = route.routers?.[0];
  if (!outer || outer.includes(':') || outer.includes('/')) return undefined;
  const dot = outer.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const [name, variable] = [outer.slice(0, dot), outer.slice(dot + 1)];
  const candidates = pythonFiles.filter((f) => f === `${name}.py` || f.endsWith(`/${name}.py`));
  const routeDir = route.file.split('/').slice(0, -1);
  const shared = (f: string): number => {
    let i = 0;
    for (const part of f.split('/')) {
      if (part !== routeDir[i]) break;
      i++;
    }
    return i;
  };
  const file = candidates.sort((a, b) => shared(b) - shared(a) || a.length - b.length)[0];
  const module = file
    ? file
        .replace(/^src\//, '')
        .replace(/\.py$/, '')
        .split('/')
        .join('.')
    : name;
  return { module, variable };
}

/**
 * Candidate commands, most likely first. `scripts` is the root package.json's scripts;
 * `files` the workspace's files (relative, '/'-separated).
 */
export function detectServerCommands(
  routes: readonly Route[],
  baseUrl: string,
  files: readonly string[],
  scripts: Record<string, string> = {},
): ServerCommand[] {
  const pythonFiles = files.filter((f) => f.endsWith('.py'));
  const hasManagePy = files.includes('manage.py');
  const { host, port } = hostAndPort(baseUrl);
  const out: ServerCommand[] = [];
  const add = (c: ServerCommand): void => {
    if (!out.some((o) => o.command === c.command)) out.push(c);
  };
  for (const r of routes) {
    const app = appObject(r, pythonFiles);
    switch (r.framework) {
      case 'fastapi':
      case 'starlette':
      case 'quart':
        if (app)
          add({
            label: `uvicorn ${app.module}:${app.variable}`,
            command: `uvicorn ${app.module}:${app.variable} --host ${host} --port ${port}`,
            cwd: '',
          });
        break;
      case 'flask':
        if (app)
          add({
            label: `flask --app ${app.module}:${app.variable} run`,
            command: `flask --app ${app.module}:${app.variable} run --host ${host} --port ${port}`,
            cwd: '',
          });
        break;
      case 'sanic':
        if (app)
          add({
            label: `sanic ${app.module}:${app.variable}`,
            command: `sanic ${app.module}:${app.variable} --host ${host} --port ${port}`,
            cwd: '',
          });
        break;
      case 'django':
        if (hasManagePy)
          add({ label: 'manage.py runserver', command: `python manage.py runserver ${host}:${port}`, cwd: '' });
        break;
      default:
        break; // aiohttp apps are usually started by their own script; Node apps below
    }
  }
  for (const name of ['dev', 'start', 'serve']) {
    if (scripts[name]) add({ label: `npm run ${name}`, command: `npm run ${name}`, cwd: '' });
  }
  const nodeApp = routes.find(
    (r) => ['express', 'fastify', 'koa', 'hono'].includes(r.framework) && r.routers?.[0]?.includes(':'),
  );
  if (nodeApp) {
    const file = nodeApp.routers![0].split(':')[0];
    // The port goes in the terminal's environment: `PORT=… node` is POSIX-shell syntax that PowerShell and cmd reject.
    if (/\.(c|m)?js$/.test(file))
      add({ label: `node ${file}`, command: `node ${file}`, cwd: '', env: { PORT: String(port) } });
  }
  return out;
}

// ---------------------------------------------------------------- the server configuration a run records

/** A command line split about as a POSIX shell would (quotes, escaping backslashes), one word list per `;`, `&&`, `||`, `|`, `&` part. */
export function commandParts(command: string): string[][] {
  const parts: string[][] = [[]];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  const end = (): void => {
    if (inWord) parts[parts.length - 1].push(word);
    word = '';
    inWord = false;
  };
  for (let i = 0; i < command.length; i++) {
    const c = command[i];
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && /["\\$`]/.test(command[i + 1] ?? '')) word += command[++i];
      else word += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    }
    // A backslash escapes only what a shell would need escaped, so Windows paths (C:\Python\…) survive.
    else if (c === '\\' && /[\s"'\\;&|$`]/.test(command[i + 1] ?? '')) {
      word += command[++i];
      inWord = true;
    } else if (/\s/.test(c)) end();
    else if (c === ';' || c === '&' || c === '|') {
      end();
      while (command[i + 1] === '&' || command[i + 1] === '|') i++;
      parts.push([]);
    } else {
      word += c;
      inWord = true;
    }
  }
  end();
  return parts.filter((p) => p.length > 0);
}

/**
 * Servers whose worker (process) count a command line decides: the flags that set it, and the
 * count when none is given. gunicorn has no sure default: without -w a gunicorn.conf.py in the
 * folder may set it. uvicorn and gunicorn also read WEB_CONCURRENCY (only seen when the
 * command itself sets it: the terminal's inherited environment is not known here).
 */
const SERVERS: Record<
  string,
  { flags: readonly string[]; fallback?: number; webConcurrency?: boolean; config?: readonly string[] }
> = {
  uvicorn: { flags: ['--workers'], fallback: 1, webConcurrency: true },
  gunicorn: { flags: ['-w', '--workers'], webConcurrency: true },
  hypercorn: { flags: ['-w', '--workers'], fallback: 1, config: ['-c', '--config'] },
  sanic: { flags: ['-w', '--workers'], fallback: 1 },
  granian: { flags: ['--workers'], fallback: 1 },
  fastapi: { flags: ['--workers'], fallback: 1 }, // fastapi-cli: `fastapi run|dev`
};

const program = (word: string): string =>
  word
    .split(/[\\/]/)
    .pop()!
    .replace(/\.(exe|cmd)$/i, '')
    .toLowerCase();
const ASSIGNMENT = /^([A-Za-z_]\w*)=(.*)$/s;

/** A flag's value in `args` (`-w 4`, `-w4`, `--workers 4`, `--workers=4`), the last one winning as in argparse/click; null when given but not a number. */
function flagValue(args: readonly string[], flags: readonly string[]): number | null | undefined {
  let value: number | null | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    let text: string | undefined;
    for (const f of flags) {
      if (a === f) text = args[++i] ?? '';
      else if (f.startsWith('--') && a.startsWith(`${f}=`)) text = a.slice(f.length + 1);
      else if (!f.startsWith('--') && a.startsWith(f) && a.length > f.length)
        text = a.slice(f.length).replace(/^=/, '');
      if (text !== undefined) break;
    }
    if (text !== undefined) value = /^\d+$/.test(text) && Number(text) > 0 ? Number(text) : null;
  }
  return value;
}

/**
 * How many worker processes the server a command starts runs, when the command says:
 * `uvicorn … --workers 4`, `gunicorn -w 4 -k uvicorn.workers.UvicornWorker …`, `--workers=2`,
 * `WEB_CONCURRENCY=3 gunicorn …`, through `python -m`, `poetry run`, `uv run` and the like.
 * uvicorn, hypercorn, sanic, granian and fastapi-cli default to 1. Undefined when it cannot be
 * told (gunicorn without -w, a config file, `--workers $(nproc)`, `sanic --fast`, not a known server).
 */
export function serverWorkers(command: string): number | undefined {
  for (const words of commandParts(command)) {
    const env: Record<string, string> = {};
    let i = 0;
    for (; i < words.length; i++) {
      const m = ASSIGNMENT.exec(words[i]);
      if (m) env[m[1]] = m[2];
      else if (words[i] !== 'env') break;
    }
    const at = words.findIndex((w, j) => j >= i && Object.hasOwn(SERVERS, program(w)));
    if (at < 0) continue;
    const name = program(words[at]);
    const server = SERVERS[name];
    const args = words.slice(at + 1);
    if (name === 'fastapi' && args[0] === 'dev') return 1; // always reloads, one process
    if (name === 'uvicorn' && args.includes('--reload')) return 1; // --reload runs one worker whatever --workers says
    if (name === 'sanic' && args.includes('--single-process')) return 1;
    if (name === 'sanic' && args.includes('--fast')) return undefined; // one worker per CPU of whatever machine runs it
    const explicit = flagValue(args, server.flags);
    if (explicit !== undefined) return explicit ?? undefined;
    if (name === 'gunicorn' && env.GUNICORN_CMD_ARGS !== undefined) {
      const fromEnv = flagValue(commandParts(env.GUNICORN_CMD_ARGS)[0] ?? [], server.flags);
      if (fromEnv !== undefined) return fromEnv ?? undefined;
    }
    if (server.config && args.some((a) => server.config!.some((f) => a === f || a.startsWith(`${f}=`))))
      return undefined;
    if (server.webConcurrency && env.WEB_CONCURRENCY !== undefined)
      return /^\d+$/.test(env.WEB_CONCURRENCY) && Number(env.WEB_CONCURRENCY) > 0
        ? Number(env.WEB_CONCURRENCY)
        : undefined;
    return server.fallback;
  }
  return undefined;
}

/** The `server` part of a run record for a server started with `command`. */
export function serverConfig(command: string): ServerConfig {
  const workers = serverWorkers(command);
  return { command, ...(workers !== undefined ? { workers } : {}) };
}
