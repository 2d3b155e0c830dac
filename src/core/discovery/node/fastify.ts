// Fastify: `Fastify()` apps, `X.METHOD(path, [opts], handler)`, `X.route({ method, url, handler })`,
// and `X.register(plugin, { prefix })` where routes declared on a plugin's first parameter get the prefix.
import type { Node } from '../../parsing/parser';
import type { CallReader, ObjectRecogniser } from './context';
import { packageOf } from './context';
import type { NodeRouteFacts } from './facts';
import { HTTP_METHODS } from './facts';
import { callArguments, property, requireSpec, stringList, stringValue } from './syntax';

export const fastifyObject: ObjectRecogniser = (value, facts) => {
  if (value.type !== 'call_expression') return undefined;
  const callee = value.childForFieldName('function');
  if (!callee) return undefined;
  const isFastify = requireSpec(callee) === 'fastify'
    || (callee.type === 'identifier' && (packageOf(callee.text, facts) === 'fastify' || (!facts.imports[callee.text] && ['Fastify', 'fastify'].includes(callee.text))))
    || (callee.type === 'member_expression' && requireSpec(callee.childForFieldName('object')) === 'fastify');
  return isFastify ? { framework: 'fastify', kind: 'app', prefix: '' } : undefined;
};

/** `fp(fn)` / `fastifyPlugin(fn)` → fn: the plugin shares its parent's scope and ignores `prefix`. */
export function unwrapFastifyPlugin(node: Node, facts: NodeRouteFacts): Node | undefined {
  if (node.type !== 'call_expression') return undefined;
  const callee = node.childForFieldName('function');
  if (callee?.type !== 'identifier') return undefined;
  const fromPackage = packageOf(callee.text, facts) === 'fastify-plugin' || (!facts.imports[callee.text] && ['fp', 'fastifyPlugin'].includes(callee.text));
  return fromPackage ? callArguments(node)[0] : undefined;
}

export const readFastifyCall: CallReader = (ctx, owner, method, args) => {
  if (HTTP_METHODS.has(method)) {
    const path = stringValue(args[0]);
    const last = args[args.length - 1];
    if (path === undefined || args.length < 2 || !last) return;
    // `fastify.get(path, { handler })` puts the handler in the options object.
    const handlerNode = last.type === 'object' ? property(last, 'handler') : last;
    const handler = handlerNode ? ctx.handler(handlerNode, `${method.toUpperCase()} ${path}`) : undefined;
    if (handler) ctx.addRoute(owner, [method.toUpperCase()], path, handler);
  } else if (method === 'route' && args[0]?.type === 'object') {
    const options = args[0];
    const methods = stringList(property(options, 'method'));
    const path = stringValue(property(options, 'url') ?? property(options, 'path'));
    const handlerNode = property(options, 'handler');
    if (!methods || path === undefined || !handlerNode) return;
    const handler = ctx.handler(handlerNode, `${methods.join(',').toUpperCase()} ${path}`);
    if (handler) ctx.addRoute(owner, methods.map((m) => m.toUpperCase()), path, handler);
  } else if (method === 'register' && args[0]) {
    const target = ctx.mountTarget(args[0]);
    const prefix = stringValue(property(args[1], 'prefix')) ?? '';
    if (target) ctx.addMount(owner, prefix, target.name, target.ignorePrefix);
  }
};
