// Fastify: `Fastify()` apps, `X.METHOD(path, [opts], handler)`, `X.route({ method, url, handler })`,
// and `X.register(plugin, { prefix })` where routes declared on a plugin's first parameter get the prefix.
import type { SyntaxNode as Node } from '../../lang/syntax';
import type { CallReader, ExtractContext, ObjectRecogniser } from './context';
import { packageOf, textLabel } from './context';
import type { AutoloadFact, NodeRouteFacts } from './facts';
import { NODE_ROUTE_METHODS } from '../../lang/shared/http';
import { importedValue } from './modules';
import { callArguments, stringValue } from '../../lang/node/literals';
import { requireSpecifier } from '../../lang/node/modules';
import { property, stringList } from './syntax';

export const fastifyObject: ObjectRecogniser = (value, facts) => {
  if (value.type !== 'call_expression') return undefined;
  const callee = value.childForFieldName('function');
  if (!callee) return undefined;
  const isFastify =
    requireSpecifier(callee) === 'fastify' ||
    (callee.type === 'identifier' &&
      (packageOf(callee.text, facts) === 'fastify' ||
        (!facts.imports[callee.text] && ['Fastify', 'fastify'].includes(callee.text)))) ||
    (callee.type === 'member_expression' && requireSpecifier(callee.childForFieldName('object')) === 'fastify');
  return isFastify ? { framework: 'fastify', kind: 'app', prefix: '' } : undefined;
};

/** `fp(fn)` / `fastifyPlugin(fn)` → fn: the plugin shares its parent's scope and ignores `prefix`. */
export function unwrapFastifyPlugin(node: Node, facts: NodeRouteFacts): Node | undefined {
  if (node.type !== 'call_expression') return undefined;
  const callee = node.childForFieldName('function');
  if (callee?.type !== 'identifier') return undefined;
  const fromPackage =
    packageOf(callee.text, facts) === 'fastify-plugin' ||
    (!facts.imports[callee.text] && ['fp', 'fastifyPlugin'].includes(callee.text));
  return fromPackage ? callArguments(node)[0] : undefined;
}

export const readFastifyCall: CallReader = (ctx, owner, method, args) => {
  if (NODE_ROUTE_METHODS.has(method)) {
    const path = ctx.routePath(args[0]);
    const last = args[args.length - 1];
    if (path === undefined || args.length < 2 || !last) return;
    // `fastify.get(path, { handler })` puts the handler in the options object.
    const handlerNode = last.type === 'object' ? property(last, 'handler') : last;
    const handler = handlerNode ? ctx.handler(handlerNode, `${method.toUpperCase()} ${textLabel(path)}`) : undefined;
    if (handler) ctx.addRoute(owner, [method.toUpperCase()], path, handler);
  } else if (method === 'route' && args[0]?.type === 'object') {
    const options = args[0];
    const methods = stringList(property(options, 'method'));
    const path = ctx.routePath(property(options, 'url') ?? property(options, 'path'));
    const handlerNode = property(options, 'handler');
    if (!methods || path === undefined || !handlerNode) return;
    const handler = ctx.handler(handlerNode, `${methods.join(',').toUpperCase()} ${textLabel(path)}`);
    if (handler)
      ctx.addRoute(
        owner,
        methods.map((m) => m.toUpperCase()),
        path,
        handler,
      );
  } else if (method === 'register' && args[0]) {
    // options written in place or held by a module constant (`const opts = { prefix: '/v2' }`)
    const options = ctx.objectLiteral(args[1]) ?? args[1];
    const autoload = autoloadOf(args[0], options, ctx);
    if (autoload) {
      ctx.addMount(owner, '', '', false, autoload);
      return;
    }
    const target = ctx.mountTarget(args[0]);
    // A `prefix` the source computes some other way is unknown (null), not ''.
    const prefixNode = property(options, 'prefix');
    const prefix = prefixNode ? ctx.pathText(prefixNode) : '';
    if (target) ctx.addMount(owner, prefix, target.name, target.ignorePrefix);
  }
};

const AUTOLOAD_PACKAGES = new Set(['@fastify/autoload', 'fastify-autoload']);

/**
 * `register(AutoLoad, { dir: path.join(__dirname, 'routes'), … })`: the options @fastify/autoload documents that
 * decide prefixes. Function-valued options (dirNameRoutePrefix rewriters, filters) are not followed.
 */
function autoloadOf(plugin: Node, options: Node | undefined, ctx: ExtractContext): AutoloadFact | undefined {
  const facts = ctx.facts;
  const bound = importedValue(plugin, facts);
  if (
    !bound ||
    !AUTOLOAD_PACKAGES.has(bound.spec) ||
    !['default', '*', 'fastifyAutoload', 'autoload'].includes(bound.imported)
  )
    return undefined;
  const dir = folderOf(property(options, 'dir'), facts);
  if (dir === undefined) return undefined;
  const flag = (key: string, otherwise: boolean) => {
    const value = property(options, key)?.type;
    return value === 'true' ? true : value === 'false' ? false : otherwise;
  };
  return {
    dir,
    prefix: optionsPrefix(property(property(options, 'options'), 'prefix'), ctx),
    dirNames: flag('dirNameRoutePrefix', true),
    routeParams: flag('routeParams', false),
    encapsulate: flag('encapsulate', true),
  };
}

/** Autoload's `options.prefix`: a literal or constant; unknown ones are left out (the folder prefixes still hold). */
function optionsPrefix(node: Node | undefined, ctx: ExtractContext): string {
  const text = node ? ctx.text(node) : undefined;
  return typeof text === 'string' ? text : '';
}

/**
 * A folder given relative to the module's own: `path.join(__dirname, 'routes')`, `resolve(__dirname, 'a', 'b')`,
 * `` `${__dirname}/routes` ``, `__dirname + '/routes'`, `fileURLToPath(new URL('./routes', import.meta.url))`.
 * Returns a relative posix path ('routes', '../routes', '').
 */
function folderOf(node: Node | undefined, facts: NodeRouteFacts): string | undefined {
  if (!node) return undefined;
  const isDirname = (n: Node | undefined) => n?.text === '__dirname' || n?.text === 'import.meta.dirname';
  const parts: string[] = [];
  if (node.type === 'call_expression') {
    const fn = importedValue(node.childForFieldName('function'), facts);
    const args = callArguments(node);
    if (
      fn &&
      ['path', 'node:path'].includes(fn.spec) &&
      ['join', 'resolve'].includes(fn.imported) &&
      isDirname(args[0])
    ) {
      for (const arg of args.slice(1)) {
        const part = stringValue(arg);
        if (part === undefined) return undefined;
        parts.push(part);
      }
    } else if (
      fn &&
      ['url', 'node:url'].includes(fn.spec) &&
      fn.imported === 'fileURLToPath' &&
      args[0]?.type === 'new_expression' &&
      args[0].childForFieldName('constructor')?.text === 'URL'
    ) {
      const [relative, base] = callArguments(args[0]);
      const part = stringValue(relative);
      if (part === undefined || base?.text !== 'import.meta.url') return undefined;
      parts.push(part);
    } else return undefined;
  } else if (node.type === 'template_string') {
    const [first, ...rest] = node.namedChildren;
    if (
      first?.type !== 'template_substitution' ||
      !isDirname(first.namedChildren[0] ?? undefined) ||
      !rest.every((c) => c?.type === 'string_fragment')
    )
      return undefined;
    parts.push(rest.map((c) => c.text).join(''));
  } else if (node.type === 'binary_expression' && isDirname(node.childForFieldName('left') ?? undefined)) {
    const part = stringValue(node.childForFieldName('right'));
    if (part === undefined) return undefined;
    parts.push(part);
  } else return undefined;
  const joined = parts
    .map((p) => p.replace(/\\/g, '/'))
    .join('/')
    .split('/')
    .filter((p) => p && p !== '.');
  const out: string[] = [];
  for (const part of joined) {
    if (part === '..' && out.length && out[out.length - 1] !== '..') out.pop();
    else out.push(part);
  }
  return out.join('/');
}
