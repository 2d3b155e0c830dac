// A workspace held in memory (relative path → text) behind the core's FileSystem interface, rooted at `root`:
// tests that edit files and compare a kept index with a fresh one need no disk.
import * as path from 'node:path';
import type { FileSystem } from '../../src/core/fs';

export class MemoryFs implements FileSystem {
  constructor(
    readonly files: Map<string, string>,
    private readonly root = '/ws',
  ) {}

  async readFile(abs: string): Promise<Uint8Array> {
    const text = this.files.get(path.posix.relative(this.root, abs));
    if (text === undefined) throw new Error(`ENOENT ${abs}`);
    return new TextEncoder().encode(text);
  }

  async readDirectory(abs: string): Promise<Array<[string, 'file' | 'directory']>> {
    const rel = path.posix.relative(this.root, abs);
    const prefix = rel ? `${rel}/` : '';
    const entries = new Map<string, 'file' | 'directory'>();
    for (const p of this.files.keys()) {
      if (!p.startsWith(prefix)) continue;
      const [head, ...rest] = p.slice(prefix.length).split('/');
      entries.set(head, rest.length ? 'directory' : 'file');
    }
    if (!entries.size && rel) throw new Error(`ENOENT ${abs}`);
    return [...entries];
  }
}
