// The inner run of bench/python-phases.ts (bundled with the build's web-tree-sitter patches):
// every .py file of a folder parsed and read, with the CPU time of each phase summed over files.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { serialize } from 'node:v8';
import { extractCodeFacts } from '../src/core/analysis';
import { extractRouteFacts } from '../src/core/discovery';
import { syntaxOf } from '../src/core/lang/syntax';
import { Parsers } from '../src/core/parsing/parser';
import { isTestFile, type WorkspaceFile } from '../src/core/workspace';
import { parseDamage } from '../src/core/parsing/damage';
import { packFacts } from '../src/core/factsCache';

const SKIP = new Set(['node_modules', '__pycache__', 'venv', '.venv', 'site-packages']);

function pyFiles(root: string, dir = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(path.join(root, dir), { withFileTypes: true })) {
    if (e.name.startsWith('.') || SKIP.has(e.name)) continue;
    const rel = dir ? `${dir}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...pyFiles(root, rel));
    else if (e.isFile() && e.name.endsWith('.py')) out.push(rel);
  }
  return out.sort();
}

/** CPU microseconds (user + system) of this process so far. */
function cpu(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

async function main(): Promise<void> {
  const dir = path.resolve(process.argv[2]);
  const parsers = await Parsers.load(undefined, ['python']);
  const files = pyFiles(dir).filter((f) => process.env.EP_PHASES_TESTS === '1' || !isTestFile(f));
  const spent = { parse: 0, damage: 0, read: 0, routeFacts: 0, codeFacts: 0, pack: 0 };
  const digest = createHash('sha1');
  /** The same facts without the expressions read for request bodies (PyParam's annotationAst, defaultAst). */
  const withoutReadings = createHash('sha1');
  const dropReadings = (key: string, value: unknown) =>
    key === 'annotationAst' || key === 'defaultAst' ? undefined : value;
  let lines = 0;
  /** v8-serialised size of the route facts, as the facts cache and the extraction workers carry them. */
  let routeBytes = 0;
  for (const rel of files) {
    const source = readFileSync(path.join(dir, rel), 'utf8');
    if (source.length > 2_000_000) continue;
    lines += source.split('\n').length;
    const file: WorkspaceFile = { path: rel, absPath: path.join(dir, rel), language: 'python' };
    let t = cpu();
    const tree = parsers.parse('python', source);
    const root = tree.rootNode;
    spent.parse += cpu() - t;
    t = cpu();
    parseDamage(root, source);
    spent.damage += cpu() - t;
    t = cpu();
    syntaxOf(root);
    spent.read += cpu() - t;
    t = cpu();
    const routeFacts = extractRouteFacts(file, root);
    spent.routeFacts += cpu() - t;
    t = cpu();
    const codeFacts = extractCodeFacts(file, root, source);
    spent.codeFacts += cpu() - t;
    t = cpu();
    packFacts({ routeFacts, codeFacts });
    spent.pack += cpu() - t;
    tree.delete();
    routeBytes += serialize(routeFacts).length;
    digest.update(JSON.stringify(routeFacts)).update(JSON.stringify(codeFacts));
    withoutReadings.update(JSON.stringify(routeFacts, dropReadings)).update(JSON.stringify(codeFacts));
  }
  const s = (us: number) => (us / 1e6).toFixed(2);
  process.stdout.write(
    JSON.stringify({
      files: files.length,
      lines,
      parse: s(spent.parse),
      damage: s(spent.damage),
      read: s(spent.read),
      routeFacts: s(spent.routeFacts),
      codeFacts: s(spent.codeFacts),
      pack: s(spent.pack),
      total: s(Object.values(spent).reduce((a, b) => a + b, 0)),
      routeFactsMB: (routeBytes / 1e6).toFixed(2),
      facts: digest.digest('hex').slice(0, 16),
      factsWithoutReadings: withoutReadings.digest('hex').slice(0, 16),
    }) + '\n',
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
