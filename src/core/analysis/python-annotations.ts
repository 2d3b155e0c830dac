// What a Python annotation declares, for analysis: the instance a parameter, an assignment or a return holds, what
// a generator or context manager yields, and the `Depends(…)` / `Security(…)` dependencies written in it. Read from
// the one expression reading of the file (lang/python/expr.ts, partial: a lambda in `Depends(lambda: …)` does not
// hide the `Session` beside it), never from the syntax tree.
import type { PyAst } from '../lang/python/expr';
import { PYTHON_RETURNS } from './catalog/python';
import { classInstance, instanceOf } from './resolve';

/** How a file's names are bound where the annotation is written. */
export interface AnnotationNames {
  /** The qualified value a name, attribute, call or subscript stands for ('typing.Optional', 'app.db.Session#'). */
  resolve(e: PyAst): string | undefined;
  /** The type a module-level `name = Annotated[T, …]` alias stands for (T), when `name` is bound to that alias. */
  alias(name: string): PyAst | undefined;
}

/** Levels of an annotation dependsIn descends (real annotations stay far below). */
const MAX_DEPENDS_DEPTH = 12;

const DEPENDS = /(^|\.)(Depends|Security)$/;
const YIELDING = /^(Async)?(Iterator|Generator|Iterable)$/;

/** The annotation with its quotes taken off: a forward reference (`"Session | None"`) stands for the type it names. */
export function unquoted(e: PyAst): PyAst {
  return e.t === 'str' && e.ref ? e.ref : e;
}

function isNone(e: PyAst): boolean {
  return e.t === 'const' && e.v === null;
}

/** The wrapper a subscript's head names without its module: 'Optional', 'Annotated', 'Union', 'Iterator', … */
function wrapperOf(e: PyAst & { t: 'sub' }, names: AnnotationNames, modules: RegExp): string | undefined {
  return names.resolve(e.base)?.replace(modules, '');
}

/**
 * The instance an annotation declares, looking through Optional[X], X | None, Union[X, None], Annotated[X, …],
 * `Name` bound to an Annotated alias and forward references (Ruff's ASYNC212 does too); a union of several known
 * types declares none. `Self` comes out as `typing.Self#` / `Self#`: the caller knows the class.
 */
export function annotationInstance(
  ann: PyAst | undefined,
  names: AnnotationNames,
  expanding: Set<string> = new Set(),
): string | undefined {
  if (!ann) return undefined;
  const e = unquoted(ann);
  const members = (items: PyAst[]): string | undefined => {
    const known = new Set<string>();
    for (const item of items) {
      const t = isNone(item) ? undefined : annotationInstance(item, names, expanding);
      if (t !== undefined) known.add(t);
    }
    return known.size === 1 ? known.values().next().value : undefined;
  };
  // eslint-disable-next-line @typescript-eslint/switch-exhaustiveness-check -- the rest resolve as written
  switch (e.t) {
    case 'union':
      return members(e.items);
    case 'sub': {
      const wrapper = wrapperOf(e, names, /^(typing|typing_extensions)\./);
      if (wrapper === 'Optional' || wrapper === 'Annotated') return annotationInstance(e.args[0], names, expanding);
      return wrapper === 'Union' ? members(e.args) : undefined;
    }
    case 'name': {
      const alias = expanding.has(e.v) ? undefined : names.alias(e.v);
      if (alias) {
        expanding.add(e.v); // `X = Annotated[X, …]` must not recurse forever
        try {
          return annotationInstance(alias, names, expanding);
        } finally {
          expanding.delete(e.v);
        }
      }
      break;
    }
  }
  const t = names.resolve(e);
  return instanceOf(t, PYTHON_RETURNS) ?? classInstance(t);
}

/** The instance an `Iterator[X]` / `Generator[X, …]` / `AsyncIterator[X]` / `Iterable[X]` annotation yields. */
export function yieldedInstance(ann: PyAst | undefined, names: AnnotationNames): string | undefined {
  const e = ann && unquoted(ann);
  if (e?.t !== 'sub' || !YIELDING.test(wrapperOf(e, names, /^(typing|collections\.abc)\./) ?? '')) return undefined;
  return annotationInstance(e.args[0], names);
}

/** Whether `call` is FastAPI's `Depends(…)` or `Security(…)`. */
export function isDependsCall(call: PyAst & { t: 'call' }, names: AnnotationNames): boolean {
  return isDependsName(names.resolve(call.fn));
}

/** Whether a resolved callee is FastAPI's `Depends` or `Security`. */
export function isDependsName(callee: string | undefined): boolean {
  return DEPENDS.test(callee ?? '');
}

/** The dependency a `Depends(…)` / `Security(…)` call names: its first argument, or `dependency=` (FastAPI's keyword). */
export function dependencyArg(call: PyAst & { t: 'call' }): PyAst | undefined {
  return call.args[0] ?? (Object.hasOwn(call.kw, 'dependency') ? call.kw.dependency : undefined);
}

/** The dependencies of `Depends(f)` / `Security(f)` calls anywhere in an expression: each f, resolved. */
export function dependsIn(e: PyAst | undefined, names: AnnotationNames, out: string[] = [], depth = 0): string[] {
  if (!e || depth > MAX_DEPENDS_DEPTH) return out;
  const next = (c: PyAst | undefined) => dependsIn(c, names, out, depth + 1);
  switch (e.t) {
    case 'call': {
      if (isDependsCall(e, names)) {
        const arg = dependencyArg(e);
        const dep = arg && names.resolve(arg);
        if (dep) out.push(dep);
        return out;
      }
      next(e.fn);
      e.args.forEach(next);
      Object.values(e.kw).forEach(next);
      return out;
    }
    case 'str':
      return next(e.ref);
    case 'sub':
      next(e.base);
      e.args.forEach(next);
      return out;
    case 'attr':
      return next(e.obj);
    case 'neg':
      return next(e.v);
    case 'union':
    case 'list':
    case 'tuple':
    case 'set':
      e.items.forEach(next);
      return out;
    case 'dict':
      for (const [k, v] of e.entries) {
        next(k);
        next(v);
      }
      return out;
    default:
      return out;
  }
}
