// Blocking calls on Node's single event loop. Sources: Node guide "Don't Block the Event
// Loop", eslint-plugin-n no-sync, bcrypt and better-sqlite3 READMEs (research catalog).
import type { CatalogEntry, ReturnTypes } from './types';

const FS = 'fs/promises: `await fs.promises.readFile(...)`, callbacks or streams (res.sendFile)';
const WORKER = 'keep it short, or move it to worker_threads (piscina)';

export const NODE_CATALOG: CatalogEntry[] = [
  {
    pattern: 'fs.*Sync',
    kind: 'file',
    severity: 'M',
    replacement: FS,
    fix: 'fs-promises',
    source: 'Node guide; eslint-plugin-n no-sync',
  },
  {
    pattern: 'child_process.*Sync',
    kind: 'subprocess',
    severity: 'H',
    replacement: 'child_process.execFile/spawn (util.promisify)',
    source: 'Node guide; eslint-plugin-n no-sync',
  },
  {
    pattern: 'crypto.*Sync',
    kind: 'cpu',
    severity: 'C',
    replacement: 'the callback form (crypto.pbkdf2, scrypt, randomFill, generateKeyPair) or util.promisify',
    source: 'Node guide',
  },
  // Synchronous without a `Sync` suffix: randomBytes and its deprecated aliases, without a callback
  ...['randomBytes', 'pseudoRandomBytes', 'prng', 'rng'].map((f): CatalogEntry => ({
    pattern: `crypto.${f}`,
    maxArgs: 1,
    cheapUpTo: 1024,
    kind: 'cpu',
    severity: 'C',
    replacement: 'crypto.randomBytes(n, callback) / util.promisify(crypto.randomBytes)',
    source: 'Node guide (synchronous randomBytes)',
  })),
  {
    pattern: 'zlib.*Sync',
    kind: 'cpu',
    severity: 'C',
    replacement: 'zlib.gzip(...) with a callback / util.promisify, or a stream',
    source: 'Node guide',
  },
  {
    pattern: 'Atomics.wait',
    kind: 'sleep',
    severity: 'H',
    replacement: 'Atomics.waitAsync / await a timer',
    source: 'MDN Atomics.wait',
  },
  ...['bcrypt', 'bcryptjs'].flatMap((m) =>
    ['hashSync', 'compareSync', 'genSaltSync'].map((f): CatalogEntry => ({
      pattern: `${m}.${f}`,
      kind: 'cpu',
      severity: 'C',
      replacement: `await ${m}.${f.replace('Sync', '')}(...)`,
      source: 'node.bcrypt.js README',
    })),
  ),
  ...['get', 'all', 'run', 'iterate'].map((f): CatalogEntry => ({
    pattern: `better-sqlite3.Statement#${f}`,
    kind: 'db',
    severity: 'M',
    replacement: WORKER,
    source: 'better-sqlite3 docs/threads.md',
  })),
  ...['exec', 'pragma', 'backup'].map((f): CatalogEntry => ({
    pattern: `better-sqlite3.Database#${f}`,
    kind: 'db',
    severity: 'M',
    replacement: WORKER,
    source: 'better-sqlite3 docs/threads.md',
  })),
];

export const NODE_RETURNS: ReturnTypes = {
  'better-sqlite3': 'better-sqlite3.Database',
  'better-sqlite3.Database#prepare': 'better-sqlite3.Statement',
};
