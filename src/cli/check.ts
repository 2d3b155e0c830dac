// `endpoint-profiler check [DIR] [--json|--sarif] [--exclude P]… [--config FILE]`:
// flags blocking calls that run on the event loop. Exit 1 with findings, 0 clean, 2 usage.
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { CONFIG_FILE, parseAnalysisConfig, RULES, type AnalysisConfig } from '../core/analysis';
import { nodeFileSystem } from '../core/fs';
import type { Finding, Fix, TextEdit } from '../core/model';
import { Parsers } from '../core/parsing/parser';
import { ProjectIndex } from '../core/project';
import { openCache } from './cache';
import { defaultJobs, parseJobs } from './jobs';
import { folderProblem, warnIfNothingRead } from './folder';
import { warnProblems } from './problems';
import { VERSION } from './main';

const HELP = `Usage: endpoint-profiler check [DIR] [options]

Flags blocking calls (time.sleep, requests.get, fs.readFileSync, …) in code that runs
on the event loop, directly or through helper functions.

Options:
  --json           print findings as a JSON array
  --sarif          print SARIF 2.1.0
  --exclude P      skip files matching a gitignore-style pattern (repeatable)
  --config FILE    analysis configuration (default: DIR/${CONFIG_FILE} when present)
  --no-cache       index every file again instead of reusing the facts cache (see docs/cli.md)
  --jobs N         threads that parse files the cache does not hold (default: one per core, at most 4;
                   1 parses on the main thread)
  -h, --help       show this help

Exit status: 1 when there are findings, 0 when clean, 2 on usage errors.
`;

interface Options {
  dir: string;
  format: 'text' | 'json' | 'sarif';
  exclude: string[];
  config?: string;
  cache: boolean;
  jobs: number;
}

function parseArgs(argv: string[]): Options | string {
  const opts: Options = { dir: '.', format: 'text', exclude: [], cache: true, jobs: defaultJobs() };
  let dirSeen = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') opts.format = 'json';
    else if (a === '--sarif') opts.format = 'sarif';
    else if (a === '--no-cache') opts.cache = false;
    else if (a === '--jobs' || a.startsWith('--jobs=')) {
      const jobs = parseJobs(a === '--jobs' ? argv[++i] : a.slice(7));
      if (typeof jobs === 'string') return jobs;
      opts.jobs = jobs;
    } else if (a === '--exclude' || a === '--config') {
      const v = argv[++i];
      if (v === undefined) return `${a} needs a value`;
      if (a === '--exclude') opts.exclude.push(v);
      else opts.config = v;
    } else if (a.startsWith('--exclude=')) opts.exclude.push(a.slice(10));
    else if (a.startsWith('--config=')) opts.config = a.slice(9);
    else if (a.startsWith('-')) return `unknown option '${a}'`;
    else if (dirSeen) return `unexpected argument '${a}'`;
    else {
      opts.dir = a;
      dirSeen = true;
    }
  }
  return opts;
}

export async function run(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(HELP);
    return 0;
  }
  const opts = parseArgs(argv);
  if (typeof opts === 'string') {
    process.stderr.write(`endpoint-profiler check: ${opts}\n\n${HELP}`);
    return 2;
  }
  const root = path.resolve(opts.dir);
  const unusable = await folderProblem(root);
  if (unusable) {
    process.stderr.write(`endpoint-profiler check: ${unusable}\n`);
    return 2;
  }
  let analysis: AnalysisConfig = {};
  const configFile = opts.config ? path.resolve(opts.config) : path.join(root, CONFIG_FILE);
  if (opts.config || existsSync(configFile)) {
    try {
      analysis = parseAnalysisConfig(readFileSync(configFile, 'utf8'));
    } catch (err) {
      process.stderr.write(
        `endpoint-profiler check: ${configFile}: ${err instanceof Error ? err.message : String(err)}\n`,
      );
      return 2;
    }
  }
  try {
    const cache = await openCache(root, opts.cache);
    const index = new ProjectIndex(
      root,
      nodeFileSystem,
      Parsers.lazy(),
      { exclude: opts.exclude, analysis, jobs: opts.jobs },
      cache,
    );
    await index.refresh();
    warnProblems('check', index);
    warnIfNothingRead('check', root, index);
    const findings = index.findings();
    process.stdout.write(
      opts.format === 'json'
        ? `${JSON.stringify(findings.map(toJson), null, 2)}\n`
        : opts.format === 'sarif'
          ? `${JSON.stringify(toSarif(findings), null, 2)}\n`
          : toText(findings),
    );
    await index.saveLinked();
    return findings.length ? 1 : 0;
  } catch (err) {
    process.stderr.write(`endpoint-profiler check: ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
}

/** The contract's fields first; `replacement` (the async form in words) and `alternativeFixes` are extras. */
function toJson(f: Finding): Record<string, unknown> {
  const {
    file,
    line,
    column,
    endLine,
    endColumn,
    rule,
    severity,
    message,
    handler,
    chain,
    fix,
    replacement,
    alternativeFixes,
  } = f;
  return {
    file,
    line,
    column,
    endLine,
    endColumn,
    rule,
    severity,
    message,
    ...(handler ? { handler } : {}),
    ...(chain ? { chain } : {}),
    ...(fix ? { fix } : {}),
    ...(replacement ? { replacement } : {}),
    ...(alternativeFixes?.length ? { alternativeFixes } : {}),
  };
}

export function toText(findings: Finding[]): string {
  const lines: string[] = [];
  for (const f of findings) {
    lines.push(`${f.file}:${f.line}:${f.column}  ${f.rule}  ${f.message}`);
    if (f.chain) lines.push(`    via ${f.chain.join(' → ')}`);
    if (f.replacement) lines.push(`    use ${f.replacement}`);
  }
  lines.push(
    findings.length
      ? `${findings.length} finding${findings.length === 1 ? '' : 's'}`
      : 'No blocking calls found on the event loop.',
  );
  return `${lines.join('\n')}\n`;
}

const SARIF_LEVEL = { error: 'error', warning: 'warning', info: 'note' } as const;

/** A relative path as a URI reference: each segment percent-encoded (spaces, '#', '%' …). */
const uriOf = (file: string): string => file.split('/').map(encodeURIComponent).join('/');

/** SARIF fix objects: one artifactChange per file, each edit a replacement of its region. */
function sarifFixes(fixes: Fix[]): object[] {
  return fixes.map((fix) => {
    const byFile = new Map<string, TextEdit[]>();
    for (const e of fix.edits) byFile.set(e.file, [...(byFile.get(e.file) ?? []), e]);
    return {
      description: { text: fix.title },
      artifactChanges: [...byFile].map(([file, edits]) => ({
        artifactLocation: { uri: uriOf(file), uriBaseId: 'SRCROOT' },
        replacements: edits.map((e) => ({
          deletedRegion: { startLine: e.line, startColumn: e.column, endLine: e.endLine, endColumn: e.endColumn },
          insertedContent: { text: e.newText },
        })),
      })),
    };
  });
}

export function toSarif(findings: Finding[]): object {
  const region = (r: { line: number; column: number; endLine: number; endColumn: number }) => ({
    startLine: r.line,
    startColumn: r.column,
    endLine: r.endLine,
    endColumn: r.endColumn,
  });
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'endpoint-profiler',
            version: VERSION,
            rules: RULES.map((r) => ({
              id: r.id,
              name: r.name,
              shortDescription: { text: r.short },
              fullDescription: { text: r.doc.replace(/\s*\n\s*/g, ' '), markdown: r.doc },
              defaultConfiguration: { level: SARIF_LEVEL[r.severity] },
            })),
          },
        },
        columnKind: 'utf16CodeUnits',
        results: findings.map((f) => ({
          ruleId: f.rule,
          ruleIndex: RULES.findIndex((r) => r.id === f.rule),
          level: SARIF_LEVEL[f.severity],
          message: { text: f.message },
          locations: [
            { physicalLocation: { artifactLocation: { uri: uriOf(f.file), uriBaseId: 'SRCROOT' }, region: region(f) } },
          ],
          ...(f.chainLocations?.length
            ? {
                relatedLocations: f.chainLocations.map((loc, i) => ({
                  id: i + 1,
                  message: { text: f.chain?.[i + 1] ?? '' },
                  physicalLocation: {
                    artifactLocation: { uri: uriOf(loc.file), uriBaseId: 'SRCROOT' },
                    region: region(loc),
                  },
                })),
              }
            : {}),
          ...(f.fix || f.alternativeFixes?.length
            ? { fixes: sarifFixes([...(f.fix ? [f.fix] : []), ...(f.alternativeFixes ?? [])]) }
            : {}),
        })),
      },
    ],
  };
}
