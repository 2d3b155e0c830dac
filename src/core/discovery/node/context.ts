// The interface framework readers use to turn one registration call into route and mount facts.
import type { Node } from '../../parsing/parser';
import type { AutoloadFact, HandlerFact, HandlerRef, NodeRouteFacts, ObjectFact } from './facts';

/** The object a call is made on; `path` is set inside Express `X.route('/p').get(…)` chains. */
export interface Owner { name: string; object: ObjectFact; path?: string }

export interface ExtractContext {
  facts: NodeRouteFacts;
  /** The handler a route argument names: a local function by name, or an inline function (named `fallback`). */
  handler(node: Node, fallback: string): HandlerFact | HandlerRef | undefined;
  addRoute(owner: Owner, methods: string[], path: string, handler: HandlerFact | HandlerRef): void;
  addMount(owner: Owner, prefix: string, target: string, ignorePrefix?: boolean, autoload?: AutoloadFact): void;
  /** The local name a mount argument stands for: an identifier, an inline plugin function, `fp(fn)`, `require('./x')`. */
  mountTarget(node: Node): { name: string; ignorePrefix: boolean } | undefined;
}

/** Reads `owner.method(...args)`; each framework has one. */
export type CallReader = (ctx: ExtractContext, owner: Owner, method: string, args: Node[]) => void;

/** What `const x = <value>` creates, if it is one of a framework's apps or routers. */
export type ObjectRecogniser = (value: Node, facts: NodeRouteFacts) => ObjectFact | undefined;

/** The route's handler is the last argument (middleware before it). */
export function lastHandler(ctx: ExtractContext, args: Node[], method: string, path: string): HandlerFact | HandlerRef | undefined {
  const last = args[args.length - 1];
  return last ? ctx.handler(last, `${method.toUpperCase()} ${path}`) : undefined;
}

/** The package a local name was imported from ('' when it was not imported). */
export function packageOf(name: string, facts: NodeRouteFacts): string {
  return facts.imports[name]?.spec ?? '';
}
