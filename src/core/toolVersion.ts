// What the facts cache ties its entries to: the code that computed them. Bundled, that is
// the running bundle's own bytes (any rebuild, even in watch mode, is a new version); from
// source (tests, tsx) the bytes of every file under src/core. A version number alone would
// keep serving facts from before a change that did not bump it.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

let memo: string | undefined;

export function toolVersion(packageVersion: string): string {
  memo ??= `${packageVersion}+${codeHash()}`;
  return memo;
}

function codeHash(): string {
  const hash = createHash('sha1');
  if (!__filename.endsWith('.ts')) hash.update(readFileSync(__filename));
  else {
    const core = __dirname;
    const files = (readdirSync(core, { recursive: true }) as string[]).filter((f) => /\.(ts|py|cjs)$/.test(f)).sort();
    for (const f of files)
      hash
        .update(f)
        .update('\0')
        .update(readFileSync(path.join(core, f)))
        .update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}
