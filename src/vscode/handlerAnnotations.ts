// What the editor shows on route handlers: a CodeLens to profile (and a count of blocking
// calls), a hover with where the handler runs and its last measured latency, and the
// `endpointProfiler.inHandler` context key that puts "Profile Endpoint" in the context menu.
import * as vscode from 'vscode';
import type { Finding, Route, RunRecord } from '../core/model';
import {
  blockingFindings,
  blockingLensTitle,
  handlerHover,
  lastRunLensTitle,
  profileLensTitle,
  routeKey,
} from './handlerModel';
import { routeAt } from './profileModel';
import { runNode } from './runsTreeModel';
import { sweepHoverLines, sweepLensTitle, type MeasuredSweep } from './sweepModel';

export interface HandlerSource {
  routes(): Route[];
  findings(): Finding[];
  lastRun(key: string): RunRecord | undefined;
  /** Hover lines on what watched runs measured in the route's handler. */
  loopLines?(route: Route): string[];
  /** The route's latest concurrency sweep with a verdict (sweepModel's latestSweepByRoute). */
  lastSweep?(key: string): MeasuredSweep | undefined;
  onDidChange: vscode.Event<void>;
}

const relative = (doc: vscode.TextDocument): string => vscode.workspace.asRelativePath(doc.uri, false);
const routesIn = (source: HandlerSource, doc: vscode.TextDocument): Route[] =>
  source.routes().filter((r) => r.file === relative(doc));

export class HandlerLenses implements vscode.CodeLensProvider {
  readonly onDidChangeCodeLenses: vscode.Event<void>;

  constructor(private readonly source: HandlerSource) {
    this.onDidChangeCodeLenses = source.onDidChange;
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    const findings = this.source.findings();
    return routesIn(this.source, doc).flatMap((route) => {
      const at = new vscode.Range(route.line - 1, 0, route.line - 1, 0);
      const lenses: vscode.CodeLens[] = [];
      const title = profileLensTitle(route);
      // No title: not an HTTP route (a socket.io event, a WebSocket), so nothing to profile or sweep.
      if (title)
        lenses.push(
          new vscode.CodeLens(at, { title, command: 'endpointProfiler.profileEndpoint', arguments: [route] }),
          new vscode.CodeLens(at, {
            title: 'Sweep',
            command: 'endpointProfiler.sweepEndpoint',
            arguments: [route],
            tooltip: 'Measure at 1, 2, 4, 8, 16 concurrent requests: does this endpoint serialise?',
          }),
        );
      const sweep = this.source.lastSweep?.(routeKey(route));
      if (sweep)
        lenses.push(
          new vscode.CodeLens(at, {
            title: sweepLensTitle(sweep),
            command: 'endpointProfiler.openSweep',
            arguments: [sweep.group],
            tooltip: sweep.result.verdict.text,
          }),
        );
      const last = this.source.lastRun(routeKey(route));
      if (last)
        lenses.push(
          new vscode.CodeLens(at, {
            title: lastRunLensTitle(last),
            command: 'endpointProfiler.openRun',
            arguments: [runNode({ id: last.id, file: '', record: last }, undefined, Date.now())],
            tooltip: 'Open the last run of this route',
          }),
        );
      const blocking = blockingLensTitle(route, findings);
      if (blocking) {
        const first = blockingFindings(route, findings)[0];
        const selection = new vscode.Range(first.line - 1, first.column - 1, first.endLine - 1, first.endColumn - 1);
        lenses.push(
          new vscode.CodeLens(at, {
            title: blocking,
            command: 'vscode.open',
            arguments: [doc.uri, { selection }],
            tooltip: first.message,
          }),
        );
      }
      return lenses;
    });
  }
}

export class HandlerHover implements vscode.HoverProvider {
  constructor(private readonly source: HandlerSource) {}

  provideHover(doc: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    // Only on the handler's own definition line, so hovers inside the body stay the language server's.
    const route = routesIn(this.source, doc).find((r) => r.line === position.line + 1);
    if (!route) return undefined;
    const findings = this.source.findings();
    const measured = sweepHoverLines(route, findings, this.source.lastSweep?.(routeKey(route)));
    const text = handlerHover(
      route,
      findings,
      this.source.lastRun(routeKey(route)),
      measured,
      this.source.loopLines?.(route),
    );
    return new vscode.Hover(new vscode.MarkdownString(text), doc.lineAt(position.line).range);
  }
}

/** Keeps `endpointProfiler.inHandler` true while the cursor is inside a discovered handler. */
export function trackHandlerContext(source: HandlerSource): vscode.Disposable {
  let current: boolean | undefined;
  const update = (): void => {
    const editor = vscode.window.activeTextEditor;
    const inHandler =
      !!editor && !!routeAt(source.routes(), relative(editor.document), editor.selection.active.line + 1);
    if (inHandler !== current) {
      current = inHandler;
      void vscode.commands.executeCommand('setContext', 'endpointProfiler.inHandler', inHandler);
    }
  };
  update();
  return vscode.Disposable.from(
    vscode.window.onDidChangeTextEditorSelection(update),
    vscode.window.onDidChangeActiveTextEditor(update),
    source.onDidChange(update),
  );
}
