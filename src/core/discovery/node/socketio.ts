// socket.io: servers (`new Server(…)`, `require('socket.io')(httpServer)`), namespaces (`io.of('/admin')`) and the
// handlers the event loop runs for them: `io.on('connection', (socket) => …)` per connection, and
// `socket.on('event', handler)` / `socket.onAny(handler)` per event. They are listed apart from HTTP routes
// (`kind: 'event'`, method EVENT, the event name as the path, the namespace beside it).
import type { SyntaxNode as Node } from '../../lang/syntax';
import type { CallReader, ExtractContext, ObjectRecogniser } from './context';
import type { Text } from './facts';
import { importedValue } from './modules';

export const SOCKET_IO = 'socket.io';
/** The pseudo-method of socket.io event rows. */
export const EVENT = 'EVENT';
/** What a connection handler is listed as. */
export const CONNECTION_EVENTS = new Set(['connection', 'connect']);

export const socketIoObject: ObjectRecogniser = (value, facts) => {
  const callee =
    value.type === 'new_expression'
      ? value.childForFieldName('constructor')
      : value.type === 'call_expression'
        ? value.childForFieldName('function')
        : undefined;
  const bound = importedValue(callee, facts);
  if (bound?.spec !== SOCKET_IO) return undefined;
  // `new Server(…)`, `new io.Server(…)`; `require('socket.io')(server)` (the default export is a factory too)
  const server =
    bound.imported === 'Server' ||
    (value.type === 'call_expression' && bound.imported === 'default') ||
    (value.type === 'new_expression' && ['default', '*'].includes(bound.imported));
  return server ? { framework: SOCKET_IO, kind: 'app', prefix: '' } : undefined;
};

/**
 * `socket.on('event', handler)` and `socket.onAny(handler)` on a connection's socket; `io.on('connection', h)`
 * on a server or namespace (the socket parameter is bound by extract.ts before calls are read).
 */
export const readSocketIoCall: CallReader = (ctx, owner, method, args) => {
  const isSocket = !!owner.object.socket;
  if (method === 'onAny' && isSocket && args[0]) {
    const handler = ctx.handler(args[0], 'any event');
    if (handler) ctx.addRoute(owner, [EVENT], '*', handler);
    return;
  }
  if (method !== 'on' || args.length < 2) return;
  const name = eventName(args[0], ctx);
  if (name === undefined) return;
  if (!isSocket && !(typeof name === 'string' && CONNECTION_EVENTS.has(name))) return;
  const handler = ctx.handler(args[args.length - 1], `${typeof name === 'string' ? name : 'event'} handler`);
  if (handler) ctx.addRoute(owner, [EVENT], name, handler);
};

function eventName(node: Node, ctx: ExtractContext): Text | undefined {
  const text = ctx.text(node);
  if (text !== undefined) return text;
  // `socket.on(EVENTS.join, …)` with an unknown constant: kept, marked unresolved
  return ['identifier', 'member_expression', 'template_string'].includes(node.type) ? ctx.pathText(node) : undefined;
}
