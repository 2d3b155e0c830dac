// Runs the real parser and analyzer over in-memory files (no mocks: tree-sitter parses).
import { extractCodeFacts, findBlockingCalls, type AnalysisConfig, type CodeFacts } from '../../src/core/analysis';
import type { Finding, Route, TextEdit } from '../../src/core/model';
import { languageOf, Parsers } from '../../src/core/parsing/parser';
import type { WorkspaceFile } from '../../src/core/workspace';

let parsers: Promise<Parsers> | undefined;

/** Code facts of in-memory files, by path relative to the workspace folder `root`. */
export async function factsOf(
  files: Record<string, string>,
  root = '/ws',
): Promise<Map<string, { file: WorkspaceFile; facts: CodeFacts }>> {
  const p = await (parsers ??= Parsers.load());
  const out = new Map<string, { file: WorkspaceFile; facts: CodeFacts }>();
  for (const [path, source] of Object.entries(files)) {
    const file: WorkspaceFile = { path, absPath: `${root}/${path}`, language: languageOf(path)! };
    const tree = p.parse(file.language, source);
    try {
      out.set(path, { file, facts: extractCodeFacts(file, tree.rootNode, source) });
    } finally {
      tree.delete();
    }
  }
  return out;
}

export async function analyze(
  files: Record<string, string>,
  routes: Route[] = [],
  config?: AnalysisConfig,
): Promise<Finding[]> {
  return findBlockingCalls(await factsOf(files), routes, config);
}

export function route(file: string, line: number, handler: string, extra: Partial<Route> = {}): Route {
  return {
    framework: 'fastapi',
    methods: ['GET'],
    path: '/',
    file,
    line,
    handler,
    async: true,
    execution: 'event-loop',
    ...extra,
  };
}

/** Applies TextEdits (1-based, end-exclusive columns) to one file's text, last edit first. */
export function applyEdits(text: string, edits: TextEdit[]): string {
  const lines = text.split('\n');
  const offset = (line: number, column: number) =>
    lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0) + column - 1;
  const sorted = [...edits].sort((a, b) => offset(b.line, b.column) - offset(a.line, a.column));
  let out = text;
  for (const e of sorted)
    out = out.slice(0, offset(e.line, e.column)) + e.newText + out.slice(offset(e.endLine, e.endColumn));
  return out;
}

export async function parsesCleanly(language: 'python' | 'javascript', source: string): Promise<boolean> {
  const tree = (await (parsers ??= Parsers.load())).parse(language, source);
  try {
    return !tree.rootNode.hasError;
  } finally {
    tree.delete();
  }
}

export const summary = (fs: Finding[]) => fs.map((f) => `${f.rule} ${f.line}:${f.column} ${f.message.split('(')[0]}`);

const PY_CHECK = [
  'import ast, json, sys',
  'src = sys.stdin.read()',
  'try:',
  "    compile(src, '<fixed>', 'exec')",
  'except SyntaxError as e:',
  "    print(json.dumps({'ok': False, 'error': type(e).__name__ + ': ' + str(e), 'moduleNames': []})); sys.exit(0)",
  'names = []',
  'for n in ast.parse(src).body:',
  "    if isinstance(n, ast.Import): names += [a.asname or a.name.split('.')[0] for a in n.names]",
  '    elif isinstance(n, ast.ImportFrom): names += [a.asname or a.name for a in n.names]',
  "print(json.dumps({'ok': True, 'moduleNames': names}))",
].join('\n');

/**
 * Compiles fixed Python text with Debian's interpreter (compile only: nothing runs) and lists the
 * names its module-level imports bind, so a fix that uses `asyncio` can be checked not to NameError.
 */
export async function pythonCompiles(source: string): Promise<{ ok: boolean; error?: string; moduleNames: string[] }> {
  const { execFile } = await import('node:child_process');
  return new Promise((resolve, reject) => {
    const child = execFile('/usr/bin/python3', ['-c', PY_CHECK], { timeout: 20_000 }, (err, stdout) => {
      if (err) reject(new Error(err.message, { cause: err }));
      else resolve(JSON.parse(stdout) as { ok: boolean; error?: string; moduleNames: string[] });
    });
    child.stdin!.end(source);
  });
}

/** `node --check` on the text in a temporary .js file: whether it is valid JavaScript. */
export async function nodeChecks(source: string): Promise<{ ok: boolean; error: string }> {
  const { execFile } = await import('node:child_process');
  const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(`${tmpdir()}/ep-check-`);
  writeFileSync(`${dir}/fixed.js`, source);
  return new Promise((resolve) => {
    execFile(process.execPath, ['--check', `${dir}/fixed.js`], { timeout: 20_000 }, (err, _out, stderr) => {
      rmSync(dir, { recursive: true, force: true });
      resolve({ ok: !err, error: stderr });
    });
  });
}

/** Runs a CommonJS module text (fixture text, never workspace code) whose export is an async function of one argument; returns JSON of its result. */
export async function runNodeModule(source: string, arg: string): Promise<unknown> {
  const { execFile } = await import('node:child_process');
  const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(`${tmpdir()}/ep-run-`);
  writeFileSync(`${dir}/mod.js`, source);
  const driver = `require(${JSON.stringify(`${dir}/mod.js`)})(${JSON.stringify(arg)}).then((r) => process.stdout.write(JSON.stringify(r)), (e) => { process.stderr.write(String(e)); process.exit(3); });`;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['-e', driver], { timeout: 20_000 }, (err, stdout, stderr) => {
      rmSync(dir, { recursive: true, force: true });
      if (err) reject(new Error(stderr || err.message));
      else resolve(JSON.parse(stdout));
    });
  });
}
