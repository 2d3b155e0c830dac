// Placeholder until Python discovery lands.
import type { Route } from '../../model';
import type { Node } from '../../parsing/parser';
import type { WorkspaceFile } from '../../workspace';

export type PythonRouteFacts = Record<string, never>;
export function extractPythonRouteFacts(_file: WorkspaceFile, _root: Node): PythonRouteFacts { return {}; }
export function linkPythonRoutes(_files: ReadonlyArray<{ file: WorkspaceFile; facts: PythonRouteFacts }>): Route[] { return []; }
