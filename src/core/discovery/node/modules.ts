// What a file imports and exports as discovery records it (NodeRouteFacts' `imports` / `exports`). The names an
// import, require or re-export binds are read by lang/node/modules.ts, shared with analysis; which workspace file a
// specifier means: src/core/nodeImports/specifier.ts.
import type { SyntaxNode as Node } from '../../lang/syntax';
import {
  readImportStatement,
  readReExports,
  readRequire as readRequireBindings,
  requireSpecifier,
} from '../../lang/node/modules';
import { stringValue } from '../../lang/node/literals';
import * as posixPath from 'node:path/posix';
import type { ImportFact, NodeRouteFacts } from './facts';

/**
 * The module member an expression stands for through its binding, whatever the local name:
 * `require('express')` → express's default export, `e.Router` (e = require('express') or
 * `import * as e`) → express's `Router`, `R` from `import { Router as R }` → express's `Router`.
 */
export function importedValue(node: Node | null | undefined, facts: NodeRouteFacts): ImportFact | undefined {
  if (!node) return undefined;
  if (node.type === 'identifier') return facts.imports[node.text];
  const spec = requireSpecifier(node);
  if (spec !== undefined) return { spec, imported: 'default' };
  if (node.type !== 'member_expression') return undefined;
  const object = node.childForFieldName('object');
  const member = node.childForFieldName('property')?.text;
  // One level only: `x.Router` where x is the module itself (its default or namespace).
  const base =
    object?.type === 'identifier'
      ? facts.imports[object.text]
      : requireSpecifier(object) !== undefined
        ? { spec: requireSpecifier(object)!, imported: 'default' }
        : undefined;
  return base && member && (base.imported === 'default' || base.imported === '*')
    ? { spec: base.spec, imported: member }
    : undefined;
}

/** Records the bindings of an `import` statement. */
export function readImport(node: Node, facts: NodeRouteFacts): void {
  for (const { local, spec, imported } of readImportStatement(node)?.bindings ?? [])
    facts.imports[local] = { spec, imported };
}

/** `const x = require('m')` and `const { a, b: c } = require('m')`. Returns true when it was a require. */
export function readRequire(name: Node, value: Node, facts: NodeRouteFacts): boolean {
  const required = readRequireBindings(name, value);
  for (const { local, spec, imported } of required?.bindings ?? []) facts.imports[local] = { spec, imported };
  return required !== undefined;
}

/**
 * `const { a, b: c } = helpers` where `helpers` is a module bound by require or import (its default or namespace):
 * `a` and `c` are that module's exports, as `require('./helpers')` destructured in place would bind them.
 */
export function readImportDestructure(name: Node, value: Node, facts: NodeRouteFacts): void {
  const base = name.type === 'object_pattern' && value.type === 'identifier' ? facts.imports[value.text] : undefined;
  if (!base || (base.imported !== 'default' && base.imported !== '*')) return;
  for (const p of name.namedChildren) {
    if (p.type === 'shorthand_property_identifier_pattern')
      facts.imports[p.text] = { spec: base.spec, imported: p.text };
    else if (p.type === 'pair_pattern') {
      const key = p.childForFieldName('key');
      const local = p.childForFieldName('value');
      if (key?.type === 'property_identifier' && local?.type === 'identifier')
        facts.imports[local.text] = { spec: base.spec, imported: key.text };
    }
  }
}

/**
 * `module.exports = x`, `module.exports = { a, b: c }`, `exports.a = x`, `module.exports.a = x`, and `helpers.a = x`
 * where `const helpers = module.exports` (`exportObjects`).
 * `localOf` names a value (an identifier, or a plugin function's key).
 */
export function readCommonJsExport(
  left: Node,
  right: Node,
  facts: NodeRouteFacts,
  localOf: (value: Node) => string | undefined,
  exportObjects: ReadonlySet<string>,
): void {
  const target = left.text;
  if (target === 'module.exports') {
    // `module.exports = require('./routes')`: this module is that one
    const required = requireSpecifier(right);
    if (required !== undefined) {
      (facts.exportAll ??= []).push({ spec: required, withDefault: true });
      return;
    }
    if (right.type === 'object') {
      for (const item of right.namedChildren) {
        if (item?.type === 'shorthand_property_identifier') facts.exports[item.text] = item.text;
        // `module.exports = { async get(ctx) { … } }`: a controller's methods, handlers by name
        if (item?.type === 'method_definition') {
          const key = item.childForFieldName('name')?.text;
          const local = key ? localOf(item) : undefined;
          if (key && local) facts.exports[key] = local;
        }
        if (item?.type === 'pair') {
          const key = item.childForFieldName('key')?.text;
          const value = item.childForFieldName('value');
          const local = value ? localOf(value) : undefined;
          if (key && local) facts.exports[key] = local;
        }
      }
      return;
    }
    const local = localOf(right);
    if (local) facts.exports.default = local;
    return;
  }
  const object = left.type === 'member_expression' ? (left.childForFieldName('object')?.text ?? '') : '';
  const named =
    object === 'exports' || object === 'module.exports' || exportObjects.has(object)
      ? left.childForFieldName('property')?.text
      : undefined;
  const local = localOf(right);
  if (named && local) facts.exports[named] = local;
}

/** `export default x`, `export default function f…`, `export const a = …`, `export function a…`, `export { a as b } [from './m']`. */
export function readEsmExport(node: Node, facts: NodeRouteFacts, localOf: (value: Node) => string | undefined): void {
  const isDefault = node.children.some((c) => c?.type === 'default');
  const value = node.childForFieldName('value');
  const declaration = node.childForFieldName('declaration');
  if (isDefault) {
    const local = value ? localOf(value) : declaration ? localOf(declaration) : undefined;
    if (local) facts.exports.default = local;
    return;
  }
  if (declaration) {
    const declared =
      declaration.type === 'lexical_declaration' || declaration.type === 'variable_declaration'
        ? declaration.namedChildren
            .filter((d) => d?.type === 'variable_declarator')
            .map((d) => d.childForFieldName('name')?.text)
        : [declaration.childForFieldName('name')?.text];
    for (const name of declared) if (name) facts.exports[name] = name;
    return;
  }
  // `export { a as b } from './m'` re-exports: bind the name to the other module as an import would.
  const reExports = readReExports(node);
  for (const { exported, spec, imported } of reExports) {
    facts.exports[exported] = `${spec}#${imported}`;
    facts.imports[`${spec}#${imported}`] = { spec, imported };
  }
  // `export * from './users'` (not `export * as users from`, a namespace under one name)
  const source = node.childForFieldName('source');
  const star = source && !node.namedChildren.some((c) => c.type === 'export_clause' || c.type === 'namespace_export');
  const spec = star ? stringValue(source) : undefined;
  if (spec !== undefined) (facts.exportAll ??= []).push({ spec, withDefault: false });
  if (reExports.length > 0 || source) return;
  const clause = node.namedChildren.find((c) => c.type === 'export_clause');
  for (const item of clause?.namedChildren ?? []) {
    if (item.type !== 'export_specifier') continue;
    const name = item.childForFieldName('name')?.text;
    const alias = item.childForFieldName('alias')?.text ?? name;
    if (name && alias) facts.exports[alias] = name;
  }
}

/**
 * app-module-path's `addPath(__dirname)` (also `path.join(__dirname, 'src')`, `path.resolve(…)`, `__dirname + '/src'`):
 * the folder, relative to this module's, that bare specifiers (`require('routes')`) are looked up in besides
 * node_modules. Recorded in `facts.modulePaths`; any other argument is not read.
 */
export function readModulePath(call: Node, facts: NodeRouteFacts): void {
  const bound = importedValue(call.childForFieldName('function'), facts);
  if (bound?.spec !== 'app-module-path' || bound.imported !== 'addPath') return;
  const arg = call.childForFieldName('arguments')?.namedChildren.find((a) => a.type !== 'comment');
  const folder = arg ? folderOfDirname(arg) : undefined;
  if (folder !== undefined) (facts.modulePaths ??= []).push(folder);
}

/** `__dirname` → '.', `path.join(__dirname, 'a', 'b')` → 'a/b', `__dirname + '/src'` → 'src'; undefined otherwise. */
function folderOfDirname(node: Node): string | undefined {
  if (node.type === 'identifier') return node.text === '__dirname' ? '.' : undefined;
  if (node.type === 'binary_expression' && node.childForFieldName('operator')?.text === '+') {
    const left = node.childForFieldName('left');
    const right = stringValue(node.childForFieldName('right'));
    return left?.text === '__dirname' && right !== undefined ? posixPath.normalize(`./${right}`) : undefined;
  }
  const callee = node.type === 'call_expression' ? node.childForFieldName('function') : undefined;
  const method = callee?.type === 'member_expression' ? callee.childForFieldName('property')?.text : undefined;
  if (method !== 'join' && method !== 'resolve') return undefined;
  const [first, ...rest] = node.childForFieldName('arguments')?.namedChildren.filter((a) => a.type !== 'comment') ?? [];
  const parts = rest.map((r) => stringValue(r));
  if (first?.text !== '__dirname' || parts.some((p) => p === undefined || p.startsWith('/'))) return undefined;
  return posixPath.normalize(posixPath.join('.', ...(parts as string[])));
}
