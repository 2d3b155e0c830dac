// The Routes view: every discovered handler by file, with where it runs and how many
// blocking calls it makes. The grouping, filtering and counts live in routesTreeModel.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Finding, Route } from '../core/model';
import {
  buildRoutesTree,
  countRoutes,
  type FileNode,
  type RouteNode,
  type RouterNode,
  type RoutesNode,
} from './routesTreeModel';
import { errorLine as message } from '../core/errors';

export interface RoutesSource {
  routes(): Route[];
  findings(): Finding[];
  /** Workspace root: route files are relative to it. */
  root: string;
  /** Fires after each re-analysis. */
  onDidChange: vscode.Event<void>;
  /** Re-scans the workspace ("Refresh Routes"); the view then updates through onDidChange. */
  refresh?: () => Promise<void>;
}

export interface RoutesView extends vscode.Disposable {
  refresh(): void;
}

/** A route row; `route` is what Profile Endpoint and Go to Handler receive from the menus. */
export class RouteTreeItem extends vscode.TreeItem {
  readonly route: Route;
  constructor(node: RouteNode) {
    super(node.label, vscode.TreeItemCollapsibleState.None);
    this.route = node.route;
    this.description = node.description;
    this.contextValue = 'route';
    this.tooltip = new vscode.MarkdownString(node.tooltip);
    this.iconPath = new vscode.ThemeIcon(
      node.icon,
      node.blocking > 0 ? new vscode.ThemeColor('list.warningForeground') : undefined,
    );
    this.command = { command: 'endpointProfiler.revealHandler', title: 'Go to Handler', arguments: [node.route] };
  }
}

export function isRouteItem(x: unknown): x is { route: Route } {
  const route = (x as { route?: Partial<Route> } | undefined)?.route;
  return typeof route?.file === 'string' && typeof route.line === 'number' && Array.isArray(route.methods);
}

function isRoute(x: unknown): x is Route {
  const r = x as Partial<Route> | undefined;
  return (
    typeof r?.file === 'string' && typeof r.line === 'number' && Array.isArray(r.methods) && typeof r.path === 'string'
  );
}

const DEBOUNCE_MS = 200;
const FILTERED_KEY = 'endpointProfiler.routesFiltered';
/** Context key: a scan of the workspace has finished (until then the welcome says it is reading, not "none found"). */
export const SCANNED_KEY = 'endpointProfiler.routesScanned';

class RoutesProvider implements vscode.TreeDataProvider<RoutesNode> {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  filter = '';
  tree: FileNode[] = [];
  total = 0;

  constructor(private readonly source: RoutesSource) {}

  rebuild(): void {
    const routes = this.source.routes();
    this.total = routes.length;
    this.tree = buildRoutesTree(routes, this.source.findings(), this.filter);
    this.changed.fire();
  }

  getChildren(node?: RoutesNode): RoutesNode[] {
    if (!node) return this.tree;
    return node.kind === 'route' ? [] : node.children;
  }

  getTreeItem(node: RoutesNode): vscode.TreeItem {
    if (node.kind === 'route') return new RouteTreeItem(node);
    return node.kind === 'file' ? this.fileItem(node) : routerItem(node);
  }

  private fileItem(node: FileNode): vscode.TreeItem {
    const item = new vscode.TreeItem(node.file, vscode.TreeItemCollapsibleState.Expanded);
    item.id = `file:${node.file}`;
    item.resourceUri = vscode.Uri.file(path.join(this.source.root, node.file));
    item.iconPath = vscode.ThemeIcon.File;
    item.description = node.description;
    item.tooltip = node.file;
    return item;
  }

  dispose(): void {
    this.changed.dispose();
  }
}

function routerItem(node: RouterNode): vscode.TreeItem {
  const item = new vscode.TreeItem(node.name, vscode.TreeItemCollapsibleState.Expanded);
  item.id = `router:${node.file}:${node.name}`;
  item.iconPath = new vscode.ThemeIcon('type-hierarchy');
  item.description = node.blocking > 0 ? `⚠ ${node.blocking}` : undefined;
  return item;
}

export function registerRoutesView(context: vscode.ExtensionContext, source: RoutesSource): RoutesView {
  const provider = new RoutesProvider(source);
  const view = vscode.window.createTreeView('endpointProfiler.routes', {
    treeDataProvider: provider,
    showCollapseAll: true,
  });
  let timer: NodeJS.Timeout | undefined;

  const render = (): void => {
    try {
      provider.rebuild();
    } catch (err) {
      void vscode.window.showErrorMessage(`Endpoint Profiler: cannot list routes: ${message(err)}`);
      return;
    }
    view.description = provider.filter ? `filter: ${provider.filter}` : undefined;
    // With a filter that hides everything the welcome text would wrongly say "no routes found".
    view.message =
      provider.filter && provider.tree.length === 0 && provider.total > 0
        ? `No routes match “${provider.filter}”. Clear the filter to see all ${provider.total}.`
        : provider.filter
          ? `${countRoutes(provider.tree)} of ${provider.total} routes`
          : undefined;
  };
  const schedule = (): void => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      render();
    }, DEBOUNCE_MS);
  };
  let wasScanned = false;
  const scanned = (): void => {
    if (wasScanned) return;
    wasScanned = true;
    void vscode.commands.executeCommand('setContext', SCANNED_KEY, true);
  };
  const setFilter = async (filter: string): Promise<void> => {
    provider.filter = filter.trim();
    await vscode.commands.executeCommand('setContext', FILTERED_KEY, provider.filter !== '');
    render();
  };

  context.subscriptions.push(
    provider,
    view,
    source.onDidChange(scanned),
    source.onDidChange(schedule),
    {
      dispose: () => {
        if (timer) clearTimeout(timer);
      },
    },
    vscode.commands.registerCommand('endpointProfiler.revealHandler', (arg?: unknown) =>
      guard('open the handler', () => revealHandler(source.root, arg)),
    ),
    vscode.commands.registerCommand('endpointProfiler.filterRoutes', () =>
      guard('filter routes', async () => {
        const value = await vscode.window.showInputBox({
          title: 'Filter Routes',
          value: provider.filter,
          placeHolder: 'Text in the method, path, handler or file, e.g. /items or POST',
        });
        if (value !== undefined) await setFilter(value);
      }),
    ),
    vscode.commands.registerCommand('endpointProfiler.clearRoutesFilter', () =>
      guard('clear the filter', () => setFilter('')),
    ),
    vscode.commands.registerCommand('endpointProfiler.refreshRoutes', () =>
      guard('refresh routes', async () => {
        await source.refresh?.();
        scanned();
        render(); // also when the re-scan changed nothing and onDidChange stays quiet
      }),
    ),
  );
  render();
  return {
    refresh: render,
    dispose: () => {
      view.dispose();
    },
  };
}

async function revealHandler(root: string, arg: unknown): Promise<void> {
  const route = isRoute(arg) ? arg : isRouteItem(arg) ? arg.route : undefined;
  if (!route) {
    void vscode.window.showInformationMessage('Choose a route in the Routes view to go to its handler.');
    return;
  }
  const uri = vscode.Uri.file(path.join(root, route.file));
  const position = new vscode.Position(Math.max(0, route.line - 1), 0);
  await vscode.window.showTextDocument(uri, { selection: new vscode.Range(position, position), preview: true });
}

async function guard(what: string, action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (err) {
    void vscode.window.showErrorMessage(`Endpoint Profiler could not ${what}: ${message(err)}`);
  }
}
