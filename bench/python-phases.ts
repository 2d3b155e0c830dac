// CPU per phase of reading Python files, in one process: parse, route facts, code facts, summed
// over every .py file of a folder (no cache, no linking). The run is bundled with the build's
// web-tree-sitter patches (scripts/fast-tree-sitter.mjs), as the CLI runs it. Prints one JSON line
// per round with the load average; `facts` is a digest of every file's facts, so two builds that
// read the same folder alike print the same one; `routeFactsMB` is the route facts' v8-serialised size.
//
//   node --import tsx bench/python-phases.ts DIR [--rounds N]
import { execFileSync } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { bundlePatched } from './bundle';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { rounds: { type: 'string', default: '3' } },
});
if (positionals.length !== 1) {
  process.stderr.write('usage: python-phases.ts DIR [--rounds N]\n');
  process.exit(2);
}
const root = path.join(__dirname, '..');
// Under the repository, so the bundle finds the grammars in node_modules
const out = path.join(root, 'node_modules/.cache/ep-python-phases/run.js');

async function main(): Promise<void> {
  await bundlePatched({ run: path.join(__dirname, 'python-phases-run.ts') }, path.dirname(out));
  for (let i = 0; i < Number(values.rounds); i++) {
    const line = execFileSync(process.execPath, [out, positionals[0]], { encoding: 'utf8', maxBuffer: 1 << 20 });
    const load = os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ');
    process.stdout.write(`${line.trim().slice(0, -1)},"load":"${load}"}\n`);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
