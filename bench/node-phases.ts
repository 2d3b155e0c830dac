// CPU per phase of Node (JS/TS) indexing, in one process, the way the CLI does it: scan, read, parse,
// parse damage, route facts, code facts, link, findings (no facts cache: every file is read cold).
// The script bundles itself with the build's settings (web-tree-sitter patched by
// scripts/fast-tree-sitter.mjs, as dist/cli.js ships it) and runs the bundle.
//
//   node --import tsx bench/node-phases.ts DIR [--rounds N]
//
// Prints one Markdown row per round: CPU seconds (user+sys, process.cpuUsage) per phase and the load average.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { bundlePatched } from './bundle';

const root = path.join(__dirname, '..');

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const dir = args.find((a) => !a.startsWith('--'));
  const rounds = Number(args[args.indexOf('--rounds') + 1] ?? 1) || 1;
  if (!dir) {
    process.stderr.write('usage: node-phases.ts DIR [--rounds N]\n');
    process.exit(2);
  }
  if (process.env.EP_NODE_PHASES_BUNDLED) return measure(path.resolve(dir), rounds);
  const outdir = path.join(root, 'node_modules/.cache/ep-node-phases');
  mkdirSync(outdir, { recursive: true });
  await bundlePatched({ phases: __filename }, outdir);
  execFileSync(process.execPath, [path.join(outdir, 'phases.js'), ...args], {
    stdio: 'inherit',
    env: { ...process.env, EP_NODE_PHASES_BUNDLED: '1' },
  });
}

async function measure(dir: string, rounds: number): Promise<void> {
  const { nodeFileSystem } = await import('../src/core/fs');
  const { scanWorkspace } = await import('../src/core/workspace');
  const { readSource } = await import('../src/core/sourceReader');
  const { Parsers } = await import('../src/core/parsing/parser');
  const { parseDamage } = await import('../src/core/parsing/damage');
  const { extractRouteFacts, linkRoutes } = await import('../src/core/discovery');
  const { extractCodeFacts, findBlockingCalls } = await import('../src/core/analysis');
  const { pathAliases } = await import('../src/core/nodeImports/tsconfig');
  const { readFileSync } = await import('node:fs');
  // The shared reading (src/core/lang/syntax.ts) is timed on its own; a checkout from before it has none.
  const syntaxOf = await import('../src/core/lang/syntax').then(
    (m) => m.syntaxOf,
    () => undefined,
  );

  const parsers = await Parsers.load();
  process.stdout.write(
    '| round | files | parse | damage | reading | route facts | code facts | link | findings | total | routes | findings | load average |\n' +
      '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n',
  );
  for (let round = 1; round <= rounds; round++) {
    const configs: string[] = [];
    const files = (await scanWorkspace(dir, nodeFileSystem, {}, undefined, { pathConfigs: configs })).filter(
      (f) => f.language !== 'python',
    );
    const sources = new Map<string, string>();
    for (const f of files) {
      const read = await readSource(nodeFileSystem, f.absPath);
      if ('text' in read) sources.set(f.path, read.text);
    }
    const aliases = pathAliases(configs, new Map(configs.map((c) => [c, readFileSync(path.join(dir, c), 'utf8')])));
    const cpu = { parse: 0, damage: 0, reading: 0, route: 0, code: 0, link: 0, findings: 0 };
    const timed = <T>(phase: keyof typeof cpu, f: () => T): T => {
      const start = process.cpuUsage();
      try {
        return f();
      } finally {
        const d = process.cpuUsage(start);
        cpu[phase] += (d.user + d.system) / 1e6;
      }
    };
    const routeFacts: Parameters<typeof linkRoutes>[0][number][] = [];
    const codeFacts = new Map<string, { file: (typeof files)[number]; facts: ReturnType<typeof extractCodeFacts> }>();
    for (const file of files) {
      const source = sources.get(file.path);
      if (source === undefined) continue;
      const tree = timed('parse', () => parsers.parse(file.language, source));
      const rootNode = tree.rootNode;
      timed('damage', () => parseDamage(rootNode, source));
      // the one reading discovery and analysis share (lang/syntax.ts), timed apart from both
      if (syntaxOf) timed('reading', () => syntaxOf(rootNode));
      try {
        routeFacts.push({ file, facts: timed('route', () => extractRouteFacts(file, rootNode)) });
        codeFacts.set(file.path, { file, facts: timed('code', () => extractCodeFacts(file, rootNode, source)) });
      } catch {
        // an extractor that throws costs its file's facts, as in ProjectIndex
      } finally {
        tree.delete();
      }
    }
    const routes = timed('link', () => linkRoutes(routeFacts, aliases));
    const findings = timed('findings', () => findBlockingCalls(codeFacts, routes, undefined, aliases));
    const total = Object.values(cpu).reduce((a, b) => a + b, 0);
    const s = (x: number) => x.toFixed(2);
    process.stdout.write(
      `| ${round} | ${sources.size} | ${s(cpu.parse)} | ${s(cpu.damage)} | ${syntaxOf ? s(cpu.reading) : '—'} | ${s(cpu.route)} | ${s(cpu.code)} | ${s(cpu.link)} | ${s(cpu.findings)} | ${s(total)} | ${routes.length} | ${findings.length} | ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')} |\n`,
    );
  }
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
