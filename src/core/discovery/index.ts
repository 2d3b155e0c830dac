// Route discovery in two steps, so one edit re-parses one file:
//   1. extractRouteFacts: one file's tree → plain data (decorators, router objects, imports, prefixes)
//   2. linkRoutes: all files' facts → routes with every router/blueprint/mount prefix applied
import type { Route } from '../model';
import type { Node } from '../parsing/parser';
import type { WorkspaceFile } from '../workspace';
import { extractPythonRouteFacts, linkPythonRoutes, type PythonRouteFacts } from './python';
import { extractNodeRouteFacts, linkNodeRoutes, type NodeRouteFacts } from './node';

export type RouteFacts = { kind: 'python'; facts: PythonRouteFacts } | { kind: 'node'; facts: NodeRouteFacts };

export function extractRouteFacts(file: WorkspaceFile, root: Node): RouteFacts {
  return file.language === 'python'
    ? { kind: 'python', facts: extractPythonRouteFacts(file, root) }
    : { kind: 'node', facts: extractNodeRouteFacts(file, root) };
}

export function linkRoutes(files: ReadonlyArray<{ file: WorkspaceFile; facts: RouteFacts }>): Route[] {
  const python: Array<{ file: WorkspaceFile; facts: PythonRouteFacts }> = [];
  const node: Array<{ file: WorkspaceFile; facts: NodeRouteFacts }> = [];
  for (const { file, facts } of files) {
    if (facts.kind === 'python') python.push({ file, facts: facts.facts });
    else node.push({ file, facts: facts.facts });
  }
  return [...linkPythonRoutes(python), ...linkNodeRoutes(node)].sort(
    (a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line),
  );
}
