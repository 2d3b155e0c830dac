// Django: a urls.py's `urlpatterns` is the router object (path()/re_path()/url() routes,
// include() edges to other urlconfs; REST framework routers and generic views: ./djangoRest.ts);
// prefixes concatenate and paths are reported with a leading '/'. `async def` views run on the
// loop, sync views hold a WSGI worker.
import { restGenericViewHandlers, restRouterUrls, restViewSetActionHandlers } from './djangoRest';
import type { At, CallExpr, Linker, PyFramework, RouterDef } from './types';
import { lineRange, type PyAssignment, type PyExpr } from '../facts';
import type { ModuleFile } from '../modules';
import { LANGUAGE_PREFIX, LIBRARY_ROUTES, placeholder, UNKNOWN_MOUNT } from '../../unresolved';

const ORPHAN = placeholder(UNKNOWN_MOUNT);
/** `from django.conf import settings`: `settings.ADMIN_URL` reads the project's settings modules. */
const SETTINGS = 'django.conf.settings.';

/** How deep urlconfs include urlconfs, and patterns nest, before discovery stops following. */
const MAX_DEPTH = 25;

function stripRegexAnchors(s: string): string {
  return s.replace(/^\^/, '').replace(/\$$/, '');
}

/** A urls.py's router object, created on first sight; undefined when the module has no `urlpatterns`. */
function urlconf(l: Linker, mod: ModuleFile, depth = 0): RouterDef | undefined {
  const key = `${mod.file.path}::urlpatterns`;
  const known = l.known(key);
  if (known) return known;
  l.graph.touch(mod);
  const lists = mod.facts.assignments.filter((a) => a.scope === '' && a.name === 'urlpatterns');
  if (lists.length === 0 || depth > MAX_DEPTH) return undefined;
  // the urlconf ROOT_URLCONF names is served at '/'; another one only where a urlconf includes it
  const roots = rootUrlconfs(l);
  const obj: RouterDef = {
    key,
    kind: { framework: 'django', role: !roots || roots.has(mod) ? 'app' : 'router' },
    display: `${mod.module}.urlpatterns`,
    ownPrefix: '',
  };
  l.define(obj);
  const at = { l, mod, scope: '', obj };
  bindings(at, lists, '', depth);
  // `urlpatterns.extend([...])`, `.append(path(...))`, `.insert(0, path(...))`
  for (const { call, scope } of mod.facts.calls) {
    if (scope !== '' || call.k !== 'call' || call.fn.k !== 'ref') continue;
    const method = /^urlpatterns\.(extend|append|insert)$/.exec(call.fn.name)?.[1];
    const arg = call.args[method === 'insert' ? 1 : 0];
    if (!method || !arg) continue;
    patterns(at, method === 'extend' ? arg : { k: 'seq', items: [arg] }, '', depth);
  }
  return obj;
}

/**
 * The urlconfs the workspace's `ROOT_URLCONF` settings name (a test settings module may name another); undefined
 * when no setting names one discovery finds: then every urlconf no other includes is taken as served at '/'.
 */
function rootUrlconfs(l: Linker): Set<ModuleFile> | undefined {
  const roots = new Set<ModuleFile>();
  for (const { mod, value } of l.settingValues('ROOT_URLCONF')) {
    const name = l.str(mod, '', value);
    const found = name === undefined ? undefined : l.graph.findModule(name);
    if (found) roots.add(found);
  }
  return roots.size > 0 ? roots : undefined;
}

/**
 * The value of `urlpatterns` after these assignments, in order: the last plain one, where `urlpatterns` names the
 * list the ones before it made (`urlpatterns = urlpatterns + [...]`), then the `+=` after it.
 */
function bindings(at: At, lists: PyAssignment[], prefix: string, depth: number): void {
  let last = lists.length - 1;
  while (last > 0 && lists[last].augmented) last--;
  const earlier = lists.slice(0, last);
  patterns(at, lists[last].value, prefix, depth, earlier);
  for (const list of lists.slice(last + 1)) patterns(at, list.value, prefix, depth);
}

/**
 * The functions that make a URL pattern, and how they read its route: django-distill's `distill_path` and
 * `distill_re_path` are `path` and `re_path` that a static build also renders.
 */
const PATH_FUNCTIONS = new Map<string, 'path' | 'regex'>([
  ['path', 'path'],
  ['re_path', 'regex'],
  ['url', 'regex'],
  ['distill_path', 'path'],
  ['distill_re_path', 'regex'],
]);

/**
 * Routes and include() edges of a `urlpatterns` value, under `prefix` (`at.mod`: where the value is written);
 * `earlier`: what `urlpatterns` itself means inside the value, when it is the module's own list being rebound.
 */
function patterns(at: At, e: PyExpr, prefix: string, depth: number, earlier?: PyAssignment[]): void {
  const { l, mod, scope } = at;
  if (depth > MAX_DEPTH) return;
  l.step();
  if (e.k === 'add') {
    patterns(at, e.l, prefix, depth + 1, earlier);
    patterns(at, e.r, prefix, depth + 1, earlier);
    return;
  }
  if (e.k === 'ref') {
    if (earlier && e.name === 'urlpatterns') {
      if (earlier.length > 0) bindings(at, earlier, prefix, depth + 1);
      return;
    }
    if (restRouterUrls(at, e, prefix)) return;
    const r = l.graph.resolve(mod, scope, e.name);
    // another urlconf's own list (`from app.item_urls import urlpatterns as p; urlpatterns = [*p]`): its routes
    // are served here, as by include(), and not also where nothing includes it
    const other = r?.k === 'value' && r.mod !== mod && r.scope === '' && r.name === 'urlpatterns';
    const sub = other ? urlconf(l, r.mod, depth + 1) : undefined;
    if (sub) l.edge(at.obj, sub, prefix);
    else if (r?.k === 'value')
      l.within(r.value, undefined, () => patterns({ ...at, mod: r.mod, scope: r.scope }, r.value, prefix, depth + 1));
    return;
  }
  if (e.k === 'call') {
    const fn = l.resolveExpr(mod, scope, e.fn);
    const name = fn?.k === 'extern' ? fn.qual.slice(fn.qual.lastIndexOf('.') + 1) : undefined;
    // `i18n_patterns(path(...), ...)`: every pattern under the language code, unless the default language goes
    // without (`prefix_default_language=False`: then the unprefixed URL answers too) or every settings module
    // turns translation off (`USE_I18N = False`: Django returns the patterns as they are)
    if (name === 'i18n_patterns') {
      const noDefault = e.kw['prefix_default_language'];
      const off = (v: PyExpr | undefined) => v?.k === 'other' && v.text === 'False';
      const i18n = l.settingValues('USE_I18N');
      const plain = off(noDefault) || (i18n.length > 0 && i18n.every((s) => off(s.value)));
      const lang = plain ? '' : `${placeholder(LANGUAGE_PREFIX)}/`;
      patterns(at, { k: 'seq', items: e.args }, prefix + lang, depth + 1, earlier);
    }
    // REST framework's `format_suffix_patterns([...])`: the patterns (their `.json` variants are not listed)
    else if (name === 'format_suffix_patterns' && e.args[0]) patterns(at, e.args[0], prefix, depth + 1, earlier);
    // `urlpatterns = DebugToolbarSetup.do_urls(urlpatterns)`: a function handed the list gives it back, perhaps
    // with more (what it adds is not read)
    else if (earlier && [...e.args, ...Object.values(e.kw)].some((a) => a.k === 'ref' && a.name === 'urlpatterns'))
      patterns(at, { k: 'ref', name: 'urlpatterns' }, prefix, depth + 1, earlier);
    // `*get_schedule_urls("schedule")`: the patterns a workspace helper returns, built from its arguments
    else if (fn?.k === 'func')
      for (const r of l.returnedValues(mod, scope, e) ?? [])
        l.within(r.value, undefined, () => patterns({ ...at, mod: r.mod, scope: r.scope }, r.value, prefix, depth + 1));
    else patterns(at, { k: 'seq', items: [e] }, prefix, depth + 1); // one pattern alone
    return;
  }
  // `[...] if settings.X else []`: the patterns of either branch, as an `if` block's `+=` is read
  if (e.k === 'other' && e.either) {
    for (const branch of e.either) patterns(at, branch, prefix, depth + 1, earlier);
    return;
  }
  // `[path(f"{p}{r}", v) for r, v in [...]]`: the element once per item
  if (e.k === 'other' && e.comp) {
    const items = l.comprehension(mod, scope, e.comp);
    if (items) patterns(at, { k: 'seq', items }, prefix, depth + 1);
    return;
  }
  if (e.k !== 'seq') return;
  for (const item of e.items) {
    // `*router.urls`, `*other_patterns`: the items it unpacks, here
    if (item.k === 'other' && item.spread) patterns(at, item.spread, prefix, depth + 1, earlier);
    if (item.k !== 'call') continue;
    const callee = l.resolveExpr(mod, scope, item.fn);
    const fnName = callee?.k === 'extern' ? callee.qual.split('.').pop() : undefined;
    const kind = fnName && PATH_FUNCTIONS.get(fnName);
    if (!kind) continue;
    const raw = l.path(mod, scope, item.args[0] ?? item.kw['route']);
    if (raw === undefined) continue;
    const route = prefix + (kind === 'path' ? raw : stripRegexAnchors(raw));
    const view = item.args[1] ?? item.kw['view'];
    if (view?.k === 'call' && view.fn.k === 'ref' && /(^|\.)include$/.test(view.fn.name))
      include(at, view, route, depth);
    else if (view?.k === 'ref' && view.name.endsWith('.urls') && servedApi(at, view, route)) continue;
    else {
      const whole = () => l.handlers(mod, scope, view, item);
      const handlers = restViewSetActionHandlers(at, view, whole) ?? restGenericViewHandlers(at, view) ?? whole();
      l.addRoute(at.obj, ['ANY'], route, handlers);
    }
  }
}

/** `path("api/", api.urls)`: an API object another framework unit reads (Django Ninja), served under `route`. */
function servedApi(at: At, view: Extract<PyExpr, { k: 'ref' }>, route: string): boolean {
  const api = at.l.objFromExpr(at.mod, at.scope, { k: 'ref', name: view.name.slice(0, -'.urls'.length) });
  if (!api) return false;
  at.l.edge(at.obj, api, route);
  return true;
}

/** `include('app.urls')` (another urlconf: an edge) or `include([...])` (patterns in place), under `route`. */
function include(at: At, view: CallExpr, route: string, depth: number): void {
  const { l, mod, obj } = at;
  const target = view.args[0];
  // `include(("app.urls", "ns"))` and `include(([path(...), ...], "ns"))`: a (urlconf, app_name) tuple, told
  // from a list of patterns by its second item, the namespace string
  const isPair = target?.k === 'seq' && target.items.length === 2 && target.items[1].k === 'str';
  const inner =
    target?.k === 'seq' && target.items.length > 0 && (target.items[0].k === 'str' || isPair)
      ? target.items[0]
      : target;
  // `include(shop_urls)` / `include(shop.urls)`: an imported urlconf module, as its dotted name would be
  const imported = inner?.k === 'ref' ? l.graph.resolve(mod, at.scope, inner.name) : undefined;
  if (imported?.k === 'module') {
    l.edge(obj, urlconf(l, imported.mod, depth + 1), route);
    return;
  }
  const moduleName = inner && (l.str(mod, at.scope, inner) ?? (imported?.k === 'extern' ? imported.qual : undefined));
  if (moduleName !== undefined) {
    const sub = l.graph.findModule(moduleName);
    if (sub) l.edge(obj, urlconf(l, sub, depth + 1), route);
    else if (view.line !== undefined && l.graph.findModule(moduleName.split('.')[0]) === undefined) {
      // `include("allauth.urls")`: a library's urlconf, whose routes are not read: one row says what serves here
      const range = lineRange(view.line);
      l.addRoute(obj, ['ANY'], route + placeholder(LIBRARY_ROUTES), [
        { name: `include("${moduleName}")`, file: mod.file.path, range, async: false, params: [], library: moduleName },
      ]);
    }
  } else if (inner) patterns(at, inner, route, depth + 1);
}

export const django: PyFramework = {
  name: 'django',
  constructors: {},
  execution: (isAsync) => (isAsync ? 'event-loop' : 'worker'),
  setting: (qual) =>
    qual.startsWith(SETTINGS) && !qual.slice(SETTINGS.length).includes('.') ? qual.slice(SETTINGS.length) : undefined,
  // a urlconf ROOT_URLCONF does not name (role 'router') serves only where another includes it
  includedToServe: ['router'],
  // the `{unknown prefix?}` of a urlconf nothing includes stands for whole segments: a '/' after it
  join: (prefix, path) =>
    path && !path.startsWith('/') && prefix.endsWith(ORPHAN) ? `${prefix}/${path}` : prefix + path,
  finalPath: (path) => `/${path}`,
  readModule: (l, mod) => void urlconf(l, mod),
  // `app.mount("/server", get_asgi_application())`: the root urlconf, under the mount (the server's root path is
  // Django's SCRIPT_NAME, the urlconf matching what follows it); with no single root urlconf, none
  appOf: ({ l }, _call, qual) => {
    if (qual !== 'django.core.asgi.get_asgi_application' && qual !== 'django.core.wsgi.get_wsgi_application') return;
    const roots = rootUrlconfs(l);
    const [root] = roots ?? [];
    return roots?.size === 1 ? urlconf(l, root) : undefined;
  },
  // served under another framework's mount: the urlconf's paths follow it after one '/'
  mountedAt: (outer) => {
    const p = outer.replace(/^\/+|\/+$/g, '');
    return p ? `${p}/` : '';
  },
};
