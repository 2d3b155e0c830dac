// Sanic's `version=` / `version_prefix=`: a route's URL starts with `{version_prefix}{version}` (default prefix
// "/v"), before every blueprint and group prefix (sanic/router.py: `"/".join([f"{version_prefix}{version}", uri])`).
// Which version applies is decided across levels (sanic/blueprints.py Blueprint.register, app.py
// Sanic.blueprint): the route's own, else the one a registration passes down, else the blueprint's own; a group
// passes its own down only to a member that has none (and its prefix only to a member with the default "/v").
// Each level's values ride in the path strings the linker joins as a marker the Sanic join keeps in front
// (registration, group, blueprint, route: outermost first); the route's final path folds them into the segment.
import type { At, CallExpr } from './types';
import type { PyExpr } from '../facts';

/** Where a version is written: a registration's options, a group, a blueprint, a route. */
type Level = 'o' | 'g' | 'b' | 'r';

/** Private-use characters: no URL a program writes holds them. */
const MARK = '\uE000';
const SEP = '\uE001';
const MARKER = /^\uE000([ogbr])([^\uE000\uE001]*)\uE001([^\uE000\uE001]*)\uE000/;

/** The marker of one level: '' for a version or prefix not given (None, or the default "/v"). */
export function versionMarker(level: Level, version = '', prefix = ''): string {
  return `${MARK}${level}${version}${SEP}${prefix === '/v' ? '' : prefix}${MARK}`;
}

/** A level's marker from a call's `version=` / `version_prefix=` (none for a route or registration giving neither). */
export function markerOf(at: Omit<At, 'obj'>, level: Level, call: CallExpr): string {
  const version = versionText(at, call.kw['version']);
  const prefix = call.kw['version_prefix'] && at.l.path(at.mod, at.scope, call.kw['version_prefix']);
  return (level === 'r' || level === 'o') && !version && !prefix ? '' : versionMarker(level, version, prefix);
}

/** `str(version).strip("/").lstrip("v")` of a literal or constant; a computed one as its `{expr?}` placeholder. */
function versionText({ l, mod, scope }: Omit<At, 'obj'>, e: PyExpr | undefined): string {
  let value = e;
  if (value?.k === 'ref') {
    const r = l.graph.resolve(mod, scope, value.name);
    if (r?.k === 'value' && r.value.k === 'other') value = r.value;
  }
  if (!value || (value.k === 'other' && value.text === 'None')) return '';
  if (value.k === 'other' && value.text && /^\d+$/.test(value.text)) return String(Number(value.text));
  // Python's str() of a float literal: 1.0 → "1.0", 1.10 → "1.1"
  if (value.k === 'other' && value.text && /^\d*\.\d*$/.test(value.text) && value.text !== '.') {
    const n = Number(value.text);
    return Number.isInteger(n) ? `${n}.0` : String(n);
  }
  const s = l.path(mod, scope, value) ?? '';
  return s.startsWith('{') ? s : s.replace(/^\/+|\/+$/g, '').replace(/^v+/, '');
}

/** The markers in front of `s`, and the rest. */
export function splitMarkers(s: string): [string, string] {
  let i = 0;
  for (let m = MARKER.exec(s); m; m = MARKER.exec(s.slice(i))) i += m[0].length;
  return [s.slice(0, i), s.slice(i)];
}

/** `path` (its markers in front) with the version segment the levels decide, markers gone; `finish`: Sanic's path rules. */
export function applyVersion(path: string, finish: (path: string) => string): string {
  const [markers, rest] = splitMarkers(path);
  let carried = { v: '', p: '' };
  let pending: { v: string; p: string } | undefined;
  let own: { v: string; p: string } | undefined; // the blueprint's
  let route = { v: '', p: '' };
  for (let s = markers, m = MARKER.exec(s); m; s = s.slice(m[0].length), m = MARKER.exec(s)) {
    const [, level, v, p] = m;
    if (level === 'r') route = { v, p };
    else if (level === 'o') carried = { v: v || carried.v, p: p || carried.p };
    else {
      // the group above passes its values to this member where it has none of its own
      if (pending) carried = { v: v ? carried.v : pending.v || carried.v, p: p ? carried.p : pending.p || carried.p };
      pending = level === 'g' ? { v, p } : undefined;
      if (level === 'b') own = { v, p };
    }
  }
  // a route on the app itself: only its own; a blueprint's: its own, the registration's, the blueprint's
  const version = own ? route.v || carried.v || own.v : route.v;
  const prefix = (own ? route.p || carried.p || own.p : route.p) || '/v';
  const served = finish(rest);
  return version ? `${prefix}${version}/${served.replace(/^\/+/, '')}` : served;
}
