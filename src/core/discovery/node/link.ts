// All files' facts → routes: walk from each root object (an app or router nothing mounts)
// through mounts across files, applying every prefix on the way.
import * as posixPath from 'node:path/posix';
import type { Framework, Route } from '../../model';
import type { WorkspaceFile } from '../../workspace';
import type { HandlerFact, HandlerRef, NodeRouteFacts } from './facts';
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

  const mounted = new Set<string>();
  for (const { file, facts } of files) for (const m of facts.mounts) {
    const target = resolve(file.path, m.target);
    if (target) mounted.add(target);
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
      const target = resolve(file, m.target);
      if (!target) continue;
      const skips = m.ignorePrefix || factsOf(target).objects[nameOf(target)].skipsPrefix;
      emit(target, skips ? prefix : joinPath(prefix, m.prefix), here, framework);
    }
  };

  const serves = (facts: NodeRouteFacts, name: string) => facts.objects[name].kind !== 'plugin';
  for (const { file, facts } of files) for (const name of Object.keys(facts.objects)) {
    if (serves(facts, name) && !mounted.has(key(file.path, name))) emit(key(file.path, name), '', [], undefined);
  }
  // Routers mounted only from a cycle still serve their own paths.
  for (const { file, facts } of files) for (const name of Object.keys(facts.objects)) {
    if (serves(facts, name) && !reached.has(key(file.path, name))) emit(key(file.path, name), '', [], undefined);
  }
  return [...routes, ...linkControllers(files)];
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
