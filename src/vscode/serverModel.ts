// "Start server…": the command that would serve the discovered app, derived from what
// discovery already knows (the app object a route hangs off, its module, its framework)
// and the workspace's package.json scripts. Nothing is executed or imported to find it.
import type { Route } from '../core/model';
import { commandParts, serverConfig, serverWorkers } from '../core/servers/workers';

export { commandParts, serverConfig, serverWorkers };

export interface ServerCommand {
  label: string;
  /** Program and arguments, `{host}`/`{port}` where the address goes; spawned without a shell. */
  argv: string[];
  /** `argv` as one line, each word quoted where a shell would need it (what the user is shown and asked about). */
  command: string;
  /** Workspace-relative folder to run in ('' = the workspace root). */
  cwd: string;
  /** Environment the command needs on top of PORT and HOST (which are always set). */
  env?: Record<string, string>;
  /** Where it comes from, for the picker ("[tool.fastapi] entrypoint in backend/pyproject.toml"). */
  detail?: string;
}

/** One word as a POSIX shell would need it written to read back as itself. */
export function quoteWord(word: string): string {
  return /^[\w@%+=:,./{}-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/** argv as one line for people (and for `splitCommand`, which reads it back to the same argv). */
export function displayCommand(argv: readonly string[]): string {
  return argv.map(quoteWord).join(' ');
}

/** The key a command's approval is remembered under: the folder it runs in and its exact words. */
export function consentKey(command: string, cwd: string): string {
  return `${cwd || '.'}\n${command}`;
}

/** `list` with `item` first and no duplicate, at most `max` long (recent custom commands). */
export function rememberFirst(list: readonly string[] | undefined, item: string, max = 8): string[] {
  return [item, ...(list ?? []).filter((x) => x !== item)].slice(0, max);
}

/** Hosts Start Server may bind (it never starts a server reachable from other machines). */
export function isLoopbackHost(host: string): boolean {
  return host === '127.0.0.1' || host === '::1' || host === 'localhost';
}

/**
 * `[tool.fastapi] entrypoint = "app.main:app"` from a pyproject.toml (what `fastapi run` reads);
 * undefined when the table or the key is missing. A line-level reading: the table's keys until
 * the next table header, a basic or literal string value.
 */
export function fastapiEntrypoint(pyproject: string): string | undefined {
  let inTable = false;
  for (const raw of pyproject.split(/\r?\n/)) {
    const line = raw.replace(/\s+#.*$/, '').trim();
    if (line.startsWith('[')) {
      inTable = /^\[\s*tool\s*\.\s*fastapi\s*\]$/.test(line);
      continue;
    }
    if (!inTable) continue;
    const m = /^entrypoint\s*=\s*(?:"([^"]*)"|'([^']*)')$/.exec(line);
    if (m) return (m[1] ?? m[2]).trim() || undefined;
  }
  return undefined;
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

/** The folder of a workspace-relative file ('' at the root). */
const dirOf = (file: string): string => file.split('/').slice(0, -1).join('/');

/** The nearest folder at or above `file`'s that holds a pyproject.toml ('' = the workspace root). */
function projectFolder(file: string, pyprojects: Readonly<Record<string, string>>): string {
  for (let dir = dirOf(file); ; dir = dirOf(dir)) {
    if (dir in pyprojects) return dir;
    if (dir === '') return '';
  }
}

const within = (dir: string, file: string): string => (dir ? file.slice(dir.length + 1) : file);

/**
 * Discovery names the outermost router `<module's last segment>.<variable>` (`main.app`).
 * The importable module comes from the workspace's Python files: the one with that name
 * nearest the route's file (`app/main.py` → `app.main`; a `src/` layout folder is not a package),
 * relative to the project folder (the nearest pyproject.toml's, where the server is run from).
 */
function appObject(
  route: Route,
  pythonFiles: readonly string[],
  cwd: string,
): { module: string; variable: string } | undefined {
  const outer = route.routers?.[0];
  if (!outer || outer.includes(':') || outer.includes('/')) return undefined;
  const dot = outer.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const [name, variable] = [outer.slice(0, dot), outer.slice(dot + 1)];
  // an object with no name of its own (what `create_app()` returns) has no `module:variable` to serve
  if (!/^[A-Za-z_]\w*$/.test(variable)) return undefined;
  const candidates = pythonFiles.filter(
    (f) => (f === `${name}.py` || f.endsWith(`/${name}.py`)) && (!cwd || f.startsWith(`${cwd}/`)),
  );
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
    ? within(cwd, file)
        .replace(/^src\//, '')
        .replace(/\.py$/, '')
        .split('/')
        .join('.')
    : name;
  return { module, variable };
}

export interface DetectOptions {
  /** The Python to run servers with (the Python extension's selected interpreter, else `python3`). */
  python?: string;
  /** pyproject.toml texts by workspace-relative folder ('' = root). */
  pyprojects?: Readonly<Record<string, string>>;
  /** The route being profiled: commands that serve its app come first. */
  prefer?: Route;
}

/**
 * Candidate commands, most likely first, as argv (never a shell line: folder and module names
 * are words, not code). `scripts` is the root package.json's scripts; `files` the workspace's
 * files (relative, '/'-separated). Servers bind `{host}` (loopback) and `{port}`.
 */
export function detectServerCommands(
  routes: readonly Route[],
  files: readonly string[],
  scripts: Record<string, string> = {},
  options: DetectOptions = {},
): ServerCommand[] {
  const python = options.python || 'python3';
  const pyprojects = options.pyprojects ?? {};
  const pythonFiles = files.filter((f) => f.endsWith('.py'));
  const out: ServerCommand[] = [];
  const add = (c: Omit<ServerCommand, 'command'>): void => {
    const command = displayCommand(c.argv);
    if (!out.some((o) => o.command === command && o.cwd === c.cwd)) out.push({ ...c, command });
  };
  const ordered = options.prefer ? [options.prefer, ...routes.filter((r) => r !== options.prefer)] : routes;
  const address = ['--host', '{host}', '--port', '{port}'];
  for (const r of ordered) {
    const cwd = projectFolder(r.file, pyprojects);
    const where = cwd ? ` (in ${cwd}/)` : '';
    if (r.framework === 'fastapi' && cwd in pyprojects) {
      const entry = fastapiEntrypoint(pyprojects[cwd]);
      if (entry)
        add({
          label: `uvicorn ${entry}${where}`,
          argv: [python, '-m', 'uvicorn', entry, ...address],
          cwd,
          detail: `[tool.fastapi] entrypoint in ${cwd ? `${cwd}/` : ''}pyproject.toml`,
        });
    }
    const app = appObject(r, pythonFiles, cwd);
    switch (r.framework) {
      case 'fastapi':
      case 'starlette':
      case 'quart':
        if (app)
          add({
            label: `uvicorn ${app.module}:${app.variable}${where}`,
            argv: [python, '-m', 'uvicorn', `${app.module}:${app.variable}`, ...address],
            cwd,
          });
        break;
      case 'flask':
        if (app)
          add({
            label: `flask --app ${app.module}:${app.variable} run${where}`,
            argv: [python, '-m', 'flask', '--app', `${app.module}:${app.variable}`, 'run', ...address],
            cwd,
          });
        break;
      case 'sanic':
        if (app)
          add({
            label: `sanic ${app.module}:${app.variable}${where}`,
            argv: [python, '-m', 'sanic', `${app.module}:${app.variable}`, ...address],
            cwd,
          });
        break;
      case 'django':
      case 'django-ninja': {
        const manage = [...files]
          .filter((f) => f === 'manage.py' || f.endsWith('/manage.py'))
          .sort((a, b) => Number(!r.file.startsWith(dirOf(b))) - Number(!r.file.startsWith(dirOf(a))))[0];
        if (manage)
          add({
            label: `manage.py runserver${dirOf(manage) ? ` (in ${dirOf(manage)}/)` : ''}`,
            argv: [python, 'manage.py', 'runserver', '{host}:{port}'],
            cwd: dirOf(manage),
          });
        break;
      }
      case 'express':
      case 'fastify':
      case 'koa':
      case 'hono': {
        // The file that creates the app this route hangs off (a multi-app folder has several).
        const file = r.routers?.[0]?.includes(':') ? r.routers[0].split(':')[0] : undefined;
        if (file && /\.(c|m)?js$/.test(file))
          add({ label: `node ${file}`, argv: ['node', file], cwd: '', detail: 'PORT and HOST set to the address' });
        break;
      }
      default:
        break; // aiohttp apps are usually started by their own script
    }
  }
  for (const name of ['dev', 'start', 'serve']) {
    if (scripts[name])
      add({ label: `npm run ${name}`, argv: ['npm', 'run', name], cwd: '', detail: `runs: ${scripts[name]}` });
  }
  return out;
}

/**
 * A Node preload (`NODE_OPTIONS=--require …`) for servers Start Server starts: `listen(port)`
 * without a host — Express's `app.listen(PORT)`, Fastify's and Koa's alike — binds every
 * interface; with this it binds `HOST` (the loopback address Start Server sets) instead. Calls
 * that name a host or a socket path are left alone.
 */
export const LOOPBACK_PRELOAD = `'use strict';
const net = require('net');
const host = process.env.HOST;
if (host && !net.Server.prototype.__endpointProfilerLoopback) {
  const listen = net.Server.prototype.listen;
  net.Server.prototype.__endpointProfilerLoopback = true;
  net.Server.prototype.listen = function (...args) {
    const a = args[0];
    if (typeof a === 'number' || (typeof a === 'string' && /^\\d+$/.test(a))) {
      if (typeof args[1] !== 'string') args.splice(1, 0, host);
    } else if (a === undefined || typeof a === 'function') {
      args.unshift(0, host);
    } else if (a && typeof a === 'object' && a.path === undefined && a.handle === undefined && a.fd === undefined && a.host === undefined) {
      args[0] = Object.assign({}, a, { host });
    }
    return listen.apply(this, args);
  };
}
`;

/** NODE_OPTIONS with `--require preload` added to what the environment already has. */
export function withPreload(nodeOptions: string | undefined, preload: string): string {
  const req = `--require ${/\s/.test(preload) ? JSON.stringify(preload) : preload}`;
  return nodeOptions?.trim() ? `${nodeOptions.trim()} ${req}` : req;
}
