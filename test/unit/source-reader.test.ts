// readSource reads through a file system's synchronous read when it has one (Node's: FileSystem.readFileUpTo)
// and its async stat + readFile otherwise; both must say the same of every kind of file.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { nodeFileSystem, type FileSystem } from '../../src/core/fs';
import { readSource } from '../../src/core/sourceReader';

test('the synchronous and the async read say the same of each kind of file', async () => {
  const root = mkdtempSync(path.join(tmpdir(), 'ep-read-'));
  try {
    writeFileSync(path.join(root, 'ok.py'), 'x = "é"\n');
    writeFileSync(path.join(root, 'empty.py'), '');
    writeFileSync(path.join(root, 'binary.js'), Buffer.from([0x61, 0, 0x62]));
    writeFileSync(path.join(root, 'min.js'), `var a=${'1+'.repeat(15_000)}1;`);
    // git's rule reads the first 8,000 bytes only: a NUL at byte 7,999 is binary, one at byte 8,000 is not
    writeFileSync(path.join(root, 'nul_inside.js'), Buffer.concat([Buffer.alloc(7_999, 0x20), Buffer.from([0])]));
    const afterProbe = Buffer.concat([Buffer.alloc(8_000, 0x20), Buffer.from([0])]);
    writeFileSync(path.join(root, 'nul_after.js'), afterProbe);
    // as long as min.js, but in lines of ordinary length
    const longLines = `${'x = 1  # a comment of some length\n'.repeat(900)}`;
    writeFileSync(path.join(root, 'long.py'), longLines);
    writeFileSync(path.join(root, 'latin1.py'), Buffer.from('x = 1\n# caf\xe9\ny = 2\n', 'latin1'));
    writeFileSync(path.join(root, 'huge.py'), '');
    truncateSync(path.join(root, 'huge.py'), 600_000_000); // sparse: reading it would take 600 MB
    mkdirSync(path.join(root, 'dir.py'));
    const cases: Record<string, object> = {
      'ok.py': { text: 'x = "é"\n' },
      'empty.py': { text: '' },
      'binary.js': { skipped: 'skipped: binary (a NUL byte in its first 8,000 bytes)' },
      'min.js': { skipped: 'skipped: looks minified (1 lines averaging 30008 characters)' },
      'nul_inside.js': { skipped: 'skipped: binary (a NUL byte in its first 8,000 bytes)' },
      'nul_after.js': { text: afterProbe.toString() },
      'long.py': { text: longLines },
      'latin1.py': {
        text: 'x = 1\n# caf\uFFFD\ny = 2\n',
        note: 'not valid UTF-8 (from line 2): read with U+FFFD for the bad bytes',
      },
      'huge.py': { skipped: 'skipped: 600.0 MB is more than the 2 MB analysed per file (generated or bundled code?)' },
      'missing.py': { gone: true },
      'ok.py/below.py': { gone: true }, // ENOTDIR: its folder became a file
    };
    const asyncOnly: FileSystem = { ...nodeFileSystem, readFileUpTo: undefined };
    for (const [name, expected] of Object.entries(cases)) {
      const file = path.join(root, name);
      assert.deepEqual(await readSource(nodeFileSystem, file), expected, `${name}, synchronous`);
      assert.deepEqual(await readSource(asyncOnly, file), expected, `${name}, async`);
    }
    // A folder named like a source file cannot be read: the same problem both ways (the message names the call)
    const [atOnce, inTurn] = [
      await readSource(nodeFileSystem, path.join(root, 'dir.py')),
      await readSource(asyncOnly, path.join(root, 'dir.py')),
    ];
    assert.match(JSON.stringify(atOnce), /^\{"failed":"could not read: EISDIR/);
    assert.match(JSON.stringify(inTurn), /^\{"failed":"could not read: EISDIR/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
