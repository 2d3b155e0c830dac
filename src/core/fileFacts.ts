// What indexing one file produces: the file parsed once, then its route facts and code facts, each
// extractor on its own. A pure function of the file's path, language and text, so it runs wherever
// is free (the index's own thread or a worker of the extraction pool) with the same result, and
// its result is what the facts cache keeps by content hash.
import { extractCodeFacts } from './analysis';
import { extractRouteFacts } from './discovery';
import type { CachedFacts } from './factsCache';
import { parseDamage } from './parsing/damage';
import type { Parsers } from './parsing/parser';
import type { WorkspaceFile } from './workspace';
import { errorMessage as message } from './errors';

export function extractFileFacts(parsers: Parsers, file: WorkspaceFile, source: string): CachedFacts {
  let tree;
  try {
    tree = parsers.parse(file.language, source);
  } catch (err) {
    return { problem: `could not parse (its routes and findings are left out): ${message(err)}` };
  }
  // Each extractor on its own: one that fails on an odd construct costs its own facts, not the other's.
  const problems: string[] = [];
  // One root for every walk: a node's children and answers, once read, are shared by all of them.
  const root = tree.rootNode;
  const damage = parseDamage(root, source);
  if (damage) problems.push(damage);
  const attempt = <T>(what: string, extract: () => T): T | undefined => {
    try {
      return extract();
    } catch (err) {
      problems.push(`${what} left out: ${message(err)}`);
      return undefined;
    }
  };
  try {
    const routeFacts = attempt('routes', () => extractRouteFacts(file, root));
    const codeFacts = attempt('blocking-call analysis', () => extractCodeFacts(file, root, source));
    return { routeFacts, codeFacts, ...(problems.length ? { problem: problems.join('; ') } : {}) };
  } finally {
    tree.delete();
  }
}
