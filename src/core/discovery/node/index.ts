// Placeholder until Node discovery lands.
import type { Route } from '../../model';
import type { Node } from '../../parsing/parser';
import type { WorkspaceFile } from '../../workspace';

export type NodeRouteFacts = Record<string, never>;
export function extractNodeRouteFacts(_file: WorkspaceFile, _root: Node): NodeRouteFacts { return {}; }
export function linkNodeRoutes(_files: ReadonlyArray<{ file: WorkspaceFile; facts: NodeRouteFacts }>): Route[] { return []; }
