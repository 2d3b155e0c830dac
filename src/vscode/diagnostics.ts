// Blocking-call diagnostics: the index is refreshed once, then each edit re-indexes only
// the changed file (debounced) and the diagnostics of every affected file are replaced.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Finding } from '../core/model';
import type { ProjectIndex } from '../core/project';
import { languageOf } from '../core/parsing/parser';
import { DEFAULT_SKIPPED_DIRS } from '../core/workspace';
import { byFile, toDiagnostic, toFixes, type Range0 } from './diagnosticModel';

const DEBOUNCE_MS = 300;
const SEVERITY = { error: vscode.DiagnosticSeverity.Error, warning: vscode.DiagnosticSeverity.Warning, information: vscode.DiagnosticSeverity.Information };

const range = (r: Range0) => new vscode.Range(r.startLine, r.startCharacter, r.endLine, r.endCharacter);

export class BlockingCallDiagnostics implements vscode.Disposable, vscode.CodeActionProvider {
  private readonly collection = vscode.languages.createDiagnosticCollection('endpointProfiler');
  private readonly findingsByDiagnostic = new WeakMap<vscode.Diagnostic, Finding>();
  /** Open documents carry their (maybe unsaved) text; files changed on disk are read again. */
  private readonly pending = new Map<string, vscode.TextDocument | 'disk'>();
  private timer: NodeJS.Timeout | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires after each re-analysis that changed routes or findings (CodeLens, views listen). */
  readonly onDidChange = this.changed.event;

  /** `explain(rule)` gives the URI documenting a rule, linked from each diagnostic's code. */
  constructor(private readonly index: ProjectIndex, private readonly explain?: (rule: string) => vscode.Uri) {}

  /** Scans the whole workspace again (first start, "Refresh Routes"). */
  async refresh(): Promise<void> {
    await this.index.refresh();
    this.publish();
  }

  /** Queues a document for re-analysis; the work happens once typing pauses. */
  schedule(doc: vscode.TextDocument): void {
    if (doc.uri.scheme === 'file') this.enqueue(doc.fileName, doc);
  }

  /** Queues a file created, changed or deleted on disk (git checkout, another tool). */
  scheduleFile(uri: vscode.Uri): void {
    if (uri.scheme === 'file') this.enqueue(uri.fsPath, 'disk');
  }

  private enqueue(fileName: string, source: vscode.TextDocument | 'disk'): void {
    if (!languageOf(fileName) || !fileName.startsWith(this.index.root + path.sep)) return;
    // Files the workspace scan skips (virtualenvs, node_modules, build output) stay out on edit too.
    if (path.relative(this.index.root, fileName).split(path.sep).slice(0, -1).some((d) => DEFAULT_SKIPPED_DIRS.has(d))) return;
    const open = this.pending.get(fileName);
    if (source === 'disk' && open && open !== 'disk') return; // the editor's text wins over the disk's
    this.pending.set(fileName, source);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.flush(), DEBOUNCE_MS);
  }

  private async flush(): Promise<void> {
    const queued = [...this.pending];
    this.pending.clear();
    let changed = false;
    for (const [fileName, source] of queued) {
      const rel = path.relative(this.index.root, fileName).split(path.sep).join('/');
      const language = languageOf(fileName)!;
      // Without text, update() reads the disk, and drops the file if it is gone.
      const text = source === 'disk' ? undefined : source.getText();
      changed = (await this.index.update({ path: rel, absPath: fileName, language }, text)) || changed;
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
    this.changed.fire();
  }

  private diagnostic(f: Finding): vscode.Diagnostic {
    const data = toDiagnostic(f);
    const d = new vscode.Diagnostic(range(data.range), data.message, SEVERITY[data.severity]);
    d.source = 'Endpoint Profiler';
    d.code = this.explain ? { value: data.code, target: this.explain(data.code) } : data.code;
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
    this.changed.dispose();
  }
}
