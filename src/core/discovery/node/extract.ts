// One file's tree → NodeRouteFacts: objects the frameworks create, imports/exports, and every
// registration call read by the owning object's framework.
import type { Framework } from '../../model';
import type { SyntaxNode as Node } from '../../lang/syntax';
import type { CallReader, ExtractContext, ObjectRecogniser, Owner } from './context';
import { lastHandler } from './context';
import { NODE_ROUTE_METHODS } from '../../lang/shared/http';
import { readExpressCall, expressObject } from './express';
import {
  type ArgFact,
  type AttachTarget,
  emptyFacts,
  PARAM_METHOD,
  type HandlerFact,
  type HandlerRef,
  type NodeRouteFacts,
  type ObjectFact,
  type Text,
} from './facts';
import { fastifyObject, readFastifyCall, unwrapFastifyPlugin } from './fastify';
import { honoObject, readHonoCall } from './hono';
import { readHandlerLists } from './honox';
import { isKoaMount, koaObject, readKoaCall, routerOfRoutesCall } from './koa';
import {
  importedValue,
  readCommonJsExport,
  readEsmExport,
  readImport,
  readImportDestructure,
  readModulePath,
  readRequire,
} from './modules';
import { instanceOf, singletonAccessors } from './instances';
import { readAppSetup, readController, readModule, readRouterModule, readRouteTables } from './nestjs';
import { CONNECTION_EVENTS, readSocketIoCall, SOCKET_IO, socketIoObject } from './socketio';
import { callArguments } from '../../lang/node/literals';
import { dynamicImportSpecifier, requireSpecifier } from '../../lang/node/modules';
import { TYPE_ONLY } from '../../lang/node/typeSyntax';
import { nameRecord } from '../../lang/shared/records';
import { calleeOf, handlerOf, isFunction, stringList } from './syntax';
import { Constants } from './values';

/** Expressions that, as a route's first argument, can only be its path (known or not). */
const PATH_SHAPED = new Set([
  'identifier',
  'member_expression',
  'template_string',
  'binary_expression',
  'subscript_expression',
]);

const RECOGNISERS: ObjectRecogniser[] = [expressObject, fastifyObject, koaObject, honoObject, socketIoObject];
const READERS: Partial<Record<Framework, CallReader>> = {
  express: readExpressCall,
  fastify: readFastifyCall,
  koa: readKoaCall,
  hono: readHonoCall,
  [SOCKET_IO]: readSocketIoCall,
};

/**
 * A function's first parameter may be a Fastify instance (`register(plugin)`) or any app handed to
 * `routes(app)`; its framework is known only when linked, so read the shapes that do not clash:
 * Fastify's forms, Express `use(prefix, router)` and `route(path).get(h)`, Hono `route(prefix, app)` and `on()`,
 * koa-router's `register(path, methods, mw)`.
 */
const readPluginCall: CallReader = (ctx, owner, method, args) => {
  if (!routeLike(ctx, owner, method, args)) return;
  // `app.use(mount('/account', resource))`: an imported koa-mount, whatever app the function is handed
  if (method === 'use' && args.some((a) => isKoaMount(a, ctx.facts, true))) readKoaCall(ctx, owner, method, args);
  else if (method === 'use' || owner.path !== undefined) readExpressCall(ctx, owner, method, args);
  // `(socket) => socket.on('evt', h)`: kept as socket.io events, emitted only if a socket is what it is handed
  else if ((method === 'on' && args.length === 2) || method === 'onAny')
    readSocketIoCall(ctx, { ...owner, object: { ...owner.object, socket: true } }, method, args);
  else if ((method === 'route' && args.length === 2) || method === 'on' || method === 'openapi')
    readHonoCall(ctx, owner, method, args);
  // koa-router's `register(path, ['get', 'post'], mw)` (Fastify's register takes a plugin function)
  else if (method === 'register' && args.length >= 3 && args[1].type === 'array') readKoaCall(ctx, owner, method, args);
  else readFastifyCall(ctx, owner, method, args);
};

/**
 * Whether a call on a function's parameter can be a route registration: a parameter may be anything (a Redis
 * client's `client.get('session', cb)`, jQuery's `el.on('mouseenter', '[data-pid]', h)`), so a path written as
 * text must start with '/' or be '*', and `on()` must name HTTP methods.
 */
function routeLike(ctx: ExtractContext, owner: Owner, method: string, args: Node[]): boolean {
  const hono = method === 'on' && args.length > 2;
  if (hono && !stringList(args[0])?.every((m) => NODE_ROUTE_METHODS.has(m.toLowerCase()))) return false;
  const pathArg = hono ? args[1] : NODE_ROUTE_METHODS.has(method) && owner.path === undefined ? args[0] : undefined;
  if (!pathArg || pathArg.type === 'array') return true;
  const path = ctx.pathText(pathArg);
  const first = typeof path === 'string' ? path : path?.parts[0];
  return typeof first !== 'string' || first === '' || first.startsWith('/') || first.startsWith('*');
}

/** First arguments that may be an app or router discovery does not recognise (not a literal, not a function). */
const UNKNOWN_HANDED = new Set(['identifier', 'member_expression', 'new_expression', 'call_expression']);

/**
 * Calls that return their receiver, so `app.get(…).post(…)` / `app.use(a).use(b)` chains keep the owner;
 * Fastify's `register(a).register(b)`, `after()`, `addHook()` and `decorate*()` return the instance too.
 */
const CHAINING = new Set([
  ...NODE_ROUTE_METHODS,
  'use',
  'prefix',
  'on',
  'register',
  'after',
  'addHook',
  'decorate',
  'decorateRequest',
  'decorateReply',
]);

export function extractNodeRouteFacts(root: Node): NodeRouteFacts {
  const facts = emptyFacts();
  const functions = new Map<string, HandlerFact>();
  const aliases = new Map<string, string>(); // `const plugin = fp(fn)` → plugin's function key
  const fastifyPlugins = new Set<string>(); // function keys wrapped in fp()
  const exportedTexts = new Map<string, Text>(); // `module.exports.autoPrefix = '/x'`: texts exported under a key of their own
  const values = new Constants(root, facts);
  const calls: Array<{ call: Node; frame: Frame | undefined }> = [];
  /** Functions by the name they are declared or assigned to (`io.on('connection', onConnection)`). */
  const functionNodes = new Map<string, Node>();
  /** `const server = new Server()` / `Server.getInstance()`: names holding an instance of a class, by the class. */
  const instances = new Map<string, { cls: string; via?: string }>();
  /**
   * An object standing for one made elsewhere (see `ObjectFact.attachTo`), kept under `name` when `keep` (a mount
   * target, an export); a receiver's is kept only once a route or mount is read on it (`commit`), so the many calls
   * on imported modules (`utils.format()`) leave nothing in the facts.
   */
  const standIn = (name: string, attachTo: AttachTarget, keep: boolean): Owner => {
    const object = facts.objects[name] ?? { framework: 'fastify', kind: 'plugin', prefix: '', attachTo };
    if (keep) facts.objects[name] = object;
    return { name, object };
  };
  /** `const app = server.app`: names holding what an instance's field holds (a stand-in once used). */
  const heldFields = new Map<string, AttachTarget>();
  /**
   * `server.app`, `new Server().app`, `Server.getInstance().app`: the field of an instance of a class; with
   * `imported`, also of an imported name that may be one (`module.exports = new Server()` there: known when linked).
   */
  const instanceField = (node: Node, imported: boolean): AttachTarget | undefined => {
    const object = node.type === 'member_expression' ? node.childForFieldName('object') : undefined;
    const field = node.childForFieldName('property');
    if (!object || field?.type !== 'property_identifier') return undefined;
    const instance = object.type === 'identifier' ? instances.get(object.text) : instanceOf(object);
    if (instance) return { name: instance.cls, field: field.text, ...(instance.via ? { via: instance.via } : {}) };
    return imported && object.type === 'identifier' && facts.imports[object.text]
      ? { name: object.text, field: field.text, instance: true }
      : undefined;
  };
  /** A socket.io connection handler's node id → its socket parameter and the socket object's key. */
  const socketHandlers = new Map<number, { parameter: string; key: string }>();
  /** Function key → what it returns (a function, or a name that may be one): handler factories. */
  const returnedHandlers = new Map<string, Node>();
  /** Names bound to this module's exports object (`const helpers = module.exports`). */
  const exportObjects = new Set<string>();
  /** `const x = <chain>`: the chain's root node id → x (calls on the root belong to x). */
  const declaredChains = new Map<number, string>();

  /** A name for a function that may be a plugin or an exported handler: its declared name, else its position. */
  const keys = new Map<number, string>();
  const functionKey = (fn: Node): string => {
    let key = keys.get(fn.id);
    if (key === undefined) {
      const own = fn.type === 'function_declaration' ? fn.childForFieldName('name')?.text : undefined;
      const parent = own === undefined ? fn.parent : undefined;
      const declared = parent?.type === 'variable_declarator' ? parent.childForFieldName('name')?.text : undefined;
      keys.set(fn.id, (key = own ?? declared ?? `fn@${fn.startPosition.row + 1}:${fn.startPosition.column + 1}`));
    }
    return key;
  };

  /** The local name an exported or mounted value stands for. */
  /** The local object a call of a factory function in this file returns (`createRouter()` → `router`). */
  const factoryReturns = new Map<string, string>();
  /** Function key → what it returns that is not a name (`return new Hono()`), read only for factoryCalls. */
  const returnedValues = new Map<string, Node>();
  /** Functions called with a first argument not known as an app (see NodeRouteFacts.handedUnknown). */
  const handedUnknown = new Set<string>();
  /** `const app = createRouter()` declarations, matched with returnedValues after the walk. */
  const factoryCalls: Array<{ name: string; factory: string }> = [];
  /** The kind of object a function returns made in place (`return new Hono()`): each call makes another. */
  const madeByFactory = (returned: Node | undefined): ObjectFact | undefined => {
    if (returned?.type !== 'call_expression' && returned?.type !== 'new_expression') return undefined;
    if (chainRoot(returned) !== returned) return undefined;
    for (const recognise of RECOGNISERS) {
      const object = recognise(returned, facts, values);
      if (object) return object;
    }
    return undefined;
  };
  const factoryOf = (value: Node): string | undefined => {
    const callee = value.type === 'call_expression' ? value.childForFieldName('function') : undefined;
    const returned = callee?.type === 'identifier' ? factoryReturns.get(callee.text) : undefined;
    return returned !== undefined && facts.objects[returned] ? returned : undefined;
  };

  /** An app or router a framework constructor makes at `root` (a chain's start), keyed by where it is made. */
  const madeInPlace = (root: Node): Owner | undefined => {
    if (root.type !== 'call_expression' && root.type !== 'new_expression') return undefined;
    const declared = declaredChains.get(root.id);
    if (declared !== undefined && facts.objects[declared]) return { name: declared, object: facts.objects[declared] };
    for (const recognise of RECOGNISERS) {
      const object = recognise(root, facts, values);
      if (!object) continue;
      const key = `object@${root.startPosition.row + 1}:${root.startPosition.column + 1}`;
      facts.objects[key] = object;
      declaredChains.set(root.id, key);
      return { name: key, object };
    }
    return undefined;
  };

  const localOf = (value: Node): string | undefined => {
    if (value.type === 'identifier') return aliases.get(value.text) ?? value.text;
    // `export default new App().app`: what the instance's field holds
    const held = instanceField(value, false);
    if (held) return standIn(`${value.text}@held`, held, true).name;
    // `module.exports = new Server()`: an instance, whose fields other modules use
    const instance = instanceOf(value);
    if (instance) {
      const name = `new@${value.startPosition.row + 1}:${value.startPosition.column + 1}`;
      (facts.instances ??= nameRecord())[name] = instance;
      return name;
    }
    // `module.exports = router.routes()` (koa-router): the middleware that serves the router's routes
    const served = routerOfRoutesCall(value);
    if (served !== undefined) return aliases.get(served) ?? served;
    const made = factoryOf(value);
    if (made !== undefined) return made;
    // `export default Router().use('/api', api)`, `module.exports = express()`: an app or router made in place
    if (value.type === 'call_expression' || value.type === 'new_expression') {
      const made = madeInPlace(chainRoot(value));
      if (made) return made.name;
    }
    // a string known only at run time (`process.env.P || '/api'`) is still a string: a prefix, never middleware
    const text = values.text(value) ?? (values.stringLike(value) ? { parts: [{ unknown: value.text }] } : undefined);
    if (text !== undefined) {
      // `module.exports.autoPrefix = '/x'`: a constant exported under a name of its own.
      const key = `const@${value.startPosition.row + 1}:${value.startPosition.column + 1}`;
      exportedTexts.set(key, text);
      return key;
    }
    if (isFunction(value)) {
      const key = functionKey(value);
      if (!functions.has(key)) functions.set(key, handlerOf(value, exportedName(value) ?? key));
      return key;
    }
    const wrapped = unwrapFastifyPlugin(value, facts);
    if (wrapped && isFunction(wrapped)) {
      fastifyPlugins.add(functionKey(wrapped));
      return functionKey(wrapped);
    }
    if (wrapped?.type === 'identifier') {
      fastifyPlugins.add(aliases.get(wrapped.text) ?? wrapped.text);
      return aliases.get(wrapped.text) ?? wrapped.text;
    }
    return undefined;
  };

  /** `const admin = io.of('/admin')`: a socket.io namespace of a server in this file. */
  const declareNamespace = (name: string, value: Node): boolean => {
    const callee = value.type === 'call_expression' ? value.childForFieldName('function') : undefined;
    const base = callee?.type === 'member_expression' ? callee.childForFieldName('object') : undefined;
    const arg = value.type === 'call_expression' ? callArguments(value)[0] : undefined;
    if (callee?.childForFieldName('property')?.text !== 'of' || base?.type !== 'identifier' || !arg) return false;
    if (!isSocketServer(facts.objects[base.text])) return false;
    facts.objects[name] = { framework: SOCKET_IO, kind: 'router', prefix: values.pathText(arg) };
    facts.mounts.push({ owner: base.text, prefix: '', target: name });
    return true;
  };

  /** `io.of('/admin').on('connection', …)`: a namespace made in place, as the owner of the calls on it. */
  const namespaceInPlace = (call: Node, server: Owner, arg: Node): Owner => {
    const key = `of@${call.startPosition.row + 1}:${call.startPosition.column + 1}`;
    facts.objects[key] ??= { framework: SOCKET_IO, kind: 'router', prefix: values.pathText(arg) };
    if (!facts.mounts.some((m) => m.target === key)) facts.mounts.push({ owner: server.name, prefix: '', target: key });
    return { name: key, object: facts.objects[key] };
  };

  /** A class field holding a framework object (`this.app = express()`), by its fieldKey. */
  const declareField = (key: string, value: Node): void => {
    if (facts.objects[key]) return;
    for (const recognise of RECOGNISERS) {
      const object = recognise(chainRoot(value), facts, values);
      if (object) {
        facts.objects[key] = object;
        return;
      }
    }
  };

  const declare = (nameNode: Node, value: Node): void => {
    if (readRequire(nameNode, value, facts)) return;
    readImportDestructure(nameNode, value, facts);
    if (nameNode.type !== 'identifier') return;
    const name = nameNode.text;
    // `const helpers = module.exports`: what is assigned to its members is exported
    if (
      value.type === 'member_expression'
        ? value.text === 'module.exports'
        : value.type === 'identifier' && value.text === 'exports'
    )
      exportObjects.add(name);
    // `const slackRoute = createSlackRoute(config)`: the object the local factory returns
    const made = factoryOf(value);
    if (made !== undefined) {
      (facts.aliases ??= nameRecord())[name] = made;
      return;
    }
    // `export const tagsRouter = app`: another name for an object of this file
    if (value.type === 'identifier' && facts.objects[value.text]) {
      (facts.aliases ??= nameRecord())[name] = facts.aliases?.[value.text] ?? value.text;
      return;
    }
    // `const app = createRouter()`: a fresh object per call of a local factory returning one made in place (read
    // once the walk has seen the factory, which may be declared below)
    if (value.type === 'call_expression' && value.childForFieldName('function')?.type === 'identifier')
      factoryCalls.push({ name, factory: value.childForFieldName('function')!.text });
    if (isFunction(value)) {
      functions.set(name, handlerOf(value, name));
      functionNodes.set(name, value);
      return;
    }
    for (const recognise of RECOGNISERS) {
      const object = recognise(chainRoot(value), facts, values);
      if (object) {
        facts.objects[name] = object;
        return;
      }
    }
    const instance = instanceOf(value);
    if (instance) {
      instances.set(name, instance);
      return;
    }
    // `const app = server.app`: what the instance's field holds
    const held = instanceField(value, true);
    if (held) {
      heldFields.set(name, held);
      return;
    }
    // `const app = buildApp()` (or awaited), the factory imported: what that module's function returns, if an app
    const called = value.type === 'await_expression' ? value.namedChildren[0] : value;
    const factory = called?.type === 'call_expression' ? called.childForFieldName('function') : undefined;
    if (factory?.type === 'identifier' && facts.imports[factory.text])
      heldFields.set(name, { name: `${factory.text}()` });
    // `const v1 = app.basePath('/v1')`: a Hono view of `app` under a longer base path.
    const callee = value.type === 'call_expression' ? value.childForFieldName('function') : undefined;
    const base = callee?.type === 'member_expression' ? callee.childForFieldName('object') : undefined;
    const prefixArg = value.type === 'call_expression' ? callArguments(value)[0] : undefined;
    if (
      callee?.childForFieldName('property')?.text === 'basePath' &&
      base?.type === 'identifier' &&
      facts.objects[base.text]?.framework === 'hono' &&
      prefixArg
    ) {
      facts.objects[name] = { framework: 'hono', kind: 'router', prefix: values.pathText(prefixArg) };
      facts.mounts.push({ owner: base.text, prefix: '', target: name });
      return;
    }
    if (declareNamespace(name, value)) return;
    const wrapped = unwrapFastifyPlugin(value, facts);
    if (wrapped && isFunction(wrapped)) {
      aliases.set(name, functionKey(wrapped));
      fastifyPlugins.add(functionKey(wrapped));
      return;
    }
    // `const getUsers = catchAsync(async (req, res) => …)`: the wrapped function, where another module's route
    // names `getUsers` (the controller layout of most Express boilerplates)
    const inner = value.type === 'call_expression' ? wrappedFunction(value) : undefined;
    if (inner) {
      functions.set(name, handlerOf(inner, name));
      functionNodes.set(name, inner);
    }
  };

  /**
   * `routes.forEach((r) => router.use(r.path, r.route))` and `for (const r of routes) …` over a module constant
   * array literal: the calls inside are read once per item (`loops`, by the body's span).
   */
  const loops: Array<{ start: number; end: number; variable: string; items: Node[] }> = [];
  const readLoop = (node: Node, frame: Frame | undefined): void => {
    let over: Node | null | undefined;
    let variable: string | undefined;
    let body: Node | null | undefined;
    if (node.type === 'for_in_statement') {
      const left = node.childForFieldName('left');
      if (node.childForFieldName('operator')?.text !== 'of' || left?.type !== 'identifier') return;
      [over, variable, body] = [node.childForFieldName('right'), left.text, node.childForFieldName('body')];
    } else {
      const callee = node.childForFieldName('function');
      const fn = callArguments(node)[0];
      if (callee?.type !== 'member_expression' || callee.childForFieldName('property')?.text !== 'forEach') return;
      if (!fn || !isFunction(fn)) return;
      [over, variable, body] = [callee.childForFieldName('object'), firstParameter(fn), fn.childForFieldName('body')];
    }
    // A parameter of an enclosing function by the array's name is not the module constant
    for (let f = frame; f && over?.type === 'identifier'; f = f.up) if (f.parameters.includes(over.text)) return;
    const items = values.items(over);
    if (items && items.length <= MAX_LOOP_ITEMS && variable !== undefined && body)
      loops.push({ start: body.startIndex, end: body.endIndex, variable, items });
  };

  /**
   * One pre-order walk with an explicit stack (no recursion: minified bundles nest thousands deep), carrying
   * the enclosing functions so a call's receiver can be matched to a plugin's parameter without climbing
   * parents (each `parent` step costs the node's depth).
   */
  // Two parallel stacks rather than an object per node: the walk visits every node of the file.
  const stack: Node[] = [root];
  const frames: Array<Frame | undefined> = [undefined];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const frame = frames.pop();
    switch (node.type) {
      case 'variable_declarator': {
        const name = node.childForFieldName('name');
        let value = node.childForFieldName('value');
        // `var app = module.exports = express()`: the name is bound to the assigned value
        for (let i = 0; i < MAX_CHAIN && value?.type === 'assignment_expression'; i++)
          value = value.childForFieldName('right');
        const before = name?.type === 'identifier' ? facts.objects[name.text] : undefined;
        if (name && value) declare(name, value);
        if (before && facts.objects[name!.text] !== before) facts.objects[name!.text].ambiguous = true;
        if (name?.type === 'identifier' && value) declaredChains.set(chainRoot(value).id, name.text);
        break;
      }
      case 'function_declaration': {
        const name = node.childForFieldName('name');
        if (name) functions.set(name.text, handlerOf(node, name.text));
        if (name) functionNodes.set(name.text, node);
        break;
      }
      case 'return_statement': {
        // `function createSlackRoute() { const slack = new Hono(); …; return slack; }`: a factory of that object
        const returned = node.namedChildren.find((c) => c && c.type !== 'comment');
        if (frame && returned?.type === 'identifier') factoryReturns.set(functionKey(frame.fn), returned.text);
        else if (frame && returned) returnedValues.set(functionKey(frame.fn), returned);
        // `function getVideo() { return async (req, res) => … }`: a handler factory
        if (frame && returned) returnedHandlers.set(functionKey(frame.fn), returned);
        break;
      }
      case 'arrow_function': {
        // `const getVideo = () => async (req, res) => …`
        const body = node.childForFieldName('body');
        if (body && isFunction(body)) returnedHandlers.set(functionKey(node), body);
        // `const createRouter = () => new Hono()`
        else if (body) returnedValues.set(functionKey(node), body);
        break;
      }
      case 'import_statement':
        readImport(node, facts);
        break;
      case 'assignment_expression': {
        const left = node.childForFieldName('left');
        const right = node.childForFieldName('right');
        if (left && right) readCommonJsExport(left, right, facts, localOf, exportObjects);
        // `this.app = express()` in a class: the object its methods register on as `this.app`
        const field = left && thisField(left);
        if (field && right) declareField(field, right);
        break;
      }
      case 'public_field_definition':
      case 'field_definition': {
        // `app = express();` / `public app: Application = express();` in a class body: as `this.app`
        const name = node.childForFieldName('name') ?? node.childForFieldName('property');
        const value = node.childForFieldName('value');
        if (name?.type === 'property_identifier' && value) declareField(fieldKey(node, name.text), value);
        break;
      }
      case 'export_statement':
        readEsmExport(node, facts, localOf);
        break;
      case 'class_declaration': {
        const accessors = singletonAccessors(node);
        if (accessors.length > 0) (facts.singletons ??= nameRecord())[node.childForFieldName('name')!.text] = accessors;
        const controller = readController(node, values);
        if (controller?.routes.length) facts.controllers.push(controller);
        const module = readModule(node);
        if (module) (facts.nestModules ??= []).push(module);
        break;
      }
      case 'call_expression':
        calls.push({ call: node, frame });
        readLoop(node, frame);
        break;
      case 'for_in_statement':
        readLoop(node, frame);
        break;
    }
    const inner = isFunction(node) ? new Frame(node, frame) : frame;
    const children = node.namedChildren;
    for (let i = children.length - 1; i >= 0; i--) {
      // leaves (names, literals: half the nodes) declare, import, return or call nothing
      if (children[i].children.length === 0 || TYPE_ONLY.has(children[i].type)) continue;
      stack.push(children[i]);
      frames.push(inner);
    }
  }
  attachReturnedHandlers(functions, returnedHandlers);
  for (const [name, fn] of functions)
    if (name === '__proto__')
      Object.defineProperty(facts.functions, name, { value: fn, enumerable: true, writable: true });
    else facts.functions[name] = fn;
  for (const local of Object.values(facts.exports)) {
    const instance = instances.get(local);
    if (instance) (facts.instances ??= nameRecord())[local] = instance;
    // `export const app = server.app`: what importers resolve the name to
    const held = heldFields.get(local);
    if (held) standIn(local, held, true);
    const own = exportedTexts.get(local);
    if (own !== undefined) facts.constants[local] = own;
    else for (const [key, text] of values.exported(local)) facts.constants[key] = text;
  }

  const commit = (owner: Owner): void => {
    if (owner.object.kind !== 'plugin' || facts.objects[owner.name]) return;
    facts.objects[owner.name] = fastifyPlugins.has(owner.name) ? { ...owner.object, skipsPrefix: true } : owner.object;
  };

  /** `getVideo()`: the function a local or relatively imported factory returns (or the factory, returning none). */
  const factoryHandler = (callee: Node | null, fallback: string): HandlerFact | HandlerRef | undefined => {
    if (callee?.type !== 'identifier') return undefined;
    const factory = functions.get(callee.text);
    if (factory) return factory.returns ?? factory;
    return facts.imports[callee.text]?.spec.startsWith('.')
      ? { local: callee.text, fallback, called: true }
      : undefined;
  };

  /** A handler inside a wrapper's argument that is itself a call (`wrap(asyncHandler(fn))`): only one named or written there. */
  const wrappedIn = (node: Node, fallback: string): HandlerFact | HandlerRef | undefined => {
    if (requireSpecifier(node) !== undefined) return undefined;
    for (const arg of callArguments(node)) {
      const wrapped = arg.type === 'call_expression' ? wrappedIn(arg, fallback) : ctx.handler(arg, fallback);
      if (wrapped) return wrapped;
    }
    return factoryHandler(node.childForFieldName('function'), fallback);
  };

  const ctx: ExtractContext = {
    facts,
    text: (node) => values.text(node),
    stringLike: (node) => values.stringLike(node),
    pathText: (node) => values.pathText(node),
    objectLiteral: (node) => values.objectLiteral(node),
    routePath: (node) =>
      !node
        ? undefined
        : (values.text(node) ?? (PATH_SHAPED.has(node.type) && !isFunction(node) ? values.pathText(node) : undefined)),
    handler(node, fallback) {
      // `{ schema, handler }`: a shorthand property names the local function.
      // An imported name keeps where it is written: if it leads to no workspace function (a package's, or a form
      // discovery does not read), the route is served all the same and is shown there, never dropped.
      // a helper's parameter read for one call site: what that site passes
      const bound = node.type === 'identifier' ? values.boundTo(node.text) : undefined;
      if (bound && bound !== node) return ctx.handler(bound, fallback);
      if (node.type === 'identifier' || node.type === 'shorthand_property_identifier')
        return (
          functions.get(node.text) ??
          (facts.imports[node.text]
            ? { local: node.text, fallback, site: handlerOf(node, fallback) }
            : // a plugin function's parameter: what each call site passes, bound when linked
              parameterOfPlugin(node.text)
              ? { local: node.text, fallback, site: handlerOf(node, fallback), param: true }
              : undefined)
        );
      if (node.type === 'member_expression') {
        const object = node.childForFieldName('object');
        const member = node.childForFieldName('property')?.text;
        if (object?.type === 'identifier' && member && facts.imports[object.text])
          return { local: object.text, member, fallback, site: handlerOf(node, fallback) };
        // `path.posix.basename` (deeper into an import), `ctrl.get` on a local object (`const ctrl =
        // require('../controllers').tags`, `new UserController()`): no workspace function discovery follows, but
        // the route is served all the same: kept, shown where the handler is written
        return handlerOf(node, fallback);
      }
      // `asyncHandler(async (req, res) => …)`, `wrap(getUser)`: the wrapped function is the handler;
      // `getVideo()`: the local (or imported) factory that returns it
      if (node.type === 'call_expression' && requireSpecifier(node) === undefined) {
        // `passport.authenticate('google')`, a factory from a package or out of sight: the route is served all the
        // same, by a function made at start-up; it is kept, located at the call that makes it
        const site = handlerOf(node, fallback);
        const found = wrappedIn(node, fallback);
        return found && 'local' in found ? { ...found, site } : (found ?? site);
      }
      // A named function expression keeps its own name; anonymous ones are named after the route, as Express did.
      const own =
        node.type === 'function_expression' || node.type === 'function'
          ? node.childForFieldName('name')?.text
          : undefined;
      return isFunction(node) ? handlerOf(node, own ?? fallback) : undefined;
    },
    addRoute(owner, methods, path, handler) {
      commit(owner);
      facts.routes.push({ owner: owner.name, methods: methods.map((m) => (m === 'all' ? 'ALL' : m)), path, handler });
    },
    addMount(owner, prefix, target, ignorePrefix, autoload, orNone, parameter, args, member) {
      commit(owner);
      facts.mounts.push({
        owner: owner.name,
        prefix,
        target,
        ...(ignorePrefix ? { ignorePrefix } : {}),
        ...(autoload ? { autoload } : {}),
        ...(orNone ? { orNone } : {}),
        ...(parameter ? { parameter } : {}),
        ...(args ? { args } : {}),
        ...(member !== undefined ? { member } : {}),
      });
    },
    mountTarget(node) {
      const spec = requireSpecifier(node) ?? dynamicImportSpecifier(node);
      if (spec !== undefined) {
        const name = `require(${spec})`;
        facts.imports[name] = { spec, imported: 'default' };
        return { name, ignorePrefix: false };
      }
      // `this.admin`: a router a class field holds
      const field = thisField(node);
      if (field !== undefined && facts.objects[field]) return { name: field, ignorePrefix: false };
      // `new Api().router`, `api.router` for `api = new Api()`: what the class keeps there
      const held = node.type === 'identifier' ? heldFields.get(node.text) : instanceField(node, false);
      if (held) return { name: standIn(`${node.text}@held`, held, true).name, ignorePrefix: false };
      // `api.router` / `require('./api').router`: a router another module exports by name.
      if (node.type === 'member_expression') {
        // `route.route` in a loop over `[{ path: '/auth', route: authRoute }, …]`: what the item holds
        const held = values.memberValue(node);
        if (held && held.type !== 'member_expression') return ctx.mountTarget(held);
        const member = importedValue(node, facts);
        // `api.router` for `import { api } from './api'`: a field of the instance that module may export
        const ofInstance = member ? undefined : instanceField(node, true);
        if (ofInstance) return { name: standIn(`${node.text}@held`, ofInstance, true).name, ignorePrefix: false };
        if (!member) return undefined;
        const name = `${member.spec}#${member.imported}`;
        facts.imports[name] = member;
        return { name, ignorePrefix: false };
      }
      const wrapped = unwrapFastifyPlugin(node, facts);
      const name = localOf(wrapped ?? node);
      if (name) return { name, ignorePrefix: !!wrapped };
      // `mount('/api', initApis())`: the object the imported function returns (its module's `returns`)
      const callee = node.type === 'call_expression' ? node.childForFieldName('function') : undefined;
      // `use('/api/v3/users', require('./users')())`: what the module's default function returns
      const required = callee ? requireSpecifier(callee) : undefined;
      if (required !== undefined) {
        facts.imports[`require(${required})`] = { spec: required, imported: 'default' };
        return { name: `require(${required})()`, ignorePrefix: false };
      }
      return callee?.type === 'identifier' && facts.imports[callee.text]
        ? { name: `${callee.text}()`, ignorePrefix: false }
        : undefined;
    },
  };

  /**
   * The object a call's receiver is: a plugin's first parameter, a module object, or a chain on either
   * (`app.route('/p').get(…)`, `new Hono().get(…)` declared as `const posts = …`). Read down the chain
   * without recursion, then back up through the calls between, each of which must return its receiver.
   */
  const owners = new Map<number, Owner | undefined>(); // by call node id: each link of a long chain is read once
  const ownerOf = (start: Node, frame: Frame | undefined): Owner | undefined => {
    const between: Node[] = [];
    let node = start;
    let base: Owner | undefined;
    for (;;) {
      if (between.length > MAX_CHAIN) return undefined;
      if (owners.has(node.id)) {
        base = owners.get(node.id);
        break;
      }
      const declared =
        node.type === 'new_expression' || node.type === 'call_expression' ? declaredChains.get(node.id) : undefined;
      if (declared !== undefined && facts.objects[declared]) {
        base = { name: declared, object: facts.objects[declared] };
        break;
      }
      if (node.type === 'identifier') {
        base = namedOwner(node.text, frame);
        break;
      }
      const field = thisField(node);
      if (field !== undefined && facts.objects[field]) {
        base = { name: field, object: facts.objects[field] };
        break;
      }
      // `exports.expressCreateServer = (hookName, args) => { args.app.get(…) }`
      const hooked = node.type === 'member_expression' ? laterParameterMember(node, frame) : undefined;
      if (hooked) {
        base = hooked;
        break;
      }
      const callee = node.type === 'call_expression' ? node.childForFieldName('function') : undefined;
      const object = callee?.type === 'member_expression' ? callee.childForFieldName('object') : undefined;
      // `new Koa().use(router.routes()).listen(3000)`, `express().get(…)`: an app made in place, at the chain's root
      if (!object && between.length > 0) base = madeInPlace(node);
      if (!object) break; // a receiver that is none of them: every link of the chain is none either
      between.push(node);
      node = object;
    }
    for (let i = between.length - 1; i >= 0; i--) {
      if (!base) {
        owners.set(between[i].id, undefined);
        continue;
      }
      base = chainStep(base, between[i]);
      owners.set(between[i].id, base);
    }
    return base;
  };

  /** An exported hook's app, a member of a parameter after its first: the owner of the calls on it. */
  const hookOwner = (f: Frame, position: number, member: string): Owner => ({
    name: `${functionKey(f.fn)}@${position}.${member}`,
    object: { framework: 'fastify', kind: 'plugin', prefix: '', hook: true },
  });

  /** `args.app` with `args` a parameter after the first of an exported function around. */
  const laterParameterMember = (node: Node, frame: Frame | undefined): Owner | undefined => {
    const object = node.childForFieldName('object');
    const property = node.childForFieldName('property');
    if (object?.type !== 'identifier' || property?.type !== 'property_identifier') return undefined;
    for (let f = frame; f; f = f.up) {
      const position = f.parameters.indexOf(object.text);
      if (position === 0) return undefined;
      if (position > 0) return exportedFunction(f.fn) ? hookOwner(f, position, property.text) : undefined;
    }
    return undefined;
  };

  /** The object a plain name is in the function around: a plugin's parameter, or a module object. */
  const namedOwner = (text: string, frame: Frame | undefined): Owner | undefined => {
    const name = facts.objects[text] ? text : facts.aliases?.[text];
    return (
      pluginParameter(text, frame) ??
      (name !== undefined && facts.objects[name] ? { name, object: facts.objects[name] } : undefined)
    );
  };

  /**
   * A receiver made elsewhere (`attachTo`): an imported name (`const app = require('./app')`), an instance's field
   * (`server.app`) or a name holding one. Calls on it are read as on a plugin's parameter, whose framework is the
   * object's, known when linked; a name a function around declares as its parameter is that parameter instead.
   */
  const heldOwner = (node: Node, frame: Frame | undefined): Owner | undefined => {
    const base = node.type === 'member_expression' ? node.childForFieldName('object') : node;
    if (base?.type === 'identifier')
      for (let f = frame; f; f = f.up) if (f.parameters.includes(base.text)) return undefined;
    const attachTo =
      node.type === 'identifier'
        ? (heldFields.get(node.text) ?? (facts.imports[node.text] ? { name: node.text } : undefined))
        : instanceField(node, true);
    return attachTo ? standIn(`${node.text}@held`, attachTo, false) : undefined;
  };

  /**
   * The owner after one call of a chain on `base`: Express `route(p)` narrows it to a path, socket.io `of(ns)` is a
   * namespace, calls that return their receiver keep it; any other call ends the chain.
   */
  const chainStep = (base: Owner, call: Node): Owner | undefined => {
    const method = call.childForFieldName('function')?.childForFieldName('property')?.text ?? '';
    const args = callArguments(call);
    if (
      method === 'route' &&
      (base.object.framework === 'express' || base.object.kind === 'plugin') &&
      base.path === undefined &&
      args.length === 1
    )
      return { ...base, path: values.pathText(args[0]) };
    if (method === 'of' && isSocketServer(base.object) && args[0]) return namespaceInPlace(call, base, args[0]);
    return CHAINING.has(method) ? base : undefined;
  };

  /**
   * `routes(app)` / `require('./routes')(app)`: the function declares routes on the app it is handed (its first
   * argument); `registerOrderHandlers(io, socket)`: a connection's socket handed at any position.
   */
  const handArguments = (callee: Node, args: Node[], frame: Frame | undefined): void => {
    // `routes.reload({ router })`: a function another module exports, called through the module
    if (callee.type === 'member_expression' && args[0]?.type === 'object' && importedValue(callee, facts))
      return handMembers(callee, args[0], frame);
    // `require('./sign-in').register(router)`, `signIn.register(router)`: a function another module exports as a member
    const exportedMember = callee.type === 'member_expression' && importedValue(callee, facts) !== undefined;
    if (callee.type !== 'identifier' && requireSpecifier(callee) === undefined && !exportedMember) return;
    // `initAuth(this.app)`: a field holding an app is that app, as a name is
    const owners = args.map((arg) =>
      arg.type === 'identifier' || thisField(arg) !== undefined ? ownerOf(arg, frame) : undefined,
    );
    // a function of the workspace (imported, required or declared here) handed something not known as an app
    const first = args[0];
    const workspaceFunction =
      callee.type !== 'identifier' || facts.imports[callee.text] !== undefined || functionNodes.has(callee.text);
    if (first && !owners[0] && workspaceFunction && UNKNOWN_HANDED.has(first.type)) {
      const target = ctx.mountTarget(callee);
      if (target) handedUnknown.add(target.name);
    }
    args.forEach((arg, position) => {
      const handed = owners[position];
      if (!handed || (position > 0 && !handed.object.socket)) return;
      const target = ctx.mountTarget(callee);
      const handedArgs = position === 0 && args.length > 1 ? args.map(argFact) : undefined;
      if (target) ctx.addMount(handed, '', target.name, false, undefined, false, position, handedArgs);
    });
  };

  /** `reload({ router: router })` / `setup({ app })`: each app or router handed as a member of the first argument. */
  const handMembers = (callee: Node, object: Node, frame: Frame | undefined): void => {
    for (const p of object.namedChildren) {
      const key = p.type === 'pair' ? p.childForFieldName('key') : p;
      const value = p.type === 'pair' ? p.childForFieldName('value') : p;
      if (!key || value?.type !== (p.type === 'pair' ? 'identifier' : 'shorthand_property_identifier')) continue;
      if (key.type !== 'property_identifier' && key.type !== 'shorthand_property_identifier') continue;
      const handed = namedOwner(value.text, frame);
      const target = handed ? ctx.mountTarget(callee) : undefined;
      if (handed && target) ctx.addMount(handed, '', target.name, false, undefined, false, 0, undefined, key.text);
    }
  };

  /** What a call site hands a plugin function at one position: a text, a handler, or neither. */
  const argFact = (arg: Node): ArgFact => {
    if (arg.type === 'array' || arg.type === 'object') return null;
    const text = values.text(arg) ?? (values.stringLike(arg) ? values.pathText(arg) : undefined);
    if (typeof text === 'string') return { text };
    // an inline function is named after its route when linked ('')
    const handler = ctx.handler(arg, isFunction(arg) ? '' : arg.text);
    return text !== undefined || handler
      ? { ...(text !== undefined ? { text } : {}), ...(handler ? { handler } : {}) }
      : null;
  };

  /** A socket.io socket handed to a function as a parameter after the first: `(io, socket) => …`. */
  const laterParameter = (name: string, frame: Frame | undefined): Owner | undefined => {
    for (let f = frame; f; f = f.up) {
      const position = f.parameters.indexOf(name);
      if (position < 0) continue;
      if (position === 0) return undefined;
      return {
        name: `${functionKey(f.fn)}@${position}`,
        object: { framework: SOCKET_IO, kind: 'plugin', prefix: '', socket: true },
      };
    }
    return undefined;
  };

  /** `io.on('connection', (socket) => …)`: `socket` in that function is a connection's socket, mounted on `io`. */
  const bindSocket = (call: Node, frame: Frame | undefined): void => {
    const callee = call.childForFieldName('function');
    const object = callee?.type === 'member_expression' ? callee.childForFieldName('object') : undefined;
    if (!object || callee?.childForFieldName('property')?.text !== 'on') return;
    const [event, handler] = callArguments(call);
    const owner = ownerOf(object, frame);
    if (!owner || !isSocketServer(owner.object) || !CONNECTION_EVENTS.has(values.text(event) as string)) return;
    const fn = handler?.type === 'identifier' ? functionNodes.get(handler.text) : handler;
    const parameter = fn && isFunction(fn) ? firstParameter(fn) : undefined;
    if (!fn || parameter === undefined || socketHandlers.has(fn.id)) return;
    const key = `socket@${fn.startPosition.row + 1}:${fn.startPosition.column + 1}`;
    facts.objects[key] = { framework: SOCKET_IO, kind: 'router', prefix: '', socket: true };
    facts.mounts.push({ owner: owner.name, prefix: '', target: key });
    socketHandlers.set(fn.id, { parameter, key });
  };

  /** The object a function's first parameter defaults to, when a framework constructor makes it (one per function). */
  const defaultObject = (fn: Node): Owner | undefined => {
    const value = firstParameterDefault(fn);
    if (!value) return undefined;
    const name = `${functionKey(fn)}#default`;
    if (facts.objects[name]) return { name, object: facts.objects[name] };
    for (const recognise of RECOGNISERS) {
      const object = recognise(value, facts, values);
      if (object) return { name, object: (facts.objects[name] = object) };
    }
    return undefined;
  };

  /** `async function routes(fastify) { fastify.get(…) }`: the receiver is an enclosing function's first parameter. */
  const pluginParameter = (name: string, frame: Frame | undefined): Owner | undefined => {
    for (let f = frame; f; f = f.up) {
      // `exports.expressCreateServer = (hookName, { app }) => …`: an exported hook's app, handed by name
      const later = f.parameters.includes(name) ? undefined : f.laterMembers[name];
      if (later && exportedFunction(f.fn)) return hookOwner(f, later.position, later.member);
      // `({ router }) => …`, `(params) => { const { router } = params; … }`: a member of what is handed
      const member = f.parameter === name ? undefined : f.firstMembers[name];
      if (member !== undefined && !injectedModules(f.fn))
        return {
          name: `${functionKey(f.fn)}.${member}`,
          object: { framework: 'fastify', kind: 'plugin', prefix: '' },
        };
      if (f.parameter !== name) continue;
      // `define(['api'], function (api) { api.get('/api/users', …) })`: an AMD module, a client of the server
      if (injectedModules(f.fn)) return undefined;
      // `io.on('connection', (socket) => socket.on(…))`: the connection's socket
      const socket = socketHandlers.get(f.fn.id);
      if (socket) return { name: socket.key, object: facts.objects[socket.key] };
      // `function init(app: Koa = new Koa())`: the app its default makes, whatever callers hand in
      const made = defaultObject(f.fn);
      if (made) return made;
      return {
        name: functionKey(f.fn),
        object: {
          framework: 'fastify',
          kind: 'plugin',
          prefix: '',
          ...(pluginShaped(f.fn) ? { pluginShaped: true } : {}),
          ...parametersOf(f.fn),
        },
      };
    }
    return undefined;
  };

  for (const [fn, returned] of factoryReturns)
    if (facts.objects[returned]) (facts.returns ??= nameRecord())[fn] = facts.aliases?.[returned] ?? returned;
  for (const { name, factory } of factoryCalls) {
    const made = facts.objects[name] ? undefined : madeByFactory(returnedValues.get(factory));
    if (made) facts.objects[name] = made;
  }

  // Connection handlers first: the calls on their socket parameter may come before the `io.on` that registers them.
  for (const { call, frame } of calls) bindSocket(call, frame);

  /** The functions around the call being read (a handler named by a parameter is bound per call site). */
  let reading: Frame | undefined;
  const sites = helperSites(calls, functionNodes);
  for (const { call, frame } of calls) {
    // In a loop over a constant array, once per item with the loop's variable bound to it
    const loop = loops.find((l) => call.startIndex >= l.start && call.endIndex <= l.end);
    if (loop) for (const item of loop.items) values.bound(loop.variable, item, () => readCall(call, frame));
    else if (!readPerSite(call, frame)) readCall(call, frame);
  }

  /**
   * `function page(name, controller) { app.get(name, controller) }` called as `page('/login', login)`: a call in a
   * helper that hands it its own parameters is read once per call site of the helper in this module, the
   * parameters bound to what that site passes (as a loop's variable is to each item). Whether it was.
   */
  function readPerSite(call: Node, frame: Frame | undefined): boolean {
    const found = frame && sites.get(frame.fn.id);
    if (!found) return false;
    // only a call on an app or router (`app.get(name, controller)`), and never on the helper's own parameter
    const callee = call.childForFieldName('function');
    const receiver = callee?.type === 'member_expression' ? callee.childForFieldName('object') : undefined;
    if (!receiver || !ownerOf(receiver, frame)) return false;
    const parameters = frame.parameters;
    const handsParameter = callArguments(call).some((a) => a.type === 'identifier' && parameters.includes(a.text));
    if (!handsParameter || (receiver?.type === 'identifier' && parameters.includes(receiver.text))) return false;
    for (const args of found) {
      const bind = (i: number, read: () => void): void => {
        const name = parameters[i];
        if (i >= parameters.length) read();
        else if (name === undefined || !args[i]) bind(i + 1, read);
        else values.bound(name, args[i], () => bind(i + 1, read));
      };
      bind(0, () => readCall(call, frame));
    }
    return true;
  }
  if (handedUnknown.size > 0) facts.handedUnknown = [...handedUnknown];
  reading = undefined; // module level: no parameter names a handler there
  readHandlerLists(root, facts, (node, fallback) => ctx.handler(node, fallback));
  const routeTables = readRouteTables(root, values);
  if (routeTables) facts.nestRouteTables = routeTables;
  return facts;

  /** `router[verb](path, …, handler)` with `router` and `verb` a plugin function's parameters: the method each call site passes. */
  function readMethodParameter(callee: Node, args: Node[], frame: Frame | undefined): void {
    const object = callee.childForFieldName('object');
    const index = callee.childForFieldName('index');
    const owner = object?.type === 'identifier' ? pluginParameter(object.text, frame) : undefined;
    if (!owner || owner.object.kind !== 'plugin' || index?.type !== 'identifier' || args.length < 2) return;
    if (!parameterOfPlugin(index.text)) return;
    const path = ctx.routePath(args[0]);
    const handler = path !== undefined ? lastHandler(ctx, args.slice(1), index.text, path) : undefined;
    if (path !== undefined && handler) ctx.addRoute(owner, [`${PARAM_METHOD}${index.text}`], path, handler);
  }

  /** Whether `name` is a parameter of a function around the call being read, after its first (the receiver). */
  function parameterOfPlugin(name: string): boolean {
    for (let f = reading; f; f = f.up) {
      const at = f.parameters.indexOf(name);
      if (at === 0) return false;
      if (at > 0 || f.fromEnd[name] !== undefined) return true;
    }
    return false;
  }

  function readCall(call: Node, frame: Frame | undefined): void {
    reading = frame;
    readModulePath(call, facts);
    readAppSetup(call, values, facts);
    const routerModule = readRouterModule(call, values, facts);
    if (routerModule !== undefined) (facts.nestRouterModules ??= []).push(routerModule);
    const callee = calleeOf(call);
    const object = callee?.type === 'member_expression' ? callee.childForFieldName('object') : undefined;
    const owner = object ? (ownerOf(object, frame) ?? heldOwner(object, frame)) : undefined;
    const method = callee?.childForFieldName('property')?.text ?? '';
    const args = callArguments(call);
    if (owner)
      (owner.object.kind === 'plugin' ? readPluginCall : READERS[owner.object.framework])?.(ctx, owner, method, args);
    else if (callee?.type === 'subscript_expression') readMethodParameter(callee, args, frame);
    else if ((method === 'on' || method === 'onAny') && object?.type === 'identifier') {
      // `module.exports = (io, socket) => { socket.on('order:create', h) }`: a socket handed in as a later parameter
      const handed = laterParameter(object.text, frame);
      if (handed) readSocketIoCall(ctx, handed, method, args);
    }
    // a stand-in may be a module of functions (`routes.reload({ router })`) as well as an app
    if (callee && (callee.type !== 'member_expression' || !owner || owner.object.attachTo))
      handArguments(callee, args, frame);
  }
}

/**
 * The functions around a node, innermost first, with each one's parameters, read when first asked: most functions'
 * are never asked about (only a call on a plain name, a loop or a socket looks), and reading them for every
 * function was a tenth of this walk.
 */
class Frame {
  private first: string | undefined | null = null;
  private all: Array<string | undefined> | undefined;
  private last: Record<string, number> | undefined;
  private members: Record<string, string> | undefined;
  private later: Record<string, { position: number; member: string }> | undefined;

  constructor(
    readonly fn: Node,
    readonly up: Frame | undefined,
  ) {}

  /** The first parameter's name, when it is a plain name. */
  get parameter(): string | undefined {
    if (this.first === null) this.first = firstParameter(this.fn);
    return this.first;
  }

  /** Every parameter bound to a plain name, by position (a socket handed on as `register(io, socket)`). */
  get parameters(): Array<string | undefined> {
    return (this.all ??= parameterNames(this.fn));
  }

  /** Names bound to members of the first parameter, by local name: `({ router })`, `const { router } = params`. */
  get firstMembers(): Record<string, string> {
    return (this.members ??= firstParameterMembers(this.fn));
  }

  /** For `...args`, the names its body takes from the end (`args[args.length - 1]`). */
  get fromEnd(): Record<string, number> {
    return (this.last ??= fromEndNames(this.fn));
  }

  /** Names destructured from parameters after the first (`(hookName, { app })`): local → position and member. */
  get laterMembers(): Record<string, { position: number; member: string }> {
    return (this.later ??= laterParameterMembers(this.fn));
  }
}

/** `(hookName, { app, router: r })` → app: 1.app, r: 1.router. */
function laterParameterMembers(fn: Node): Record<string, { position: number; member: string }> {
  const out = nameRecord<{ position: number; member: string }>();
  const params = fn.childForFieldName('parameters')?.namedChildren.filter((p) => p.type !== 'comment') ?? [];
  params.forEach((p, position) => {
    const pattern =
      p.type === 'required_parameter' || p.type === 'optional_parameter' ? p.childForFieldName('pattern') : p;
    if (position === 0 || pattern?.type !== 'object_pattern') return;
    for (const item of pattern.namedChildren) {
      if (item.type === 'shorthand_property_identifier_pattern') out[item.text] = { position, member: item.text };
      else if (item.type === 'pair_pattern') {
        const key = item.childForFieldName('key');
        const local = item.childForFieldName('value');
        if (key?.type === 'property_identifier' && local?.type === 'identifier')
          out[local.text] = { position, member: key.text };
      }
    }
  });
  return out;
}

/** `exports.x = fn`, `module.exports.x = fn`, `export const x = fn`, `export function x…`, `export default fn`. */
function exportedFunction(fn: Node): boolean {
  const parent = fn.parent;
  if (parent?.type === 'export_statement') return true;
  if (parent?.type === 'variable_declarator') return parent.parent?.parent?.type === 'export_statement';
  const left = parent?.type === 'assignment_expression' ? parent.childForFieldName('left') : undefined;
  const object = left?.type === 'member_expression' ? left.childForFieldName('object')?.text : undefined;
  return object === 'exports' || object === 'module.exports';
}

/** Local name → member of the first parameter, destructured in the signature or in the body's first statements. */
function firstParameterMembers(fn: Node): Record<string, string> {
  const out = nameRecord<string>();
  const first = fn.childForFieldName('parameters')?.namedChildren.find((p) => p.type !== 'comment');
  const pattern =
    first?.type === 'required_parameter' || first?.type === 'optional_parameter'
      ? first.childForFieldName('pattern')
      : first;
  const read = (object: Node) => {
    for (const p of object.namedChildren) {
      if (p.type === 'shorthand_property_identifier_pattern') out[p.text] = p.text;
      else if (p.type === 'pair_pattern') {
        const key = p.childForFieldName('key');
        const local = p.childForFieldName('value');
        if (key?.type === 'property_identifier' && local?.type === 'identifier') out[local.text] = key.text;
      }
    }
  };
  if (pattern?.type === 'object_pattern') read(pattern);
  const name = pattern?.type === 'identifier' ? pattern.text : undefined;
  const body = fn.childForFieldName('body');
  if (name !== undefined && body?.type === 'statement_block')
    for (const statement of body.namedChildren.slice(0, 8)) {
      if (statement.type !== 'lexical_declaration' && statement.type !== 'variable_declaration') continue;
      for (const d of statement.namedChildren) {
        const left = d.type === 'variable_declarator' ? d.childForFieldName('name') : undefined;
        const value = d.childForFieldName('value');
        if (left?.type === 'object_pattern' && value?.type === 'identifier' && value.text === name) read(left);
      }
    }
  return out;
}

/** A plugin function's parameters, as its object fact keeps them for binding call sites' arguments when linked. */
function parametersOf(fn: Node): Pick<ObjectFact, 'parameters' | 'fromEnd'> {
  const parameters = parameterNames(fn);
  const fromEnd = fromEndNames(fn);
  return {
    ...(parameters.length > 1 ? { parameters: parameters.map((p) => p ?? '') } : {}),
    ...(Object.keys(fromEnd).length ? { fromEnd } : {}),
  };
}

/** `(...args)`: the names its body takes from the end of args. */
function fromEndNames(fn: Node): Record<string, number> {
  const params = fn.childForFieldName('parameters')?.namedChildren.filter((p) => p.type !== 'comment') ?? [];
  const last = params[params.length - 1];
  const rest = last?.type === 'rest_pattern' ? last.namedChildren[0] : undefined;
  return rest?.type === 'identifier' && params.length === 1 ? restBindings(fn, rest.text).fromEnd : nameRecord();
}

/** Call sites of this module's named functions, by the function node's id: each one's arguments (64 at most). */
function helperSites(
  calls: ReadonlyArray<{ call: Node }>,
  functionNodes: ReadonlyMap<string, Node>,
): Map<number, Node[][]> {
  const out = new Map<number, Node[][]>();
  for (const { call } of calls) {
    const callee = call.childForFieldName('function');
    const fn = callee?.type === 'identifier' ? functionNodes.get(callee.text) : undefined;
    if (!fn) continue;
    const list = out.get(fn.id) ?? [];
    out.set(fn.id, list);
    list.push(callArguments(call));
  }
  for (const [id, list] of out) if (list.length > MAX_HELPER_SITES) out.delete(id);
  return out;
}

/** Handler factories: each function that returns a function (or a local function's name) records it as `returns`. */
function attachReturnedHandlers(functions: Map<string, HandlerFact>, returned: ReadonlyMap<string, Node>): void {
  for (const [key, value] of returned) {
    const factory = functions.get(key);
    if (!factory) continue;
    const inner = isFunction(value)
      ? handlerOf(value, value.childForFieldName('name')?.text ?? `${factory.name}()`)
      : value.type === 'identifier'
        ? functions.get(value.text)
        : undefined;
    if (inner) functions.set(key, { ...factory, returns: inner });
  }
}

/** A socket.io server or namespace (not a connection's socket). */
function isSocketServer(object: ObjectFact | undefined): boolean {
  return object?.framework === SOCKET_IO && !object.socket;
}

/** Longest `a.b().c()…` chain read for a receiver (a guard: each link is read once). */
const MAX_CHAIN = 100_000;
/** Items of a constant array a loop is read for, at most (Python's loops have the same bound). */
const MAX_LOOP_ITEMS = 1000;
/** A helper called from more sites than this is read once, its parameters unknown (a generated module). */
const MAX_HELPER_SITES = 64;

/** `new Hono().get(…).post(…)` → `new Hono()`: the value under calls that return their receiver. */
function chainRoot(value: Node): Node {
  let node = value;
  for (let i = 0; i < MAX_CHAIN; i++) {
    const callee = node.type === 'call_expression' ? node.childForFieldName('function') : undefined;
    const object = callee?.type === 'member_expression' ? callee.childForFieldName('object') : undefined;
    if (!object || !CHAINING.has(callee!.childForFieldName('property')?.text ?? '')) return node;
    node = object;
  }
  return node;
}

/** `this.app` → 'this.app' (the key a class field's object is kept under); undefined for anything else. */
function thisField(node: Node): string | undefined {
  if (node.type !== 'member_expression' || node.childForFieldName('object')?.type !== 'this') return undefined;
  const property = node.childForFieldName('property');
  return property?.type === 'property_identifier' ? fieldKey(node, property.text) : undefined;
}

/**
 * `Server#this.app`: a field by the class (or constructor function) whose `this` it is, so two classes of one
 * file keep their own `this.router`. Arrow functions keep the enclosing `this`; methods belong to their class.
 */
function fieldKey(at: Node, name: string): string {
  for (let n: Node | null = at.parent; n; n = n.parent) {
    if (n.type === 'class_declaration' || n.type === 'class' || n.type === 'abstract_class_declaration')
      return `${n.childForFieldName('name')?.text ?? ''}#this.${name}`;
    if (n.type === 'function_declaration' || n.type === 'function_expression' || n.type === 'function')
      return `${n.childForFieldName('name')?.text ?? ''}()#this.${name}`;
  }
  return `#this.${name}`;
}

/** `exports.list = async (req, res) => …` → 'list': the name a route in another module knows it by. */
function exportedName(fn: Node): string | undefined {
  const own = fn.childForFieldName('name')?.text;
  if (own) return own;
  const left = fn.parent?.type === 'assignment_expression' ? fn.parent.childForFieldName('left') : undefined;
  if (left?.type === 'member_expression') return left.childForFieldName('property')?.text;
  const pair = fn.parent?.type === 'pair' ? fn.parent.childForFieldName('key')?.text : undefined;
  return pair;
}

/**
 * The factory of an AMD module (`define(['api'], function (api) {…})`, `require(['api'], function (api) {…})`):
 * its parameters are the modules it depends on, browser code calling the server, never an app handed in.
 */
function amdFactory(fn: Node): boolean {
  const call = fn.parent?.type === 'arguments' ? fn.parent.parent : undefined;
  const callee = call?.type === 'call_expression' ? call.childForFieldName('function') : undefined;
  if (callee?.type !== 'identifier') return false;
  if (callee.text === 'define') return true;
  return (callee.text === 'require' || callee.text === 'requirejs') && callArguments(call!)[0]?.type === 'array';
}

/**
 * A function whose parameters a module loader or injector fills by name, browser code that calls the server:
 * an AMD factory, or AngularJS's inline array annotation (`['AuditFactory', '$scope', function (AuditFactory,
 * $scope) {…}]`: services, whose `get(params, callback)` is a request, not a route).
 */
function injectedModules(fn: Node): boolean {
  if (amdFactory(fn)) return true;
  const items = fn.parent?.type === 'array' ? fn.parent.namedChildren.filter((c) => c.type !== 'comment') : [];
  return (
    items.length > 1 &&
    items[items.length - 1] === fn &&
    items.slice(0, -1).every((c) => c.type === 'string' || c.type === 'template_string')
  );
}

/** `async (fastify, opts) => …` or `function (fastify, opts, done)`: the two signatures Fastify accepts for a plugin. */
function pluginShaped(fn: Node): boolean {
  if (fn.children.some((c) => c?.type === 'async')) return true;
  return (fn.childForFieldName('parameters')?.namedChildren.filter((p) => p && p.type !== 'comment').length ?? 0) >= 3;
}

function parameterNames(fn: Node): Array<string | undefined> {
  const single = fn.childForFieldName('parameter');
  if (single) return [single.type === 'identifier' ? single.text : undefined];
  return (fn.childForFieldName('parameters')?.namedChildren ?? [])
    .filter((p) => p && p.type !== 'comment')
    .flatMap((p) => {
      if (p.type === 'identifier') return [p.text];
      const pattern =
        p.type === 'required_parameter' || p.type === 'optional_parameter' ? p.childForFieldName('pattern') : p;
      if (pattern?.type === 'identifier') return [pattern.text];
      // `(...[router, tenant]: RouterInitArgs)`: the array's names are the positions they take
      const rest = pattern?.type === 'rest_pattern' ? pattern.namedChildren[0] : undefined;
      if (rest?.type === 'array_pattern')
        return rest.namedChildren
          .filter((c) => c.type !== 'comment')
          .map((c) => (c.type === 'identifier' ? c.text : undefined));
      // `(...args) { const [router, name] = args; … }`: the same, written in the body
      if (rest?.type === 'identifier') return restBindings(fn, rest.text).positions;
      return [undefined];
    });
}

/**
 * What a function taking `...args` names its arguments in its body's first statements: `const [router, name] = args`
 * (by position) and `const controller = args[args.length - 1]` (by position from the end, 1 for the last).
 */
export function restBindings(
  fn: Node,
  rest: string,
): { positions: Array<string | undefined>; fromEnd: Record<string, number> } {
  const out = { positions: [] as Array<string | undefined>, fromEnd: nameRecord<number>() };
  const body = fn.childForFieldName('body');
  for (const statement of body?.type === 'statement_block' ? body.namedChildren.slice(0, 8) : []) {
    if (statement.type !== 'lexical_declaration' && statement.type !== 'variable_declaration') continue;
    for (const d of statement.namedChildren) {
      const name = d.type === 'variable_declarator' ? d.childForFieldName('name') : undefined;
      const value = d.childForFieldName('value');
      if (!name || value?.text === undefined) continue;
      if (name.type === 'array_pattern' && value.type === 'identifier' && value.text === rest && !out.positions.length)
        out.positions = name.namedChildren
          .filter((c) => c.type !== 'comment')
          .map((c) => (c.type === 'identifier' ? c.text : undefined));
      const name$ = rest.replace(/\$/g, '\\$');
      const fromEnd = new RegExp(`^${name$}\\[\\s*${name$}\\.length\\s*-\\s*(\\d)\\s*\\]$`).exec(value.text);
      if (name.type === 'identifier' && fromEnd && Number(fromEnd[1]) > 0) out.fromEnd[name.text] = Number(fromEnd[1]);
    }
  }
  if (!out.positions.length) out.positions = [undefined];
  return out;
}

/** `(app = new Koa())` (JavaScript) / `(app: Koa = new Koa())` (TypeScript): the first parameter's default. */
function firstParameterDefault(fn: Node): Node | undefined {
  const first = fn.childForFieldName('parameters')?.namedChildren.find((p) => p && p.type !== 'comment');
  if (first?.type === 'assignment_pattern') return first.childForFieldName('right') ?? undefined;
  return first?.type === 'required_parameter' || first?.type === 'optional_parameter'
    ? (first.childForFieldName('value') ?? undefined)
    : undefined;
}

function firstParameter(fn: Node): string | undefined {
  const single = fn.childForFieldName('parameter');
  if (single?.type === 'identifier') return single.text;
  const first = fn.childForFieldName('parameters')?.namedChildren.find((p) => p && p.type !== 'comment');
  if (first?.type === 'identifier') return first.text;
  if (first?.type === 'assignment_pattern' && first.childForFieldName('left')?.type === 'identifier')
    return first.childForFieldName('left')!.text;
  const pattern =
    first?.type === 'required_parameter' || first?.type === 'optional_parameter'
      ? first.childForFieldName('pattern')
      : undefined;
  if (pattern?.type === 'identifier') return pattern.text;
  return first && (pattern ?? first).type === 'rest_pattern' ? parameterNames(fn)[0] : undefined;
}

/**
 * The one function literal a wrapper call is given, through nested wrappers (`catchAsync(async (req, res) => …)`,
 * `wrap(auth(function (req, res) {…}))`); undefined when there is none, or more than one to choose from.
 */
function wrappedFunction(call: Node, depth = 0): Node | undefined {
  if (depth > 3 || requireSpecifier(call) !== undefined) return undefined;
  const found: Node[] = [];
  for (const arg of call.childForFieldName('arguments')?.namedChildren ?? []) {
    if (!arg) continue;
    const inner = isFunction(arg) ? arg : arg.type === 'call_expression' ? wrappedFunction(arg, depth + 1) : undefined;
    if (inner) found.push(inner);
  }
  return found.length === 1 ? found[0] : undefined;
}
