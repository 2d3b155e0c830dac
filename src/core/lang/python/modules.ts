// Python module names and import statements, read one way for route discovery and analysis alike.
import type { SyntaxNode } from '../syntax';

/** `app/routes/items.py` → `app.routes.items`; `app/routes/__init__.py` → `app.routes`, a package. */
export function pythonModuleName(path: string): { module: string; isPackage: boolean } {
  const parts = path.replace(/\.py$/, '').split('/');
  const isPackage = parts[parts.length - 1] === '__init__';
  if (isPackage) parts.pop();
  return { module: parts.join('.'), isPackage };
}

/**
 * One name an import statement binds. `import a.b as c` → {local: 'c', module: 'a.b', level: 0};
 * `import a.b` → {local: 'a', module: 'a'} and {local: 'a.b', module: 'a.b'} (a dotted use
 * `a.b.x` resolves through the longer one); `from ..x import y as z` → {local: 'z', module: 'x',
 * name: 'y', level: 2}. `from x import *` binds nothing here.
 */
export interface ImportBinding {
  local: string;
  module: string;
  name?: string;
  level: number;
}

/** The names an `import` / `from … import` statement binds, in order. */
export function readImport(stmt: SyntaxNode): ImportBinding[] {
  const out: ImportBinding[] = [];
  if (stmt.type === 'import_statement') {
    for (const n of stmt.childrenForFieldName('name')) {
      if (n.type === 'aliased_import') {
        const module = n.childForFieldName('name')?.text;
        const alias = n.childForFieldName('alias')?.text;
        if (module && alias) out.push({ local: alias, module, level: 0 });
      } else {
        const first = n.text.split('.')[0];
        out.push({ local: first, module: first, level: 0 });
        if (n.text.includes('.')) out.push({ local: n.text, module: n.text, level: 0 });
      }
    }
    return out;
  }
  const from = readImportModule(stmt);
  if (!from) return out;
  const { module, level } = from;
  for (const n of stmt.childrenForFieldName('name')) {
    if (n.type === 'aliased_import') {
      const name = n.childForFieldName('name')?.text;
      const alias = n.childForFieldName('alias')?.text;
      if (name && alias) out.push({ local: alias, module, name, level });
    } else {
      out.push({ local: n.text, module, name: n.text, level });
    }
  }
  return out;
}

/** The module a `from … import …` statement names, as written: `from ..x import y` → { module: 'x', level: 2 }. */
export function readImportModule(stmt: SyntaxNode): { module: string; level: number } | undefined {
  const moduleNode = stmt.childForFieldName('module_name');
  if (!moduleNode) return undefined;
  if (moduleNode.type !== 'relative_import') return { module: moduleNode.text, level: 0 };
  const prefix = moduleNode.namedChildren.find((c) => c.type === 'import_prefix');
  return {
    module: moduleNode.namedChildren.find((c) => c.type === 'dotted_name')?.text ?? '',
    level: prefix ? prefix.text.length : 0,
  };
}

/**
 * The absolute module an import in `from` (a package when `isPackage`) names: `from ..x import y`
 * in `app.routes.items` → `app.x`. '' when the dots climb past the top.
 */
export function absoluteModule(from: string, isPackage: boolean, module: string, level: number): string {
  if (level === 0) return module;
  const pkg = from.split('.').filter(Boolean);
  if (!isPackage) pkg.pop();
  for (let i = 1; i < level; i++) pkg.pop();
  return [...pkg, ...(module ? [module] : [])].join('.');
}

/**
 * Where Python could import workspace modules from (sys.path entries), beside the workspace root: the root's
 * parent when the root is itself a package (`forumapp/__init__.py`: `helpers.py` is also `forumapp.helpers`), and
 * each folder no package below the root holds (`src/app/x.py` as `app.x`, `backend/app/…`). A package's folder
 * is none: Python 3 imports are absolute, and `proj/perms/rules.py` is not the `rules` of `import rules`.
 */
export class PythonSourceRoots {
  /** Every package's module name ('' for the root's own `__init__.py`). */
  private readonly packages = new Set<string>();
  /** The root folder's name when the root is a package Python can import by it. */
  private readonly rootPackage: string | undefined;

  /** `files`: every Python file of the workspace (path relative to the root, and absolute). */
  constructor(files: Iterable<{ path: string; absPath: string }>) {
    let rootPackage: string | undefined;
    for (const { path, absPath } of files) {
      const { module, isPackage } = pythonModuleName(path);
      if (isPackage) this.packages.add(module);
      if (path === '__init__.py') rootPackage = /([^/\\]+)[/\\]__init__\.py$/.exec(absPath)?.[1];
    }
    this.rootPackage = rootPackage && /^[A-Za-z_]\w*$/.test(rootPackage) ? rootPackage : undefined;
  }

  /**
   * The other names a module (by its name from the root) is imported by: from the root's parent, then from each
   * folder above it that is a source root, the outermost first.
   */
  otherNames(module: string): string[] {
    const out: string[] = [];
    if (this.rootPackage) out.push(module ? `${this.rootPackage}.${module}` : this.rootPackage);
    const parts = module.split('.');
    for (let i = 1; i < parts.length; i++) {
      // the folder parts[0..i): once it is a package, neither it nor a folder inside it is a source root
      if (this.packages.has(parts.slice(0, i).join('.'))) break;
      out.push(parts.slice(i).join('.'));
    }
    return out;
  }
}
