// A folder of run files named <id>.json (the extension keeps it in workspace storage).
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { RunRecord } from '../model';
import { readRunFile, RunFileError, writeRunFile } from './format';

export class RunStore {
  constructor(private readonly dir: string) {}

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
    const entries = await Promise.all(
      names
        .filter((n) => n.endsWith('.json') && !n.startsWith('.'))
        .map(async (n) => {
          const file = path.join(this.dir, n);
          const id = n.slice(0, -'.json'.length);
          try {
            return { id, file, record: await readRunFile(file) };
          } catch (e) {
            return { id, file, error: (e as Error).message };
          }
        }),
    );
    const key = (e: { id: string; record?: RunRecord }): string => e.record?.createdAt ?? '';
    return entries.sort((a, b) => key(b).localeCompare(key(a)) || b.id.localeCompare(a.id));
  }

  async load(id: string): Promise<RunRecord> {
    return readRunFile(this.file(id));
  }

  async save(record: RunRecord): Promise<string> {
    await fsp.mkdir(this.dir, { recursive: true });
    await writeRunFile(this.file(record.id), record);
    return record.id;
  }

  async remove(id: string): Promise<void> {
    await fsp.rm(this.file(id), { force: true });
  }

  async rename(id: string, label: string): Promise<void> {
    const record = await this.load(id);
    await writeRunFile(this.file(id), { ...record, label });
  }
}
