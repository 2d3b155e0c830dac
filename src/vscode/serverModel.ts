// "Start server…": the command that would serve the discovered app, derived from what
// discovery already knows (the app object a route hangs off, its module, its framework)
// and the workspace's package.json scripts. Nothing is executed or imported to find it.
import type { Route } from '../core/model';
import { commandParts, serverConfig, serverWorkers } from '../core/servers/workers';

export { commandParts, serverConfig, serverWorkers };

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
