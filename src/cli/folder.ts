// The folder a command analyses, checked before any work: a mistyped path, a file, or a folder this user may not
// read each get their own one-line reason (exit 2), and a folder with nothing to analyse says so on stderr, so
// "No routes found." is never the only answer to a wrong argument.
import { opendir, stat } from 'node:fs/promises';
import type { ProjectIndex } from '../core/project';
import { errorLine } from '../core/errors';

/** Why `dir` cannot be analysed, or undefined when it can. */
export async function folderProblem(dir: string): Promise<string | undefined> {
  try {
    if (!(await stat(dir)).isDirectory()) return `${dir} is a file, not a folder`;
    // Listing it is what the scan does first: a folder without read permission fails here (one without search
    // permission lists, and then each of its files is named as unreadable by the scan)
    await (await opendir(dir)).close();
    return undefined;
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code === 'ENOENT') return `${dir} does not exist`;
    if (code === 'ENOTDIR') return `${dir} does not exist (a part of the path is a file)`;
    if (code === 'EACCES' || code === 'EPERM') return `${dir} cannot be read (permission denied)`;
    return `${dir} cannot be read: ${errorLine(err)}`;
  }
}

/** One stderr line when the scan found no file to analyse, so an empty result is not taken for a clean one. */
export function warnIfNothingRead(verb: string, dir: string, index: ProjectIndex): void {
  if (index.files().length === 0)
    process.stderr.write(
      `endpoint-profiler ${verb}: no Python, JavaScript or TypeScript source files in ${dir} (test code, virtualenvs, node_modules, build output and .gitignore'd paths are not read)\n`,
    );
}
