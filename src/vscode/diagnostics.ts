// Blocking-call diagnostics: the index is refreshed once, then each edit re-indexes only
// the changed file (debounced) and the diagnostics of every affected file are replaced.
// The index does its work in a worker (core/indexWorker); here only its results are published.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Finding, RunRecord } from '../core/model';
import type { WorkspaceIndex } from '../core/indexWorker/client';
import { languageOf } from '../core/parsing/parser';
import {
  byFile,
  NOT_ANALYSED,
  problemDiagnostic,
  toDiagnostic,
  toFixes,
  type DiagnosticData,
  type Range0,
} from './diagnosticModel';
import { findingKey, loopEvidence, type LoopEvidence } from './loopEvidenceModel';

const DEBOUNCE_MS = 300;
const SEVERITY = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
};

/** What the diagnostics need from the extension around them. */
export interface DiagnosticsHost {
  /** The URI documenting a rule, linked from each diagnostic's code. */
  explain?(rule: string): vscode.Uri;
  /** A line for the output channel (index summaries, unparsable files). */
  log?(line: string): void;
  /** A failure the user should see (shown once by the host). */
  error?(message: string): void;
  /** The saved runs: watched ones confirm findings (EP101/EP102) and add measured stalls (EP301). */
  runs?(): readonly RunRecord[];
}

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

  /** Files reported as unparsable, so each is logged once per problem. */
  private readonly reported = new Map<string, string>();
  private evidence: LoopEvidence = { confirmed: new Map(), measured: [] };

  constructor(
    private readonly index: WorkspaceIndex,
    private readonly host: DiagnosticsHost = {},
  ) {}

  /**
   * Scans the whole workspace again (first start, "Refresh Routes", changed excludes); the
   * scan reads the disk, so editors with unsaved text are queued again afterwards.
   */
  async refresh(): Promise<void> {
    const started = Date.now();
    await this.index.refresh();
    this.publish();
    this.host.log?.(
      `Indexed ${this.index.paths().length} files in ${Date.now() - started} ms: ${this.index.routes().length} routes, ${this.index.findings().length} findings.`,
    );
    this.logProblems();
    for (const doc of vscode.workspace.textDocuments) if (doc.isDirty) this.schedule(doc);
  }

  /** Queues a document for re-analysis; the work happens once typing pauses. */
  schedule(doc: vscode.TextDocument): void {
    if (doc.uri.scheme === 'file') this.enqueue(doc.fileName, doc);
  }

  /** Queues a file created, changed or deleted on disk (git checkout, another tool). */
  scheduleFile(uri: vscode.Uri): void {
    if (uri.scheme === 'file') this.enqueue(uri.fsPath, 'disk');
  }

  /** A closed editor's unsaved text is gone: the file is what the disk holds again. */
  scheduleClosed(doc: vscode.TextDocument): void {
    if (doc.uri.scheme === 'file') this.enqueue(doc.fileName, 'disk', true);
  }

  private enqueue(fileName: string, source: vscode.TextDocument | 'disk', diskWins = false): void {
    if (!fileName.startsWith(this.index.root + path.sep) || !languageOf(fileName)) return;
    // Source files the scan skips (.gitignore, excludes, virtualenvs, build output) the index leaves out.
    const open = this.pending.get(fileName);
    if (source === 'disk' && !diskWins && open && open !== 'disk') return; // the editor's text wins over the disk's
    this.pending.set(fileName, source);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.flush().catch((err: unknown) =>
        this.host.error?.(`could not re-analyse: ${err instanceof Error ? err.message : String(err)}`),
      );
    }, DEBOUNCE_MS);
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
    if (changed) {
      this.publish();
      this.logProblems();
    }
  }

  /** Files left out (too large, binary, unparsable) or read in part (parse errors): say so once, with why. */
  private logProblems(): void {
    const now = new Map(this.index.problems().map((p) => [p.path, p.problem]));
    for (const [file, problem] of now) if (this.reported.get(file) !== problem) this.host.log?.(`${file}: ${problem}`);
    this.reported.clear();
    for (const [file, problem] of now) this.reported.set(file, problem);
  }

  /** What the watched runs confirmed or measured, as of the last publish (the hover reads it). */
  loopEvidence(): LoopEvidence {
    return this.evidence;
  }

  /** The runs changed (a run saved, renamed, deleted): confirmations and EP301s are recomputed. */
  runsChanged(): void {
    this.publish();
  }

  private publish(): void {
    const findings = this.index.findings();
    this.evidence = loopEvidence(this.host.runs?.() ?? [], findings, (file, line) => this.lineText(file, line));
    const groups = new Map<string, vscode.Diagnostic[]>();
    for (const [file, fs] of byFile(findings))
      groups.set(
        file,
        fs.map((f) => this.diagnostic(f)),
      );
    for (const m of this.evidence.measured)
      groups.set(m.stall.file, [...(groups.get(m.stall.file) ?? []), this.fromData(m.diagnostic)]);
    for (const p of this.index.problems()) {
      const data = problemDiagnostic(p);
      if (data) groups.set(data.file, [...(groups.get(data.file) ?? []), this.fromData(data)]);
    }
    this.collection.clear();
    this.collection.set([...groups].map(([file, ds]) => [this.uri(file), ds]));
    this.changed.fire();
  }

  /** A line's text as the editor has it (unsaved edits too), else from disk. */
  private lineText(file: string, line: number): string | undefined {
    const uri = this.uri(file);
    try {
      const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
      if (doc) return line <= doc.lineCount ? doc.lineAt(line - 1).text : undefined;
      return readFileSync(uri.fsPath, 'utf8').split('\n')[line - 1];
    } catch {
      return undefined; // the file is gone: the diagnostic marks the line's start
    }
  }

  private diagnostic(f: Finding): vscode.Diagnostic {
    const data = toDiagnostic(f);
    // A watched run that stalled on this line says so, as related information (also in the hover).
    const confirmed = this.evidence.confirmed.get(findingKey(f));
    if (confirmed) data.related.unshift({ file: f.file, range: data.range, message: confirmed.text });
    const d = this.fromData(data);
    this.findingsByDiagnostic.set(d, f);
    return d;
  }

  private fromData(data: DiagnosticData): vscode.Diagnostic {
    const d = new vscode.Diagnostic(range(data.range), data.message, SEVERITY[data.severity]);
    d.source = 'Endpoint Profiler';
    d.code =
      this.host.explain && data.code !== NOT_ANALYSED
        ? { value: data.code, target: this.host.explain(data.code) }
        : data.code;
    d.relatedInformation = data.related.map(
      (r) => new vscode.DiagnosticRelatedInformation(new vscode.Location(this.uri(r.file), range(r.range)), r.message),
    );
    return d;
  }

  provideCodeActions(
    _doc: vscode.TextDocument,
    _range: vscode.Range,
    context: vscode.CodeActionContext,
  ): vscode.CodeAction[] {
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
