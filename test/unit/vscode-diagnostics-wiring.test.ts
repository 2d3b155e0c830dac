// BlockingCallDiagnostics (src/vscode/diagnostics.ts) loaded with a minimal stand-in for the
// 'vscode' module, over the real index worker (IndexClient) on a temp workspace: what reaches the
// Problems collection after edits, closes, re-scans, and what the quick fixes edit.
import assert from 'node:assert/strict';
import { EventEmitter as NodeEmitter } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { IndexClient } from '../../src/core/indexWorker/client';
import type * as DiagnosticsModule from '../../src/vscode/diagnostics';

// ------------------------------------------------------------------ the stand-in 'vscode'
type Uri = { fsPath: string; scheme: string };
type Diagnostic = { range: unknown; message: string; severity: number; code?: unknown; relatedInformation?: unknown[] };
/** What the collection holds now: file path → diagnostics. */
const problems = new Map<string, Diagnostic[]>();
const textDocuments: FakeDocument[] = [];

class EventEmitter<T> {
  private readonly e = new NodeEmitter();
  event = (listener: (v: T) => void) => {
    this.e.on('x', listener);
    return { dispose: () => this.e.off('x', listener) };
  };
  fire(v?: T) {
    this.e.emit('x', v);
  }
  dispose() {
    this.e.removeAllListeners();
  }
}
class WorkspaceEdit {
  readonly edits: Array<{ file: string; range: unknown; newText: string }> = [];
  replace(uri: Uri, range: unknown, newText: string) {
    this.edits.push({ file: uri.fsPath, range, newText });
  }
}
const fakeVscode = {
  EventEmitter,
  WorkspaceEdit,
  Uri: { file: (fsPath: string): Uri => ({ fsPath, scheme: 'file' }) },
  Range: class {
    constructor(
      public startLine: number,
      public startCharacter: number,
      public endLine: number,
      public endCharacter: number,
    ) {}
  },
  Location: class {
    constructor(
      public uri: Uri,
      public range: unknown,
    ) {}
  },
  Diagnostic: class {
    constructor(
      public range: unknown,
      public message: string,
      public severity: number,
    ) {}
  },
  DiagnosticRelatedInformation: class {
    constructor(
      public location: unknown,
      public message: string,
    ) {}
  },
  DiagnosticSeverity: { Error: 0, Warning: 1, Information: 2 },
  CodeAction: class {
    diagnostics?: unknown[];
    isPreferred?: boolean;
    edit?: WorkspaceEdit;
    constructor(
      public title: string,
      public kind: unknown,
    ) {}
  },
  CodeActionKind: { QuickFix: 'quickfix' },
  languages: {
    createDiagnosticCollection: () => ({
      clear: () => problems.clear(),
      set: (entries: Array<[Uri, Diagnostic[]]>) => {
        for (const [uri, ds] of entries) problems.set(uri.fsPath, ds);
      },
      dispose: () => problems.clear(),
    }),
  },
  workspace: { textDocuments },
};
const loader = Module as unknown as { _load(request: string, ...rest: unknown[]): unknown };
const realLoad = loader._load;
loader._load = function (request: string, ...rest: unknown[]) {
  return request === 'vscode' ? fakeVscode : realLoad.call(this, request, ...rest);
};
const { BlockingCallDiagnostics } = require('../../src/vscode/diagnostics') as typeof DiagnosticsModule;
loader._load = realLoad;

class FakeDocument {
  isDirty = true;
  readonly uri: Uri;
  constructor(
    readonly fileName: string,
    private text: string,
  ) {
    this.uri = fakeVscode.Uri.file(fileName);
  }
  getText() {
    return this.text;
  }
}

// ------------------------------------------------------------------ the workspace
const BLOCKING =
  'import time\nfrom fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get("/a")\nasync def a():\n    time.sleep(1)\n    return {}\n';
const CLEAN =
  'import asyncio\nfrom fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get("/a")\nasync def a():\n    await asyncio.sleep(1)\n    return {}\n';
let root: string;
let diagnostics: InstanceType<typeof BlockingCallDiagnostics>;
let index: IndexClient | undefined;
const logged: string[] = [];
const file = (rel: string) => path.join(root, ...rel.split('/'));
const rules = (rel: string) =>
  (problems.get(file(rel)) ?? []).map((d) => (d.code as { value?: string })?.value ?? d.code);

/** Waits for the debounced re-analysis (300 ms) to publish, bounded. */
async function settled(until: () => boolean, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!until()) {
    if (Date.now() > end) throw new Error('the diagnostics did not settle');
    await new Promise((r) => setTimeout(r, 50));
  }
}
const waitDebounce = () => new Promise((r) => setTimeout(r, 700));

before(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'ep-diag-wiring-'));
  mkdirSync(path.join(root, 'generated'));
  writeFileSync(path.join(root, '.gitignore'), 'generated/\n');
  writeFileSync(file('main.py'), CLEAN);
  writeFileSync(file('generated/api.py'), CLEAN);
  index = await IndexClient.start(root);
  diagnostics = new BlockingCallDiagnostics(index, {
    explain: (rule) => fakeVscode.Uri.file(`/rules#${rule}`) as never,
    log: (l) => logged.push(l),
  });
  await diagnostics.refresh();
});
after(async () => {
  diagnostics?.dispose();
  await index?.dispose();
  if (root) rmSync(root, { recursive: true, force: true });
});

test('an edit is analysed after the pause; its finding carries a code linking the rule', async () => {
  assert.deepEqual(rules('main.py'), []);
  assert.match(logged.join('\n'), /Indexed 1 files .* 1 routes, 0 findings/);
  const doc = new FakeDocument(file('main.py'), BLOCKING);
  diagnostics.schedule(doc as never);
  await settled(() => rules('main.py').length > 0);
  assert.deepEqual(rules('main.py').sort(), ['EP101', 'EP103']);
  const d = problems.get(file('main.py'))!.find((x) => (x.code as { value: string }).value === 'EP101')!;
  assert.equal((d.code as { target: Uri }).target.fsPath, '/rules#EP101');
  // The quick fixes edit the file: the sleep fix replaces the call with an awaited one.
  const actions = diagnostics.provideCodeActions(
    doc as never,
    undefined as never,
    { diagnostics: [d] } as never,
  ) as unknown as Array<{ title: string; edit: WorkspaceEdit }>;
  const sleepFix = actions.find((a) => /asyncio\.sleep/.test(a.title));
  assert.ok(sleepFix, `a sleep fix among ${actions.map((a) => a.title).join(', ')}`);
  assert.ok(sleepFix.edit.edits.some((e) => e.file === file('main.py') && e.newText.includes('await asyncio.sleep')));
  // Closing the editor without saving: the unsaved finding goes, the disk's clean text is what counts.
  diagnostics.scheduleClosed(doc as never);
  await settled(() => rules('main.py').length === 0);
});

test('files the scan skips (.gitignore) stay out when edited', async () => {
  diagnostics.schedule(new FakeDocument(file('generated/api.py'), BLOCKING) as never);
  diagnostics.schedule(new FakeDocument(file('main.py'), BLOCKING) as never);
  await settled(() => rules('main.py').length > 0);
  assert.deepEqual(rules('generated/api.py'), [], 'a gitignored file got diagnostics');
  diagnostics.scheduleClosed(new FakeDocument(file('main.py'), '') as never);
  await settled(() => rules('main.py').length === 0);
});

test('a re-scan reads the disk but unsaved editor text still wins afterwards', async () => {
  const dirty = new FakeDocument(file('main.py'), BLOCKING);
  textDocuments.push(dirty);
  try {
    await diagnostics.refresh(); // disk: clean
    await waitDebounce();
    await settled(() => rules('main.py').length > 0);
    assert.ok(rules('main.py').includes('EP101'), 'the unsaved blocking call is shown after the re-scan');
  } finally {
    textDocuments.pop();
  }
  diagnostics.scheduleClosed(dirty as never);
  await settled(() => rules('main.py').length === 0);
});

test('a file whose syntax errors lose a route is a warning in Problems at that line, until it is fixed', async () => {
  const lost = CLEAN.replace('@app.get("/a")', 'y = (1 +\n\n@app.get("/a")'); // the route is swallowed
  writeFileSync(file('broken.py'), lost);
  try {
    diagnostics.scheduleFile(fakeVscode.Uri.file(file('broken.py')) as never);
    await settled(() => rules('broken.py').includes('not-analysed'));
    const d = problems.get(file('broken.py'))!.find((x) => x.code === 'not-analysed')!;
    assert.equal(d.severity, fakeVscode.DiagnosticSeverity.Warning);
    assert.equal((d.range as { startLine: number }).startLine, 6); // `y = (1 +`, line 7
    assert.match(d.message, /parse errors at line 7: routes\/findings in this file may be incomplete/);
    assert.ok(logged.some((l) => l.startsWith('broken.py: parse errors at line 7')));
    // A minified bundle is left out on purpose: the output channel says so, Problems does not
    writeFileSync(file('bundle.js'), `var a=${'1+'.repeat(15_000)}1;`);
    diagnostics.scheduleFile(fakeVscode.Uri.file(file('bundle.js')) as never);
    await settled(() => logged.some((l) => l.startsWith('bundle.js: skipped: looks minified')));
    assert.deepEqual(rules('bundle.js'), []);
    writeFileSync(file('broken.py'), CLEAN);
    diagnostics.scheduleFile(fakeVscode.Uri.file(file('broken.py')) as never);
    await settled(() => !rules('broken.py').includes('not-analysed'));
  } finally {
    rmSync(file('broken.py'), { force: true });
    rmSync(file('bundle.js'), { force: true });
  }
});
