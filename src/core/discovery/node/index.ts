// Express route discovery: `express()` apps and `express.Router()` routers, their
// `X.METHOD(path, …handlers)` and `X.route(path).METHOD(h)` registrations, and
// `X.use(prefix, router)` mounts across files (require/import of local modules).
// Fastify, Koa, Hono and NestJS are not discovered yet (see README).
import * as posixPath from 'node:path/posix';
import type { Route } from '../../model';
import type { Node } from '../../parsing/parser';
import type { WorkspaceFile } from '../../workspace';

const METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'options', 'head', 'all']);

interface HandlerFact { name: string; line: number; async: boolean; endLine: number; column: number; endColumn: number }
interface RouteFact { owner: string; method: string; path: string; handler: HandlerFact }
interface MountFact { owner: string; prefix: string; target: string }

export interface NodeRouteFacts {
  objects?: Record<string, 'app' | 'router'>;   // local name → what express() made
  imports?: Record<string, string>;             // local name → module specifier
  exported?: string;                            // local name of module.exports / export default
  routes?: RouteFact[];
  mounts?: MountFact[];
}

export function extractNodeRouteFacts(_file: WorkspaceFile, root: Node): NodeRouteFacts {
  const facts: Required<Omit<NodeRouteFacts, 'exported'>> & { exported?: string } = { objects: {}, imports: {}, routes: [], mounts: [] };
  const functions = new Map<string, HandlerFact>();
  const calls: Node[] = [];

  const visit = (node: Node): void => {
    switch (node.type) {
      case 'variable_declarator': {
        const name = node.childForFieldName('name');
        const value = node.childForFieldName('value');
        if (name?.type === 'identifier' && value) declare(name.text, value);
        break;
      }
      case 'function_declaration': {
        const name = node.childForFieldName('name');
        if (name) functions.set(name.text, handlerOf(node, name.text));
        break;
      }
      case 'import_statement': {
        const source = node.childForFieldName('source');
        const clause = node.namedChildren.find((c) => c?.type === 'import_clause');
        const local = clause?.namedChildren.find((c) => c?.type === 'identifier');
        if (source && local) facts.imports[local.text] = stringValue(source) ?? '';
        break;
      }
      case 'assignment_expression': {
        const left = node.childForFieldName('left');
        const right = node.childForFieldName('right');
        if (left?.text === 'module.exports' && right?.type === 'identifier') facts.exported = right.text;
        break;
      }
      case 'export_statement': {
        const value = node.childForFieldName('value');
        if (value?.type === 'identifier') facts.exported = value.text;
        break;
      }
      case 'call_expression':
        calls.push(node);
        break;
    }
    for (const child of node.namedChildren) if (child) visit(child);
  };

  const declare = (name: string, value: Node): void => {
    if (value.type === 'arrow_function' || value.type === 'function_expression' || value.type === 'function') {
      functions.set(name, handlerOf(value, name));
    } else if (value.type === 'call_expression') {
      const callee = value.childForFieldName('function')?.text ?? '';
      if (callee === 'express') facts.objects[name] = 'app';
      else if (callee === 'express.Router' || callee === 'Router') facts.objects[name] = 'router';
      else if (callee === 'require') {
        const arg = value.childForFieldName('arguments')?.namedChildren[0];
        const spec = arg ? stringValue(arg) : undefined;
        if (spec) facts.imports[name] = spec;
      }
    }
  };

  visit(root);

  for (const call of calls) {
    const callee = call.childForFieldName('function');
    const args = call.childForFieldName('arguments')?.namedChildren.filter((a): a is Node => !!a && a.type !== 'comment') ?? [];
    if (callee?.type !== 'member_expression') continue;
    const method = callee.childForFieldName('property')?.text ?? '';
    const object = callee.childForFieldName('object');
    if (!object) continue;
    const owner = routeOwner(object);
    if (!owner) continue;
    const path = owner.path ?? (args[0] ? stringValue(args[0]) : undefined);
    const handlerArgs = owner.path !== undefined ? args : args.slice(1);
    if (METHODS.has(method) && path !== undefined && handlerArgs.length > 0) {
      const last = handlerArgs[handlerArgs.length - 1];
      const handler = last.type === 'identifier'
        ? functions.get(last.text)
        : isFunction(last) ? handlerOf(last, `${method.toUpperCase()} ${path}`) : undefined;
      if (handler) facts.routes.push({ owner: owner.name, method: method === 'all' ? 'ALL' : method.toUpperCase(), path, handler });
    } else if (method === 'use' && owner.path === undefined && args.length >= 2) {
      const prefix = stringValue(args[0]);
      const target = args[args.length - 1];
      if (prefix !== undefined && target.type === 'identifier') facts.mounts.push({ owner: owner.name, prefix, target: target.text });
    }
  }
  return facts;

  /** `app` or `router` directly, or `app.route('/p')` (then the path comes from the chain). */
  function routeOwner(object: Node): { name: string; path?: string } | undefined {
    if (object.type === 'identifier' && facts.objects[object.text]) return { name: object.text };
    if (object.type === 'call_expression') {
      const inner = object.childForFieldName('function');
      if (inner?.type !== 'member_expression') return undefined;
      const innerMethod = inner.childForFieldName('property')?.text;
      const innerObject = inner.childForFieldName('object');
      const arg = object.childForFieldName('arguments')?.namedChildren[0];
      if (innerMethod === 'route' && innerObject && arg) {
        const base = routeOwner(innerObject);
        const path = stringValue(arg);
        if (base && path !== undefined && base.path === undefined) return { name: base.name, path };
      }
      // `router.get(a).post(b)` chains on a route() result are handled by the recursion above.
      if (innerObject && METHODS.has(innerMethod ?? '')) return routeOwner(innerObject);
    }
    return undefined;
  }
}

export function linkNodeRoutes(files: ReadonlyArray<{ file: WorkspaceFile; facts: NodeRouteFacts }>): Route[] {
  const byPath = new Map(files.map((f) => [f.file.path, f]));
  const key = (file: string, name: string) => `${file}#${name}`;
  const reached = new Set<string>();
  const routes: Route[] = [];

  /** The object a local name in `file` stands for: its own router, or an imported module's export. */
  const resolve = (file: string, name: string): string | undefined => {
    const facts = byPath.get(file)?.facts;
    if (!facts) return undefined;
    if (facts.objects?.[name]) return key(file, name);
    const spec = facts.imports?.[name];
    if (!spec || !spec.startsWith('.')) return undefined;
    const target = resolveModule(posixPath.join(posixPath.dirname(file), spec), byPath);
    const exported = target ? byPath.get(target)?.facts.exported : undefined;
    return target && exported ? resolve(target, exported) : undefined;
  };

  const emit = (objectKey: string, prefix: string, chain: string[], depth: number): void => {
    if (depth > 16 || chain.includes(objectKey)) return;
    reached.add(objectKey);
    const [file, name] = objectKey.split('#');
    const entry = byPath.get(file)!;
    const here = [...chain, objectKey];
    for (const r of entry.facts.routes ?? []) {
      if (r.owner !== name) continue;
      routes.push({
        framework: 'express', methods: [r.method], path: joinPath(prefix, r.path), file, line: r.handler.line,
        handler: r.handler.name, async: r.handler.async, execution: 'event-loop',
        routers: here.map((k) => k.replace('#', ':')),
        range: { file, line: r.handler.line, column: r.handler.column, endLine: r.handler.endLine, endColumn: r.handler.endColumn },
      });
    }
    for (const m of entry.facts.mounts ?? []) {
      if (m.owner !== name) continue;
      const target = resolve(file, m.target);
      if (target) emit(target, joinPath(prefix, m.prefix), here, depth + 1);
    }
  };

  for (const { file, facts } of files) for (const [name, kind] of Object.entries(facts.objects ?? {})) if (kind === 'app') emit(key(file.path, name), '', [], 0);
  // Routers no app mounts (or whose app is outside the workspace) still serve their own paths.
  for (const { file, facts } of files) for (const name of Object.keys(facts.objects ?? {})) if (!reached.has(key(file.path, name))) emit(key(file.path, name), '', [], 0);
  return routes;
}

function resolveModule(base: string, files: ReadonlyMap<string, unknown>): string | undefined {
  const stem = base.replace(/\.(c|m)?js$/, '');
  for (const candidate of [base, `${stem}.js`, `${stem}.ts`, `${stem}.mjs`, `${stem}.cjs`, `${stem}/index.js`, `${stem}/index.ts`]) {
    if (files.has(candidate)) return candidate;
  }
  return undefined;
}

function joinPath(prefix: string, path: string): string {
  const joined = `${prefix.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
  return joined.length > 1 ? joined.replace(/\/+$/, '') : '/';
}

function isFunction(node: Node): boolean {
  return node.type === 'arrow_function' || node.type === 'function_expression' || node.type === 'function';
}

function handlerOf(node: Node, name: string): HandlerFact {
  return {
    name, async: node.children.some((c) => c?.type === 'async'),
    line: node.startPosition.row + 1, column: node.startPosition.column + 1,
    endLine: node.endPosition.row + 1, endColumn: node.endPosition.column + 1,
  };
}

function stringValue(node: Node): string | undefined {
  if (node.type === 'string') return node.namedChildren.filter((c) => c?.type === 'string_fragment').map((c) => c!.text).join('');
  if (node.type === 'template_string' && node.namedChildren.every((c) => c?.type === 'string_fragment')) return node.text.slice(1, -1);
  return undefined;
}
