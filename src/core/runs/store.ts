// A folder of run files named <id>.json. The extension keeps one per workspace folder under its
// global storage (`runsFolderFor`), so every window open on that folder sees the same runs.
import { createHash } from 'node:crypto';
import { constants, promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { RunRecord } from '../model';
import { readRunFile, RunFileError, writeRunFile, writeRunFileOrFallback, type SavedRun } from './format';

/** Files read at once by list(): a folder of 5,000 runs must not exhaust a 1,024 file-descriptor limit. */
const READ_AHEAD = 64;

/** `fn` over `items` with at most `limit` calls pending, results in input order. */
async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/**
 * The runs folder of `workspaceFolder` under `storageRoot` (the extension's global storage):
 * `runs/<folder name>-<hash of its absolute path>`. Keyed by the folder, not by the window or
 * workspace file, so a second window, or the folder opened inside a multi-root workspace, reads
 * and writes the same runs; outside the repository, so run files never end up in a commit.
 */
export function runsFolderFor(storageRoot: string, workspaceFolder: string, platform = process.platform): string {
  let key = path.resolve(workspaceFolder).replace(/[\\/]+$/, '') || '/';
  if (platform === 'win32' || platform === 'darwin') key = key.toLowerCase(); // case-insensitive file systems
  const hash = createHash('sha256').update(key).digest('hex').slice(0, 16);
  const name = (path.basename(key) || 'root').replace(/[^\w.-]+/g, '_').slice(0, 40);
  return path.join(storageRoot, 'runs', `${name}-${hash}`);
}

export class RunStore {
  constructor(readonly dir: string) {}

  /**
   * Moves the run files of an older store folder (the per-window workspace storage) into this
   * one, keeping their mode; a file this store already has is left where it was. Returns how
   * many moved. Never rejects: runs it cannot move stay readable where they are.
   */
  async adopt(fromDir: string): Promise<number> {
    if (path.resolve(fromDir) === path.resolve(this.dir)) return 0;
    let names: string[];
    try {
      names = (await fsp.readdir(fromDir)).filter((n) => n.endsWith('.json') && !n.startsWith('.'));
    } catch {
      return 0;
    }
    if (names.length === 0) return 0;
    await fsp.mkdir(this.dir, { recursive: true, mode: 0o700 }).catch(() => undefined);
    let moved = 0;
    for (const n of names) {
      try {
        await fsp.copyFile(path.join(fromDir, n), path.join(this.dir, n), constants.COPYFILE_EXCL);
        const { mode } = await fsp.stat(path.join(fromDir, n));
        await fsp.chmod(path.join(this.dir, n), mode & 0o777);
        await fsp.rm(path.join(fromDir, n));
        moved++;
      } catch {
        // already here (EEXIST) or unreadable: leave it
      }
    }
    return moved;
  }

  private file(id: string): string {
    if (!/^[\w.-]+$/.test(id) || id.startsWith('.')) throw new RunFileError(`invalid run id: ${id}`);
    return path.join(this.dir, `${id}.json`);
  }

  /** Newest first; broken files are listed with `error`, never thrown. */
  async list(): Promise<Array<{ id: string; file: string; record?: RunRecord; error?: string }>> {
    let names: string[];
    try {
      names = await fsp.readdir(this.dir);
    } catch {
      return [];
    }
    const entries = await mapLimit(
      names.filter((n) => n.endsWith('.json') && !n.startsWith('.')),
      READ_AHEAD,
      async (n): Promise<{ id: string; file: string; record?: RunRecord; error?: string }> => {
        const file = path.join(this.dir, n);
        const id = n.slice(0, -'.json'.length);
        try {
          return { id, file, record: await readRunFile(file) };
        } catch (e) {
          return { id, file, error: (e as Error).message };
        }
      },
    );
    const key = (e: { id: string; record?: RunRecord }): string => e.record?.createdAt ?? '';
    return entries.sort((a, b) => key(b).localeCompare(key(a)) || b.id.localeCompare(a.id));
  }

  async load(id: string): Promise<RunRecord> {
    return readRunFile(this.file(id));
  }

  /**
   * Saves the run in this folder. Never rejects because of the disk: when the folder cannot take it
   * (full disk, read-only, removed) the run goes to the fallback folder (os.tmpdir()) and `error`
   * says so in one sentence; a finished run must not be reported as failed. Rejects only for an
   * invalid run id.
   */
  async save(record: RunRecord, fallbackDir?: string): Promise<SavedRun & { id: string }> {
    const file = this.file(record.id);
    await fsp.mkdir(this.dir, { recursive: true }).catch(() => undefined); // a failure shows in the write
    return { id: record.id, ...(await writeRunFileOrFallback(file, record, fallbackDir)) };
  }

  async remove(id: string): Promise<void> {
    await fsp.rm(this.file(id), { force: true });
  }

  async rename(id: string, label: string): Promise<void> {
    const record = await this.load(id);
    await writeRunFile(this.file(id), { ...record, label });
  }
}
