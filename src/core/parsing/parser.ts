// One tree-sitter runtime and four grammars, loaded from bytes so the same code runs
// from source (tests), bundled (CLI, extension host) and inside a worker.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { Language as TsLanguage, Parser, type Node, type Tree } from 'web-tree-sitter';
import type { Language } from '../model';

export type { Node, Tree };

/** Returns the bytes of a .wasm file by base name ('tree-sitter.wasm', 'tree-sitter-python.wasm'). */
export type WasmLoader = (name: string) => Promise<Uint8Array>;

const GRAMMAR_FILE: Record<Language, string> = {
  python: 'tree-sitter-python.wasm',
  javascript: 'tree-sitter-javascript.wasm',
  typescript: 'tree-sitter-typescript.wasm',
  tsx: 'tree-sitter-tsx.wasm',
};

/**
 * Node loader: the bundle ships the wasm files in `dist/wasm/` next to the bundled
 * script; from source they come straight from node_modules.
 */
export const nodeWasmLoader: WasmLoader = async (name) => {
  const bundled = path.join(__dirname, 'wasm', name);
  if (existsSync(bundled)) return await readFile(bundled);
  // Resolved only when not bundled: a bundle has no node_modules to resolve from.
  const pkg = name === 'tree-sitter.wasm' ? 'web-tree-sitter' : '@vscode/tree-sitter-wasm';
  let fromSource: string | undefined;
  try {
    fromSource = path.join(path.dirname(require.resolve(pkg)), name);
  } catch {
    /* not installed */
  }
  if (fromSource && existsSync(fromSource)) return await readFile(fromSource);
  throw new Error(`grammar file ${name} not found (looked in ${bundled}${fromSource ? `, ${fromSource}` : ''})`);
};

export class Parsers {
  private readonly parsers = new Map<Language, Parser>();
  private readonly grammars = new Map<Language, TsLanguage>();
  private readonly loading = new Map<Language, Promise<void>>();

  private constructor(private readonly loader: WasmLoader) {}

  static async load(
    loader: WasmLoader = nodeWasmLoader,
    languages: Language[] = ['python', 'javascript', 'typescript', 'tsx'],
  ): Promise<Parsers> {
    const parsers = Parsers.lazy(loader);
    for (const lang of languages) await parsers.prepare(lang);
    return parsers;
  }

  /**
   * Parsers that load nothing until `prepare()`: a run whose facts all come from the cache (or from
   * worker threads) never compiles the runtime or a grammar, and a Python workspace never the TypeScript ones.
   */
  static lazy(loader: WasmLoader = nodeWasmLoader): Parsers {
    return new Parsers(loader);
  }

  /** Loads `lang`'s grammar (and the runtime) unless loaded: call before parse(). */
  prepare(lang: Language): Promise<void> {
    let done = this.loading.get(lang);
    if (!done) {
      done = (async () => {
        await initRuntime(this.loader);
        this.grammars.set(lang, await TsLanguage.load(await this.loader(GRAMMAR_FILE[lang])));
        this.renew(lang);
      })();
      // A failed load is tried again by the next prepare()
      done.catch(() => this.loading.delete(lang));
      this.loading.set(lang, done);
    }
    return done;
  }

  /** A fresh parser for `lang`: one whose parse threw may be left broken for every later file. */
  private renew(lang: Language): void {
    try {
      this.parsers.get(lang)?.delete();
    } catch {
      /* already broken: dropping it is all that matters */
    }
    const parser = new Parser();
    parser.setLanguage(this.grammars.get(lang)!);
    this.parsers.set(lang, parser);
  }

  /**
   * Parses `source`; tree-sitter always returns a tree, with ERROR nodes where the
   * source is broken, so callers analyse as far as the tree allows.
   * The caller must `tree.delete()` when done: trees live in wasm memory.
   * A parse that throws (tree-sitter-python's scanner overruns its memory on blocks nested
   * ~530 deep) leaves that parser failing on every later file, so it is replaced first.
   */
  parse(language: Language, source: string): Tree {
    const parser = this.parsers.get(language);
    if (!parser) throw new Error(`no parser loaded for ${language} (prepare() it first)`);
    let tree;
    try {
      tree = parser.parse(source);
    } catch (err) {
      this.renew(language);
      throw err;
    }
    if (!tree) throw new Error(`tree-sitter returned no tree for a ${language} file`);
    return tree;
  }
}

let runtime: Promise<void> | undefined;
function initRuntime(loader: WasmLoader): Promise<void> {
  runtime ??= loader('tree-sitter.wasm').then((wasmBinary) => Parser.init({ wasmBinary }));
  return runtime;
}

/** Language of a file by extension, or undefined for files the product does not read. */
export function languageOf(file: string): Language | undefined {
  const ext = path.extname(file).toLowerCase();
  switch (ext) {
    case '.py':
      return 'python';
    case '.js':
    case '.mjs':
    case '.cjs':
    case '.jsx':
      return 'javascript';
    case '.ts':
    case '.mts':
    case '.cts':
      return 'typescript';
    case '.tsx':
      return 'tsx';
    default:
      return undefined;
  }
}
