// werkzeug's DispatcherMiddleware(app, {"/api": api_app}): each mounted WSGI app serves the paths under its key
// (its SCRIPT_NAME; werkzeug/middleware/dispatcher.py), the first app every other path. It is one app object
// including the first at '/' and each mounted one under its key; a key that cannot be evaluated is its `{expr?}`
// placeholder, a mapping not written out leaves the mounted apps where nothing includes them.
import type { At, CallExpr, RouterDef } from './types';
import type { PyExpr } from '../facts';

export function dispatcherApp(at: Omit<At, 'obj'>, call: CallExpr, qual: string, depth: number): RouterDef | undefined {
  const parts = qual.split('.');
  if (parts[0] !== 'werkzeug' || parts.at(-1) !== 'DispatcherMiddleware') return undefined;
  const { l, mod, scope } = at;
  const key = `${mod.file.path}:${scope}:<DispatcherMiddleware ${call.line ?? 0}>`;
  const known = l.known(key);
  if (known) return known;
  const obj: RouterDef = {
    key,
    kind: { framework: 'flask', role: 'app' },
    display: `${mod.module}.DispatcherMiddleware`,
    ownPrefix: '',
  };
  l.define(obj);
  const front = call.args[0] ?? call.kw['app'];
  if (front) l.edge(obj, l.objFromExpr(mod, scope, front, depth));
  let mounts: PyExpr | undefined = call.args[1] ?? call.kw['mounts'];
  if (mounts?.k === 'ref') {
    const r = l.graph.resolve(mod, scope, mounts.name);
    mounts = r?.k === 'value' ? r.value : undefined;
  }
  for (const { key: prefix, value } of (mounts?.k === 'other' && mounts.dict) || [])
    if (prefix) l.edge(obj, l.mountedApp(mod, scope, value, depth), l.path(mod, scope, prefix));
  return obj;
}
