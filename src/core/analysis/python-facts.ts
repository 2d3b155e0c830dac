// Python file → functions, calls with resolved callees, suppressions (see facts.ts).
import { PYTHON_RETURNS } from './catalog/python';
import type { CallFact, CodeFacts, FunctionFact } from './facts';
import { children, instanceOf, lineEnds, lookup, MAX_ARGS_TEXT, member, named, spanOf, type Scope } from './resolve';
import type { Node } from '../parsing/parser';

export function pythonModule(path: string): string {
  const parts = path.replace(/\.py$/, '').split('/');
  if (parts[parts.length - 1] === '__init__') parts.pop();
  return parts.join('.');
}

const NOQA = /#\s*noqa(?::\s*([A-Z]+[0-9]+(?:\s*,\s*[A-Z]+[0-9]+)*))?/i;

export function extractPythonFacts(path: string, root: Node, source: string): CodeFacts {
  const module = pythonModule(path);
  const pkg = path.endsWith('__init__.py') ? module : module.split('.').slice(0, -1).join('.');
  const ends = lineEnds(source);
  const facts: CodeFacts = { language: 'python', module, functions: [], suppressions: {}, importsAsyncio: false, importLine: 1 };
  const moduleScope: Scope = new Map();

  // Top-level names first, so calls that appear before a definition still resolve.
  for (const st of named(root)) {
    const def = st.type === 'decorated_definition' ? st.childForFieldName('definition') : st;
    const name = def?.childForFieldName('name')?.text;
    if (def && name && (def.type === 'function_definition' || def.type === 'class_definition')) moduleScope.set(name, `${module}.${name}`);
  }

  const resolve = (node: Node | null, scopes: Scope[]): string | undefined => {
    if (!node) return undefined;
    switch (node.type) {
      case 'identifier': return lookup(node.text, scopes) ?? node.text;
      case 'attribute': {
        const base = resolve(node.childForFieldName('object'), scopes);
        const attr = node.childForFieldName('attribute')?.text;
        return base && attr ? member(base, attr) : undefined;
      }
      case 'call': return instanceOf(resolve(node.childForFieldName('function'), scopes), PYTHON_RETURNS);
      case 'subscript': {
        const base = resolve(node.childForFieldName('value'), scopes);
        return base?.includes('#') ? base : undefined;
      }
      case 'parenthesized_expression': case 'type': return resolve(named(node)[0] ?? null, scopes);
      default: return undefined;
    }
  };

  const bindImport = (st: Node, scope: Scope, topLevel: boolean): void => {
    if (topLevel) facts.importLine = st.endPosition.row + 2;
    if (st.type === 'import_statement') {
      for (const n of st.childrenForFieldName('name')) {
        if (!n) continue;
        if (n.type === 'aliased_import') {
          const full = n.childForFieldName('name')?.text, alias = n.childForFieldName('alias')?.text;
          if (full && alias) scope.set(alias, full);
        } else {
          const first = n.text.split('.')[0];
          scope.set(first, first);
          if (n.text === 'asyncio') facts.importsAsyncio = true;
        }
      }
      return;
    }
    const modNode = st.childForFieldName('module_name');
    if (!modNode) return;
    let from = modNode.text;
    if (modNode.type === 'relative_import') {
      const dots = modNode.text.match(/^\.+/)?.[0].length ?? 0;
      const base = pkg.split('.').filter(Boolean);
      const up = base.slice(0, Math.max(0, base.length - (dots - 1)));
      const rest = modNode.text.slice(dots);
      from = [...up, ...(rest ? [rest] : [])].join('.');
    }
    for (const n of st.childrenForFieldName('name')) {
      if (!n) continue;
      const name = n.type === 'aliased_import' ? n.childForFieldName('name')?.text : n.text;
      const alias = n.type === 'aliased_import' ? n.childForFieldName('alias')?.text : n.text;
      if (name && alias) scope.set(alias, from ? `${from}.${name}` : name);
    }
  };

  const bindAssignment = (node: Node, scopes: Scope[]): void => {
    const left = node.childForFieldName('left');
    if (left?.type !== 'identifier') return;
    const right = node.childForFieldName('right');
    const value = (right?.type === 'call' ? resolve(right, scopes) : undefined) ?? instanceOf(resolve(node.childForFieldName('type'), scopes), PYTHON_RETURNS);
    if (value) scopes[scopes.length - 1].set(left.text, value);
  };

  const visitFunction = (def: Node, decorators: string[], parent: number | undefined, className: string | undefined, scopes: Scope[]): void => {
    const name = def.childForFieldName('name')?.text ?? '<anonymous>';
    const parentFn = parent === undefined ? undefined : facts.functions[parent];
    const qualname = parentFn ? `${parentFn.qualname}.${name}` : className ? `${className}.${name}` : name;
    if (parentFn) scopes[scopes.length - 1].set(name, `${module}.${qualname}`);
    const asyncKw = children(def).find((c) => c.type === 'async');
    const defKw = children(def).find((c) => c.type === 'def');
    const fn: FunctionFact = {
      name, qualname, async: !!asyncKw, parent, decorators, depends: [],
      defLine: def.startPosition.row + 1, span: spanOf(def), hasAwait: false, calls: [],
      ...(asyncKw && defKw ? { asyncKeyword: { ...spanOf(asyncKw), endLine: defKw.startPosition.row + 1, endColumn: defKw.startPosition.column + 1 } } : {}),
    };
    const index = facts.functions.push(fn) - 1;
    const scope: Scope = new Map();
    const inner = [...scopes, scope];
    const params = named(def.childForFieldName('parameters') ?? def);
    params.forEach((p, i) => {
      const pname = p.type === 'identifier' ? p.text : (p.childForFieldName('name') ?? named(p).find((c) => c.type === 'identifier'))?.text;
      if (!pname) return;
      if (i === 0 && className && (pname === 'self' || pname === 'cls')) scope.set(pname, `${module}.${className}`);
      const typed = instanceOf(resolve(p.childForFieldName('type'), scopes), PYTHON_RETURNS);
      if (typed) scope.set(pname, typed);
      const dflt = p.childForFieldName('value');
      if (dflt?.type === 'call') {
        const callee = resolve(dflt.childForFieldName('function'), scopes);
        const target = named(dflt.childForFieldName('arguments') ?? dflt)[0];
        if (callee && /(^|\.)Depends$/.test(callee) && target) {
          const dep = resolve(target, scopes);
          if (dep) fn.depends.push(dep);
        }
      }
    });
    const body = def.childForFieldName('body');
    if (body) walk(body, index, className, inner, false);
  };

  const walk = (node: Node, fnIndex: number | undefined, className: string | undefined, scopes: Scope[], inLambda: boolean, awaited = false): void => {
    switch (node.type) {
      case 'comment': {
        const m = NOQA.exec(node.text);
        if (m) facts.suppressions[node.startPosition.row + 1] = m[1] ? m[1].split(',').map((s) => s.trim().toUpperCase()) : ['*'];
        return;
      }
      case 'decorated_definition': {
        const def = node.childForFieldName('definition');
        const decorators = named(node).filter((c) => c.type === 'decorator').map((d) => d.text.slice(1, 200));
        if (def?.type === 'function_definition') return visitFunction(def, decorators, fnIndex, fnIndex === undefined ? className : undefined, scopes);
        if (def) walk(def, fnIndex, className, scopes, inLambda);
        return;
      }
      case 'function_definition':
        return visitFunction(node, [], fnIndex, fnIndex === undefined ? className : undefined, scopes);
      case 'class_definition': {
        const body = node.childForFieldName('body');
        const name = node.childForFieldName('name')?.text;
        if (body) walk(body, fnIndex, fnIndex === undefined ? (className ? `${className}.${name}` : name) : className, [...scopes, new Map()], inLambda);
        return;
      }
      case 'lambda':
        for (const c of named(node)) walk(c, fnIndex, className, scopes, true);
        return;
      case 'import_statement': case 'import_from_statement':
        bindImport(node, scopes[scopes.length - 1], fnIndex === undefined && scopes.length === 1);
        return;
      case 'assignment':
        for (const c of named(node)) walk(c, fnIndex, className, scopes, inLambda);
        bindAssignment(node, scopes);
        return;
      case 'as_pattern': {
        const value = named(node)[0];
        const alias = node.childForFieldName('alias');
        const target = alias && named(alias).find((c) => c.type === 'identifier') || alias;
        for (const c of named(node)) walk(c, fnIndex, className, scopes, inLambda);
        const inst = value?.type === 'call' ? resolve(value, scopes) : undefined;
        if (inst && target?.type === 'identifier') scopes[scopes.length - 1].set(target.text, inst);
        return;
      }
      case 'await':
        if (fnIndex !== undefined) facts.functions[fnIndex].hasAwait = true;
        for (const c of named(node)) walk(c, fnIndex, className, scopes, inLambda, true);
        return;
      case 'for_statement': case 'with_statement':
        if (fnIndex !== undefined && node.child(0)?.type === 'async') facts.functions[fnIndex].hasAwait = true;
        break;
      case 'call':
        if (fnIndex !== undefined && !inLambda) facts.functions[fnIndex].calls.push(callFact(node, resolve(node.childForFieldName('function'), scopes), ends, awaited));
        break;
    }
    for (const c of named(node)) walk(c, fnIndex, className, scopes, inLambda);
  };

  walk(root, undefined, undefined, [moduleScope], false);
  return facts;
}

export function callFact(node: Node, callee: string | undefined, ends: number[], awaited: boolean, argsField = 'arguments', fnField = 'function'): CallFact {
  const args = node.childForFieldName(argsField);
  const argsText = args && args.text.length >= 2 ? args.text.slice(1, -1) : '';
  return {
    ...(callee !== undefined ? { callee } : {}),
    written: node.childForFieldName(fnField)?.text.slice(0, 200) ?? '',
    args: argsText.length > MAX_ARGS_TEXT ? '' : argsText,
    argCount: args?.namedChildCount ?? 0,
    span: spanOf(node),
    awaited,
    lineEnd: ends[node.startPosition.row] ?? 1,
  };
}
