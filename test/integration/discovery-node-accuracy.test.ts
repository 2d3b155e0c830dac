// Node discovery checked against each framework itself: every fixture app is required (never
// listening) and its own route table must hold exactly the method+path pairs we discover.
// HEAD routes the frameworks add for every GET (Fastify, @koa/router) are left out, trailing slashes
// are dropped (Fastify registers both '/p' and '/p/' for a prefixed '/'), and repeats are merged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { io as connectSocket } from 'socket.io-client';
import { nodeFileSystem } from '../../src/core/fs';
import { Parsers } from '../../src/core/parsing/parser';
import { ProjectIndex } from '../../src/core/project';

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  name: string;
  handle: { stack?: Layer[] };
  regexp: RegExp;
}

/**
 * Express 4 keeps mount paths only inside each layer's regexp: '^\/api\/users\/?(?=\/|$)', and
 * `use(['/a', '/b'], r)` as alternatives: '^\/a\/?(?=\/|$)|^\/b\/?(?=\/|$)'.
 */
function mountPaths(layer: Layer): string[] {
  return layer.regexp.source
    .split('|^')
    .map((one) => one.replace('^', '').replace('\\/?(?=\\/|$)', '').replace(/\\\//g, '/'));
}

function expressRoutes(stack: Layer[], prefix = ''): string[] {
  const out: string[] = [];
  for (const layer of stack) {
    if (layer.route) {
      for (const m of Object.keys(layer.route.methods))
        out.push(`${m.toUpperCase()} ${(prefix + layer.route.path).replace(/(.)\/$/, '$1') || '/'}`);
    } else if (layer.name === 'router' && layer.handle.stack) {
      for (const mount of mountPaths(layer)) out.push(...expressRoutes(layer.handle.stack, prefix + mount));
    }
  }
  return out;
}

const FIXTURES = path.join(__dirname, '..', 'fixtures');

async function discovered(dir: string): Promise<string[]> {
  const index = new ProjectIndex(dir, nodeFileSystem, await Parsers.load());
  await index.refresh();
  return normalise(index.routes().flatMap((r) => r.methods.map((m) => `${m} ${r.path}`)));
}

function normalise(pairs: string[]): string[] {
  return [...new Set(pairs.filter((p) => !p.startsWith('HEAD ')).map((p) => p.replace(/(.)\/$/, '$1')))].sort();
}

/**
 * Fastify's route table, from an onRoute hook added as the app is created (root routes register at once).
 * `asPlugin`: app.js exports a plugin, registered on a new instance as `fastify start app.js` (fastify-cli) does.
 */
async function fastifyRoutes(dir: string, asPlugin = false): Promise<string[]> {
  const modulePath = require.resolve('fastify', { paths: [dir] });
  const real = require(modulePath) as (...args: unknown[]) => {
    addHook(name: 'onRoute', fn: (r: { method: string | string[]; url: string }) => void): void;
  };
  const seen: string[] = [];
  require.cache[modulePath]!.exports = (...args: unknown[]) => {
    const app = real(...args);
    app.addHook('onRoute', (r) => {
      for (const m of ([] as string[]).concat(r.method)) seen.push(`${m} ${r.url}`);
    });
    return app;
  };
  try {
    const exported = require(path.join(dir, 'app.js'));
    const app = (asPlugin ? require(modulePath)().register(exported) : exported) as {
      ready(): Promise<unknown>;
      close(): Promise<unknown>;
    };
    await app.ready();
    await app.close();
  } finally {
    require.cache[modulePath]!.exports = real;
  }
  return normalise(seen);
}

/** @koa/router's stacks of every router the Koa app uses (nested routers are copied into their parent's stack). */
function koaRoutes(dir: string): string[] {
  const app = require(path.join(dir, 'app.js')) as {
    middleware: Array<{ router?: { stack: Array<{ methods: string[]; path: string }> } }>;
  };
  return normalise(
    app.middleware.flatMap((mw) => mw.router?.stack.flatMap((l) => l.methods.map((m) => `${m} ${l.path}`)) ?? []),
  );
}

type KoaMiddleware = ((...args: unknown[]) => unknown) & {
  router?: { stack: Array<{ methods: string[]; path: string }> };
};

/**
 * @koa/router stacks reached through an app's middleware, including through koa-mount: the real `mount()` is
 * wrapped to remember what each middleware it returns serves under which prefix (a Koa app or `router.routes()`).
 */
function koaMountedRoutes(dir: string): string[] {
  const modulePath = require.resolve('koa-mount', { paths: [dir] });
  const real = require(modulePath) as (prefix: unknown, app?: unknown) => KoaMiddleware;
  const mounts = new Map<unknown, { prefix: string; target: unknown }>();
  require.cache[modulePath]!.exports = (prefix: unknown, app?: unknown) => {
    const made = real(prefix, app);
    const target = typeof prefix === 'string' ? app : prefix;
    // mount('/', x) and mount(x) hand back x's own middleware: nothing to remember
    if (made !== target) mounts.set(made, { prefix: typeof prefix === 'string' ? prefix : '', target });
    return made;
  };
  try {
    const app = require(path.join(dir, 'app.js')) as { middleware: KoaMiddleware[] };
    const out: string[] = [];
    const walk = (mw: unknown, prefix: string): void => {
      const mounted = mounts.get(mw);
      if (mounted) return walk(mounted.target, prefix + mounted.prefix.replace(/\/$/, ''));
      const middleware = (mw as { middleware?: unknown }).middleware;
      if (Array.isArray(middleware)) for (const m of middleware) walk(m, prefix);
      for (const l of (mw as KoaMiddleware).router?.stack ?? [])
        for (const m of l.methods) out.push(`${m} ${prefix + l.path}`);
    };
    walk(app, '');
    return normalise(out);
  } finally {
    require.cache[modulePath]!.exports = real;
  }
}

/** Hono's own `app.routes` (sub-apps mounted with route() and basePath views share it). */
function honoRoutes(dir: string): string[] {
  const app = require(path.join(dir, 'app.js')) as { routes: Array<{ method: string; path: string }> };
  return normalise(app.routes.map((r) => `${r.method} ${r.path}`));
}

test('Fastify discovery matches the routes Fastify registers: plugins across files, nested prefixes, route()', async () => {
  const dir = path.join(FIXTURES, 'node', 'fastify-plugins');
  const real = await fastifyRoutes(dir);
  assert.ok(real.length >= 10, 'fixture has routes');
  assert.deepEqual(await discovered(dir), real);
});

test('Fastify discovery matches Fastify on shorthand handler properties and chained register() calls', async () => {
  const dir = path.join(FIXTURES, 'node', 'fastify-shapes');
  const real = await fastifyRoutes(dir);
  assert.ok(real.length >= 6, 'fixture has routes');
  assert.deepEqual(await discovered(dir), real);
});

test('Fastify discovery matches fastify-cli loading an app plugin that nothing in the workspace registers', async () => {
  const dir = path.join(FIXTURES, 'node', 'fastify-unregistered');
  const real = await fastifyRoutes(dir, true);
  assert.ok(real.length >= 4, 'fixture has routes');
  assert.deepEqual(await discovered(dir), real);
});

test('Fastify discovery matches Fastify on prefixes and paths written with constants, templates, + and imports', async () => {
  const dir = path.join(FIXTURES, 'node', 'fastify-constants');
  const real = await fastifyRoutes(dir);
  assert.ok(real.length >= 5, 'fixture has routes');
  assert.deepEqual(await discovered(dir), real);
});

test('Koa discovery matches @koa/router on prefixes written with constants and imports', async () => {
  const dir = path.join(FIXTURES, 'node', 'koa-constants');
  const real = koaRoutes(dir);
  assert.ok(real.length >= 3, 'fixture has routes');
  assert.deepEqual(await discovered(dir), real);
});

test('Hono discovery matches app.routes on basePath, route() and paths written with constants', async () => {
  const dir = path.join(FIXTURES, 'node', 'hono-constants');
  const real = honoRoutes(dir);
  assert.ok(real.length >= 2, 'fixture has routes');
  assert.deepEqual(await discovered(dir), real);
});

test('Hono discovery matches app.routes of @hono/zod-openapi: openapi(createRoute(…)) in register functions, factory apps', async () => {
  const dir = path.join(FIXTURES, 'node', 'hono-openapi');
  const real = honoRoutes(dir);
  assert.ok(real.length >= 4, 'fixture has routes');
  assert.deepEqual(await discovered(dir), real);
});

test('Koa discovery matches @koa/router stacks: prefixes, router.prefix(), nested use(), route names', async () => {
  const dir = path.join(FIXTURES, 'node', 'koa-routers');
  const real = koaRoutes(dir);
  assert.ok(real.length >= 8, 'fixture has routes');
  assert.deepEqual(await discovered(dir), real);
});

test('Koa discovery matches @koa/router: routers exporting routes(), used one by one, del() and controller members', async () => {
  const dir = path.join(FIXTURES, 'node', 'koa-realworld');
  const real = koaRoutes(dir);
  assert.equal(real.length, 4);
  assert.deepEqual(await discovered(dir), real);
});

test('Koa discovery matches koa-mount: routers and whole Koa apps mounted under a prefix, and answers on those paths', async () => {
  const dir = path.join(FIXTURES, 'node', 'koa-mounted');
  const real = koaMountedRoutes(dir);
  assert.ok(real.length >= 5, 'fixture has routes');
  assert.deepEqual(await discovered(dir), real);
  // The table read above is what the app serves: each route answers on 127.0.0.1 (not 404).
  const app = require(path.join(dir, 'app.js')) as { callback(): http.RequestListener };
  const server = http.createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    for (const route of real) {
      const [method, url] = route.split(' ');
      const status = await new Promise<number>((resolve, reject) => {
        const req = http.request(
          { host: '127.0.0.1', port, method, path: url.replace(/:\w+/g, '1'), timeout: 5000 },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('timeout', () => req.destroy(new Error('timeout')));
        req.on('error', reject);
        req.end();
      });
      assert.notEqual(status, 404, route);
    }
  } finally {
    server.close();
  }
});

test("Koa discovery matches an app made by a parameter's default (init(app = new Koa())), handlers packages make, register()", async () => {
  const dir = path.join(FIXTURES, 'node', 'koa-init-default');
  const real = koaMountedRoutes(dir);
  assert.deepEqual(real, [
    'GET /api/documents.export',
    'GET /auth/google',
    'POST /api/documents.export',
    'POST /api/documents.info',
    'POST /api/documents.list',
  ]);
  assert.deepEqual(await discovered(dir), real);
});

test('Hono discovery matches app.routes: basePath, route() across files, on(), chained declarations', async () => {
  const dir = path.join(FIXTURES, 'node', 'hono-apps');
  const real = honoRoutes(dir);
  assert.ok(real.length >= 8, 'fixture has routes');
  assert.deepEqual(await discovered(dir), real);
});

for (const fixture of [
  'node/express-nested',
  'node/express-idioms',
  'node/express-constants',
  'node/express-mounts',
  'node/express-exports',
  'node/express-wrapped',
  'node/express-controllers',
  'node/express-configured',
  'demo',
]) {
  test(`Express discovery matches the real router stack: ${fixture}`, async () => {
    const dir = path.join(__dirname, '..', 'fixtures', fixture);

    const app = require(path.join(dir, 'app.js')) as { _router: { stack: Layer[] } };
    const real = expressRoutes(app._router.stack).sort();
    const index = new ProjectIndex(dir, nodeFileSystem, await Parsers.load());
    await index.refresh();
    const ours = index
      .routes()
      .flatMap((r) => r.methods.map((m) => `${m} ${r.path}`))
      .sort();
    assert.ok(real.length >= 2, 'fixture has routes');
    assert.deepEqual(ours, real);
  });
}

test('handlers point at their function: named, inline, async flag', async () => {
  const dir = path.join(__dirname, '..', 'fixtures', 'node', 'express-nested');
  const index = new ProjectIndex(dir, nodeFileSystem, await Parsers.load());
  await index.refresh();
  const list = index.routes().find((r) => r.path === '/api/users' && r.methods[0] === 'GET');
  assert.deepEqual([list?.handler, list?.file, list?.line, list?.async], ['listUsers', 'routes/users.js', 4, true]);
  const year = index.routes().find((r) => r.path === '/admin/reports/:year');
  assert.deepEqual(
    [year?.file, year?.line, year?.async, year?.execution],
    ['routes/admin/reports.js', 3, true, 'event-loop'],
  );
});

interface SocketIoEmitter {
  eventNames(): Array<string | symbol>;
  listeners(event: string | symbol): Array<{ name: string }>;
}

/**
 * socket.io's own table: each namespace's connection listeners, and the event listeners a connection's socket
 * holds once its connection handlers ran (a real client connects to each namespace on 127.0.0.1). socket.io's
 * own no-op 'error' listener is left out.
 */
async function socketIoEvents(dir: string): Promise<string[]> {
  const io = require(path.join(dir, 'server.js')) as {
    attach(server: http.Server): void;
    close(): void;
    _nsps: Map<string, SocketIoEmitter & { once(e: 'connection', f: (s: unknown) => void): void }>;
  };
  const server = http.createServer();
  io.attach(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const out: string[] = [];
  const own = (emitter: SocketIoEmitter) =>
    emitter
      .eventNames()
      .filter((e): e is string => typeof e === 'string' && !emitter.listeners(e).every((l) => l.name === 'noop'));
  try {
    const { port } = server.address() as AddressInfo;
    for (const [name, nsp] of io._nsps) {
      for (const e of own(nsp)) out.push(`${name} ${e}`);
      const connected = new Promise<SocketIoEmitter & { listenersAny(): unknown[] }>((resolve) =>
        nsp.once('connection', (s) => resolve(s as SocketIoEmitter & { listenersAny(): unknown[] })),
      );
      const client = connectSocket(`http://127.0.0.1:${port}${name}`, {
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
        timeout: 5000,
      });
      try {
        const socket = await connected;
        await new Promise((resolve) => setImmediate(resolve)); // every connection listener has run
        for (const e of own(socket)) out.push(`${name} ${e}`);
        if (socket.listenersAny().length > 0) out.push(`${name} *`);
      } finally {
        client.close();
      }
    }
  } finally {
    io.close();
    server.close();
  }
  return out.sort();
}

test('socket.io events match the listeners socket.io holds: connection handlers, socket.on across files, namespaces, onAny', async () => {
  const dir = path.join(FIXTURES, 'node', 'socketio-chat');
  const real = await socketIoEvents(dir);
  assert.ok(real.length >= 6, 'fixture has events');
  const index = new ProjectIndex(dir, nodeFileSystem, await Parsers.load());
  await index.refresh();
  const events = index.routes().filter((r) => r.kind === 'event');
  assert.deepEqual(events.map((r) => `${r.namespace ?? '/'} ${r.path}`).sort(), real);
  assert.ok(events.every((r) => r.framework === 'socket.io' && r.methods.join() === 'EVENT'));
  // An event handler runs on the loop: its blocking call is a finding, named after the handler.
  assert.deepEqual(
    index.findings().map((f) => `${f.file}:${f.line} ${f.rule} ${f.handler}`),
    ['handlers/chat.js:5 EP101 onMessage'],
  );
});

/**
 * The Express stack of a TypeScript app whose imports go through tsconfig `paths`: loaded in a child process by
 * tsx from the fixture's folder, so tsx's own tsconfig reading (paths, baseUrl, extends) resolves them.
 */
function expressRoutesThroughTsx(dir: string): string[] {
  const script = `
    const m = require(require('path').resolve('src/app.ts'));
    const app = m.default || m;
    const mounts = (layer) => layer.regexp.source.split('|^')
      .map((one) => one.replace('^', '').replace('\\\\/?(?=\\\\/|$)', '').replace(/\\\\\\//g, '/'));
    const walk = (stack, prefix) => stack.flatMap((layer) =>
      layer.route
        ? Object.keys(layer.route.methods).map((m) => m.toUpperCase() + ' ' + ((prefix + layer.route.path).replace(/(.)\\/$/, '$1') || '/'))
        : layer.name === 'router' && layer.handle.stack
          ? mounts(layer).flatMap((mount) => walk(layer.handle.stack, prefix + mount))
          : []);
    process.stdout.write(JSON.stringify(walk(app._router.stack, '')));
  `;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: dir, timeout: 60_000 });
  return (JSON.parse(out.toString()) as string[]).sort();
}

test('Express discovery follows tsconfig paths aliases (baseUrl, extends, wildcard and exact) as tsx resolves them', async () => {
  const dir = path.join(FIXTURES, 'node', 'express-aliases');
  const real = expressRoutesThroughTsx(dir);
  assert.ok(real.length >= 3, 'fixture has routes');
  assert.deepEqual(await discovered(dir), real);
});
