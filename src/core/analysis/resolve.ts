// Name resolution shared by both languages. A value is described by a string:
//   'time.sleep'           a module attribute (a function, class or module)
//   'requests.Session#'    an instance of a known type (trailing '#')
//   'requests.Session#get' an attribute of such an instance
import type { ReturnTypes } from './catalog/types';
import type { CodeFacts, Span } from './facts';

export type Scope = Map<string, string>;

export function lookup(name: string, scopes: Scope[]): string | undefined {
  for (let i = scopes.length - 1; i >= 0; i--) {
    const v = scopes[i].get(name);
    if (v !== undefined) return v;
  }
  return undefined;
}

/**
 * Python: where a module's dotted name `rest` (its first segment, then the others) may be defined when the module does not define it
 * itself but imports it at module level: `from .recipe import Recipe` → 'pkg.recipe.Recipe', and every module a
 * `from m import *` reads. Candidates, in that order; linking keeps the first that resolves.
 */
export function reexported(facts: CodeFacts, rest: string): readonly string[] {
  // Asked for every module prefix of every name linking resolves: most modules re-export nothing, and those
  // answer without a string or an array
  if (!facts.reexports && !facts.reexportStars) return NO_NAMES;
  const dot = rest.indexOf('.');
  const head = dot < 0 ? rest : rest.slice(0, dot);
  const via = facts.reexports && Object.hasOwn(facts.reexports, head) ? facts.reexports[head] : undefined;
  const out = via === undefined ? [] : [dot < 0 ? via : via + rest.slice(dot)];
  for (const star of facts.reexportStars ?? []) out.push(`${star}.${rest}`);
  return out;
}

const NO_NAMES: readonly string[] = [];

export function member(base: string, attr: string): string {
  return base.endsWith('#') ? base + attr : `${base}.${attr}`;
}

/**
 * The '.' before index `dot` of a dotted name, -1 when none: `for (let dot = name.lastIndexOf('.'); dot >= 0; dot =
 * dotBefore(name, dot))` visits its module prefixes (`name.slice(0, dot)`) from the longest, as splitting it on '.'
 * and joining ever fewer parts would, without a string per part.
 */
export function dotBefore(name: string, dot: number): number {
  return dot > 0 ? name.lastIndexOf('.', dot - 1) : -1;
}

/** The value a call (or an annotation naming a type) produces: an instance of a known type, or nothing known. */
export function instanceOf(callee: string | undefined, returns: ReturnTypes): string | undefined {
  if (callee === undefined) return undefined;
  const t = Object.hasOwn(returns, callee) ? returns[callee] : wildcardReturn(callee, returns);
  return t ? `${t}#` : undefined;
}

/** Patterns ('*.objects.filter') by their literal last name ('filter'), compiled once per table. */
const wildcards = new WeakMap<ReturnTypes, Map<string, Array<{ re: RegExp; type: string }>>>();

function wildcardReturn(callee: string, returns: ReturnTypes): string | undefined {
  let byLast = wildcards.get(returns);
  if (!byLast) {
    byLast = new Map();
    for (const [pattern, type] of Object.entries(returns)) {
      if (!pattern.includes('*')) continue;
      const last = pattern.slice(Math.max(pattern.lastIndexOf('.'), pattern.lastIndexOf('#')) + 1);
      const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\#]/g, '\\$&').replace(/\*/g, '.*')}$`);
      (byLast.get(last) ?? byLast.set(last, []).get(last)!).push({ re, type });
    }
    wildcards.set(returns, byLast);
  }
  const candidates = byLast.get(callee.slice(Math.max(callee.lastIndexOf('.'), callee.lastIndexOf('#')) + 1));
  return candidates?.find((c) => c.re.test(callee))?.type;
}

/**
 * A call of (or an annotation with) a class-like name, `UserService` or `app.services.UserService`:
 * an instance of that class. Whether it is a workspace class is decided when linking, where
 * `UserService#load` is followed only into a method that class (or a base) defines.
 */
export function classInstance(callee: string | undefined): string | undefined {
  if (callee === undefined || callee.includes('#')) return undefined;
  return /^_?[A-Z]\w*[a-z]\w*$/.test(callee.slice(callee.lastIndexOf('.') + 1)) ? `${callee}#` : undefined;
}

/** Where a syntax node starts and ends: web-tree-sitter's `Node` and the plain `SyntaxNode` (src/core/lang/node) both say. */
export interface Positioned {
  startPosition: { row: number; column: number };
  endPosition: { row: number; column: number };
}

export function spanOf(node: Positioned): Span {
  return {
    line: node.startPosition.row + 1,
    column: node.startPosition.column + 1,
    endLine: node.endPosition.row + 1,
    endColumn: node.endPosition.column + 1,
  };
}

/**
 * The node's named children without nulls. Read-only: when there is no null (always, for a SyntaxNode) this is the
 * node's own array, not a copy (the fact walks call this on every node; a copy each time was a third of their garbage).
 */
export function named<N extends object>(node: { namedChildren: ReadonlyArray<N | null> }): N[] {
  return withoutNulls(node.namedChildren);
}

/** The node's children without nulls; read-only, as named(). */
export function children<N extends object>(node: { children: ReadonlyArray<N | null> }): N[] {
  return withoutNulls(node.children);
}

function withoutNulls<N extends object>(nodes: ReadonlyArray<N | null>): N[] {
  return nodes.includes(null) ? nodes.filter((c): c is N => c !== null) : (nodes as N[]);
}

/** Column just past the end of each line (1-based, exclusive), indexed by 0-based row. */
export function lineEnds(source: string): number[] {
  // by offsets, without a string per line (every file with a call pays this)
  const ends: number[] = [];
  for (let start = 0; ;) {
    const nl = source.indexOf('\n', start);
    const end = nl === -1 ? source.length : nl;
    ends.push(end > start && source.charCodeAt(end - 1) === 13 ? end - start : end - start + 1);
    if (nl === -1) return ends;
    start = nl + 1;
  }
}

export const MAX_ARGS_TEXT = 400;

/** What the walkers know about a call from where it sits (see CallFact). */
export const AWAITED = 1;
/** The first named child of these nodes is the object/function/value a prefix `await` would bind looser than. */
export const TIGHT = 2;
export const NO_AWAIT = 4;
/** A lambda handed to an offloading call (asyncio.to_thread, run_in_executor, …): its calls run off the loop. */
export const OFFLOADED = 8;
/** Inside `if _x is None: _x = …` on a global or an attribute: runs once, the first time (CallFact.once). */
export const ONCE = 16;
/** A coroutine call handed to a task spawner (CallFact.spawned). */
export const SPAWNED = 32;
export const TIGHT_PARENTS = new Set([
  'attribute',
  'call',
  'subscript',
  'member_expression',
  'call_expression',
  'subscript_expression',
  'new_expression',
]);

/**
 * Rule ids from the text after a suppression keyword: the leading run of ids (a reason may follow),
 * upper-cased; [] when the text does not start with one, so a misspelt id suppresses nothing rather than everything.
 */
export function ruleList(text: string): string[] {
  const ids: string[] = [];
  for (const token of text
    .replace(/^\s*:/, '')
    .split(/[\s,]+/)
    .filter(Boolean)) {
    if (!/^[A-Za-z]+[0-9]+$/.test(token)) break;
    ids.push(token.toUpperCase());
  }
  return ids;
}
