// The official FastAPI extension's discovery (fastapi/fastapi-vscode, src/core) as one
// Node process over a folder: what its `discoverFastAPIApps` does on opening a workspace
// (pyproject `[tool.fastapi] entrypoint`, else every non-test .py file containing
// "FastAPI(", shallowest first; `findProjectRoot`, `buildRouterGraph`,
// `routerNodeToAppDefinition`), with Node's fs in place of `vscode.workspace`. Bundled by
// bench/real-speed.ts against a checkout of that repository (PEER_SRC), never committed
// with its code. Prints `{apps, routes, ms}` as JSON.
import { readdir, readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
// resolved by esbuild's alias to the peer's checkout; types in peer-modules.d.ts
import * as core from 'PEER_SRC/core/index';
// the peer's own dependency, installed beside its checkout
import * as toml from 'toml';

const started = performance.now();
const EXCLUDED = new Set(['.venv', 'venv', '__pycache__', 'node_modules', '.git', 'tests', 'test']);

const fs = {
  readFile: (uri: string) => readFile(fileURLToPath(uri)),
  exists: (uri: string) =>
    stat(fileURLToPath(uri)).then(
      () => true,
      () => false,
    ),
  joinPath: (base: string, ...segments: string[]) => pathToFileURL(path.join(fileURLToPath(base), ...segments)).href,
  dirname: (uri: string) => pathToFileURL(path.dirname(fileURLToPath(uri))).href,
};

async function walk(dir: string, name: RegExp, out: string[] = []): Promise<string[]> {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (e.isDirectory()) {
      if (!EXCLUDED.has(e.name)) await walk(path.join(dir, e.name), name, out);
    } else if (name.test(e.name)) out.push(path.join(dir, e.name));
  }
  return out;
}

async function entryFromPyproject(root: string): Promise<{ filePath: string; variableName?: string } | undefined> {
  const files = (await walk(root, /^pyproject\.toml$/)).sort((a, b) => a.split('/').length - b.split('/').length);
  for (const f of files) {
    try {
      const value = toml.parse(await readFile(f, 'utf8'))?.tool?.fastapi?.entrypoint;
      if (typeof value !== 'string') continue;
      const [mod, variableName] = value.split(':');
      const file = path.join(path.dirname(f), `${mod.replace(/\./g, '/')}.py`);
      return (await fs.exists(pathToFileURL(file).href))
        ? { filePath: pathToFileURL(file).href, variableName }
        : undefined;
    } catch {
      /* invalid TOML: next file, as the extension does */
    }
  }
  return undefined;
}

async function candidates(root: string): Promise<Array<{ filePath: string; variableName?: string }>> {
  const configured = await entryFromPyproject(root);
  if (configured) return [configured];
  const found: string[] = [];
  for (const f of await walk(root, /\.py$/)) {
    const base = path.basename(f);
    if (base.startsWith('test_') || base.endsWith('_test.py') || base === 'conftest.py') continue;
    if ((await readFile(f, 'utf8')).includes('FastAPI(')) found.push(f);
  }
  return found
    .sort((a, b) => a.split('/').length - b.split('/').length)
    .map((f) => ({ filePath: pathToFileURL(f).href }));
}

async function main(): Promise<void> {
  const root = path.resolve(process.argv[2] ?? '.');
  const wasm = process.argv[3];
  const parser = new core.Parser();
  await parser.init({
    core: await readFile(path.join(wasm, 'web-tree-sitter.wasm')),
    python: await readFile(path.join(wasm, 'tree-sitter-python.wasm')),
  });
  const rootUri = pathToFileURL(root).href;
  const apps: core.AppDefinition[] = [];
  for (const c of await candidates(root)) {
    const projectRoot = await core.findProjectRoot(c.filePath, rootUri, fs);
    const node = await core.buildRouterGraph(c.filePath, parser, projectRoot, fs, c.variableName);
    if (node) apps.push(core.routerNodeToAppDefinition(node, root));
  }
  const routes = core.collectRoutes(apps).length;
  process.stdout.write(
    `${JSON.stringify({ apps: apps.length, routes, ms: Math.round(performance.now() - started) })}\n`,
  );
}

main().catch((err) => {
  process.stderr.write(`peer discovery failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
