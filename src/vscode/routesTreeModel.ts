// What the Routes view shows, as plain data: routes grouped by file (and by router when a
// file holds several), filtered, with a blocking-call count per handler. No 'vscode' here,
// so the decisions are unit-tested against the real discovery.
import type { Execution, Finding, Route } from '../core/model';
import { blockingFindings } from './handlerModel';

export interface RouteNode {
  kind: 'route';
  route: Route;
  label: string;
  description: string;
  /** Findings in this handler (same file and handler name). */
  blocking: number;
  icon: string;
  tooltip: string; // Markdown
}

export interface RouterNode {
  kind: 'router';
  name: string;
  file: string;
  children: RouteNode[];
  blocking: number;
}

export interface FileNode {
  kind: 'file';
  file: string;
  description: string;
  children: Array<RouteNode | RouterNode>;
  blocking: number;
}

export type RoutesNode = FileNode | RouterNode | RouteNode;

export function routeLabel(route: Route): string {
  return `${route.methods.join(',')} ${route.path}`;
}

/** Case-insensitive substring match on method, path, handler, file (or the "GET /path" label). */
export function matchesFilter(route: Route, filter: string): boolean {
  const needle = filter.trim().toLowerCase();
  if (!needle) return true;
  return [routeLabel(route), route.path, route.handler, route.file, ...route.methods].some((s) =>
    s.toLowerCase().includes(needle),
  );
}

/** The same count as the handler's CodeLens: blocking calls in its body, not advice like EP103. */
export function blockingCount(route: Route, findings: readonly Finding[]): number {
  return blockingFindings(route, findings).length;
}

/** The short marker after the handler name: where the framework runs it. */
export function executionMarker(route: Route): string {
  if (route.execution === 'threadpool') return 'threadpool';
  if (route.execution === 'worker') return 'worker';
  if (route.execution === 'library') return 'library';
  return route.async ? 'async' : 'sync on loop';
}

const ICONS: Record<Execution, string> = {
  'event-loop': 'symbol-event',
  threadpool: 'server-process',
  worker: 'server',
  library: 'library',
};

function explainExecution(route: Route): string {
  switch (route.execution) {
    case 'threadpool':
      return 'Runs in the threadpool: a blocking call holds one pool thread (the pool is shared and bounded), not the event loop.';
    case 'worker':
      return 'Runs in a worker (WSGI): one request per worker at a time, so a blocking call ties up that worker.';
    case 'library':
      return `Library code answers (${code(route.library ?? route.handler)}): where it runs and what it calls were not read.`;
    default:
      return route.async
        ? 'Runs on the event loop: a blocking call here stalls every other request until it returns.'
        : `${route.framework} calls even sync handlers on the event loop: a blocking call here stalls every other request.`;
  }
}

/** Markdown with user text only inside code spans, so paths like `/<int:id>` render as written. */
function code(s: string): string {
  const ticks = s.includes('`') ? '``' : '`';
  return `${ticks}${s}${ticks}`;
}

export function routeTooltip(route: Route, blocking: number): string {
  const lines = [
    `**${route.methods.join(', ')}** ${code(route.path)}`,
    '',
    `Framework: ${route.framework}  `,
    `Handler: ${code(route.handler)} at ${code(`${route.file}:${route.line}`)}  `,
  ];
  if (route.routers?.length) lines.push(`Routers: ${route.routers.map(code).join(' → ')}  `);
  if (route.unresolved)
    lines.push(
      '',
      `? Unresolved path: ${route.unresolvedReason ?? 'a part of the path could not be evaluated statically'}. Profile Endpoint asks for the missing part.`,
    );
  lines.push('', explainExecution(route));
  if (blocking > 0)
    lines.push('', `⚠ ${blocking} blocking call${blocking === 1 ? '' : 's'} found in this handler (see Problems).`);
  return lines.join('\n');
}

/**
 * A row: the path as the label (it is what tells routes apart), then the methods and the
 * blocking badge at the start of the description, so a default-width sidebar, which cuts the
 * end of a row, still shows them; handler and where it runs follow, and the tooltip has all.
 */
export function routeNode(route: Route, findings: readonly Finding[]): RouteNode {
  const blocking = blockingCount(route, findings);
  const parts = [route.methods.join(',')];
  // Said in words too: the `{expr?}` in the label is easy to read past in a long list
  if (route.unresolved) parts.push('? unresolved');
  if (blocking > 0) parts.push(`⚠ ${blocking}`);
  parts.push(route.handler, executionMarker(route));
  return {
    kind: 'route',
    route,
    label: route.path,
    description: parts.join(' · '),
    blocking,
    icon: route.unresolved ? 'question' : (ICONS[route.execution] ?? 'symbol-method'),
    tooltip: routeTooltip(route, blocking),
  };
}

const byPosition = (a: RouteNode, b: RouteNode): number =>
  a.route.line - b.route.line || a.route.path.localeCompare(b.route.path) || a.label.localeCompare(b.label);

/** Files sorted by path; routes in source order; a router level only where a file holds routes of several routers. */
export function buildRoutesTree(routes: readonly Route[], findings: readonly Finding[], filter = ''): FileNode[] {
  const files = new Map<string, RouteNode[]>();
  for (const route of routes) {
    if (!matchesFilter(route, filter)) continue;
    const list = files.get(route.file) ?? [];
    list.push(routeNode(route, findings));
    files.set(route.file, list);
  }
  return [...files.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([file, nodes]) => {
      nodes.sort(byPosition);
      const blocking = nodes.reduce((n, r) => n + r.blocking, 0);
      const count = `${nodes.length} route${nodes.length === 1 ? '' : 's'}`;
      return {
        kind: 'file',
        file,
        description: blocking > 0 ? `${count} · ⚠ ${blocking}` : count,
        children: groupByRouter(file, nodes),
        blocking,
      };
    });
}

function innermostRouter(route: Route): string {
  return route.routers?.[route.routers.length - 1] ?? '';
}

function groupByRouter(file: string, nodes: RouteNode[]): Array<RouteNode | RouterNode> {
  const routers = new Map<string, RouteNode[]>();
  for (const n of nodes) {
    const name = innermostRouter(n.route);
    routers.set(name, [...(routers.get(name) ?? []), n]);
  }
  if (routers.size < 2) return nodes;
  // Routers in the order of their first route, so the tree follows the source.
  return [...routers.entries()].map(([name, children]) => ({
    kind: 'router',
    name: name || '(no router)',
    file,
    children,
    blocking: children.reduce((n, r) => n + r.blocking, 0),
  }));
}

/** How many routes a tree holds, for the view's "3 of 14" description. */
export function countRoutes(tree: readonly FileNode[]): number {
  return tree.reduce(
    (n, f) => n + f.children.reduce((m, c) => m + (c.kind === 'router' ? c.children.length : 1), 0),
    0,
  );
}
