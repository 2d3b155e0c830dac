// tsconfig.json / jsconfig.json `compilerOptions.paths` (with `baseUrl`, and `extends` of a relative file, also one
// above the workspace, as in an Nx monorepo opened at `apps/api`; a package's config is not read): the aliases
// (`@server/*` → `src/server/*`) a project imports its own modules by. Read as JSON with comments and trailing
// commas, as TypeScript does; a file that does not parse gives no aliases.
import * as posixPath from 'node:path/posix';

/** One config's aliases: they apply to the files under `scope` (the config's folder, '' for the root). */
export interface PathAliases {
  scope: string;
  /** Patterns in TypeScript's order of preference (longest prefix first); targets relative to the workspace root. */
  patterns: Array<{ prefix: string; suffix: string; wildcard: boolean; targets: string[] }>;
}

const MAX_EXTENDS = 4;

/** The relative `extends` of a config's text, resolved against its folder (to read it too), if any. */
export function extendedConfig(configPath: string, text: string): string | undefined {
  const config = parseJsonc(text);
  const ext = typeof config?.extends === 'string' ? config.extends : undefined;
  if (!ext?.startsWith('.')) return undefined;
  const joined = posixPath.normalize(posixPath.join(posixPath.dirname(configPath), ext));
  return joined.endsWith('.json') ? joined : `${joined}.json`;
}

/**
 * Each config's aliases. `texts` holds the configs and the files they extend (paths relative to the workspace, a
 * config above it as `../../tsconfig.base.json`); `baseUrl` and `paths` are taken from the nearest config in the
 * `extends` chain that sets them, relative to it. `root`, the workspace's absolute path, maps a target written
 * from above the workspace back into it (`../../apps/api/src/*` → `src/*` for a workspace at `…/apps/api`).
 */
export function pathAliases(configs: readonly string[], texts: ReadonlyMap<string, string>, root = ''): PathAliases[] {
  const out: PathAliases[] = [];
  for (const path of configs) {
    let paths: Record<string, unknown> | undefined;
    let pathsDir = '';
    let baseUrl: string | undefined;
    let at: string | undefined = path;
    for (let depth = 0; at !== undefined && depth <= MAX_EXTENDS; depth++) {
      const text = texts.get(at);
      const config = text === undefined ? undefined : parseJsonc(text);
      const options = config?.compilerOptions as Record<string, unknown> | undefined;
      const dir = posixPath.dirname(at);
      if (baseUrl === undefined && typeof options?.baseUrl === 'string') baseUrl = posixPath.join(dir, options.baseUrl);
      if (paths === undefined && options?.paths && typeof options.paths === 'object') {
        paths = options.paths as Record<string, unknown>;
        pathsDir = dir;
      }
      at = text === undefined ? undefined : extendedConfig(at, text);
    }
    if (!paths) continue;
    // Without baseUrl, targets are relative to the config that holds `paths` (TypeScript 4.1+).
    const base = baseUrl ?? pathsDir;
    const patterns: PathAliases['patterns'] = [];
    for (const [pattern, targets] of Object.entries(paths)) {
      if (!Array.isArray(targets)) continue;
      const star = pattern.indexOf('*');
      patterns.push({
        prefix: star < 0 ? pattern : pattern.slice(0, star),
        suffix: star < 0 ? '' : pattern.slice(star + 1),
        wildcard: star >= 0,
        targets: targets
          .filter((t): t is string => typeof t === 'string')
          .map((t) => intoWorkspace(clean(posixPath.join(base, t)), root)),
      });
    }
    patterns.sort((a, b) => b.prefix.length - a.prefix.length);
    const scope = posixPath.dirname(path);
    out.push({ scope: scope === '.' ? '' : scope, patterns });
  }
  // The most specific scope first: a file uses its nearest config.
  return out.sort((a, b) => b.scope.length - a.scope.length);
}

/** The workspace paths (without extension resolution) an aliased specifier may mean for a file; [] when no alias matches. */
export function aliasCandidates(file: string, spec: string, aliases: readonly PathAliases[]): string[] {
  const config = aliases.find((a) => a.scope === '' || file.startsWith(`${a.scope}/`));
  if (!config) return [];
  for (const p of config.patterns) {
    if (!p.wildcard) {
      if (spec === p.prefix) return p.targets;
      continue;
    }
    if (spec.length < p.prefix.length + p.suffix.length || !spec.startsWith(p.prefix) || !spec.endsWith(p.suffix))
      continue;
    const matched = spec.slice(p.prefix.length, spec.length - p.suffix.length);
    return p.targets.map((t) => t.replace('*', matched));
  }
  return [];
}

/**
 * A path that leaves the workspace and comes back (`../../apps/api/src/*` where the workspace is `…/apps/api`) as the
 * workspace path it is (`src/*`); a path elsewhere above the workspace is kept as it is (it names no workspace file).
 */
function intoWorkspace(path: string, root: string): string {
  const up = /^(\.\.\/)+/.exec(path)?.[0].length ?? 0;
  if (up === 0) return path;
  const levels = up / 3;
  const names = root.split(/[\\/]+/).filter(Boolean);
  if (levels > names.length) return path;
  const here = `${names.slice(names.length - levels).join('/')}`;
  const rest = path.slice(up);
  return rest === here ? '' : rest.startsWith(`${here}/`) ? rest.slice(here.length + 1) : path;
}

function clean(path: string): string {
  const normal = posixPath.normalize(path);
  return normal === '.' ? '' : normal.replace(/^\.\//, '');
}

/** JSON with // and /* comments and trailing commas (what tsconfig files are); undefined when it does not parse. */
export function parseJsonc(text: string): Record<string, unknown> | undefined {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const start = i;
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      out += text.slice(start, i + 1);
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 1;
    } else out += c;
  }
  try {
    const value: unknown = JSON.parse(out.replace(/,(\s*[}\]])/g, '$1'));
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
