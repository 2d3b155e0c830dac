// Which files of a workspace the product reads: source files by extension, minus
// virtualenvs, node_modules, build output, the root .gitignore and user excludes
// (gitignore syntax, via the `ignore` package eslint and prettier use).
import ignore, { type Ignore } from 'ignore';
import * as path from 'node:path';
import type { FileSystem } from './fs';
import type { Language } from './model';
import { languageOf } from './parsing/parser';

/** Folders no user wants analysed; matched by name at any depth. */
export const DEFAULT_SKIPPED_DIRS = new Set([
  'node_modules', '.git', '.hg', '.svn', 'venv', '.venv', 'env', '.env', 'virtualenv', '__pycache__',
  'site-packages', '.tox', '.nox', '.mypy_cache', '.pytest_cache', '.ruff_cache', 'dist', 'build', 'out',
  'coverage', '.next', '.nuxt', '.cache', '.vscode-test', '.eggs',
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

export async function scanWorkspace(root: string, fs: FileSystem, options: ScanOptions = {}): Promise<WorkspaceFile[]> {
  const rules = ignore().add(options.exclude ?? []);
  await addGitignore(rules, root, fs);
  const maxFiles = options.maxFiles ?? 200_000;
  const out: WorkspaceFile[] = [];

  async function walk(dirAbs: string, dirRel: string): Promise<void> {
    let entries: Array<[string, 'file' | 'directory']>;
    try {
      entries = await fs.readDirectory(dirAbs);
    } catch {
      return; // unreadable folder: skip, never fail the scan
    }
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    for (const [name, kind] of entries) {
      if (out.length >= maxFiles) return;
      const rel = dirRel ? `${dirRel}/${name}` : name;
      if (kind === 'directory') {
        if (DEFAULT_SKIPPED_DIRS.has(name) || name.endsWith('.egg-info') || rules.ignores(`${rel}/`)) continue;
        await walk(path.join(dirAbs, name), rel);
      } else {
        const language = languageOf(name);
        if (!language || name.endsWith('.d.ts') || rules.ignores(rel)) continue;
        out.push({ path: rel, absPath: path.join(dirAbs, name), language });
      }
    }
  }

  await walk(root, '');
  return out;
}

async function addGitignore(rules: Ignore, root: string, fs: FileSystem): Promise<void> {
  try {
    rules.add(new TextDecoder().decode(await fs.readFile(path.join(root, '.gitignore'))));
  } catch {
    // no .gitignore
  }
}
