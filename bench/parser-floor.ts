// The parser's own cost on a folder, for bench/real-speed.ts: the files our scan lists, each parsed by the same
// tree-sitter runtime and grammars as dist/ (web-tree-sitter bundled and patched the same way), on one thread:
// once as a fresh process parses them (wasm tier-up included, as each of our workers pays it), then parsed and
// walked node by node with a bare TreeCursor (no objects built), then parsed again (warm: the walk's own cost is
// the difference). No fact is extracted and nothing is linked, so what `routes` + `check` cost beyond these
// figures is ours; what they cost up to them is not.
//
//   node <bundle of this file> DIR     (real-speed.ts bundles and runs it; prints one JSON line)
import { readFile } from 'node:fs/promises';
import { nodeFileSystem } from '../src/core/fs';
import { Parsers } from '../src/core/parsing/parser';
import { scanWorkspace } from '../src/core/workspace';

/** One pass over `texts`: CPU ms of the thread's process (user + system) and wall ms. */
function pass(
  parsers: Parsers,
  texts: Array<{ language: Parameters<Parsers['parse']>[0]; text: string }>,
  walk: boolean,
) {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let nodes = 0;
  for (const { language, text } of texts) {
    let tree;
    try {
      tree = parsers.parse(language, text);
    } catch {
      continue; // a file the parser throws on costs what it cost
    }
    if (walk) {
      const cursor = tree.walk();
      for (let more = true; more;) {
        nodes++;
        if (cursor.gotoFirstChild()) continue;
        while (!cursor.gotoNextSibling())
          if (!cursor.gotoParent()) {
            more = false;
            break;
          }
      }
      cursor.delete();
    }
    tree.delete();
  }
  const cpu = process.cpuUsage(cpu0);
  return { cpuMs: (cpu.user + cpu.system) / 1000, wallMs: performance.now() - t0, nodes };
}

async function main(): Promise<void> {
  const dir = process.argv[2];
  const files = await scanWorkspace(dir, nodeFileSystem);
  const texts = await Promise.all(
    files.map(async (f) => ({ language: f.language, text: await readFile(f.absPath, 'utf8') })),
  );
  const parsers = await Parsers.load(undefined, [...new Set(texts.map((t) => t.language))]);
  const parse = pass(parsers, texts, false);
  const walk = pass(parsers, texts, true);
  const parseWarm = pass(parsers, texts, false);
  const chars = texts.reduce((n, t) => n + t.text.length, 0);
  process.stdout.write(`${JSON.stringify({ files: texts.length, chars, parse, walk, parseWarm })}\n`);
}

main().catch((err) => {
  process.stderr.write(`parser-floor: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
