// The Python frameworks discovery knows, one unit each (./types.ts says what a unit holds).
// Adding one: its file here, its name in `Framework` (model.ts), and an entry below.
import { aiohttp } from './aiohttp';
import { django } from './django';
import { fastapi } from './fastapi';
import { flask } from './flask';
import { ninja } from './ninja';
import { quart } from './quart';
import { sanic } from './sanic';
import { starlette } from './starlette';
import type { Kind, PyFramework } from './types';
import type { Framework } from '../../../model';

export type { CallExpr, Handler, Kind, Linker, PyFramework, Role, RouterDef } from './types';
export { HTTP_METHODS, methodHandler } from './registrations';

/** In the order route-list items are offered to them: Starlette's names before aiohttp's. */
export const PYTHON_FRAMEWORKS: readonly PyFramework[] = [
  fastapi,
  starlette,
  flask,
  quart,
  sanic,
  aiohttp,
  django,
  ninja,
];

const BY_NAME = new Map<Framework, PyFramework>(PYTHON_FRAMEWORKS.map((f) => [f.name, f]));

/** The unit of a Python framework (router objects only ever have one of these). */
export function pythonFramework(name: Framework): PyFramework {
  const fw = BY_NAME.get(name);
  if (!fw) throw new Error(`${name} is no Python framework`);
  return fw;
}

/** Constructor → kind, keyed by `<top-level package>:<class name>` so `fastapi.applications.FastAPI` and `fastapi.FastAPI` match alike. */
const CONSTRUCTORS = new Map<string, Kind>(
  PYTHON_FRAMEWORKS.flatMap((f) => [
    ...Object.entries(f.constructors).map(([cls, role]): [string, Kind] => [
      `${f.name}:${cls}`,
      { framework: f.name, role },
    ]),
    ...Object.entries(f.extensions ?? {}).flatMap(([pkg, classes]) =>
      Object.entries(classes).map(([cls, role]): [string, Kind] => [`${pkg}:${cls}`, { framework: f.name, role }]),
    ),
  ]),
);

export function kindOfConstructor(qualified: string): Kind | undefined {
  const parts = qualified.split('.');
  const kind = CONSTRUCTORS.get(`${parts[0]}:${parts[parts.length - 1]}`);
  return kind && { ...kind, cls: parts[parts.length - 1] };
}
