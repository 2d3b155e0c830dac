// HonoX file-based routing: `createApp()` from 'honox/server' serves each module under `app/routes/` at the path
// its file names (`routes/api/index.ts` → `/api`, `routes/users/[id].tsx` → `/users/:id`): a default export that
// is a Hono app mounted there, a default export that is a handler list (`createRoute(…)`) or a function (a page
// component) as GET, and handler lists exported by method name (`export const POST = createRoute(…)`) as that
// method. Nothing in the code mounts these apps, so without this each would look like a root app serving its own
// paths at `/`: a confident wrong URL.
import * as posixPath from 'node:path/posix';
import type { SyntaxNode as Node } from '../../lang/syntax';
import { callArguments } from '../../lang/node/literals';
import type { HandlerFact, HandlerRef, NodeRouteFacts } from './facts';
import { importedValue } from './modules';
import { nameRecord } from '../../lang/shared/records';
import { placeholder, UNKNOWN_MOUNT } from '../unresolved';

const HONOX_SERVER = 'honox/server';
// the default `ROUTES` glob of createApp: `/app/routes/**/*.{ts,tsx,md,mdx}`
const SCRIPT = /\.(ts|tsx|md|mdx)$/i;
/** The exports HonoX reads as handler lists by name (server.ts `METHODS`): HEAD and ALL are not among them. */
export const HONOX_METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH'];

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
 * Files and folders starting with `_` (`_middleware`, `_renderer`, `_404`) or `-` (kept out of routing), files
 * starting with `$` (islands) and tests are not served; a catch-all segment (`[...slug]`) is not read: an unknown part.
 */
function routePrefix(relative: string): string | null {
  if (!SCRIPT.test(relative) || /(^|\/)\$[^/]*$|\.(test|spec)\.tsx?$/.test(relative)) return null;
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

/**
 * Module-level names bound to a HonoX handler list (`export const POST = createRoute(zValidator(…), async (c) => …)`,
 * `export default createRoute((c) => …)`, Hono's `factory.createHandlers(…)`): the handler that answers, the last
 * of the list, kept in `facts.handlerLists` by local name (a default export under a key of its own). Which of them
 * are served is known only when linked (the module must be in a HonoX routes folder).
 */
export function readHandlerLists(
  root: Node,
  facts: NodeRouteFacts,
  handler: (node: Node, fallback: string) => HandlerFact | HandlerRef | undefined,
): void {
  const record = (local: string, value: Node | null | undefined): boolean => {
    const list = value ? handlerListArguments(value, facts) : undefined;
    const found = list?.length ? handler(list[list.length - 1], '') : undefined;
    if (found) (facts.handlerLists ??= nameRecord())[local] = found;
    return !!found;
  };
  const declarations = (statement: Node) => {
    for (const d of statement.namedChildren) {
      const name = d.type === 'variable_declarator' ? d.childForFieldName('name') : undefined;
      if (name?.type === 'identifier') record(name.text, d.childForFieldName('value'));
    }
  };
  for (const statement of root.namedChildren) {
    if (statement.type === 'lexical_declaration' || statement.type === 'variable_declaration') declarations(statement);
    if (statement.type !== 'export_statement') continue;
    const declaration = statement.childForFieldName('declaration');
    if (declaration?.type === 'lexical_declaration' || declaration?.type === 'variable_declaration')
      declarations(declaration);
    const value = statement.childForFieldName('value');
    const key = value && `handlers@${value.startPosition.row + 1}:${value.startPosition.column + 1}`;
    if (key && statement.children.some((c) => c.type === 'default') && record(key, value))
      facts.exports.default ??= key;
  }
}

/** The arguments of `createRoute(…)` (imported from 'honox/factory') or `X.createHandlers(…)`; undefined for any other value. */
function handlerListArguments(value: Node, facts: NodeRouteFacts): Node[] | undefined {
  if (value.type !== 'call_expression') return undefined;
  const callee = value.childForFieldName('function');
  const bound = importedValue(callee, facts);
  const createRoute = bound?.spec === 'honox/factory' && bound.imported === 'createRoute';
  const createHandlers =
    callee?.type === 'member_expression' && callee.childForFieldName('property')?.text === 'createHandlers';
  return createRoute || createHandlers ? callArguments(value) : undefined;
}
