// What each Python framework's classes are and where it runs handlers: FastAPI/Starlette run
// `def` endpoints in a threadpool, aiohttp and Sanic run every handler on the loop, Quart runs
// `def` routes in an executor, Flask and sync Django views hold a WSGI worker.
import type { Execution, Framework } from '../../model';

export type Role = 'app' | 'router' | 'blueprint' | 'table' | 'group';

export interface Kind {
  framework: Framework;
  role: Role;
}

/** Constructor → kind, keyed by `<top-level package>:<class name>` so `fastapi.applications.FastAPI` and `fastapi.FastAPI` match alike. */
const CONSTRUCTORS: Record<string, Kind> = {
  'fastapi:FastAPI': { framework: 'fastapi', role: 'app' },
  'fastapi:APIRouter': { framework: 'fastapi', role: 'router' },
  'starlette:Starlette': { framework: 'starlette', role: 'app' },
  'starlette:Router': { framework: 'starlette', role: 'router' },
  'flask:Flask': { framework: 'flask', role: 'app' },
  'flask:Blueprint': { framework: 'flask', role: 'blueprint' },
  'quart:Quart': { framework: 'quart', role: 'app' },
  'quart:Blueprint': { framework: 'quart', role: 'blueprint' },
  'sanic:Sanic': { framework: 'sanic', role: 'app' },
  'sanic:Blueprint': { framework: 'sanic', role: 'blueprint' },
  'sanic:group': { framework: 'sanic', role: 'group' }, // Blueprint.group(...)
  'sanic:BlueprintGroup': { framework: 'sanic', role: 'group' },
  'aiohttp:Application': { framework: 'aiohttp', role: 'app' },
  'aiohttp:RouteTableDef': { framework: 'aiohttp', role: 'table' },
};

export function kindOfConstructor(qualified: string): Kind | undefined {
  const parts = qualified.split('.');
  return CONSTRUCTORS[`${parts[0]}:${parts[parts.length - 1]}`];
}

export const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'trace'];

export function executionOf(framework: Framework, isAsync: boolean): Execution {
  switch (framework) {
    case 'fastapi':
    case 'starlette':
    case 'quart':
      return isAsync ? 'event-loop' : 'threadpool';
    case 'aiohttp':
    case 'sanic':
      return 'event-loop';
    case 'flask':
      return 'worker';
    default: // django
      return isAsync ? 'event-loop' : 'worker';
  }
}

/**
 * Joins a prefix and a path the way the framework does: FastAPI concatenates
 * (`prefix + path`), the others join with exactly one '/' between the parts.
 */
export function joinPath(framework: Framework, prefix: string, path: string): string {
  if (!prefix) return path;
  if (framework === 'fastapi') return prefix + path;
  if (framework === 'django') return prefix + path;
  if (!path) return prefix;
  return `${prefix.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}
