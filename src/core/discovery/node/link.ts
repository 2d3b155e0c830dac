// All files' facts → routes: walk from each root object (an app or router nothing mounts, or a
// Fastify plugin function nothing registers) through mounts across files, applying every prefix on the way.
import * as posixPath from 'node:path/posix';
import type { Framework, Route } from '../../model';
import type { WorkspaceFile } from '../../workspace';
import type {
  ArgFact,
  AttachTarget,
  AutoloadFact,
  HandlerFact,
  HandlerRef,
  MountFact,
  NestExclude,
  NestRouteEntry,
  NodeRouteFacts,
  RouteFact,
  Text,
} from './facts';
import { PARAM_METHOD } from './facts';
import { NODE_ROUTE_METHODS } from '../../lang/shared/http';
import { resolveModule, resolveSpecifier } from '../../nodeImports/specifier';
import type { PathAliases } from '../../nodeImports/tsconfig';
import { HONOX_METHODS, honoxFilePrefixes } from './honox';
import { nestSetups, type NestSetup } from './nestApps';
import { EVENT, SOCKET_IO } from './socketio';
import { joinPath } from './syntax';
import { placeholder, UNKNOWN_MOUNT, unresolvedFields } from '../unresolved';

type Linked = ReadonlyArray<{ file: WorkspaceFile; facts: NodeRouteFacts }>;

/** A call site of a helper function handed an app or router: the site's file and arguments, the helper's parameters. */
interface SiteBinding {
  file: string;
  args: ArgFact[];
  parameters: string[];
  fromEnd: Record<string, number>;
}

const MAX_DEPTH = 16;

/** `aliases`: the workspace's tsconfig/jsconfig `paths`, for imports that are not relative (`@server/routes`). */
export function linkNodeRoutes(files: Linked, aliases: readonly PathAliases[] = []): Route[] {
  const byPath = new Map(files.map((f) => [f.file.path, f.facts]));
  const key = (file: string, name: string) => `${file}#${name}`;
  const factsOf = (objectKey: string) => byPath.get(objectKey.slice(0, objectKey.indexOf('#')))!;
  const nameOf = (objectKey: string) => objectKey.slice(objectKey.indexOf('#') + 1);

  // app-module-path folders: a bare specifier no alias maps is looked up there too. Node looks in node_modules
  // first, which discovery does not read: a package named as a file there (`config`) would be taken for the file.
  const moduleRoots = files.flatMap(({ file, facts }) =>
    (facts.modulePaths ?? []).map((p) => posixPath.join(posixPath.dirname(file.path), p)),
  );
  /**
   * The workspace file an import specifier means: a relative path, one a tsconfig `paths` alias maps to, or one
   * under an app-module-path folder.
   */
  const moduleFile = (file: string, spec: string): string | undefined =>
    resolveSpecifier(file, spec, byPath, aliases) ??
    (spec.startsWith('.') || spec.startsWith('/')
      ? undefined
      : moduleRoots.map((root) => resolveModule(posixPath.join(root, spec), byPath)).find((f) => f !== undefined));

  /** The object a local name in `file` stands for: its own, or (through imports) another module's export. */
  /**
   * `suffix`: the object is the function's parameter at another position (`name@1`), or a member of its first
   * (`name.router` for `({ router }) => …`), not its first parameter itself.
   */
  const resolve = (file: string, name: string, depth = 0, suffix = ''): string | undefined => {
    const facts = byPath.get(file);
    if (!facts || depth > MAX_DEPTH) return undefined;
    const at = (local: string) => local + suffix;
    if (facts.objects[at(name)]) return key(file, at(name));
    const alias = facts.aliases?.[name];
    if (alias !== undefined && facts.objects[at(alias)]) return key(file, at(alias));
    // `initApis()`: what the function another module exports returns
    if (name.endsWith('()')) {
      const at = importedExport(file, name.slice(0, -2), depth);
      const returned = at ? byPath.get(at.file)!.returns?.[at.local] : undefined;
      return at && returned !== undefined ? resolve(at.file, returned, depth + 1, suffix) : undefined;
    }
    const imported = facts.imports[name];
    const target = imported ? moduleFile(file, imported.spec) : undefined;
    const local = target ? byPath.get(target)!.exports[imported.imported] : undefined;
    if (target && local) return resolve(target, local, depth + 1, suffix);
    // `export * from './users'`, `module.exports = require('./routes')`: the name is another module's
    const found = target ? starExport(target, imported.imported, depth) : undefined;
    return found ? resolve(found.file, found.local, depth + 1, suffix) : undefined;
  };

  /** A module's export by name, following re-exports of imports: its file and local name. */
  const exportOf = (
    file: string,
    spec: string,
    exported: string,
    depth: number,
  ): { file: string; local: string } | undefined => {
    if (depth > MAX_DEPTH) return undefined;
    const target = moduleFile(file, spec);
    const local = target ? byPath.get(target)!.exports[exported] : undefined;
    if (target && !local) return starExport(target, exported, depth);
    if (!target || !local) return undefined;
    const reexported = byPath.get(target)!.imports[local];
    return reexported && !byPath.get(target)!.functions[local]
      ? exportOf(target, reexported.spec, reexported.imported, depth + 1)
      : { file: target, local };
  };

  /** What the local name `name` imports: the file and local name of the export it binds. */
  const importedExport = (file: string, name: string, depth: number): { file: string; local: string } | undefined => {
    const imported = byPath.get(file)?.imports[name];
    return imported ? exportOf(file, imported.spec, imported.imported, depth) : undefined;
  };

  /** `exported` of a module that exports it through `export * from` or `module.exports = require(…)`. */
  const starExport = (file: string, exported: string, depth: number): { file: string; local: string } | undefined => {
    for (const all of byPath.get(file)!.exportAll ?? []) {
      if (exported === 'default' && !all.withDefault) continue;
      const found = exportOf(file, all.spec, exported, depth + 1);
      if (found) return found;
    }
    return undefined;
  };

  /** A handler named by an import (`listUsers`, `users.list`): the function in the module that exports it. */
  const resolveHandler = (file: string, ref: HandlerRef): { file: string; handler: HandlerFact } | undefined => {
    const imported = byPath.get(file)!.imports[ref.local];
    const exported =
      ref.member !== undefined && ['default', '*'].includes(imported.imported)
        ? ref.member
        : ref.member === undefined
          ? imported.imported
          : undefined;
    const found = exported !== undefined ? exportOf(file, imported.spec, exported, 0) : undefined;
    const named = found ? byPath.get(found.file)!.functions[found.local] : undefined;
    // `getVideo()`: the function the factory returns serves the route
    const handler = ref.called ? (named?.returns ?? named) : named;
    return found && handler ? { file: found.file, handler } : undefined;
  };

  /**
   * A text's value, imported constants read from the modules that export them. A part that is not a known
   * constant is written as a placeholder (`{config.prefix?}`: the route is kept, marked unresolved), or with
   * `strict` makes the whole text undefined.
   */
  const textOf = (file: string, text: Text | null, depth = 0, strict = false): string | undefined => {
    if (depth > MAX_DEPTH) return undefined;
    if (text === null) return strict ? undefined : placeholder('…');
    if (typeof text === 'string') return text;
    let out = '';
    for (const part of text.parts) {
      const value =
        typeof part === 'string'
          ? part
          : 'unknown' in part
            ? strict
              ? undefined
              : placeholder(part.unknown)
            : (importedText(file, part, depth) ??
              (strict ? undefined : placeholder(part.member ? `${part.import}.${part.member}` : part.import)));
      if (value === undefined) return undefined;
      out += value;
    }
    return out;
  };
  /** `PREFIX` / `routes.USERS` / `cfg.prefix` imported from another module: its exported constant. */
  const importedText = (file: string, part: { import: string; member?: string }, depth: number): string | undefined => {
    const imported = byPath.get(file)!.imports[part.import];
    if (!imported) return undefined;
    const constant = (exported: string, member?: string) => {
      const found = exportOf(file, imported.spec, exported, depth);
      const value = found
        ? byPath.get(found.file)!.constants[member === undefined ? found.local : `${found.local}.${member}`]
        : undefined;
      return value !== undefined ? textOf(found!.file, value, depth + 1) : undefined;
    };
    if (part.member === undefined) return constant(imported.imported);
    // A member of the module itself (`exports.PREFIX`, `export const PREFIX`), or of the object it exports.
    if (imported.imported === 'default' || imported.imported === '*')
      return constant(part.member) ?? constant('default', part.member);
    return constant(imported.imported, part.member);
  };

  /** A module's exported constant by export name (@fastify/autoload's `autoPrefix`). */
  const exportedText = (file: string, name: string): string | undefined => {
    const facts = byPath.get(file)!;
    const local = facts.exports[name];
    return local !== undefined && facts.constants[local] !== undefined
      ? textOf(file, facts.constants[local])
      : undefined;
  };

  /** Objects some mount serves: not roots. */
  const mounted = new Set<string>();
  /** What a mount serves: its target, or for @fastify/autoload every plugin module under the folder. */
  const autoloaded = new Map<MountFact, Array<{ target: string; prefix: Text | null; ignorePrefix: boolean }>>();
  const targetsOf = (
    file: string,
    m: MountFact,
  ): Array<{ target: string; prefix: Text | null; ignorePrefix: boolean }> => {
    if (!m.autoload) {
      const suffix = `${m.parameter ? `@${m.parameter}` : ''}${m.member !== undefined ? `.${m.member}` : ''}`;
      const found = resolve(file, m.target, 0, suffix);
      // `app.use('/api', new Api().router)`: what the stand-in stands for
      const to = found && factsOf(found).objects[nameOf(found)].attachTo;
      const target = to ? attachedObject(found.slice(0, found.indexOf('#')), to) : found;
      return target ? [{ target, prefix: m.prefix, ignorePrefix: !!m.ignorePrefix }] : [];
    }
    let found = autoloaded.get(m);
    if (!found) {
      found = [];
      const { plugins, skipped } = autoloadPlugins(posixPath.dirname(file), m.autoload, byPath, exportedText);
      for (const plugin of plugins) {
        const target = resolve(plugin.file, byPath.get(plugin.file)!.exports.default ?? '');
        if (target) found.push({ target, prefix: plugin.prefix, ignorePrefix: !m.autoload.encapsulate });
      }
      // Modules autoload passes over (beside an index file, autohooks) are not plugins nothing registers.
      for (const path of skipped)
        for (const name of Object.keys(byPath.get(path)!.objects)) mounted.add(key(path, name));
      autoloaded.set(m, found);
    }
    return found;
  };

  /**
   * The object a stand-in for one made elsewhere is (`ObjectFact.attachTo`): what an imported name binds, or the
   * field a class keeps (`Server#this.app`) when the instance is made by `new` or by one of its singleton accessors.
   */
  const attachedObject = (file: string, to: AttachTarget, depth = 0): string | undefined => {
    if (depth > MAX_DEPTH) return undefined;
    let found: string | undefined;
    if (to.field === undefined) found = resolve(file, to.name);
    else {
      const cls = byPath.get(file)!.imports[to.name] ? importedExport(file, to.name, 0) : { file, local: to.name };
      const facts = cls && byPath.get(cls.file);
      if (!cls || !facts) return undefined;
      if (to.instance) {
        // an imported instance: the field of the class it is one of, in the module that made it
        const made = facts.instances?.[cls.local];
        const of = made && { name: made.cls, field: to.field, ...(made.via !== undefined ? { via: made.via } : {}) };
        return of ? attachedObject(cls.file, of, depth + 1) : undefined;
      }
      if (to.via !== undefined && !facts.singletons?.[cls.local]?.includes(to.via)) return undefined;
      const field = `${cls.local}#this.${to.field}`;
      found = facts.objects[field] ? key(cls.file, field) : undefined;
    }
    // `import app from './app'` where app.ts does `export default new App().app`: a stand-in there too
    const further = found && factsOf(found).objects[nameOf(found)].attachTo;
    return further ? attachedObject(found!.slice(0, found!.indexOf('#')), further, depth + 1) : found;
  };
  /** Each object's stand-ins in other places (their routes are its own); stand-ins of nothing known serve nothing. */
  const attached = new Map<string, string[]>();
  const unattached = new Set<string>();
  for (const { file, facts } of files)
    for (const [name, object] of Object.entries(facts.objects)) {
      if (!object.attachTo) continue;
      const target = attachedObject(file.path, object.attachTo);
      if (target === undefined) unattached.add(key(file.path, name));
      else attached.set(target, [...(attached.get(target) ?? []), key(file.path, name)]);
      mounted.add(key(file.path, name));
    }

  for (const { file, facts } of files)
    for (const m of facts.mounts) {
      if (unattached.has(key(file.path, m.owner))) continue;
      for (const { target } of targetsOf(file.path, m)) mounted.add(target);
    }

  /**
   * Objects with a route of their own or one beneath them through mounts. The walk from a root follows every
   * path of mounts, so a dense graph of them (bundled browser code, where every function handing its parameters
   * on looks like a helper handed an app) costs paths exponential in its depth; below an object that reaches no
   * route there is nothing to emit, whatever the path.
   */
  function routeBearing(): Set<string> {
    const mountedBy = new Map<string, string[]>();
    const bearing = new Set<string>();
    const pending: string[] = [];
    for (const { file, facts } of files) {
      for (const m of facts.mounts)
        for (const { target } of targetsOf(file.path, m)) {
          const owners = mountedBy.get(target) ?? [];
          owners.push(key(file.path, m.owner));
          mountedBy.set(target, owners);
        }
      for (const r of facts.routes) pending.push(key(file.path, r.owner));
    }
    // an object serves its stand-ins' routes too (see `attached`)
    for (const [target, standIns] of attached)
      for (const standIn of standIns) mountedBy.set(standIn, [...(mountedBy.get(standIn) ?? []), target]);
    for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
      if (bearing.has(next)) continue;
      bearing.add(next);
      pending.push(...(mountedBy.get(next) ?? []));
    }
    return bearing;
  }

  const bearing = routeBearing();
  const routes: Route[] = [];
  const reached = new Set<string>();
  /**
   * Emits an object's routes under `outer`, then what it mounts. An `outer` of undefined is a prefix the source
   * computes in a way discovery cannot follow: nothing beneath it is emitted (a wrong path is worse than none),
   * but it is reached, so it is not reported as a root at its own paths either.
   */
  /** One route fact under its object's full prefix (a socket.io event under its namespace). */
  const emitRoute = (
    r: RouteFact,
    framework: Framework,
    prefix: string,
    file: string,
    here: string[],
    site: SiteBinding | undefined,
  ): void => {
    // socket.io events only where a socket is what the function was handed (`app.on('mount', f)` is Express's)
    if ((framework === SOCKET_IO) !== (r.methods[0] === EVENT)) return;
    const methods = site ? boundMethods(r.methods, site) : r.methods;
    if (!methods || methods.some((m) => m.startsWith(PARAM_METHOD))) return;
    const path = site ? boundText(file, r.path, site) : textOf(file, r.path);
    const at =
      path === undefined
        ? undefined
        : 'local' in r.handler && r.handler.param
          ? site && boundHandler(r.handler.local, site)
          : 'local' in r.handler
            ? (resolveHandler(file, r.handler) ?? (r.handler.site ? { file, handler: r.handler.site } : undefined))
            : { file, handler: r.handler };
    const through = here.map((k) => k.replace('#', ':'));
    // an inline function a helper's call site passes is named after its route, as Express does
    const handler = at?.handler.name === '' ? { ...at.handler, name: `${methods.join(',')} ${path}` } : at?.handler;
    if (at && framework === SOCKET_IO) routes.push(toEvent(path!, prefix, at.file, handler!, through));
    else if (at) routes.push(toRoute(framework, methods, joinPath(prefix, path!), at.file, handler!, through));
  };

  /** What a call site hands the plugin function's parameter `name`. */
  const argOf = (name: string, site: SiteBinding): ArgFact | undefined => {
    const at = site.parameters.indexOf(name);
    if (at > 0) return site.args[at];
    const fromEnd = site.fromEnd[name];
    return fromEnd !== undefined && site.args.length > fromEnd ? site.args[site.args.length - fromEnd] : undefined;
  };
  /** `router[verb](…)`: the method the site passes (undefined when it is not a text naming one). */
  const boundMethods = (methods: string[], site: SiteBinding): string[] | undefined => {
    const out: string[] = [];
    for (const m of methods) {
      if (!m.startsWith(PARAM_METHOD)) {
        out.push(m);
        continue;
      }
      const arg = argOf(m.slice(PARAM_METHOD.length), site);
      const text = arg?.text !== undefined ? textOf(site.file, arg.text, 0, true) : undefined;
      if (text === undefined || !NODE_ROUTE_METHODS.has(text.toLowerCase())) return undefined;
      out.push(text.toUpperCase());
    }
    return out;
  };
  /** A path whose parts name the plugin function's parameters, each read from what the site passes. */
  const boundText = (file: string, text: Text, site: SiteBinding): string | undefined => {
    if (typeof text === 'string') return text;
    let out = '';
    for (const part of text.parts) {
      const arg = typeof part !== 'string' && 'unknown' in part ? argOf(part.unknown, site) : undefined;
      const value = arg?.text !== undefined ? textOf(site.file, arg.text) : textOf(file, { parts: [part] });
      if (value === undefined) return undefined;
      out += value;
    }
    return out;
  };
  /** The handler a site passes for the parameter `name`: resolved in the site's module. */
  const boundHandler = (name: string, site: SiteBinding): { file: string; handler: HandlerFact } | undefined => {
    const arg = argOf(name, site);
    const h = arg?.handler;
    if (!h) return undefined;
    if (!('local' in h)) return { file: site.file, handler: h };
    if (h.param) return undefined;
    return resolveHandler(site.file, h) ?? (h.site ? { file: site.file, handler: h.site } : undefined);
  };

  const emit = (
    objectKey: string,
    outer: string | undefined,
    chain: string[],
    inherited: Framework | undefined,
    call?: { file: string; args: ArgFact[] },
  ): void => {
    if (chain.length > MAX_DEPTH || chain.includes(objectKey)) return;
    reached.add(objectKey);
    if (!bearing.has(objectKey)) return;
    const facts = factsOf(objectKey);
    const name = nameOf(objectKey);
    const file = objectKey.slice(0, objectKey.indexOf('#'));
    const object = facts.objects[name];
    const framework = object.kind === 'plugin' ? (inherited ?? object.framework) : object.framework;
    // one name for objects of several functions: their routes may be any one's
    if (object.ambiguous && outer !== undefined) outer = placeholder(UNKNOWN_MOUNT);
    const own = outer === undefined ? undefined : textOf(file, object.prefix);
    const prefix = outer !== undefined && own !== undefined ? joinPath(outer, own) : undefined;
    const here = [...chain, objectKey];
    // a helper function handed the object with other arguments: its parameters bound to this call's
    const site: SiteBinding | undefined =
      call && (object.parameters || object.fromEnd)
        ? { ...call, parameters: object.parameters ?? [], fromEnd: object.fromEnd ?? {} }
        : undefined;
    if (prefix !== undefined)
      for (const r of facts.routes) if (r.owner === name) emitRoute(r, framework, prefix, file, here, site);
    for (const m of facts.mounts) {
      if (m.owner !== name) continue;
      for (const { target, prefix: mountText, ignorePrefix } of targetsOf(file, m)) {
        const skips = ignorePrefix || factsOf(target).objects[nameOf(target)].skipsPrefix;
        const mountPrefix = textOf(file, mountText, 0, !!m.orNone) ?? (m.orNone ? '' : undefined);
        emit(
          target,
          prefix === undefined
            ? undefined
            : skips
              ? prefix
              : mountPrefix === undefined
                ? undefined
                : joinPath(prefix, mountPrefix),
          here,
          framework,
          m.args ? { file, args: m.args } : undefined,
        );
      }
    }
    for (const standIn of attached.get(objectKey) ?? []) emit(standIn, prefix, here, framework);
  };

  const serves = (facts: NodeRouteFacts, name: string) => facts.objects[name].kind !== 'plugin';
  // An Express or Koa router serves nothing until an app mounts it: one mounted nowhere discovery can follow
  // (a loop over plugins, another package) is shown under `{unknown prefix?}`, not at the site's root.
  const includedToServe = (facts: NodeRouteFacts, name: string) =>
    facts.objects[name].kind === 'router' &&
    (facts.objects[name].framework === 'express' || facts.objects[name].framework === 'koa');
  // Plugins nothing registers (fastify-cli's app.js, a plugin whose registration is out of sight) serve their own paths.
  const orphanPlugin = (facts: NodeRouteFacts, name: string) =>
    facts.objects[name].kind === 'plugin' && !!facts.objects[name].pluginShaped;
  // Such a plugin takes the workspace's framework when its apps have exactly one (a `routes/*.js` loader in an
  // Express app); Fastify otherwise (fastify-cli apps create no instance of their own).
  const appFrameworks = new Set<Framework>();
  for (const { facts } of files)
    for (const o of Object.values(facts.objects))
      if (o.kind !== 'plugin' && o.framework !== SOCKET_IO) appFrameworks.add(o.framework);
  const orphanFramework: Framework = appFrameworks.size === 1 ? [...appFrameworks][0] : 'fastify';
  let imported: Set<string> | undefined;
  /** Objects an import of another module resolves to. */
  const importedObjects = () => {
    if (!imported) {
      imported = new Set();
      for (const { file, facts } of files)
        for (const local of Object.keys(facts.imports)) {
          const target = resolve(file.path, local);
          if (target) imported.add(target);
        }
    }
    return imported;
  };
  const subApps = unfollowedSubApps(files, mounted, key, importedObjects);
  // A plugin some call hands an object discovery does not know (`userRoutes(new SchemaRouter())`) is served under
  // that object's prefix, unknown here; one nothing visibly calls (a folder loader) serves its own paths.
  const handedUnknown = new Set<string>();
  for (const { file, facts } of files)
    for (const name of facts.handedUnknown ?? []) {
      const target = resolve(file.path, name);
      if (target) handedUnknown.add(target);
    }
  // HonoX serves a routes module's default export under the module's path, and nothing else of the module
  const honoxPrefix = honoxFilePrefixes(byPath);
  const rootPrefix = (file: string, facts: NodeRouteFacts, name: string): string => {
    const fromFile = honoxPrefix(file);
    if (fromFile === undefined) return '';
    return fromFile !== null && facts.exports.default === name ? fromFile : placeholder(UNKNOWN_MOUNT);
  };
  for (const { file, facts } of files)
    for (const name of Object.keys(facts.objects)) {
      if (mounted.has(key(file.path, name))) continue;
      if (includedToServe(facts, name) || subApps.has(key(file.path, name)))
        emit(key(file.path, name), placeholder(UNKNOWN_MOUNT), [], undefined);
      // an exported hook's app: a plugin system hands it in by the hook's name, out of sight
      else if (facts.objects[name].hook) emit(key(file.path, name), placeholder(UNKNOWN_MOUNT), [], orphanFramework);
      else if (serves(facts, name)) emit(key(file.path, name), rootPrefix(file.path, facts, name), [], undefined);
      else if (orphanPlugin(facts, name))
        emit(
          key(file.path, name),
          handedUnknown.has(key(file.path, name)) ? placeholder(UNKNOWN_MOUNT) : '',
          [],
          orphanFramework,
        );
    }
  /**
   * The handler a module exports under `exported` as a HonoX handler list, or (`orFunction`) as a function, in the
   * module that declares it (through re-exports: `export { POST } from '../user/login'`).
   */
  const exportedHandler = (
    file: string,
    exported: string,
    orFunction: boolean,
  ): { file: string; handler: HandlerFact } | undefined => {
    const facts = byPath.get(file)!;
    const local = facts.exports[exported];
    if (local === undefined) return undefined;
    const imported = facts.imports[local];
    const at =
      imported && !facts.functions[local] && !facts.handlerLists?.[local]
        ? exportOf(file, imported.spec, imported.imported, 0)
        : { file, local };
    const declaring = at && byPath.get(at.file)!;
    const listed = declaring?.handlerLists?.[at!.local];
    if (listed && 'local' in listed)
      return resolveHandler(at!.file, listed) ?? (listed.site ? { file: at!.file, handler: listed.site } : undefined);
    const handler = listed ?? (orFunction ? declaring?.functions[at!.local] : undefined);
    return handler && { file: at!.file, handler };
  };
  // HonoX pages: a routes module's handler lists exported by method name, and a default export that is a handler
  // list or a function (a page component, rendered for GET), at the module's path
  for (const { file } of files) {
    const at = honoxPrefix(file.path);
    if (typeof at !== 'string') continue;
    const path = joinPath('/', at);
    for (const exported of ['default', ...HONOX_METHODS]) {
      const found = exportedHandler(file.path, exported, exported === 'default');
      const method = exported === 'default' ? 'GET' : exported;
      const handler = found?.handler.name === '' ? { ...found.handler, name: `${method} ${path}` } : found?.handler;
      if (found && handler)
        routes.push(toRoute('hono', [method], path, found.file, handler, [`${file.path}:${exported}`]));
    }
  }
  // Routers mounted only where no walk reaches (a cycle, a function called in a way not followed) still serve
  // their routes, under a prefix not known: the mount that is out of sight may add one.
  for (const { file, facts } of files)
    for (const name of Object.keys(facts.objects)) {
      if (serves(facts, name) && !reached.has(key(file.path, name)))
        emit(key(file.path, name), placeholder(UNKNOWN_MOUNT), [], undefined);
    }
  /** The class a local name in `file` stands for, as `file#Name`: declared there, or exported where it is imported from. */
  const classOf = (file: string, name: string): string | undefined => {
    if (!byPath.get(file)?.imports[name]) return key(file, name);
    const found = importedExport(file, name, 0);
    return found && key(found.file, found.local);
  };

  /** Nest routes another module exports (`export const routes: Routes = [...]`), imported by the local name `name`. */
  const tableOf = (file: string, name: string) => {
    const found = importedExport(file, name, 0);
    const routes = found ? byPath.get(found.file)!.nestRouteTables?.[found.local] : undefined;
    return found && routes ? { file: found.file, routes } : undefined;
  };

  const modulePaths = nestModulePaths(files, textOf, classOf, tableOf);
  return [...distinct(routes), ...linkControllers(files, textOf, modulePaths, classOf)];
}

/**
 * One row per route: a function that configures whichever app it is handed (`configure(app)`,
 * `configure(mirror)`) declares the same handler at the same path for each; the first reached is kept.
 */
function distinct(routes: Route[]): Route[] {
  const seen = new Set<string>();
  return routes.filter((r) => {
    const id = `${r.methods.join(',')} ${r.path} ${r.file}:${r.range?.line ?? r.line}:${r.range?.column ?? 0}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
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
function autoloadPlugins(
  base: string,
  autoload: AutoloadFact,
  byPath: ReadonlyMap<string, NodeRouteFacts>,
  exportedText: (file: string, name: string) => string | undefined,
): { plugins: Array<{ file: string; prefix: string }>; skipped: string[] } {
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
    for (let i = 0; i < parts.length - 1; i++) folder(parts.slice(0, i).join('/')).folders.add(parts[i]);
    folder(parts.slice(0, -1).join('/')).files.push(parts[parts.length - 1]);
  }
  const out: Array<{ file: string; prefix: string }> = [];
  const skipped: string[] = [];
  const add = (rel: string, dirPrefix: string) => {
    const exported = (name: string) => exportedText(under + rel, name);
    const override = exported('prefixOverride');
    let prefix =
      override ?? `${autoload.prefix.replace(/\/$/, '')}${exported('autoPrefix') || dirPrefix}`.replace(/\/+/g, '/');
    if (autoload.routeParams)
      prefix = prefix.includes('__') ? prefix.replace(/__/g, ':') : prefix.replace(/\/_/g, '/:');
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

/**
 * NestJS controllers: '/' + global prefix + URI version + controller path + method path, once per controller
 * path and version (the method's `@Version`, else the controller's, else the default). A route the global
 * prefix excludes goes without it. Paths and prefixes that are not known constants are kept as placeholders
 * (the routes marked unresolved). Where apps with different settings serve a controller, each app's path is
 * one; where none is known to and their paths differ, the prefix is a placeholder.
 */
function linkControllers(
  files: Linked,
  textOf: (file: string, text: Text | null) => string | undefined,
  modulePathOf: (file: string, controller: string) => string,
  classOf: (file: string, name: string) => string | undefined,
): Route[] {
  const { setups, appsOf } = nestSetups(files, classOf);
  /** A route's paths under one app's settings, `own` its path below them. */
  const pathsUnder = (setup: NestSetup, file: string, declared: Text[] | undefined, methods: string[], own: string) => {
    const { setter, versioner } = setup;
    const globalPrefix = (setter ? textOf(setter.file.path, setter.facts.globalPrefix!) : '') ?? placeholder('…');
    const exclude = setter?.facts.globalPrefixExclude;
    const versioning = versioner?.facts.uriVersioning;
    /** The version segments of a route: [''] unless URI versioning gives it one or more (read in `at`). */
    const versionSegments = (at: string, versions: Text[] | undefined): string[] => {
      if (!versioner || !versions) return [''];
      // versioning whose options are computed: the segment may be there or not
      if (!versioning) return [placeholder('version')];
      return versions.map((v) => {
        const version = v === '' ? '' : textOf(at, v);
        return version === '' ? '' : `${versioning.prefix}${version ?? placeholder('version')}`;
      });
    };
    // the default version is written where versioning is enabled, and read there
    const segments = declared
      ? versionSegments(file, declared)
      : versionSegments(versioner?.file.path ?? file, versioning ? versioning.defaults : undefined);
    // Nest compares the path without its version against the exclusions; where one the source computes may
    // match, the prefix is shown marked as what it is unless excluded
    const global =
      exclude === null
        ? placeholder('…')
        : exclude?.some((e) => !e.computed && excludes(e, own, methods))
          ? ''
          : exclude?.some((e) => e.computed) && globalPrefix !== ''
            ? placeholder(globalPrefix.includes('{') ? '…' : `${globalPrefix} unless excluded`)
            : globalPrefix;
    return segments.map((version) => joinPath(joinPath(joinPath('/', global), version), own));
  };
  const out: Route[] = [];
  for (const { file, facts } of files)
    for (const c of facts.controllers) {
      const apps = appsOf(`${file.path}#${c.className}`);
      for (const controllerPath of c.prefixes) {
        const base = textOf(file.path, controllerPath);
        if (base === undefined) continue;
        for (const r of c.routes) {
          const path = textOf(file.path, r.path);
          if (path === undefined) continue;
          const own = joinPath(joinPath(joinPath('/', modulePathOf(file.path, c.className)), base), path);
          const under = (s: NestSetup) => pathsUnder(s, file.path, r.versions ?? c.versions, r.methods, own);
          let paths: string[];
          if (apps === undefined) paths = under(setups[0]);
          else if (apps.length > 0) paths = [...new Set(apps.flatMap(under))];
          else {
            // served by an app whose modules are not all known: one path only if every app gives it
            const each = setups.map((s) => under(s).join('\n'));
            paths = each.every((p) => p === each[0])
              ? under(setups[0])
              : [joinPath(joinPath('/', placeholder('global prefix')), own)];
          }
          for (const full of paths)
            out.push(toRoute('nestjs', r.methods, full, file.path, r.handler, [`${file.path}:${c.className}`]));
        }
      }
    }
  return out;
}

/**
 * Hono apps nothing mounts that are not the workspace's main app, so their prefix is unknown rather than '/': an app
 * another module imports but mounts in a way discovery does not follow (`app.route(prefix, sub)` in a loop over
 * pairs), that mounts nothing itself. Every Hono app is a `new Hono()`, so only its use tells a sub-app from the
 * entry; when every unmounted app looks like a sub-app, none is singled out (the entry may be among them).
 */
function unfollowedSubApps(
  files: Linked,
  mounted: ReadonlySet<string>,
  key: (file: string, name: string) => string,
  importedObjects: () => ReadonlySet<string>,
): Set<string> {
  let all = 0;
  const sub: string[] = [];
  for (const { file, facts } of files)
    for (const [name, o] of Object.entries(facts.objects)) {
      if (o.framework !== 'hono' || o.kind !== 'app' || mounted.has(key(file.path, name))) continue;
      all++;
      if (!facts.mounts.some((m) => m.owner === name) && importedObjects().has(key(file.path, name)))
        sub.push(key(file.path, name));
    }
  return new Set(sub.length < all ? sub : []);
}

/**
 * The path `RouterModule.register` gives each controller's module, flattened as Nest's flattenRoutePaths does (a
 * child's path continues its parent's, a bare module child takes its parent's; the last registration of a module
 * wins): by controller, '' where none. Where a registration's routes are computed, or a module that may have a
 * path lists its controllers otherwise, a controller without a known module path may still have one: a
 * placeholder.
 */
function nestModulePaths(
  files: Linked,
  textOf: (file: string, text: Text | null) => string | undefined,
  classOf: (file: string, name: string) => string | undefined,
  tableOf: (file: string, name: string) => { file: string; routes: NestRouteEntry[] } | undefined,
): (file: string, controller: string) => string {
  const byModule = new Map<string, string>();
  let computed = false;
  const flatten = (file: string, entries: NestRouteEntry[], parent: string | undefined, depth: number): void => {
    if (depth > MAX_DEPTH) return;
    for (const e of entries) {
      const own = e.path === undefined ? undefined : textOf(file, e.path);
      const path = own === undefined ? undefined : parent === undefined ? own : joinPath(parent, own);
      const module = e.module === undefined ? undefined : classOf(file, e.module);
      if (module !== undefined && e.path === undefined && parent !== undefined) byModule.set(module, parent);
      else if (module !== undefined && path !== undefined) byModule.set(module, path);
      if (e.children) flatten(file, e.children, path ?? parent, depth + 1);
    }
  };
  for (const { file, facts } of files)
    for (const routes of facts.nestRouterModules ?? []) {
      const table = routes && 'import' in routes ? tableOf(file.path, routes.import) : { file: file.path, routes };
      if (!table?.routes) computed = true;
      else flatten(table.file, table.routes, undefined, 0);
    }
  const moduleOfController = new Map<string, string>();
  for (const { file, facts } of files)
    for (const m of facts.nestModules ?? []) {
      if (m.computed) computed ||= byModule.size > 0;
      for (const c of m.controllers) {
        const controller = classOf(file.path, c);
        if (controller !== undefined) moduleOfController.set(controller, `${file.path}#${m.className}`);
      }
    }
  return (file, controller) => {
    const module = moduleOfController.get(`${file}#${controller}`);
    const path = module === undefined ? undefined : byModule.get(module);
    return path ?? (computed ? placeholder('module path') : '');
  };
}

/**
 * Whether a global-prefix exclusion matches a route's path and method, as path-to-regexp does (case-insensitive):
 * `users/:id`, `files/(.*)`, `*`, and Nest 11's `files/*path` and `{*path}`.
 */
function excludes(e: NestExclude, path: string, methods: string[]): boolean {
  if (e.methods && !methods.some((m) => e.methods!.includes(m))) return false;
  const pattern = joinPath('/', e.path)
    .split(/(\/?\{\*\w+\}|\*\w*|:\w+|\(\.\*\))/)
    .map((part) =>
      part.startsWith('/{*') || part.startsWith('{*')
        ? '(?:/.*)?'
        : part === '(.*)' || part.startsWith('*')
          ? '.*'
          : part.startsWith(':')
            ? '[^/]+'
            : escapeRegExp(part),
    )
    .join('');
  return new RegExp(`^${pattern}/?$`, 'i').test(path);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A socket.io event handler: its event name as the path, its namespace beside it (see Route.kind). */
function toEvent(event: string, namespace: string, file: string, handler: HandlerFact, routers: string[]): Route {
  const route = toRoute(SOCKET_IO, [EVENT], event, file, handler, routers);
  delete route.unresolved;
  delete route.unresolvedReason;
  return {
    ...route,
    kind: 'event',
    ...(namespace !== '/' ? { namespace } : {}),
    ...unresolvedFields(`${namespace} ${event}`),
  };
}

function toRoute(
  framework: Framework,
  methods: string[],
  path: string,
  file: string,
  handler: HandlerFact,
  routers: string[],
): Route {
  return {
    framework,
    methods,
    path,
    file,
    line: handler.line,
    handler: handler.name,
    async: handler.async,
    execution: 'event-loop',
    routers,
    range: { file, line: handler.line, column: handler.column, endLine: handler.endLine, endColumn: handler.endColumn },
    ...unresolvedFields(path),
  };
}
