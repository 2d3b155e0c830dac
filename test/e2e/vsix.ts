// Builds the .vsix with the project's own `npm run package` and lists what it holds.
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';

export const repoRoot = path.resolve(__dirname, '../..');
export const vsixPath = path.join(repoRoot, 'endpoint-profiler.vsix');

let packagedThisRun = false;

/** Packages once per test process; later callers reuse the file built by this run. */
export function packageVsix(): string {
  if (!packagedThisRun) {
    execFileSync('npm', ['run', '--silent', 'package'], {
      cwd: repoRoot,
      stdio: ['ignore', 'ignore', 'pipe'],
      timeout: 120_000,
    });
    packagedThisRun = true;
  }
  statSync(vsixPath);
  return vsixPath;
}

/**
 * Entry names from the zip's central directory (a .vsix is a zip). Reading the directory
 * record is enough to list names; no entry is decompressed.
 */
export function zipEntryNames(file: string): string[] {
  const buf = readFileSync(file);
  const END_OF_DIRECTORY = 0x06054b50;
  const DIRECTORY_ENTRY = 0x02014b50;
  let end = buf.length - 22; // the end record is 22 bytes plus a comment of up to 64 KiB
  while (end >= 0 && buf.readUInt32LE(end) !== END_OF_DIRECTORY) end--;
  if (end < 0) throw new Error(`${file} is not a zip file`);
  const count = buf.readUInt16LE(end + 10);
  let at = buf.readUInt32LE(end + 16);
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    if (buf.readUInt32LE(at) !== DIRECTORY_ENTRY) throw new Error(`${file}: corrupt central directory`);
    const nameLength = buf.readUInt16LE(at + 28);
    const extraLength = buf.readUInt16LE(at + 30);
    const commentLength = buf.readUInt16LE(at + 32);
    names.push(buf.toString('utf8', at + 46, at + 46 + nameLength));
    at += 46 + nameLength + extraLength + commentLength;
  }
  return names;
}
