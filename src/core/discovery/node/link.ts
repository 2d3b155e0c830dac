// All files' facts → routes: walk from each root object (an app or router nothing mounts, or a
// Fastify plugin function nothing registers) through mounts across files, applying every prefix on the way.
import * as posixPath from 'node:path/posix';
import type { Framework, Route } from '../../model';
import type { WorkspaceFile } from '../../workspace';
import type { AutoloadFact, HandlerFact, HandlerRef, MountFact, NodeRouteFacts } from './facts';
import { resolveModule } from './modules';
import { joinPath } from './syntax';

type Linked = ReadonlyArray<{ file: WorkspaceFile; facts: NodeRouteFacts }>;

const MAX_DEPTH = 16;

export function linkNodeRoutes(files: Linked): Route[] {
  const byPath = new Map(files.map((f) => [f.file.path, f.facts]));
  const key = (file: string, name: string) => `${file}#${name}`;
  const factsOf = (objectKey: string) => byPath.get(objectKey.slice(0, objectKey.indexOf('#')))!;
  const nameOf = (objectKey: string) => objectKey.slice(objectKey.indexOf('#') + 1);

  /** The object a local name in `file` stands for: its own, or (through imports) another module's export. */
  const resolve = (file: string, name: string, depth = 0): string | undefined => {
    const facts = byPath.get(file);
    if (!facts || depth > MAX_DEPTH) return undefined;
    if (facts.objects[name]) return key(file, name);
    const imported = facts.imports[name];
    if (!imported?.spec.startsWith('.')) return undefined;
    const target = resolveModule(posixPath.join(posixPath.dirname(file), imported.spec), byPath);
    const local = target ? byPath.get(target)!.exports[imported.imported] : undefined;
    return target && local ? resolve(target, local, depth + 1) : undefined;
  };

  /** A module's export by name, following re-exports of imports: its file and local name. */
  const exportOf = (file: string, spec: string, exported: string, depth: number): { file: string; local: string } | undefined => {
    if (!spec.startsWith('.') || depth > MAX_DEPTH) return undefined;
    const target = resolveModule(posixPath.join(posixPath.dirname(file), spec), byPath);
    const local = target ? byPath.get(target)!.exports[exported] : undefined;
    if (!target || !local) return undefined;
    const reexported = byPath.get(target)!.imports[local];
    return reexported && !byPath.get(target)!.functions[local] ? exportOf(target, reexported.spec, reexported.imported, depth + 1) : { file: target, local };
  };

  /** A handler named by an import (`listUsers`, `users.list`): the function in the module that exports it. */
  const resolveHandler = (file: string, ref: HandlerRef): { file: string; handler: HandlerFact } | undefined => {
    const imported = byPath.get(file)!.imports[ref.local];
    const exported = ref.member !== undefined && ['default', '*'].includes(imported.imported) ? ref.member : ref.member === undefined ? imported.imported : undefined;
    const found = exported !== undefined ? exportOf(file, imported.spec, exported, 0) : undefined;
    const handler = found ? byPath.get(found.file)!.functions[found.local] : undefined;
    return found && handler ? { file: found.file, handler } : undefined;
  };

  /** Objects some mount serves: not roots. */
  const mounted = new Set<string>();
  /** What a mount serves: its target, or for @fastify/autoload every plugin module under the folder. */
  const autoloaded = new Map<MountFact, Array<{ target: string; prefix: string; ignorePrefix: boolean }>>();
  const targetsOf = (file: string, m: MountFact): Array<{ target: string; prefix: string; ignorePrefix: boolean }> => {
    if (!m.autoload) {
      const target = resolve(file, m.target);
      return target ? [{ target, prefix: m.prefix, ignorePrefix: !!m.ignorePrefix }] : [];
    }
    let found = autoloaded.get(m);
    if (!found) {
      found = [];
      const { plugins, skipped } = autoloadPlugins(posixPath.dirname(file), m.autoload, byPath);
      for (const plugin of plugins) {
        const target = resolve(plugin.file, byPath.get(plugin.file)!.exports.default ?? '');
        if (target) found.push({ target, prefix: plugin.prefix, ignorePrefix: !m.autoload.encapsulate });
      }
      // Modules autoload passes over (beside an index file, autohooks) are not plugins nothing registers.
      for (const path of skipped) for (const name of Object.keys(byPath.get(path)!.objects)) mounted.add(key(path, name));
      autoloaded.set(m, found);
    }
    return found;
  };

  for (const { file, facts } of files) for (const m of facts.mounts) {
    for (const { target } of targetsOf(file.path, m)) mounted.add(target);
  }

  const routes: Route[] = [];
  const reached = new Set<string>();
  const emit = (objectKey: string, outer: string, chain: string[], inherited: Framework | undefined): void => {
    if (chain.length > MAX_DEPTH || chain.includes(objectKey)) return;
    reached.add(objectKey);
    const facts = factsOf(objectKey);
    const name = nameOf(objectKey);
    const file = objectKey.slice(0, objectKey.indexOf('#'));
    const object = facts.objects[name];
    const framework = object.kind === 'plugin' ? inherited ?? object.framework : object.framework;
    const prefix = joinPath(outer, object.prefix);
    const here = [...chain, objectKey];
    for (const r of facts.routes) {
      if (r.owner !== name) continue;
      const at = 'local' in r.handler ? resolveHandler(file, r.handler) : { file, handler: r.handler };
      if (at) routes.push(toRoute(framework, r.methods, joinPath(prefix, r.path), at.file, at.handler, here.map((k) => k.replace('#', ':'))));
    }
    for (const m of facts.mounts) {
      if (m.owner !== name) continue;
      for (const { target, prefix: mountPrefix, ignorePrefix } of targetsOf(file, m)) {
        const skips = ignorePrefix || factsOf(target).objects[nameOf(target)].skipsPrefix;
        emit(target, skips ? prefix : joinPath(prefix, mountPrefix), here, framework);
      }
    }
  };

  const serves = (facts: NodeRouteFacts, name: string) => facts.objects[name].kind !== 'plugin';
  // Plugins nothing registers (fastify-cli's app.js, a plugin whose registration is out of sight) serve their own paths.
  const orphanPlugin = (facts: NodeRouteFacts, name: string) => facts.objects[name].kind === 'plugin' && !!facts.objects[name].pluginShaped;
  for (const { file, facts } of files) for (const name of Object.keys(facts.objects)) {
    if ((serves(facts, name) || orphanPlugin(facts, name)) && !mounted.has(key(file.path, name))) emit(key(file.path, name), '', [], undefined);
  }
  // Routers mounted only from a cycle still serve their own paths.
  for (const { file, facts } of files) for (const name of Object.keys(facts.objects)) {
    if (serves(facts, name) && !reached.has(key(file.path, name))) emit(key(file.path, name), '', [], undefined);
  }
  return [...routes, ...linkControllers(files)];
}

const INDEX = /^index\.(ts|js|cjs|mjs)$/i;
const SCRIPT = /\.(js|cjs|mjs)$|(?<!\.d)\.ts$/i;
const AUTOHOOKS = /^[_.]?auto_?hooks\.(ts|js|cjs|mjs)$/i;

/**
 * The plugin modules @fastify/autoload loads from `dir` (relative to `base`) and the prefix each gets, as its README
 * says: every script file is a plugin unless its folder has an index file (then only that, and the sub-folders);
 * autohooks files are not plugins; each sub-folder adds its name to the prefix (unless `dirNameRoutePrefix: false`),
 * after `options.prefix`; a module's `autoPrefix` replaces the folder part and `prefixOverride` the whole prefix;
 * with `routeParams`, `_id` folders become `:id`.
 */
function autoloadPlugins(base: string, autoload: AutoloadFact, byPath: ReadonlyMap<string, NodeRouteFacts>): { plugins: Array<{ file: string; prefix: string }>; skipped: string[] } {
  const root = posixPath.normalize(posixPath.join(base, autoload.dir)).replace(/^\.\/?$/, '');
  const under = root ? `${root}/` : '';
  const folders = new Map<string, { files: string[]; folders: Set<string> }>();
  const folder = (dir: string) => {
    let entry = folders.get(dir);
    if (!entry) folders.set(dir, (entry = { files: [], folders: new Set() }));
    return entry;
  };
  for (const path of byPath.keys()) {
    if (!path.startsWith(under) || path.includes('/node_modules/')) continue;
    const parts = path.slice(under.length).split('/');
    for (let i = 0; i < parts.length - 1; i++) folder(parts.slice(0, i).join('/')).folders.add(parts[i]!);
    folder(parts.slice(0, -1).join('/')).files.push(parts[parts.length - 1]!);
  }
  const out: Array<{ file: string; prefix: string }> = [];
  const skipped: string[] = [];
  const add = (rel: string, dirPrefix: string) => {
    const constants = byPath.get(under + rel)!;
    const exported = (name: string) => { const local = constants.exports[name]; return local !== undefined ? constants.constants[local] : undefined; };
    const override = exported('prefixOverride');
    let prefix = override ?? `${autoload.prefix.replace(/\/$/, '')}${exported('autoPrefix') || dirPrefix}`.replace(/\/+/g, '/');
    if (autoload.routeParams) prefix = prefix.includes('__') ? prefix.replace(/__/g, ':') : prefix.replace(/\/_/g, '/:');
    out.push({ file: under + rel, prefix });
  };
  const walk = (dir: string, dirPrefix: string, depth: number) => {
    const entry = folders.get(dir);
    if (!entry || depth > MAX_DEPTH) return;
    const index = entry.files.find((f) => INDEX.test(f));
    const at = (name: string) => (dir ? `${dir}/${name}` : name);
    for (const f of entry.files) {
      if (index ? f === index : SCRIPT.test(f) && !AUTOHOOKS.test(f)) add(at(f), dirPrefix);
      else skipped.push(under + at(f));
    }
    for (const sub of entry.folders) walk(at(sub), autoload.dirNames ? `${dirPrefix}/${sub}` : dirPrefix, depth + 1);
  };
  walk('', '', 0);
  return { plugins: out, skipped };
}

/** NestJS controllers: '/' + global prefix + controller path + method path. */
function linkControllers(files: Linked): Route[] {
  const globalPrefix = files.map((f) => f.facts.globalPrefix).find((p) => p !== undefined) ?? '';
  return files.flatMap(({ file, facts }) => facts.controllers.flatMap((c) => c.routes.map((r) =>
    toRoute('nestjs', r.methods, joinPath(joinPath(joinPath('/', globalPrefix), c.prefix), r.path), file.path, r.handler, [`${file.path}:${c.className}`]))));
}

function toRoute(framework: Framework, methods: string[], path: string, file: string, handler: HandlerFact, routers: string[]): Route {
  return {
    framework, methods, path, file, line: handler.line, handler: handler.name, async: handler.async, execution: 'event-loop', routers,
    range: { file, line: handler.line, column: handler.column, endLine: handler.endLine, endColumn: handler.endColumn },
  };
}
