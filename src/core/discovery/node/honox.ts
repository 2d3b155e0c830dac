// HonoX file-based routing: `createApp()` from 'honox/server' serves each module under `app/routes/` at the path
// its file names (`routes/api/index.ts` → `/api`, `routes/users/[id].tsx` → `/users/:id`), the module's default
// export mounted there. Nothing in the code mounts these apps, so without this each would look like a root app
// serving its own paths at `/`: a confident wrong URL.
import * as posixPath from 'node:path/posix';
import type { NodeRouteFacts } from './facts';
import { placeholder, UNKNOWN_MOUNT } from '../unresolved';

const HONOX_SERVER = 'honox/server';
const SCRIPT = /\.(ts|tsx|js|jsx|mjs|mdx)$/i;

/**
 * For a workspace whose files import 'honox/server': the prefix a module's default export is served under, by the
 * module's path; null for a module in a routes folder that HonoX does not serve (`_renderer.tsx`, `-/helpers.ts`);
 * undefined for a module outside every routes folder.
 */
export function honoxFilePrefixes(
  files: ReadonlyMap<string, NodeRouteFacts>,
): (file: string) => string | null | undefined {
  // HonoX's default root is `app/routes`, beside the `app/server.ts` that calls createApp
  const roots: string[] = [];
  for (const [path, facts] of files)
    if (Object.values(facts.imports).some((i) => i.spec === HONOX_SERVER))
      roots.push(`${posixPath.join(posixPath.dirname(path), 'routes')}/`.replace(/^\.\//, ''));
  if (roots.length === 0) return () => undefined;
  return (file) => {
    const root = roots.find((r) => file.startsWith(r));
    return root === undefined ? undefined : routePrefix(file.slice(root.length));
  };
}

/**
 * `api/index.ts` → `/api`, `index.tsx` → '', `users/[id].tsx` → `/users/:id`, `(marketing)/about.tsx` → `/about`.
 * Files and folders starting with `_` (`_middleware`, `_renderer`, `_404`) or `-` (kept out of routing) are
 * not served; a catch-all segment (`[...slug]`) is not read: an unknown part.
 */
function routePrefix(relative: string): string | null {
  if (!SCRIPT.test(relative)) return null;
  const parts = relative.replace(SCRIPT, '').split('/');
  if (parts[parts.length - 1] === 'index') parts.pop();
  const out: string[] = [];
  for (const part of parts) {
    if (part.startsWith('_') || part.startsWith('-')) return null;
    if (/^\(.*\)$/.test(part)) continue;
    if (part.startsWith('[...')) return `/${[...out, placeholder(UNKNOWN_MOUNT)].join('/')}`;
    const param = /^\[(\w+)\]$/.exec(part);
    out.push(param ? `:${param[1]}` : part);
  }
  return out.length ? `/${out.join('/')}` : '';
}
