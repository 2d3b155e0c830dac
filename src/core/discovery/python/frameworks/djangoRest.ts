// Django REST framework routers, read for Django urlconfs: `router = DefaultRouter()`, `router.register("items",
// ItemViewSet)`, then `include(router.urls)` or `urlpatterns += router.urls`. Each registered viewset gives the
// URLs rest_framework/routers.py builds: the list route (GET list, POST create), `@action(detail=False)` routes,
// the detail route under the lookup (GET retrieve, PUT update, PATCH partial_update, DELETE destroy) and
// `@action(detail=True)` routes, each method only where the viewset has the action; DefaultRouter adds its API
// root. An action the workspace defines is its handler; one a REST framework class provides is library code,
// placed at the viewset. Format-suffix variants (`items.json`) are not listed. A viewset a urlconf serves itself,
// `path("labels/", LabelViewSet.as_view({"get": "list"}))`, answers the methods its mapping names, each its action.
import { HTTP_METHODS, methodHandler } from './registrations';
import type { At, Handler } from './types';
import { lineRange, type PyClass, type PyExpr, type PyMethod } from '../facts';
import type { ModuleFile, Resolved } from '../modules';

/** The routes SimpleRouter builds, in its order; `{extra}` stands for the `@action` routes of that kind. */
const LIST = { get: 'list', post: 'create' };
const DETAIL = { get: 'retrieve', put: 'update', patch: 'partial_update', delete: 'destroy' };

/**
 * What each REST framework mixin provides: its actions, by the HTTP method a generic view's `get()`/`post()`/…
 * hands to each (rest_framework/generics.py); then the mixins its viewsets and generic views are made of.
 */
const MIXIN_METHODS: Record<string, Record<string, string>> = {
  ListModelMixin: { get: 'list' },
  CreateModelMixin: { post: 'create' },
  RetrieveModelMixin: { get: 'retrieve' },
  UpdateModelMixin: { put: 'update', patch: 'partial_update' },
  DestroyModelMixin: { delete: 'destroy' },
};
const CLASS_MIXINS: Record<string, string[]> = {
  ModelViewSet: ['CreateModelMixin', 'RetrieveModelMixin', 'UpdateModelMixin', 'DestroyModelMixin', 'ListModelMixin'],
  ReadOnlyModelViewSet: ['RetrieveModelMixin', 'ListModelMixin'],
  CreateAPIView: ['CreateModelMixin'],
  ListAPIView: ['ListModelMixin'],
  RetrieveAPIView: ['RetrieveModelMixin'],
  DestroyAPIView: ['DestroyModelMixin'],
  UpdateAPIView: ['UpdateModelMixin'],
  ListCreateAPIView: ['ListModelMixin', 'CreateModelMixin'],
  RetrieveUpdateAPIView: ['RetrieveModelMixin', 'UpdateModelMixin'],
  RetrieveDestroyAPIView: ['RetrieveModelMixin', 'DestroyModelMixin'],
  RetrieveUpdateDestroyAPIView: ['RetrieveModelMixin', 'UpdateModelMixin', 'DestroyModelMixin'],
};

/** Classes a viewset's resolution order is read through (odd code may list bases in a cycle). */
const MAX_BASES = 64;

/** A class in a viewset's method resolution order: the workspace's, or a REST framework one by its qualified name. */
type Provider = { mod: ModuleFile; cls: PyClass } | { qual: string };

/**
 * `e` is `<router>.urls` of a REST framework router: adds its routes under `prefix` and says true; else false
 * (the urlconf reads `e` as it would any other value).
 */
export function restRouterUrls(at: At, e: PyExpr, prefix: string): boolean {
  const { l, mod } = at;
  if (e.k !== 'ref' || !e.name.endsWith('.urls')) return false;
  const router = l.graph.resolve(mod, '', e.name.slice(0, -'.urls'.length));
  if (router?.k !== 'value' || router.value.k !== 'call') return false;
  const kind = routerKind(at, l.resolveExpr(router.mod, router.scope, router.value.fn), 0);
  if (!kind) return false;
  const slashless = router.value.kw['trailing_slash'];
  const slash = slashless?.k === 'other' && slashless.text === 'False' ? '' : '/';
  if (kind === 'DefaultRouter' && router.value.line !== undefined) {
    const line = router.value.line;
    const root: Handler = {
      name: 'APIRootView.get',
      file: router.mod.file.path,
      range: lineRange(line),
      async: false,
      params: [],
      library: 'rest_framework.routers.APIRootView',
    };
    l.addRoute(at.obj, ['GET'], prefix, [root]);
  }
  for (const { call, scope } of router.mod.facts.calls) {
    if (
      scope !== router.scope ||
      call.k !== 'call' ||
      call.fn.k !== 'ref' ||
      call.fn.name !== `${router.name}.register`
    )
      continue;
    l.step();
    const name = l.path(router.mod, scope, call.args[0] ?? call.kw['prefix']);
    const vs = l.resolveExpr(router.mod, scope, call.args[1] ?? call.kw['viewset'] ?? { k: 'other' });
    if (name === undefined || vs?.k !== 'class') continue;
    viewsetRoutes(at, { mod: vs.mod, cls: vs.cls }, prefix, name, slash);
  }
  return true;
}

/**
 * `X.as_view()` of a workspace class built on a REST framework generic view (`ListCreateAPIView`) that defines no
 * `get()`/`post()`/… of its own: a handler per HTTP method the generic view hands to an action, the workspace's
 * override (`def create(…)`) or the library mixin. Undefined for any other view.
 */
export function restGenericViewHandlers(at: At, view: PyExpr | undefined): Handler[] | undefined {
  if (view?.k !== 'call' || view.fn.k !== 'ref' || !view.fn.name.endsWith('.as_view')) return undefined;
  const r = at.l.resolveExpr(at.mod, at.scope, { k: 'ref', name: view.fn.name.slice(0, -'.as_view'.length) });
  if (r?.k !== 'class') return undefined;
  const mro = providers(at, r.mod, r.cls);
  const generic = mro.find((p): p is { qual: string } => 'qual' in p && p.qual.split('.').pop()!.endsWith('APIView'));
  const mixins = generic && CLASS_MIXINS[generic.qual.slice(generic.qual.lastIndexOf('.') + 1)];
  if (!mixins) return undefined;
  const vs = { mod: r.mod, cls: r.cls };
  // a `get()`/`post()`/… the workspace writes answers its method itself; the others go to their actions
  const own = new Map<string, Handler>();
  for (const p of mro)
    if (!('qual' in p))
      for (const m of p.cls.methods)
        if (HTTP_METHODS.includes(m.name) && !own.has(m.name))
          own.set(m.name, methodHandler(r.cls.name, p.mod.file.path, m, m.name.toUpperCase()));
  const byAction = mixins
    .flatMap((mixin) => Object.entries(MIXIN_METHODS[mixin]))
    .filter(([method]) => !own.has(method))
    .flatMap(([method, action]) => actionHandler(mro, vs, method.toUpperCase(), action) ?? []);
  return [...own.values(), ...byAction];
}

/**
 * `X.as_view({"get": "list", "post": "create"})` of a viewset written in a urlconf: ViewSetMixin.as_view binds
 * each mapped method to its action and no other (the rest answer 405, besides a `get()`/`post()`/… the class
 * writes itself), so one handler per mapped method: the action the workspace defines, else the REST framework
 * mixin that provides it; `fallback` (what answers for the class as a whole) where neither is found, a base not
 * being read. Undefined when the view is no such call or its mapping is not written out as strings.
 */
export function restViewSetActionHandlers(
  at: At,
  view: PyExpr | undefined,
  fallback: () => Handler[],
): Handler[] | undefined {
  if (view?.k !== 'call' || view.fn.k !== 'ref' || !view.fn.name.endsWith('.as_view')) return undefined;
  const actions = actionMap(at, view.args[0] ?? view.kw['actions']);
  if (!actions) return undefined;
  const r = at.l.resolveExpr(at.mod, at.scope, { k: 'ref', name: view.fn.name.slice(0, -'.as_view'.length) });
  if (r?.k !== 'class') return undefined;
  const mro = providers(at, r.mod, r.cls);
  const vs = { mod: r.mod, cls: r.cls };
  const own = new Map<string, Handler>();
  for (const p of mro)
    if (!('qual' in p))
      for (const m of p.cls.methods)
        if (HTTP_METHODS.includes(m.name) && !own.has(m.name) && !(m.name in actions))
          own.set(m.name, methodHandler(r.cls.name, p.mod.file.path, m, m.name.toUpperCase()));
  // an action no class read defines (a base not resolved): what answers the whole class (a library view, its
  // `dispatch`), else the class itself at its header
  const whole = (method: string, action: string): Handler[] => {
    const any = fallback().filter((h) => !h.method);
    const header = { name: `${r.cls.name}.${action}`, file: r.mod.file.path, range: lineRange(r.cls.range.line) };
    return (any.length > 0 ? any : [{ ...header, async: false, params: [] }]).map((h) => ({ ...h, method }));
  };
  const mapped = Object.entries(actions).flatMap(
    ([method, action]) => actionHandler(mro, vs, method.toUpperCase(), action) ?? whole(method.toUpperCase(), action),
  );
  return [...mapped, ...own.values()];
}

/** `{"get": "list"}` written out (in place or as a module constant) as method → action, lower-cased methods. */
function actionMap(at: At, e: PyExpr | undefined): Record<string, string> | undefined {
  let [value, mod, scope] = [e, at.mod, at.scope];
  if (value?.k === 'ref') {
    const r = at.l.graph.resolve(at.mod, at.scope, value.name);
    if (r?.k !== 'value') return undefined;
    [value, mod, scope] = [r.value, r.mod, r.scope];
  }
  if (value?.k !== 'other' || !value.dict || value.dict.length === 0) return undefined;
  const out: Record<string, string> = {};
  for (const { key, value: action } of value.dict) {
    const method = key && at.l.str(mod, scope, key);
    const name = at.l.str(mod, scope, action);
    if (method === undefined || name === undefined || !HTTP_METHODS.includes(method.toLowerCase())) return undefined;
    out[method.toLowerCase()] = name;
  }
  return out;
}

/** The handler of `action` on a viewset or generic view: the first class in `mro` that has it. */
function actionHandler(
  mro: Provider[],
  vs: { mod: ModuleFile; cls: PyClass },
  method: string,
  action: string,
): Handler | undefined {
  for (const p of mro) {
    if ('qual' in p) {
      const mixin = mixinOf(p.qual, action);
      if (mixin)
        return {
          name: `${vs.cls.name}.${action}`,
          file: vs.mod.file.path,
          range: lineRange(vs.cls.range.line), // the header: the body's findings are its methods'
          async: false,
          params: [],
          method,
          library: mixin,
        };
      continue;
    }
    const m = p.cls.methods.find((x) => x.name === action);
    if (m) return methodHandler(vs.cls.name, p.mod.file.path, m, method);
  }
  return undefined;
}

/** Methods and attributes a router subclass would change the URLs with: such a router is not read. */
const URL_BUILDING = new Set([
  'routes',
  'get_routes',
  'get_urls',
  'get_lookup_regex',
  'get_method_map',
  '_get_dynamic_route',
]);

/**
 * 'DefaultRouter' or 'SimpleRouter' for REST framework's routers and workspace subclasses that leave their URL
 * building alone (NetBox's adds bulk methods in `__init__`: those are not listed); else undefined.
 */
function routerKind(at: At, r: Resolved | undefined, depth: number): 'DefaultRouter' | 'SimpleRouter' | undefined {
  if (r?.k === 'extern' && r.qual.startsWith('rest_framework.')) {
    const name = r.qual.slice(r.qual.lastIndexOf('.') + 1);
    return name === 'DefaultRouter' || name === 'SimpleRouter' ? name : undefined;
  }
  // djangorestframework-bulk's BulkRouter is a DefaultRouter whose list route also maps PUT/PATCH/DELETE to the
  // bulk actions (rest_framework_bulk/routes.py): its URLs are DefaultRouter's, the bulk methods are not listed
  if (r?.k === 'extern' && /^rest_framework_bulk\.(?:routes\.)?BulkRouter$/.test(r.qual)) return 'DefaultRouter';
  if (r?.k !== 'class' || depth > MAX_BASES) return undefined;
  if (
    r.cls.methods.some((m) => URL_BUILDING.has(m.name)) ||
    Object.keys(r.cls.attributes).some((a) => URL_BUILDING.has(a))
  )
    return undefined;
  for (const base of r.cls.bases) {
    const kind = routerKind(at, at.l.resolveExpr(r.mod, r.cls.scope ?? '', base), depth + 1);
    if (kind) return kind;
  }
  return undefined;
}

function viewsetRoutes(at: At, vs: { mod: ModuleFile; cls: PyClass }, prefix: string, name: string, slash: string) {
  const { l } = at;
  const mro = providers(at, vs.mod, vs.cls);
  const add = (url: string, mapping: Record<string, string>) => {
    const handlers = Object.entries(mapping).flatMap(([m, a]) => actionHandler(mro, vs, m.toUpperCase(), a) ?? []);
    // an empty registration prefix: the router sits under the urlconf's own path (`^/x` would need `//`)
    if (handlers.length > 0) l.addRoute(at.obj, [], prefix + (name === '' ? url.replace(/^\//, '') : url), handlers);
  };
  const lookup = lookupRegex(at, mro);
  const extras = extraActions(at, mro);
  add(`${name}${slash}`, LIST);
  for (const x of extras.filter((a) => !a.detail)) add(`${name}/${x.urlPath}${slash}`, x.mapping);
  add(`${name}/${lookup}${slash}`, DETAIL);
  for (const x of extras.filter((a) => a.detail)) add(`${name}/${lookup}/${x.urlPath}${slash}`, x.mapping);
}

/** The viewset's classes in resolution order (depth first, left to right, each once: exact for the usual chains). */
function providers(at: At, mod: ModuleFile, cls: PyClass): Provider[] {
  const out: Provider[] = [];
  const seen = new Set<PyClass>();
  const visit = (m: ModuleFile, c: PyClass): void => {
    if (seen.has(c) || seen.size >= MAX_BASES) return;
    seen.add(c);
    at.l.step();
    out.push({ mod: m, cls: c });
    for (const base of c.bases) {
      const r = at.l.resolveExpr(m, c.scope ?? '', base);
      if (r?.k === 'class') visit(r.mod, r.cls);
      else if (r?.k === 'extern' && (r.qual.startsWith('rest_framework.') || BULK_VIEWSET.test(r.qual)))
        out.push({ qual: r.qual });
    }
  };
  visit(mod, cls);
  return out;
}

/**
 * djangorestframework-bulk's BulkModelViewSet (rest_framework_bulk/generics.py): a ModelViewSet with bulk mixins,
 * its `create` (one object or a list) BulkCreateModelMixin's; its bulk_* actions serve only BulkRouter's extra
 * list methods, which are not listed.
 */
const BULK_VIEWSET = /^rest_framework_bulk\.(?:generics\.)?BulkModelViewSet$/;

/** The REST framework mixin that gives `action` through the class `qual`, qualified; undefined if none does. */
function mixinOf(qual: string, action: string): string | undefined {
  if (BULK_VIEWSET.test(qual))
    return action === 'create'
      ? 'rest_framework_bulk.mixins.BulkCreateModelMixin'
      : mixinOf('rest_framework.viewsets.ModelViewSet', action);
  const cls = qual.slice(qual.lastIndexOf('.') + 1);
  for (const mixin of CLASS_MIXINS[cls] ?? [cls])
    if (Object.values(MIXIN_METHODS[mixin] ?? {}).includes(action)) return `rest_framework.mixins.${mixin}`;
  return undefined;
}

/** `(?P<pk>[^/.]+)`, from the first `lookup_url_kwarg` / `lookup_field` / `lookup_value_regex` a workspace class sets. */
function lookupRegex(at: At, mro: Provider[]): string {
  const attr = (name: string): string | undefined => {
    for (const p of mro) {
      if ('qual' in p) continue;
      const v = p.cls.attributes[name];
      if (v) return at.l.str(p.mod, p.cls.scope ?? '', v);
    }
    return undefined;
  };
  const kwarg = attr('lookup_url_kwarg') ?? attr('lookup_field') ?? 'pk';
  return `(?P<${kwarg}>${attr('lookup_value_regex') ?? '[^/.]+'})`;
}

interface ExtraAction {
  detail: boolean;
  urlPath: string;
  mapping: Record<string, string>;
}

/** Methods decorated with REST framework's `@action(detail=…, methods=[…], url_path=…)`, the first of each name. */
function extraActions(at: At, mro: Provider[]): ExtraAction[] {
  const out: ExtraAction[] = [];
  const seen = new Set<string>();
  for (const p of mro) {
    if ('qual' in p) continue;
    for (const m of p.cls.methods) {
      if (seen.has(m.name)) continue;
      const deco = actionDecorator(at, p, m);
      if (!deco) continue;
      seen.add(m.name);
      const detail = deco.kw['detail'];
      const methods = deco.kw['methods'];
      const verbs =
        methods?.k === 'seq'
          ? methods.items.flatMap((x) => (x.k === 'str' ? [x.v.toLowerCase()] : []))
          : methods
            ? []
            : ['get'];
      const urlPath = deco.kw['url_path'] ? at.l.path(p.mod, p.cls.scope ?? '', deco.kw['url_path']) : m.name;
      out.push({
        detail: detail?.k === 'other' && detail.text === 'True',
        urlPath: urlPath ?? m.name,
        mapping: Object.fromEntries(verbs.map((v) => [v, m.name])),
      });
    }
  }
  return out;
}

function actionDecorator(at: At, p: { mod: ModuleFile; cls: PyClass }, m: PyMethod) {
  for (const d of m.decorators) {
    if (d.k !== 'call') continue;
    const fn = at.l.resolveExpr(p.mod, p.cls.scope ?? '', d.fn);
    if (fn?.k === 'extern' && fn.qual.startsWith('rest_framework.') && fn.qual.endsWith('.action')) return d;
  }
  return undefined;
}
