// NestJS: `@Controller(prefix | { path, version })` classes whose methods carry `@Get(path)`, `@Post()`, …
// (and `@Version()`) decorators, `app.setGlobalPrefix('api', { exclude })` and URI versioning
// (`app.enableVersioning()`), and `RouterModule.register([{ path, module, children }])`, a path for the controllers
// each `@Module({ controllers })` declares. Paths join as Nest's RoutePathFactory does: '/' + global + '/v' + version
// + '/' + module path + '/' + controller + '/' + method.
import type { SyntaxNode as Node } from '../../lang/syntax';
import type { ControllerFact, NestExclude, NestModuleFact, NestRouteEntry, NodeRouteFacts, Text } from './facts';
import { callArguments } from '../../lang/node/literals';
import { calleeOf, handlerOf, property } from './syntax';
import type { Constants } from './values';

const METHOD_DECORATORS: Record<string, string> = {
  Get: 'GET',
  Post: 'POST',
  Put: 'PUT',
  Patch: 'PATCH',
  Delete: 'DELETE',
  Head: 'HEAD',
  Options: 'OPTIONS',
  All: 'ALL',
};

/** A decorator's name and arguments: `@Get(':id')` → ['Get', [':id' node]]. */
function decoratorCall(decorator: Node): { name: string; args: Node[] } | undefined {
  const call = decorator.namedChildren[0];
  if (call?.type === 'call_expression') {
    const callee = call.childForFieldName('function');
    return callee?.type === 'identifier' ? { name: callee.text, args: callArguments(call) } : undefined;
  }
  return call?.type === 'identifier' ? { name: call.text, args: [] } : undefined;
}

/**
 * Paths a decorator argument gives: none → [''], a string or constant, an array of them (Nest registers
 * each), `{ path }`. A path the source computes otherwise is unknown (null).
 */
function pathsOf(arg: Node | undefined, values: Constants): Array<Text | null> {
  if (!arg) return [''];
  if (arg.type === 'object') {
    const path = property(arg, 'path');
    return path ? pathsOf(path, values) : [''];
  }
  if (arg.type === 'array')
    return arg.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment').map((c) => values.pathText(c));
  return [values.pathText(arg)];
}

/** A class's decorators: on the class, or on `export` when written before `export class`. */
function classDecorators(cls: Node): Node[] {
  return [...(cls.parent?.type === 'export_statement' ? cls.parent.namedChildren : []), ...cls.namedChildren].filter(
    (c): c is Node => c?.type === 'decorator',
  );
}

/**
 * `@Module({ controllers: [A, B], imports: [C] })`: the module, its controllers' local names (`computed` if some are
 * not names) and the modules it imports (`importsComputed` if some are not written as one).
 */
export function readModule(cls: Node): NestModuleFact | undefined {
  const className = cls.childForFieldName('name')?.text;
  const module = classDecorators(cls)
    .map(decoratorCall)
    .find((d) => d?.name === 'Module');
  const controllers = property(module?.args[0], 'controllers');
  const imports = property(module?.args[0], 'imports');
  if (!className || (!controllers && !imports)) return undefined;
  const fact: NestModuleFact = { className, controllers: [] };
  if (controllers?.type === 'array') {
    const items = controllers.namedChildren.filter((c) => c.type !== 'comment');
    fact.controllers = items.filter((c) => c.type === 'identifier').map((c) => c.text);
    if (fact.controllers.length !== items.length) fact.computed = true;
  } else if (controllers) fact.computed = true;
  if (imports?.type === 'array') {
    fact.imports = [];
    for (const item of imports.namedChildren) {
      if (item.type === 'comment') continue;
      const name = importedModule(item);
      if (name !== undefined) fact.imports.push(name);
      else fact.importsComputed = true;
    }
  } else if (imports) fact.importsComputed = true;
  return fact.controllers.length || fact.computed || fact.imports?.length || fact.importsComputed ? fact : undefined;
}

/** The module an `imports` item names: `C`, `C.forRoot(…)` (a dynamic module of C), `forwardRef(() => C)`. */
function importedModule(item: Node): string | undefined {
  if (item.type === 'identifier') return item.text;
  if (item.type !== 'call_expression') return undefined;
  const callee = item.childForFieldName('function');
  if (callee?.type === 'member_expression') {
    const object = callee.childForFieldName('object');
    return object?.type === 'identifier' ? object.text : undefined;
  }
  const [arg] = callArguments(item);
  const body = callee?.text === 'forwardRef' && arg?.type === 'arrow_function' ? arg.childForFieldName('body') : null;
  return body?.type === 'identifier' ? body.text : undefined;
}

/**
 * `RouterModule.register(routes)` (or nest-router's `RouterModule.forRoutes(routes)`): its entries, from an array
 * written there or in a module constant; null when they are computed (a spread, a call, an entry not written out),
 * undefined for any other call.
 */
export function readRouterModule(
  call: Node,
  values: Constants,
  facts: NodeRouteFacts,
): NestRouteEntry[] | { import: string } | null | undefined {
  const callee = call.childForFieldName('function');
  const object = callee?.type === 'member_expression' ? callee.childForFieldName('object') : undefined;
  // every call of a file passes here: the name's length first, then its text
  if (object?.type !== 'identifier' || object.endIndex - object.startIndex !== 12 || object.text !== 'RouterModule')
    return;
  if (!['register', 'forRoutes'].includes(callee?.childForFieldName('property')?.text ?? '')) return;
  const [routes] = callArguments(call);
  if (routes?.type === 'identifier' && facts.imports[routes.text]) return { import: routes.text };
  return routeEntries(routes, values, 0);
}

/**
 * Module-level constants that hold Nest routes, for a registration in another module: `const routes: Routes =
 * [...]`, or an array whose first entry names a `module`.
 */
export function readRouteTables(root: Node, values: Constants): Record<string, NestRouteEntry[]> | undefined {
  let tables: Record<string, NestRouteEntry[]> | undefined;
  for (const statement of root.namedChildren) {
    const declaration = statement.type === 'export_statement' ? statement.childForFieldName('declaration') : statement;
    if (declaration?.type !== 'lexical_declaration') continue;
    for (const d of declaration.namedChildren) {
      if (d.type !== 'variable_declarator') continue;
      const name = d.childForFieldName('name');
      const value = d.childForFieldName('value');
      const typed = /\bRoutes$/.test(d.childForFieldName('type')?.text ?? '');
      const first = value?.type === 'array' ? value.namedChildren.find((c) => c.type !== 'comment') : undefined;
      if (name?.type !== 'identifier' || !value || !(typed || property(first, 'module'))) continue;
      const entries = routeEntries(value, values, 0);
      if (entries) (tables ??= {})[name.text] = entries;
    }
  }
  return tables;
}

function routeEntries(node: Node | undefined, values: Constants, depth: number): NestRouteEntry[] | null {
  if (!node || depth > 16) return null;
  const items =
    node.type === 'array' ? node.namedChildren.filter((c) => c.type !== 'comment') : (values.items(node) ?? null);
  if (!items) return null;
  const out: NestRouteEntry[] = [];
  for (const item of items) {
    if (item.type === 'identifier') {
      out.push({ module: item.text });
      continue;
    }
    const object = values.objectLiteral(item);
    if (!object || object.namedChildren.some((c) => c.type === 'spread_element')) return null;
    const path = property(object, 'path');
    const module = property(object, 'module');
    const children = property(object, 'children');
    if (module && module.type !== 'identifier' && module.type !== 'shorthand_property_identifier') return null;
    const entry: NestRouteEntry = {};
    if (path) entry.path = values.pathText(path);
    if (module) entry.module = module.text;
    if (children) {
      const inner = routeEntries(children, values, depth + 1);
      if (!inner) return null;
      entry.children = inner;
    }
    out.push(entry);
  }
  return out;
}

export function readController(cls: Node, values: Constants): ControllerFact | undefined {
  const className = cls.childForFieldName('name')?.text;
  const decorators = classDecorators(cls);
  const controller = decorators.map(decoratorCall).find((d) => d?.name === 'Controller');
  const prefixes = controller ? pathsOf(controller.args[0], values) : undefined;
  const body = cls.childForFieldName('body');
  if (!className || !prefixes || !body) return undefined;

  const fact: ControllerFact = { className, prefixes, routes: [] };
  const options = controller?.args[0]?.type === 'object' ? property(controller.args[0], 'version') : undefined;
  if (options) fact.versions = versionsOf(options, values);
  let pending: Node[] = [];
  for (const member of body.namedChildren) {
    // Comments between stacked decorators (`@Get() // list`) belong to the same method.
    if (!member || member.type === 'comment') continue;
    if (member.type === 'decorator') {
      pending.push(member);
      continue;
    }
    if (member.type === 'method_definition') {
      const name = member.childForFieldName('name')?.text ?? '';
      const own = member.namedChildren.filter((c): c is Node => c?.type === 'decorator');
      // Decorators apply bottom-up and each route decorator overwrites the method's path and verb metadata,
      // so of `@Get('a') @Post('b')` Nest serves only the topmost: GET a.
      const call = [...pending, ...own].map(decoratorCall).find((c) => c && METHOD_DECORATORS[c.name]);
      const method = call ? METHOD_DECORATORS[call.name] : undefined;
      const paths = method ? pathsOf(call!.args[0], values) : [];
      const version = [...pending, ...own].map(decoratorCall).find((c) => c?.name === 'Version');
      const versions = version?.args[0] ? versionsOf(version.args[0], values) : undefined;
      // A method path the source computes otherwise gives no route rather than one at the controller's root.
      for (const path of paths)
        if (path !== null)
          fact.routes.push({
            methods: [method!],
            path,
            handler: handlerOf(member, `${className}.${name}`),
            ...(versions ? { versions } : {}),
          });
    }
    pending = [];
  }
  return fact;
}

/** A version or list of them (`'1'`, `['1', '2']`, `VERSION_NEUTRAL` as ''). */
function versionsOf(node: Node, values: Constants): Text[] {
  const items =
    node.type === 'array' ? node.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment') : [node];
  return items.map((v) => (/(^|\.)VERSION_NEUTRAL$/.test(v.text) ? '' : values.pathText(v)));
}

/**
 * The app's calls that shape every controller path: `app.setGlobalPrefix('api', { exclude })` (a prefix the
 * source computes is a placeholder) and `app.enableVersioning({ type: VersioningType.URI, prefix, defaultVersion })`
 * (other types leave paths alone).
 */
export function readAppSetup(call: Node, values: Constants, facts: NodeRouteFacts): void {
  // `await NestFactory.create<App>(AppModule)` parses as a call of `await NestFactory.create` (calleeOf)
  const callee = calleeOf(call);
  const method = callee?.type === 'member_expression' ? callee.childForFieldName('property')?.text : undefined;
  const [first, second] = callArguments(call);
  if (method === 'create') {
    if (callee!.childForFieldName('object')?.text === 'NestFactory' && first?.type === 'identifier')
      (facts.nestRoots ??= []).push(first.text);
  } else if (method === 'setGlobalPrefix' && first) {
    facts.globalPrefix = values.pathText(first);
    const exclude = second?.type === 'object' ? property(second, 'exclude') : undefined;
    if (exclude) facts.globalPrefixExclude = excludesOf(exclude);
  } else if (method === 'enableVersioning') {
    if (first && first.type !== 'object') {
      facts.uriVersioning = null;
      return;
    }
    const type = first ? property(first, 'type')?.text : 'VersioningType.URI';
    // enableVersioning() alone is URI versioning; options without a type version nothing by URI; a type read
    // from elsewhere may be URI or not
    if (type === undefined) return;
    if (!/(^|\.)URI$/.test(type)) {
      if (!/^VersioningType\.\w+$/.test(type)) facts.uriVersioning = null;
      return;
    }
    const prefix = first ? property(first, 'prefix') : undefined;
    const literal = prefix?.type === 'string' ? values.pathText(prefix) : undefined;
    const text = !prefix ? 'v' : prefix.type === 'false' ? '' : typeof literal === 'string' ? literal : undefined;
    if (text === undefined) {
      facts.uriVersioning = null;
      return;
    }
    const defaults = first ? property(first, 'defaultVersion') : undefined;
    facts.uriVersioning = { prefix: text, ...(defaults ? { defaults: versionsOf(defaults, values) } : {}) };
  }
}

/**
 * `exclude: ['health', { path: 'users/:id', method: RequestMethod.GET }]`; an entry the source computes is kept as
 * one that may match anything (`computed`), beside the others; null when the list itself is computed.
 */
function excludesOf(node: Node): NestExclude[] | null {
  if (node.type !== 'array') return null;
  const out: NestExclude[] = [];
  for (const item of node.namedChildren) {
    if (!item || item.type === 'comment') continue;
    const pathNode = item.type === 'object' ? property(item, 'path') : item;
    const method = item.type === 'object' ? property(item, 'method')?.text : undefined;
    const verb = method ? /^RequestMethod\.([A-Z]+)$/.exec(method)?.[1] : undefined;
    if (pathNode?.type !== 'string' || (method && !verb)) {
      if (!out.some((e) => e.computed)) out.push({ path: '', computed: true });
      continue;
    }
    const path = pathNode.text.slice(1, -1);
    out.push(verb && verb !== 'ALL' ? { path, methods: [verb] } : { path });
  }
  return out;
}
