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

/** Which paths the scan reads; the extension asks it about files edited or created later. */
export interface WorkspaceFilter {
  /** Whether a folder (relative, '/' separators) is walked into. */
  walks(dirRel: string): boolean;
  /** Whether a file (relative, '/' separators) is read; its folders are checked too. */
  includes(fileRel: string): boolean;
}

export async function workspaceFilter(root: string, fs: FileSystem, options: ScanOptions = {}): Promise<WorkspaceFilter> {
  const rules = ignore().add(options.exclude ?? []);
  await addGitignore(rules, root, fs);
  const walks = (dirRel: string): boolean => {
    const name = dirRel.slice(dirRel.lastIndexOf('/') + 1);
    return !DEFAULT_SKIPPED_DIRS.has(name) && !name.endsWith('.egg-info') && !rules.ignores(`${dirRel}/`);
  };
  const reads = (fileRel: string): boolean => {
    const name = fileRel.slice(fileRel.lastIndexOf('/') + 1);
    return Boolean(languageOf(name)) && !name.endsWith('.d.ts') && !rules.ignores(fileRel);
  };
  return {
    walks,
    includes(fileRel) {
      const parts = fileRel.split('/');
      if (parts.some((p) => p === '' || p === '.' || p === '..')) return false;
      for (let i = 1; i < parts.length; i++) if (!walks(parts.slice(0, i).join('/'))) return false;
      return reads(fileRel);
    },
  };
}

export async function scanWorkspace(root: string, fs: FileSystem, options: ScanOptions = {}, filter?: WorkspaceFilter): Promise<WorkspaceFile[]> {
  const rules = filter ?? (await workspaceFilter(root, fs, options));
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
        if (rules.walks(rel)) await walk(path.join(dirAbs, name), rel);
      } else {
        const language = languageOf(name);
        // Folders were checked on the way down; only the file's own rules remain.
        if (language && rules.includes(rel)) out.push({ path: rel, absPath: path.join(dirAbs, name), language });
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
