// Which Python functions run per request, by reachability from the workspace's per-request roots (route
// handlers, their dependencies, router-level dependencies, handlers registered on a framework object, tasks
// started beside the server). Rule-independent: findings.ts place() gives the roots and the call graph.
//
// A call whose receiver is not resolved (`client.read_flow()` on a parameter without a type) may land in any
// workspace function of that name: such functions are "possibly" per request, and say so, rather than being
// dropped (blind) or reported as plainly reached (confidently wrong).
import type { FunctionFact } from './facts';
import type { FnRef } from './codeWorkspace';

export interface RequestGraph {
  /** The workspace functions a function's calls resolve to (calls, dependencies, background tasks). */
  targets(ref: FnRef): FnRef[];
  /** Functions run as part of this one without a call edge: nested functions, the wrappers of its decorators. */
  inner(ref: FnRef): FnRef[];
  /** Its method calls whose receiver is not resolved: the method's name and the call as written. */
  unresolved(ref: FnRef): Array<{ name: string; written: string }>;
  /** Async workspace functions with this name (functions and methods). */
  named(name: string): FnRef[];
}

export interface RequestReach {
  /** Reached from a root through resolved calls: the root's label ('GET /items'). */
  request: Map<FunctionFact, string>;
  /** Reached only through a call by name on an unresolved receiver: how ('GET /x via `obj.name()`'). */
  possibly: Map<FunctionFact, string>;
}

/** Walks from `roots` (label: how findings name the root) through resolved calls, then by name. */
export function reachFromRoots(roots: Array<{ ref: FnRef; label: string }>, graph: RequestGraph): RequestReach {
  const request = walk(roots, graph, new Map());
  // Names called on unresolved receivers in per-request code, each with the first call seen. One step only:
  // names called on unresolved receivers inside possibly reached code are not chased again (each step by name
  // multiplies the guesses; on prefect that chase pulled the SDK's runner and worker back in)
  const byName = new Map<string, string>();
  for (const [ref, label] of request.refs)
    for (const { name, written } of graph.unresolved(ref))
      if (!byName.has(name)) byName.set(name, `${label} via \`${written}()\``);
  const seeds: Array<{ ref: FnRef; label: string }> = [];
  for (const [name, note] of byName)
    for (const ref of graph.named(name)) if (!request.labels.has(ref.fn)) seeds.push({ ref, label: note });
  // What a possibly reached function calls (resolved) is possibly reached too, by the same note
  const possibly = walk(seeds, graph, request.labels).labels;
  return { request: request.labels, possibly };
}

function walk(
  roots: Array<{ ref: FnRef; label: string }>,
  graph: RequestGraph,
  seen: ReadonlyMap<FunctionFact, string>,
): { labels: Map<FunctionFact, string>; refs: Array<[FnRef, string]> } {
  const labels = new Map<FunctionFact, string>();
  const refs: Array<[FnRef, string]> = [];
  const stack = roots.map(({ ref, label }) => [ref, label] as [FnRef, string]).reverse();
  while (stack.length) {
    const [ref, label] = stack.pop()!;
    if (labels.has(ref.fn) || seen.has(ref.fn)) continue;
    labels.set(ref.fn, label);
    refs.push([ref, label]);
    for (const t of [...graph.targets(ref), ...graph.inner(ref)])
      if (!labels.has(t.fn) && !seen.has(t.fn)) stack.push([t, label]);
  }
  return { labels, refs };
}
