// Discovery and analysis measured on public codebases: runs `routes --json` and `check --json` on each
// project of the corpus (extracted beforehand at its pinned commit, see bench/README.md) and compares
// them with expectations written by reading each project's code (bench/real-corpus/expectations/*.json):
//
//   node --import tsx bench/real-corpus.ts CORPUS_ROOT [--set corpus|acceptance] [--only ID,ID] [--json OUT.json] [--cli dist/cli.js]
//
// CORPUS_ROOT holds one folder per project, named by its id (`dispatch`, `fastify-demo`, …). Prints a
// Markdown table (endpoints found / expected, exact paths / checked, findings TP/FP) and each miss.
// `--set acceptance` reads bench/real-corpus/acceptance/*.json instead: codebases the development work never
// looked at, measured to check that fixes were general (see bench/README.md).
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';

interface PathCheck {
  method: string;
  path: string;
  handler: string;
  /** The handler's file (relative to the project), to tell apart handlers of one name. */
  file?: string;
  note?: string;
}

interface FindingVerdict {
  file: string;
  line: number;
  rule?: string;
  verdict: 'TP' | 'FP';
  reason: string;
}

interface Expectation {
  id: string;
  repo: string;
  commit: string;
  framework: string;
  /** Endpoints the app serves, counted from the framework's registrations (method × path, test files excluded). */
  endpoints: number;
  /** How `endpoints` was counted. */
  counted: string;
  paths: PathCheck[];
  findings: FindingVerdict[];
  /** Files whose routes are tests, not the app's (rows there count as extra). */
  testFiles?: string;
  /** The folder under the project's extraction that is opened as the workspace (`server` of a monorepo). */
  workspace?: string;
  notes?: string;
}

interface RouteRow {
  methods: string[];
  path: string;
  handler: string;
  file: string;
  line: number;
  unresolved?: boolean;
  /** 'event' for socket.io event handlers: not HTTP endpoints, left out of the counts. */
  kind?: string;
}

interface FindingRow {
  file: string;
  line: number;
  rule: string;
  message: string;
}

export interface ProjectResult {
  id: string;
  found: number;
  expected: number;
  fromTests: number;
  duplicates: number;
  unresolvedRows: number;
  exact: number;
  unresolved: number;
  wrong: Array<{ check: PathCheck; got: string }>;
  missing: PathCheck[];
  checked: number;
  tp: number;
  fp: number;
  unclassified: FindingRow[];
  missedTp: FindingVerdict[];
  fpList: FindingVerdict[];
}

const SETS: Record<string, string> = {
  corpus: path.join(__dirname, 'real-corpus', 'expectations'),
  acceptance: path.join(__dirname, 'real-corpus', 'acceptance'),
};
const DEFAULT_TEST_FILES = '(^|/)(tests?|__tests__|spec)/|(^|/)(test_[^/]*|[^/]*_test)\\.py$|\\.(test|spec)\\.[jt]sx?$';

function run(cli: string, args: string[]): Promise<string> {
  const argv = cli.endsWith('.ts') ? ['--import', 'tsx', cli, ...args] : [cli, ...args];
  return new Promise((resolve, reject) =>
    execFile(process.execPath, argv, { maxBuffer: 256 * 1024 * 1024, timeout: 600_000 }, (err, stdout, stderr) => {
      // `check` exits 1 when there are findings
      if (err && typeof err.code === 'number' && err.code === 1 && stdout) resolve(stdout);
      else if (err) reject(new Error(`${args.join(' ')}: ${stderr || err.message}`));
      else resolve(stdout);
    }),
  );
}

function norm(p: string): string {
  return p.length > 1 ? p.replace(/\/+$/, '') : p;
}

export function compare(exp: Expectation, routes: RouteRow[], findings: FindingRow[]): ProjectResult {
  const tests = new RegExp(exp.testFiles ?? DEFAULT_TEST_FILES);
  const app = routes.filter((r) => !tests.test(r.file));
  const seen = new Set<string>();
  let duplicates = 0;
  let found = 0;
  for (const r of app) {
    const key = `${[...r.methods].sort().join(',')} ${r.path} ${r.file}:${r.line}`;
    if (seen.has(key)) duplicates++;
    else {
      seen.add(key);
      // a row with several methods is that many endpoints
      found += r.methods.length;
    }
  }
  const result: ProjectResult = {
    id: exp.id,
    found,
    expected: exp.endpoints,
    fromTests: routes.length - app.length,
    duplicates,
    unresolvedRows: app.filter((r) => r.unresolved).length,
    exact: 0,
    unresolved: 0,
    wrong: [],
    missing: [],
    checked: exp.paths.length,
    tp: 0,
    fp: 0,
    unclassified: [],
    missedTp: [],
    fpList: [],
  };
  for (const check of exp.paths) {
    const candidates = app.filter(
      (r) =>
        r.handler === check.handler &&
        (check.file === undefined || r.file === check.file) &&
        (r.methods.includes(check.method) || r.methods.includes('*') || r.methods.includes('ANY')),
    );
    if (candidates.some((r) => norm(r.path) === norm(check.path))) result.exact++;
    else if (candidates.some((r) => r.unresolved)) result.unresolved++;
    else if (candidates.length > 0) result.wrong.push({ check, got: candidates.map((r) => r.path).join(' | ') });
    else result.missing.push(check);
  }
  const verdicts = new Map(exp.findings.map((f) => [`${f.file}:${f.line}`, f]));
  const reported = new Set<string>();
  for (const f of findings) {
    const v = verdicts.get(`${f.file}:${f.line}`);
    reported.add(`${f.file}:${f.line}`);
    if (!v) result.unclassified.push(f);
    else if (v.verdict === 'TP') result.tp++;
    else {
      result.fp++;
      result.fpList.push(v);
    }
  }
  result.missedTp = exp.findings.filter((f) => f.verdict === 'TP' && !reported.has(`${f.file}:${f.line}`));
  return result;
}

function pct(a: number, b: number): string {
  return b === 0 ? '—' : `${Math.round((100 * a) / b)} %`;
}

export function markdown(results: ProjectResult[], skipped: string[]): string {
  const lines = [
    '| project | endpoints found / expected | exact paths / checked (unresolved) | wrong | findings TP / FP (unclassified) | dup. rows | rows from tests |',
    '| --- | --: | --: | --: | --: | --: | --: |',
  ];
  for (const r of results)
    lines.push(
      `| ${r.id} | ${r.found} / ${r.expected} (${pct(r.found, r.expected)}) | ${r.exact} / ${r.checked}` +
        `${r.unresolved ? ` (+${r.unresolved} unresolved)` : ''} | ${r.wrong.length + r.missing.length} | ${r.tp} / ${r.fp}` +
        `${r.unclassified.length ? ` (${r.unclassified.length})` : ''} | ${r.duplicates} | ${r.fromTests} |`,
    );
  for (const s of skipped) lines.push(`| ${s} | not run: not extracted | | | | | |`);
  const details: string[] = [];
  for (const r of results) {
    const items = [
      ...r.wrong.map((w) => `wrong: ${w.check.method} ${w.check.path} (${w.check.handler}) shown as ${w.got}`),
      ...r.missing.map((m) => `missing: ${m.method} ${m.path} (${m.handler})`),
      ...r.fpList.map((f) => `FP: ${f.file}:${f.line} — ${f.reason}`),
      ...r.missedTp.map((f) => `missed TP: ${f.file}:${f.line} — ${f.reason}`),
      ...r.unclassified.map((f) => `unclassified finding: ${f.file}:${f.line} ${f.rule}`),
    ];
    if (items.length) details.push(`\n**${r.id}**\n\n${items.map((i) => `- ${i}`).join('\n')}`);
  }
  return `${lines.join('\n')}\n${details.join('\n')}\n`;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      only: { type: 'string' },
      json: { type: 'string' },
      cli: { type: 'string' },
      set: { type: 'string', default: 'corpus' },
    },
  });
  const root = positionals[0];
  if (!root) {
    process.stderr.write('usage: node --import tsx bench/real-corpus.ts CORPUS_ROOT [--only ID,…] [--json OUT]\n');
    process.exit(2);
  }
  const cli = values.cli ?? path.join(__dirname, '..', 'src', 'cli.ts');
  const only = values.only?.split(',');
  const expectations = SETS[values.set ?? 'corpus'];
  if (!expectations) {
    process.stderr.write(`--set: one of ${Object.keys(SETS).join(', ')}\n`);
    process.exit(2);
  }
  const results: ProjectResult[] = [];
  const skipped: string[] = [];
  for (const name of readdirSync(expectations).sort()) {
    const exp = JSON.parse(readFileSync(path.join(expectations, name), 'utf8')) as Expectation;
    if (only && !only.includes(exp.id)) continue;
    const dir = path.join(root, exp.id, exp.workspace ?? '');
    if (!existsSync(dir)) {
      skipped.push(exp.id);
      continue;
    }
    const started = Date.now();
    const routes = (JSON.parse(await run(cli, ['routes', dir, '--json'])) as RouteRow[]).filter(
      (r) => r.kind !== 'event',
    );
    const findings = JSON.parse(await run(cli, ['check', dir, '--json'])) as FindingRow[];
    process.stderr.write(
      `${exp.id}: ${routes.length} routes, ${findings.length} findings, ${Date.now() - started} ms\n`,
    );
    results.push(compare(exp, routes, findings));
  }
  process.stdout.write(markdown(results, skipped));
  if (values.json) writeFileSync(values.json, JSON.stringify(results, null, 2));
}

if (require.main === module)
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
