// Node module names and the names a module's imports bind (ESM `import`, CommonJS `require`, re-exports), read
// one way for route discovery (discovery/node/) and analysis (analysis/node-facts.ts) alike. Which workspace file
// a specifier means (relative paths, tsconfig `paths` aliases) is nodeImports/specifier.ts, also shared.
import * as posix from 'node:path/posix';
import type { SyntaxNode } from '../syntax';
import { callArguments, stringValue } from './literals';

/** `src/users/routes.ts` → `src/users/routes`: the module name analysis qualifies a file's functions with. */
export function nodeModule(path: string): string {
  return path.replace(/\.(m|c)?(j|t)sx?$/, '');
}

/**
 * The module name a specifier imported from `fromPath` stands for: './helpers' → the workspace module's name
 * (`src/helpers`); a package keeps its name, dotted ('fs', 'node:fs' → 'fs'; 'fs/promises' → 'fs.promises').
 */
export function specifierModule(spec: string, fromPath: string): string {
  if (isRelative(spec)) return nodeModule(posix.normalize(posix.join(posix.dirname(fromPath), spec)));
  return spec.replace(/^node:/, '').replace(/\//g, '.');
}

/** './x', '../x', '.': a file of the workspace, never a package. */
export function isRelative(spec: string): boolean {
  return spec.startsWith('.');
}

/**
 * One name an import binds: `imported` is 'default' (a default import, `require('m')` as a whole,
 * `{ default as x }`), '*' (`import * as x`) or the exported name (`{ a as x }`, `const { a: x } = require('m')`).
 */
export interface NodeImportBinding {
  local: string;
  spec: string;
  imported: string;
}

/** `require('x')` → 'x'; undefined for anything else, a computed specifier included. */
export function requireSpecifier(node: SyntaxNode | null | undefined): string | undefined {
  if (node?.type !== 'call_expression' || node.childForFieldName('function')?.text !== 'require') return undefined;
  return stringValue(callArguments(node)[0]);
}

/** `import('./routes')` → './routes'. */
export function dynamicImportSpecifier(node: SyntaxNode): string | undefined {
  return node.type === 'call_expression' && node.childForFieldName('function')?.type === 'import'
    ? stringValue(callArguments(node)[0])
    : undefined;
}

/**
 * An `import … from 'spec'` statement's specifier and the names it binds, in order; undefined for an import
 * that binds nothing by its form (`import './polyfill'`) or whose source is not a plain string.
 */
export function readImportStatement(stmt: SyntaxNode): { spec: string; bindings: NodeImportBinding[] } | undefined {
  const spec = stringValue(stmt.childForFieldName('source'));
  const clause = stmt.namedChildren.find((c) => c.type === 'import_clause');
  if (spec === undefined || !clause) return undefined;
  const bindings: NodeImportBinding[] = [];
  for (const part of clause.namedChildren) {
    if (part.type === 'identifier') bindings.push({ local: part.text, spec, imported: 'default' });
    else if (part.type === 'namespace_import') {
      const local = part.namedChildren.find((c) => c.type === 'identifier');
      if (local) bindings.push({ local: local.text, spec, imported: '*' });
    } else if (part.type === 'named_imports') {
      for (const item of part.namedChildren) {
        if (item.type !== 'import_specifier') continue;
        const name = item.childForFieldName('name')?.text;
        const local = item.childForFieldName('alias')?.text ?? name;
        if (name && local) bindings.push({ local, spec, imported: name });
      }
    }
  }
  return { spec, bindings };
}

/**
 * `const x = require('m')` and `const { a, b: c } = require('m')`: the specifier and the names bound; undefined
 * when the value is no `require` of a plain string. Other patterns (nested, defaults) bind nothing known.
 */
export function readRequire(
  pattern: SyntaxNode,
  value: SyntaxNode | null | undefined,
): { spec: string; bindings: NodeImportBinding[] } | undefined {
  // `const ctrl = require('../controllers').users`: the same binding as `const { users: ctrl } = require(…)`
  const member = value?.type === 'member_expression' ? value.childForFieldName('property')?.text : undefined;
  if (member !== undefined && pattern.type === 'identifier') {
    const of = requireSpecifier(value!.childForFieldName('object'));
    return of === undefined ? undefined : { spec: of, bindings: [{ local: pattern.text, spec: of, imported: member }] };
  }
  const spec = requireSpecifier(value);
  if (spec === undefined) return undefined;
  const bindings: NodeImportBinding[] = [];
  if (pattern.type === 'identifier') bindings.push({ local: pattern.text, spec, imported: 'default' });
  else if (pattern.type === 'object_pattern') {
    for (const item of pattern.namedChildren) {
      if (item.type === 'shorthand_property_identifier_pattern')
        bindings.push({ local: item.text, spec, imported: item.text });
      else if (item.type === 'pair_pattern') {
        const key = item.childForFieldName('key')?.text;
        const local = item.childForFieldName('value');
        if (key && local?.type === 'identifier') bindings.push({ local: local.text, spec, imported: key });
      }
    }
  }
  return { spec, bindings };
}

/** `export { a as b } from './m'`: the module exports `b`, which is `a` of './m'. */
export interface ReExport {
  exported: string;
  spec: string;
  imported: string;
}

/**
 * The names an `export { … } from 'spec'` statement re-exports; [] for any other export. Read by discovery; analysis
 * does not follow re-exports yet (a call through a barrel module stays unresolved there).
 */
export function readReExports(stmt: SyntaxNode): ReExport[] {
  const spec = stringValue(stmt.childForFieldName('source'));
  const clause = stmt.namedChildren.find((c) => c.type === 'export_clause');
  if (spec === undefined || !clause) return [];
  const out: ReExport[] = [];
  for (const item of clause.namedChildren) {
    if (item.type !== 'export_specifier') continue;
    const name = item.childForFieldName('name')?.text;
    const alias = item.childForFieldName('alias')?.text ?? name;
    if (name && alias) out.push({ exported: alias, spec, imported: name });
  }
  return out;
}
