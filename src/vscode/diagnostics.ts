// Blocking-call diagnostics: the index is refreshed once, then each edit re-indexes only
// the changed file (debounced) and the diagnostics of every affected file are replaced.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Finding } from '../core/model';
import type { ProjectIndex } from '../core/project';
import { languageOf } from '../core/parsing/parser';
import { byFile, toDiagnostic, toFixes, type Range0 } from './diagnosticModel';

const DEBOUNCE_MS = 300;
const SEVERITY = { error: vscode.DiagnosticSeverity.Error, warning: vscode.DiagnosticSeverity.Warning, information: vscode.DiagnosticSeverity.Information };

const range = (r: Range0) => new vscode.Range(r.startLine, r.startCharacter, r.endLine, r.endCharacter);

export class BlockingCallDiagnostics implements vscode.Disposable, vscode.CodeActionProvider {
  private readonly collection = vscode.languages.createDiagnosticCollection('endpointProfiler');
  private readonly findingsByDiagnostic = new WeakMap<vscode.Diagnostic, Finding>();
  private readonly pending = new Map<string, vscode.TextDocument>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly index: ProjectIndex) {}

  async start(): Promise<void> {
    await this.index.refresh();
    this.publish();
  }

  /** Queues a document for re-analysis; the work happens once typing pauses. */
  schedule(doc: vscode.TextDocument): void {
    if (doc.uri.scheme !== 'file' || !languageOf(doc.fileName) || !doc.fileName.startsWith(this.index.root + path.sep)) return;
    this.pending.set(doc.fileName, doc);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.flush(), DEBOUNCE_MS);
  }

  private async flush(): Promise<void> {
    const docs = [...this.pending.values()];
    this.pending.clear();
    let changed = false;
    for (const doc of docs) {
      const rel = path.relative(this.index.root, doc.fileName).split(path.sep).join('/');
      const language = languageOf(doc.fileName)!;
      changed = (await this.index.update({ path: rel, absPath: doc.fileName, language }, doc.getText())) || changed;
    }
    if (changed) this.publish();
  }

  private publish(): void {
    const groups = byFile(this.index.findings());
    const entries: Array<[vscode.Uri, vscode.Diagnostic[]]> = [];
    for (const [file, findings] of groups) {
      entries.push([this.uri(file), findings.map((f) => this.diagnostic(f))]);
    }
    this.collection.clear();
    this.collection.set(entries);
  }

  private diagnostic(f: Finding): vscode.Diagnostic {
    const data = toDiagnostic(f);
    const d = new vscode.Diagnostic(range(data.range), data.message, SEVERITY[data.severity]);
    d.source = 'Endpoint Profiler';
    d.code = data.code;
    d.relatedInformation = data.related.map((r) => new vscode.DiagnosticRelatedInformation(new vscode.Location(this.uri(r.file), range(r.range)), r.message));
    this.findingsByDiagnostic.set(d, f);
    return d;
  }

  provideCodeActions(_doc: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    return context.diagnostics.flatMap((d) => {
      const finding = this.findingsByDiagnostic.get(d);
      if (!finding) return [];
      return toFixes(finding).map((fix) => {
        const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
        action.diagnostics = [d];
        action.isPreferred = fix.preferred;
        action.edit = new vscode.WorkspaceEdit();
        for (const e of fix.edits) action.edit.replace(this.uri(e.file), range(e.range), e.newText);
        return action;
      });
    });
  }

  private uri(file: string): vscode.Uri {
    return vscode.Uri.file(path.join(this.index.root, ...file.split('/')));
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.collection.dispose();
  }
}
