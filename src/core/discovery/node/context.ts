// The interface framework readers use to turn one registration call into route and mount facts.
import type { SyntaxNode as Node } from '../../lang/syntax';
import type { ArgFact, AutoloadFact, HandlerFact, HandlerRef, NodeRouteFacts, ObjectFact, Text } from './facts';
import type { Constants } from './values';
import { placeholder } from '../unresolved';

/** The object a call is made on; `path` is set inside Express `X.route('/p').get(…)` chains. */
export interface Owner {
  name: string;
  object: ObjectFact;
  path?: Text;
}

export interface ExtractContext {
  facts: NodeRouteFacts;
  /** A path or prefix argument's text (constants followed), undefined when it is computed otherwise. */
  text(node: Node | undefined): Text | undefined;
  /** The object literal an argument is or a module constant holds, through one call (`createRoute({ … })`). */
  objectLiteral(node: Node | undefined): Node | undefined;
  /** A path or prefix argument's text, unknown parts kept as such (see Constants.pathText). */
  pathText(node: Node): Text;
  /** A route's path argument: its text, or — for an expression that can only be a path (a name, member, template) — its text with unknown parts. */
  routePath(node: Node | undefined): Text | undefined;
  /** Whether an argument is written as a string, known or not (see Constants.stringLike). */
  stringLike(node: Node | undefined): boolean;
  /** The handler a route argument names: a local function by name, or an inline function (named `fallback`). */
  handler(node: Node, fallback: string): HandlerFact | HandlerRef | undefined;
  addRoute(owner: Owner, methods: string[], path: Text, handler: HandlerFact | HandlerRef): void;
  addMount(
    owner: Owner,
    prefix: Text | null,
    target: string,
    ignorePrefix?: boolean,
    autoload?: AutoloadFact,
    orNone?: boolean,
    parameter?: number,
    args?: ArgFact[],
    member?: string,
  ): void;
  /** The local name a mount argument stands for: an identifier, an inline plugin function, `fp(fn)`, `require('./x')`. */
  mountTarget(node: Node): { name: string; ignorePrefix: boolean } | undefined;
}

/** Reads `owner.method(...args)`; each framework has one. */
export type CallReader = (ctx: ExtractContext, owner: Owner, method: string, args: Node[]) => void;

/** What `const x = <value>` creates, if it is one of a framework's apps or routers. */
export type ObjectRecogniser = (value: Node, facts: NodeRouteFacts, values: Constants) => ObjectFact | undefined;

/** The route's handler is the last argument (middleware before it). */
export function lastHandler(
  ctx: ExtractContext,
  args: Node[],
  method: string,
  path: Text,
): HandlerFact | HandlerRef | undefined {
  const last = args[args.length - 1];
  return last ? ctx.handler(last, `${method.toUpperCase()} ${textLabel(path)}`) : undefined;
}

/** A text as the source shows it, for names: imported constants as `${NAME}`. */
export function textLabel(text: Text): string {
  return typeof text === 'string'
    ? text
    : text.parts
        .map((p) =>
          typeof p === 'string'
            ? p
            : 'unknown' in p
              ? placeholder(p.unknown)
              : `\${${p.member ? `${p.import}.${p.member}` : p.import}}`,
        )
        .join('');
}

/**
 * A `use([prefix,] …)` first argument: a known prefix, an unknown one (written as a string but computed: kept
 * with unknown parts), a path list, or none (it is middleware or the router). An imported name may be either.
 */
export function usePrefixes(
  ctx: ExtractContext,
  first: Node | undefined,
): { prefixes: Array<Text | null>; orNone: boolean } | undefined {
  if (!first) return undefined;
  // `use(['/a', '/b'], r)` mounts under each.
  if (first.type === 'array') {
    const items = first.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment');
    return { prefixes: items.map((i) => ctx.pathText(i)), orNone: false };
  }
  const text = ctx.text(first);
  if (text !== undefined) {
    const onlyImport =
      typeof text !== 'string' &&
      text.parts.length === 1 &&
      typeof text.parts[0] !== 'string' &&
      (first.type === 'identifier' || first.type === 'member_expression');
    return { prefixes: [text], orNone: onlyImport };
  }
  return ctx.stringLike(first) ? { prefixes: [ctx.pathText(first)], orNone: false } : undefined;
}

/** The package a local name was imported from ('' when it was not imported). */
export function packageOf(name: string, facts: NodeRouteFacts): string {
  return facts.imports[name]?.spec ?? '';
}
