// Node route discovery (Express, Fastify, Koa with @koa/router, Hono, NestJS) in two steps:
// extract per-file facts (extract.ts, one reader per framework), then link them across files (link.ts).
import { syntaxOf } from '../../lang/syntax';
import type { Node } from '../../parsing/parser';
import type { WorkspaceFile } from '../../workspace';
import { extractNodeRouteFacts as extract } from './extract';
import type { NodeRouteFacts } from './facts';

export type { NodeRouteFacts } from './facts';
export { linkNodeRoutes } from './link';

/** Reads the file's plain syntax tree (shared with analysis, see lang/syntax.ts). */
export function extractNodeRouteFacts(_file: WorkspaceFile, root: Node): NodeRouteFacts {
  return extract(syntaxOf(root));
}
