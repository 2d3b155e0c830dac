// Which files of a workspace the product reads: source files by extension, minus
// virtualenvs, node_modules, build output, test code, .gitignore'd paths (every folder's, as git
// reads them) and user excludes (gitignore syntax, via the `ignore` package eslint and prettier use).
import ignore, { type Ignore } from 'ignore';
import * as path from 'node:path';
import { errorLine } from './errors';
import type { FileSystem } from './fs';
import type { Language } from './model';
import { languageOf } from './parsing/parser';

/** Folders no user wants analysed; matched by name at any depth. */
export const DEFAULT_SKIPPED_DIRS = new Set([
  'node_modules',
  '.git',
  '.hg',
  '.svn',
  'venv',
  '.venv',
  'env',
  '.env',
  'virtualenv',
  '__pycache__',
  'site-packages',
  '.tox',
  '.nox',
  '.mypy_cache',
  '.pytest_cache',
  '.ruff_cache',
  'dist',
  'build',
  'out',
  'coverage',
  '.next',
  '.nuxt',
  '.cache',
  '.vscode-test',
  '.eggs',
]);

export interface WorkspaceFile {
  /** Relative to the workspace root, '/' separators. */
  path: string;
  absPath: string;
  language: Language;
}

export interface ScanOptions {
  /** Extra gitignore-style patterns (the `endpointProfiler.exclude` setting, `--exclude`). */
  exclude?: string[];
  /** Stop after this many files (a guard for enormous trees). */
  maxFiles?: number;
}

/**
 * Which paths the scan reads. The scan teaches it what it finds on the way down (nested
 * .gitignore files, virtualenvs by their pyvenv.cfg), and the extension asks it about files
 * edited or created later, so both decide alike.
 */
export class WorkspaceFilter {
  /** .gitignore rules per folder ('' = the root), each matching paths relative to its folder. */
  private readonly ignores = new Map<string, Ignore>();
  private readonly skipped = new Set<string>();

  constructor(exclude: readonly string[] = []) {
    this.ignores.set('', ignore().add([...exclude]));
  }

  /** Adds the rules of `dirRel/.gitignore` (root: ''). */
  addGitignore(dirRel: string, text: string): void {
    const rules = this.ignores.get(dirRel) ?? ignore();
    this.ignores.set(dirRel, rules.add(text));
  }

  /** A folder found to be something no one analyses (a virtualenv not named like one). */
  skip(dirRel: string): void {
    this.skipped.add(dirRel);
  }

  /** Whether a folder (relative, '/' separators) is walked into; its parents are assumed walked. */
  walks(dirRel: string): boolean {
    const name = dirRel.slice(dirRel.lastIndexOf('/') + 1);
    return (
      !DEFAULT_SKIPPED_DIRS.has(name) &&
      !TEST_DIRS.has(name) &&
      !name.endsWith('.egg-info') &&
      !this.skipped.has(dirRel) &&
      !this.ignored(`${dirRel}/`)
    );
  }

  /** Whether a file (relative, '/' separators) is read; its folders are checked too. */
  includes(fileRel: string): boolean {
    const parts = fileRel.split('/');
    if (parts.some((p) => p === '' || p === '.' || p === '..')) return false;
    for (let i = 1; i < parts.length; i++) if (!this.walks(parts.slice(0, i).join('/'))) return false;
    return this.reads(fileRel);
  }

  /** The file's own rules (its folders already walked). */
  reads(fileRel: string): boolean {
    const name = fileRel.slice(fileRel.lastIndexOf('/') + 1);
    return Boolean(languageOf(name)) && !name.endsWith('.d.ts') && !isTestFile(fileRel) && !this.ignored(fileRel);
  }

  /** git's rule: each .gitignore matches paths below its own folder. */
  private ignored(rel: string): boolean {
    for (const [dir, rules] of this.ignores) {
      if (dir === '') {
        if (rules.ignores(rel)) return true;
      } else if (rel.startsWith(`${dir}/`) && rel.length > dir.length + 1 && rules.ignores(rel.slice(dir.length + 1)))
        return true;
    }
    return false;
  }
}

/** Configs whose `compilerOptions.paths` alias a project's own modules (see nodeImports/tsconfig.ts). */
const PATH_CONFIGS = new Set(['tsconfig.json', 'jsconfig.json']);

/** What the scan meets besides source files, filled in when asked for. */
export interface ScanFindings {
  /** The tsconfig.json / jsconfig.json files met (relative paths): their `paths` aliases. */
  pathConfigs?: string[];
  /** The folders that could not be listed (relative, ending in '/'; the root is './') and why. */
  unlisted?: Array<{ path: string; problem: string }>;
}

export async function scanWorkspace(
  root: string,
  fs: FileSystem,
  options: ScanOptions = {},
  filter = new WorkspaceFilter(options.exclude),
  found: ScanFindings = {},
): Promise<WorkspaceFile[]> {
  const { pathConfigs, unlisted } = found;
  const maxFiles = options.maxFiles ?? 200_000;
  const out: WorkspaceFile[] = [];

  async function walk(dirAbs: string, dirRel: string): Promise<void> {
    let entries: Array<[string, 'file' | 'directory']>;
    try {
      entries = await fs.readDirectory(dirAbs);
    } catch (err) {
      // unreadable folder: skipped and named (its routes are missing), never failing the scan
      unlisted?.push({ path: `${dirRel || '.'}/`, problem: `folder left out: could not list it: ${errorLine(err)}` });
      return;
    }
    if (dirRel && entries.some(([name, kind]) => name === 'pyvenv.cfg' && kind === 'file')) {
      filter.skip(dirRel); // a virtualenv, whatever its name
      return;
    }
    if (entries.some(([name, kind]) => name === '.gitignore' && kind === 'file')) {
      const text = await readText(fs, path.join(dirAbs, '.gitignore'));
      if (text !== undefined) filter.addGitignore(dirRel, text);
    }
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    for (const [name, kind] of entries) {
      if (out.length >= maxFiles) return;
      const rel = dirRel ? `${dirRel}/${name}` : name;
      if (kind === 'directory') {
        if (filter.walks(rel)) await walk(path.join(dirAbs, name), rel);
      } else {
        const language = languageOf(name);
        if (language && filter.reads(rel)) out.push({ path: rel, absPath: path.join(dirAbs, name), language });
        else if (pathConfigs && PATH_CONFIGS.has(name)) pathConfigs.push(rel);
      }
    }
  }

  await walk(root, '');
  return out;
}

async function readText(fs: FileSystem, file: string): Promise<string | undefined> {
  try {
    return new TextDecoder().decode(await fs.readFile(file));
  } catch {
    return undefined;
  }
}

/** Folders whose files are all test code, matched by name at any depth: never walked. */
const TEST_DIRS = new Set(['test', 'tests', '__tests__', 'spec', 'specs', 'e2e']);

/**
 * Test code by its path (relative, '/' separators): files under a `test(s)/`, `__tests__/`, `spec(s)/` or `e2e/`
 * folder, `test_*.py`, `*_test.py`, `conftest.py`, `*.test.*` and `*.spec.*` scripts. The scan leaves them out
 * before reading them (the filter above): routes registered there are the tests' own apps, not the project's,
 * and code run only by tests never serves a request, so they would cost half a large repository's parse time for
 * nothing.
 */
export function isTestFile(path: string): boolean {
  return TEST_FILE.test(path);
}

const TEST_FILE = new RegExp(
  `(^|/)(${[...TEST_DIRS].join('|')})/|(^|/)(test_[^/]*\\.py|[^/]*_test\\.py|conftest\\.py)$|\\.(test|spec|e2e-spec)\\.[cm]?[jt]sx?$`,
);
