// The workspace as the product knows it: per-file facts cached by content, so after
// one edit only that file is parsed again; routes and findings are linked from the
// cached facts and memoised until something changes. CLI and extension share it.
import { createHash } from 'node:crypto';
import { extractCodeFacts, findBlockingCalls, type AnalysisConfig, type CodeFacts } from './analysis';
import * as nodePath from 'node:path';
import { extractRouteFacts, RouteLinker, type RouteFacts } from './discovery';
import { extendedConfig, pathAliases, type PathAliases } from './nodeImports/tsconfig';
import type { FactsCache } from './factsCache';
import type { FileSystem } from './fs';
import type { Finding, Route } from './model';
import type { Parsers } from './parsing/parser';
import { parseDamage } from './parsing/damage';
import { readSource, unanalysable, type SourceRead } from './sourceReader';
import { scanWorkspace, WorkspaceFilter, type ScanOptions, type WorkspaceFile } from './workspace';

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));
/** How many files refresh() reads ahead of the one it parses. */
const READ_AHEAD = 16;

interface Entry {
  file: WorkspaceFile;
  hash: string;
  routeFacts?: RouteFacts;
  codeFacts?: CodeFacts;
  /** Why the file contributes nothing (unparsable, too large, binary) or only part (parse errors, an extractor failed). */
  problem?: string;
}

export class ProjectIndex {
  private readonly entries = new Map<string, Entry>();
  /** Entries in path order, so linking sees the same order however the files arrived; reset when the set of paths changes. */
  private ordered: Entry[] | undefined;
  private readonly linker = new RouteLinker();
  /** The workspace's tsconfig/jsconfig `paths` aliases (Node imports like `@server/routes`). */
  private aliases: PathAliases[] = [];
  private routesMemo: Route[] | undefined;
  private findingsMemo: Finding[] | undefined;

  /** What the last refresh() read: .gitignore and excludes as they were then. */
  private filter: WorkspaceFilter | undefined;

  constructor(
    readonly root: string,
    private readonly fs: FileSystem,
    private readonly parsers: Parsers,
    private options: ScanOptions & { analysis?: AnalysisConfig } = {},
    /** Facts of earlier processes by content hash (the CLI's); refresh() writes back what it used. */
    private readonly cache?: FactsCache,
  ) {}

  /**
   * New excludes or analysis configuration (settings changed). Findings are linked again on
   * the next findings(); excludes take effect with the next refresh(), which the caller runs.
   */
  reconfigure(options: ScanOptions & { analysis?: AnalysisConfig }): void {
    this.options = options;
    this.invalidate();
  }

  /** Whether a file (relative, '/' separators) belongs in the index: not test code, excluded, ignored or in a skipped folder. */
  includes(path: string): boolean {
    return (this.filter ?? new WorkspaceFilter(this.options.exclude)).includes(path);
  }

  /** Scans the workspace and (re)indexes every file whose content changed. */
  async refresh(): Promise<void> {
    const filter = new WorkspaceFilter(this.options.exclude);
    const configs: string[] = [];
    const files = await scanWorkspace(this.root, this.fs, this.options, filter, configs);
    this.filter = filter;
    await this.readPathAliases(configs);
    const seen = new Set(files.map((f) => f.path));
    for (const path of [...this.entries.keys()]) if (!seen.has(path)) this.remove(path);
    // Reads run a few files ahead of parsing, so the disk wait overlaps the CPU-bound parse of earlier files.
    const reads: Array<Promise<SourceRead> | undefined> = [];
    const read = (i: number) => {
      if (i < files.length) reads[i] = readSource(this.fs, files[i].absPath);
    };
    for (let i = 0; i < READ_AHEAD; i++) read(i);
    for (let i = 0; i < files.length; i++) {
      const got = await reads[i]!;
      reads[i] = undefined;
      read(i + READ_AHEAD);
      this.apply(files[i], got);
    }
    await this.cache?.save();
  }

  /** Re-indexes one file; `text` lets an editor pass unsaved content. Returns whether anything changed. */
  async update(file: WorkspaceFile, text?: string): Promise<boolean> {
    if (text === undefined) return this.apply(file, await readSource(this.fs, file.absPath));
    const skipped = unanalysable(text);
    return this.apply(file, skipped ? { skipped } : { text });
  }

  /** One file's read into the index. A failure is that file's problem, never the scan's. */
  private apply(file: WorkspaceFile, got: SourceRead): boolean {
    if ('gone' in got) return this.remove(file.path); // deleted since: it simply leaves the index
    const content = 'text' in got ? got.text : `\0${'skipped' in got ? got.skipped : got.failed}`;
    const hash = createHash('sha1').update(content).digest('hex');
    const old = this.entries.get(file.path);
    if (old && old.hash === hash) return false;
    let entry: Entry;
    const cached = 'text' in got ? this.cache?.get(file, hash) : undefined;
    if (cached) entry = { file, hash, ...cached };
    else if ('text' in got) {
      try {
        entry = this.index(file, got.text, hash);
        const { routeFacts, codeFacts, problem } = entry;
        this.cache?.set(file, hash, { routeFacts, codeFacts, ...(problem ? { problem } : {}) });
      } catch (err) {
        entry = { file, hash, problem: `could not index: ${message(err)}` };
      }
    } else entry = { file, hash, problem: 'skipped' in got ? got.skipped : got.failed };
    this.entries.set(file.path, entry);
    if (!old) this.ordered = undefined;
    this.invalidate();
    return true;
  }

  remove(path: string): boolean {
    const had = this.entries.delete(path);
    if (had) {
      this.ordered = undefined;
      this.invalidate();
    }
    return had;
  }

  /**
   * tsconfig/jsconfig `paths` aliases (and the relative configs they extend), read at each refresh: an edit to a
   * config takes effect with the next refresh, not with update().
   */
  private async readPathAliases(configs: string[]): Promise<void> {
    const texts = new Map<string, string>();
    const read = async (rel: string, depth: number): Promise<void> => {
      if (texts.has(rel) || depth > 4 || rel.startsWith('../')) return;
      try {
        texts.set(rel, new TextDecoder().decode(await this.fs.readFile(nodePath.join(this.root, rel))));
      } catch {
        return; // an unreadable config gives no aliases
      }
      const extended = extendedConfig(rel, texts.get(rel)!);
      if (extended) await read(extended, depth + 1);
    };
    for (const config of configs) await read(config, 0);
    const aliases = pathAliases(configs, texts);
    if (JSON.stringify(aliases) === JSON.stringify(this.aliases)) return;
    this.aliases = aliases;
    this.invalidate();
  }

  routes(): Route[] {
    this.routesMemo ??= this.linker.link(
      this.inOrder().flatMap(({ file, routeFacts }) => (routeFacts ? [{ file, facts: routeFacts }] : [])),
      this.aliases,
    );
    return this.routesMemo;
  }

  findings(): Finding[] {
    if (!this.findingsMemo) {
      const facts = new Map(
        this.inOrder().flatMap((e) =>
          e.codeFacts ? [[e.file.path, { file: e.file, facts: e.codeFacts }] as const] : [],
        ),
      );
      this.findingsMemo = findBlockingCalls(facts, this.routes(), this.options.analysis, this.aliases);
    }
    return this.findingsMemo;
  }

  files(): WorkspaceFile[] {
    return [...this.entries.values()].map((e) => e.file);
  }

  /** Files left out (too large, binary, minified, unreadable, unparsable) or read in part (parse errors), with why. */
  problems(): Array<{ path: string; problem: string }> {
    return [...this.entries.values()].filter((e) => e.problem).map((e) => ({ path: e.file.path, problem: e.problem! }));
  }

  private inOrder(): Entry[] {
    if (!this.ordered) this.ordered = [...this.entries.keys()].sort().map((path) => this.entries.get(path)!);
    else for (let i = 0; i < this.ordered.length; i++) this.ordered[i] = this.entries.get(this.ordered[i].file.path)!;
    return this.ordered;
  }

  private index(file: WorkspaceFile, source: string, hash: string): Entry {
    let tree;
    try {
      tree = this.parsers.parse(file.language, source);
    } catch (err) {
      return { file, hash, problem: `could not parse (its routes and findings are left out): ${message(err)}` };
    }
    // Each extractor on its own: one that fails on an odd construct costs its own facts, not the other's.
    const problems: string[] = [];
    // One root for every walk: a node's children and answers, once read, are shared by all of them.
    const root = tree.rootNode;
    const damage = parseDamage(root);
    if (damage) problems.push(damage);
    const attempt = <T>(what: string, extract: () => T): T | undefined => {
      try {
        return extract();
      } catch (err) {
        problems.push(`${what} left out: ${message(err)}`);
        return undefined;
      }
    };
    try {
      const routeFacts = attempt('routes', () => extractRouteFacts(file, root));
      const codeFacts = attempt('blocking-call analysis', () => extractCodeFacts(file, root, source));
      return { file, hash, routeFacts, codeFacts, ...(problems.length ? { problem: problems.join('; ') } : {}) };
    } finally {
      tree.delete();
    }
  }

  private invalidate(): void {
    this.routesMemo = undefined;
    this.findingsMemo = undefined;
  }
}
