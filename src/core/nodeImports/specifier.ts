// How a Node import specifier finds a workspace file: relative paths, and tsconfig/jsconfig `paths` aliases.
// One resolver for discovery (routes across files) and analysis (calls across files).
import * as posixPath from 'node:path/posix';
import { aliasCandidates, type PathAliases } from './tsconfig';

/**
 * The workspace file `spec` means when `file` imports it: a relative path, or one a `paths` alias of the nearest
 * config maps to (its targets tried in order, as TypeScript does). undefined: a package, or no such file.
 */
export function resolveSpecifier(
  file: string,
  spec: string,
  files: ReadonlyMap<string, unknown>,
  aliases: readonly PathAliases[],
): string | undefined {
  if (spec.startsWith('.')) return resolveModule(posixPath.join(posixPath.dirname(file), spec), files);
  for (const candidate of aliasCandidates(file, spec, aliases)) {
    const found = resolveModule(candidate, files);
    if (found) return found;
  }
  return undefined;
}

/** The workspace file a path without resolution means: as written, with an extension, or a folder's index. */
export function resolveModule(base: string, files: ReadonlyMap<string, unknown>): string | undefined {
  // `require('.')` / `require('../..')`: a folder, read through its index
  const normal = posixPath.normalize(base).replace(/\/+$/, '');
  const path = normal === '.' ? '' : normal;
  const stem = path.replace(/\.(c|m)?(js|ts)$/, '');
  const index = path ? `${path}/index` : 'index';
  for (const candidate of [
    path,
    `${stem}.js`,
    `${stem}.ts`,
    `${stem}.mjs`,
    `${stem}.cjs`,
    `${stem}.tsx`,
    `${index}.js`,
    `${index}.ts`,
    `${index}.mjs`,
  ]) {
    if (!candidate || candidate.startsWith('../')) continue;
    if (files.has(candidate)) return candidate;
  }
  return undefined;
}
