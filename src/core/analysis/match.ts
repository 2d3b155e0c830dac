// Matching resolved callee names against the catalog and the user's configuration.
import { NODE_CATALOG } from './catalog/node';
import { PYTHON_CATALOG } from './catalog/python';
import type { CatalogEntry } from './catalog/types';
import type { CallFact } from './facts';

export interface AnalysisConfig {
  /** Extra blocking calls, like flake8-async's async200-blocking-calls: fnmatch pattern → suggestion. */
  extraBlockingCalls?: Array<{ pattern: string; replacement?: string }>;
  /** Calls never to flag (fnmatch patterns over resolved names), e.g. a fast local lookup. */
  allowedCalls?: string[];
}

/** fnmatch-style: '*' any run of characters, '?' one character; everything else literal. */
export function globToRegExp(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

interface Compiled {
  exact: Map<string, CatalogEntry>;
  /**
   * `prefixLen`: where the wildcard part of a matching name starts, for `except`. A pattern with a wildcard before
   * its `#` (`mypy_boto3_*.*Client#*`, any client type) has it after the name's first `#` (-1).
   */
  wild: Array<{ re: RegExp; entry: CatalogEntry; prefixLen: number; head: string; tail: string }>;
  allowed: RegExp[];
  /**
   * Each name's entry before the argument counts are checked (null: none), so the patterns run once per name: a
   * workspace's calls name the same callees again and again, and the Python catalog has 41 wildcard patterns.
   */
  byName: Map<string, CatalogEntry | null>;
}

/** Names kept per language before the cache starts again: an editor session sees names come and go. */
const MAX_NAMES = 100_000;

function compile(entries: CatalogEntry[], allowed: string[]): Compiled {
  const exact = new Map<string, CatalogEntry>();
  const wild: Compiled['wild'] = [];
  for (const entry of entries) {
    if (/[*?]/.test(entry.pattern)) {
      const first = entry.pattern.search(/[*?]/);
      const hash = entry.pattern.indexOf('#');
      // The literal text before the first wildcard and after the last: a name without both cannot match
      const head = entry.pattern.slice(0, first);
      const tail = entry.pattern.slice(Math.max(entry.pattern.lastIndexOf('*'), entry.pattern.lastIndexOf('?')) + 1);
      wild.push({ re: globToRegExp(entry.pattern), entry, prefixLen: hash > first ? -1 : first, head, tail });
    } else if (!exact.has(entry.pattern)) exact.set(entry.pattern, entry);
  }
  return { exact, wild, allowed: allowed.map(globToRegExp), byName: new Map() };
}

export class Matcher {
  private readonly python: Compiled;
  private readonly node: Compiled;

  constructor(config: AnalysisConfig = {}) {
    const extra = (config.extraBlockingCalls ?? []).map((e): CatalogEntry => ({
      pattern: e.pattern,
      kind: 'custom',
      severity: 'H',
      replacement: e.replacement ?? 'an async equivalent, or await asyncio.to_thread(...)',
      source: 'configuration',
    }));
    const allowed = config.allowedCalls ?? [];
    // User entries come first so they win over the built-in catalog.
    this.python = compile([...extra, ...PYTHON_CATALOG], allowed);
    this.node = compile([...extra, ...NODE_CATALOG], allowed);
  }

  match(language: 'python' | 'node', call: CallFact): CatalogEntry | undefined {
    return call.callee ? this.matchName(language, call.callee, call.argCount, call.args, call.argValue) : undefined;
  }

  /**
   * As match(), for a call of `name` with `argCount` arguments written `args` (a callee resolved further than the
   * call's own); `argValue`: the integer a named constant argument stands for.
   */
  matchName(
    language: 'python' | 'node',
    name: string,
    argCount: number,
    args = '',
    argValue?: number,
  ): CatalogEntry | undefined {
    const hit = this.entryOf(language === 'python' ? this.python : this.node, name);
    if (!hit || (hit.maxArgs !== undefined && argCount > hit.maxArgs)) return undefined;
    if (hit.minArgs !== undefined && argCount < hit.minArgs) return undefined;
    if (hit.cheapUpTo !== undefined) {
      const size = /^\s*\d+\s*$/.test(args) ? Number(args) : argValue;
      if (size !== undefined && size <= hit.cheapUpTo) return undefined;
    }
    return hit;
  }

  private entryOf(c: Compiled, name: string): CatalogEntry | undefined {
    const known = c.byName.get(name);
    if (known !== undefined) return known ?? undefined;
    const hit = c.allowed.some((re) => re.test(name))
      ? undefined
      : (c.exact.get(name) ??
        c.wild.find(
          (w) =>
            name.startsWith(w.head) &&
            name.endsWith(w.tail) &&
            w.re.test(name) &&
            !(w.entry.except && pureRest(wildRest(name, w.prefixLen), w.entry.except)),
        )?.entry);
    if (c.byName.size >= MAX_NAMES) c.byName.clear();
    c.byName.set(name, hit ?? null);
    return hit;
  }
}

/** The part of a name a wildcard matched, from `prefixLen` (see Compiled.wild). */
function wildRest(name: string, prefixLen: number): string {
  return prefixLen >= 0 ? name.slice(prefixLen) : name.slice(name.indexOf('#') + 1);
}

/**
 * Pure steps whose value is a path again (`p.parent.mkdir()`, `p.with_suffix(".bak").exists()` are still calls on
 * a path): looked through. A call's result is written `()#` in a resolved name (`os.path.basename()#rstrip`).
 */
const PATH_VALUED = new Set([
  'parent',
  'joinpath()',
  'relative_to()',
  'with_name()',
  'with_segments()',
  'with_stem()',
  'with_suffix()',
]);

/**
 * Whether the rest of a name under a wildcard with an allow-list (`pathlib.Path#*`, `os.path.*`) is
 * allowed: an allowed name (`suffix`, `with_suffix`), or anything reached through one (`p.suffix.lower()`,
 * `os.path.sep.join(…)`, `os.path.basename(p).rstrip(…)` are string methods). A path-valued step first
 * (`parent`, `with_suffix()`) is looked through.
 */
function pureRest(rest: string, allowed: readonly string[]): boolean {
  const parts = rest.split(/[.#]/);
  let i = 0;
  while (i < parts.length - 1 && PATH_VALUED.has(parts[i])) i++;
  const step = parts[i].endsWith('()') ? parts[i].slice(0, -2) : parts[i];
  return allowed.includes(step) || allowed.includes(rest);
}
