// `fs.readFileSync(p)` in an async function → `await fs.promises.readFile(p)`, for the fs
// functions whose promise form takes the same arguments and returns the same value.
import { awaited, replaceCall } from './edit';
import type { CallFact } from '../facts';
import type { Fix } from '../../model';

const FS_PROMISES = new Set([
  'readFile',
  'writeFile',
  'appendFile',
  'stat',
  'lstat',
  'readdir',
  'mkdir',
  'rm',
  'rmdir',
  'unlink',
  'rename',
  'copyFile',
  'access',
  'realpath',
  'readlink',
  'symlink',
  'chmod',
  'chown',
  'utimes',
  'truncate',
  'mkdtemp',
  'opendir',
  'cp',
]);

export function fsPromisesFix(file: string, call: CallFact): Fix | undefined {
  const m = /^(.*)\.([A-Za-z]+)Sync$/.exec(call.written);
  if (!m || !call.callee?.startsWith('fs.') || !FS_PROMISES.has(m[2])) return undefined;
  // fs.statSync(p, { throwIfNoEntry: false }) returns undefined where fs.promises.stat rejects
  if (/\bthrowIfNoEntry\b/.test(call.args)) return undefined;
  return {
    title: `Replace with await ${m[1]}.promises.${m[2]}(...)`,
    edits: [replaceCall(file, call, awaited(call, `${m[1]}.promises.${m[2]}(${call.args})`))],
  };
}
