// NestJS discovery: controller and method paths written with constants (module-level, imported,
// object members, templates), controllers with several paths, and what an unknown path gives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { discoverNode, summary } from './discovery-node-helpers';

function fixture(dir: string): Record<string, string> {
  const root = path.join(__dirname, '..', 'fixtures', 'node', dir);
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const name of readdirSync(path.join(root, rel))) {
      const r = rel ? `${rel}/${name}` : name;
      if (statSync(path.join(root, r)).isDirectory()) walk(r);
      else if (name.endsWith('.ts')) out[r] = readFileSync(path.join(root, r), 'utf8');
    }
  };
  walk('');
  return out;
}

test('NestJS: computed controller and method paths are evaluated, array paths serve each, unknown ones are marked', async () => {
  const routes = await discoverNode(fixture('nest-constants'));
  assert.deepEqual(summary(routes), [
    'nestjs GET /api/v1/consts/search ConstsController.find src/orders/orders.controller.ts:28',
    'nestjs GET /api/v1/h1 HostController.index src/mirror/mirror.controller.ts:15',
    'nestjs GET /api/v1/h2 HostController.index src/mirror/mirror.controller.ts:15',
    'nestjs GET /api/v1/m1/ping MirrorController.ping src/mirror/mirror.controller.ts:7',
    'nestjs GET /api/v1/m2/ping MirrorController.ping src/mirror/mirror.controller.ts:7',
    'nestjs GET /api/v1/orders OrdersController.list src/orders/orders.controller.ts:10',
    'nestjs GET /api/v1/orders/:id OrdersController.one src/orders/orders.controller.ts:15',
    'nestjs GET /api/v1/{process.env.PREFIX?}/never UnknownController.never src/mirror/mirror.controller.ts:23',
    'nestjs POST /api/v1/orders/search/advanced OrdersController.search src/orders/orders.controller.ts:20',
  ]);
});

test('NestJS: an unknown global prefix or method path is kept marked, never dropped nor left out', async () => {
  const routes = await discoverNode({
    'src/main.ts':
      "async function main() { const app = await NestFactory.create(M); app.setGlobalPrefix(config.get('prefix')); }",
    'src/a.controller.ts': "@Controller('a') export class A { @Get() x() {} }",
  });
  // setGlobalPrefix(prefixVar) used to drop every controller route of the workspace
  assert.deepEqual(summary(routes), ["nestjs GET /{config.get('prefix')?}/a A.x src/a.controller.ts:1"]);
  assert.equal(routes[0].unresolved, true);
  // an exclusion list with computed entries: the written ones still exclude, the others may
  const computed = await discoverNode({
    'src/main.ts': [
      'async function main() {',
      '  const app = await NestFactory.create(M);',
      "  app.setGlobalPrefix('api', { exclude: ['sitemap.xml', `${BOARD.substring(1)}{/*path}`, ...codes.map((c) => `/${c}`)] });",
      '}',
    ].join('\n'),
    'src/a.controller.ts': "@Controller('a') export class A { @Get() x() {} }",
    'src/s.controller.ts': "@Controller('sitemap.xml') export class S { @Get() x() {} }",
  });
  assert.deepEqual(summary(computed), [
    'nestjs GET /sitemap.xml S.x src/s.controller.ts:1',
    'nestjs GET /{api unless excluded?}/a A.x src/a.controller.ts:1',
  ]);
  assert.equal(computed.find((r) => r.handler === 'A.x')?.unresolved, true);
  const noPath = await discoverNode({
    'src/a.controller.ts': "@Controller('a') export class A { @Get(computePath()) x() {} @Get('ok') y() {} }",
  });
  assert.deepEqual(summary(noPath), [
    'nestjs GET /a/ok A.y src/a.controller.ts:1',
    'nestjs GET /a/{computePath()?} A.x src/a.controller.ts:1',
  ]);
});

test('NestJS: stacked decorators, comments between them, and the topmost of two route decorators (as Nest applies them)', async () => {
  const routes = await discoverNode(fixture('nest-stacked'));
  assert.deepEqual(summary(routes), [
    'nestjs GET /api/cats CatsController.list src/cats/cats.controller.ts:11 async',
    'nestjs POST /api/cats CatsController.create src/cats/cats.controller.ts:20 async',
    'nestjs PUT /api/cats/:id CatsController.replace src/cats/cats.controller.ts:27 async',
  ]);
});

test('NestJS: URI versioning (controller, @Version, neutral, default) and global-prefix exclusions, as Nest joins them', async () => {
  const routes = await discoverNode(fixture('nest-versioned'));
  // Nest's RoutePathFactory: '/' + global prefix (unless excluded, compared without the version) + '/v' + version
  // + controller path + method path; a method's @Version replaces the controller's, defaultVersion fills in
  assert.deepEqual(summary(routes), [
    'nestjs GET /api/users/:id UsersController.one src/users.controller.ts:13',
    'nestjs GET /api/v2/users UsersController.list src/users.controller.ts:6',
    'nestjs GET /api/v3/users/:id UsersController.one src/users.controller.ts:13',
    'nestjs GET /status/:id StatusController.read src/status.controller.ts:7',
    'nestjs GET /v1/health HealthController.check src/health.controller.ts:7',
    'nestjs POST /api/status/:id StatusController.write src/status.controller.ts:12',
  ]);
  const header = await discoverNode({
    'src/main.ts':
      'async function main() { const app = await NestFactory.create(M); app.enableVersioning({ type: VersioningType.HEADER, header: "V" }); }',
    'src/a.controller.ts': "@Controller({ path: 'a', version: '1' }) export class A { @Get() x() {} }",
  });
  // header versioning leaves paths alone
  assert.deepEqual(summary(header), ['nestjs GET /a A.x src/a.controller.ts:1']);
});

test('NestJS: the default version read where versioning is enabled, exclusions matched as path-to-regexp, no type no URI version', async () => {
  const routes = await discoverNode({
    'src/config/version.ts': "export const API_VERSION = '2';",
    'src/main.ts': [
      "import { API_VERSION } from './config/version';",
      'async function main() {',
      '  const app = await NestFactory.create(M);',
      "  app.setGlobalPrefix('api', { exclude: ['Health', 'files/*path'] });",
      '  app.enableVersioning({ type: VersioningType.URI, defaultVersion: API_VERSION });',
      '}',
    ].join('\n'),
    'src/users/a.controller.ts': "@Controller('a') export class A { @Get() x() {} }",
    'src/health.controller.ts': "@Controller('health') export class H { @Get() y() {} }",
    'src/files.controller.ts': "@Controller('files') export class F { @Get('a/b') z() {} }",
  });
  assert.deepEqual(summary(routes), [
    'nestjs GET /api/v2/a A.x src/users/a.controller.ts:1',
    'nestjs GET /v2/files/a/b F.z src/files.controller.ts:1',
    'nestjs GET /v2/health H.y src/health.controller.ts:1',
  ]);
  const untyped = await discoverNode({
    'src/main.ts':
      "async function main() { const app = await NestFactory.create(M); app.enableVersioning({ defaultVersion: '1' }); }",
    'src/a.controller.ts': "@Controller('a') export class A { @Get() x() {} }",
  });
  assert.deepEqual(summary(untyped), ['nestjs GET /a A.x src/a.controller.ts:1']);
});

test('NestJS: RouterModule.register gives the controllers of each module its path, children continuing their parent', async () => {
  const routes = await discoverNode({
    'src/main.ts':
      "async function main() { const app = await NestFactory.create(AppModule); app.setGlobalPrefix('api'); }",
    'src/app.module.ts': [
      "import { RouterModule, Routes } from '@nestjs/core';",
      "import { AdminModule } from './admin/admin.module';",
      "import { CatsModule } from './cats';",
      "import { DogsModule } from './dogs.module';",
      "import { HomeController } from './home.controller';",
      'const routes: Routes = [',
      "  { path: 'admin', module: AdminModule, children: [{ path: '/pets/', module: DogsModule }, CatsModule] },",
      '];',
      '@Module({ imports: [AdminModule, RouterModule.register(routes)], controllers: [HomeController] })',
      'export class AppModule {}',
    ].join('\n'),
    'src/admin/admin.module.ts': [
      "import { AdminController } from './admin.controller';",
      '@Module({ controllers: [AdminController] })',
      'export class AdminModule {}',
    ].join('\n'),
    'src/admin/admin.controller.ts': "@Controller('users') export class AdminController { @Get(':id') one() {} }",
    'src/cats/index.ts': "export { CatsModule } from './cats.module';",
    'src/cats/cats.module.ts': [
      "import { CatsController } from './cats.controller';",
      '@Module({ controllers: [CatsController] }) export class CatsModule {}',
    ].join('\n'),
    'src/cats/cats.controller.ts': "@Controller('cats') export class CatsController { @Get() list() {} }",
    'src/dogs.module.ts':
      "@Module({ controllers: [DogsController] }) export class DogsModule {}\n@Controller('dogs') export class DogsController { @Post() add() {} }",
    'src/home.controller.ts': "@Controller() export class HomeController { @Get('health') ok() {} }",
  });
  // Nest: '/' + global prefix + module path + controller path + method path; a bare child module takes its
  // parent's path; a controller whose module no route names keeps its own
  assert.deepEqual(summary(routes), [
    'nestjs GET /api/admin/cats CatsController.list src/cats/cats.controller.ts:1',
    'nestjs GET /api/admin/users/:id AdminController.one src/admin/admin.controller.ts:1',
    'nestjs GET /api/health HomeController.ok src/home.controller.ts:1',
    'nestjs POST /api/admin/pets/dogs DogsController.add src/dogs.module.ts:2',
  ]);
});

test('NestJS: a RouterModule registration read nowhere marks the module paths it may give, never drops them', async () => {
  const routes = await discoverNode({
    'src/app.module.ts': [
      "import { routes } from './routes';",
      '@Module({ imports: [RouterModule.register(routes)], controllers: [AController] }) export class AppModule {}',
      "@Controller('a') export class AController { @Get() x() {} }",
    ].join('\n'),
  });
  assert.deepEqual(summary(routes), ['nestjs GET /{module path?}/a AController.x src/app.module.ts:3']);
  assert.equal(routes[0].unresolved, true);
});

test('NestJS: RouterModule routes written in a module of their own and imported', async () => {
  const routes = await discoverNode({
    'src/app.routes.ts': [
      "import { Routes } from '@nestjs/core';",
      "import { BillingModule } from './billing.module';",
      "export const appRoutes: Routes = [{ path: 'v2', children: [{ path: 'billing', module: BillingModule }] }];",
    ].join('\n'),
    'src/app.module.ts': [
      "import { appRoutes } from './app.routes';",
      '@Module({ imports: [RouterModule.register(appRoutes)] }) export class AppModule {}',
    ].join('\n'),
    'src/billing.module.ts': [
      "import { InvoicesController as Invoices } from './invoices.controller';",
      '@Module({ controllers: [Invoices] }) export class BillingModule {}',
    ].join('\n'),
    'src/invoices.controller.ts': "@Controller('invoices') export class InvoicesController { @Get() list() {} }",
  });
  assert.deepEqual(summary(routes), [
    'nestjs GET /v2/billing/invoices InvoicesController.list src/invoices.controller.ts:1',
  ]);
});

test('NestJS: two apps with their own global prefix serve the controllers their root module reaches through imports', async () => {
  const routes = await discoverNode({
    'src/main.ts': [
      "import { NestFactory } from '@nestjs/core';",
      "import { AppModule } from './app.module';",
      'async function bootstrap() {',
      '  const app = await NestFactory.create<NestFastifyApplication>(AppModule, new FastifyAdapter());',
      "  app.setGlobalPrefix('api', { exclude: ['robots.txt'] });",
      '}',
    ].join('\n'),
    'src/collab/main.ts': [
      "import { NestFactory } from '@nestjs/core';",
      "import { CollabModule } from './collab.module';",
      'async function bootstrap() {',
      '  const app = await NestFactory.create(CollabModule);',
      "  app.setGlobalPrefix('api', { exclude: ['/'] });",
      '}',
    ].join('\n'),
    'src/app.module.ts': [
      "import { Module, forwardRef } from '@nestjs/common';",
      "import { AppController } from './app.controller';",
      "import { SecurityModule } from './security.module';",
      "import { PagesModule } from './pages.module';",
      '@Module({ imports: [SecurityModule.forRoot(), forwardRef(() => PagesModule)], controllers: [AppController] })',
      'export class AppModule {}',
    ].join('\n'),
    'src/collab/collab.module.ts': [
      "import { Module } from '@nestjs/common';",
      "import { AppController } from '../app.controller';",
      "import { PagesModule } from '../pages.module';",
      '@Module({ imports: [PagesModule], controllers: [AppController] })',
      'export class CollabModule {}',
    ].join('\n'),
    'src/security.module.ts': [
      "import { Module } from '@nestjs/common';",
      "import { RobotsController } from './robots.controller';",
      '@Module({ controllers: [RobotsController] })',
      'export class SecurityModule {}',
    ].join('\n'),
    'src/pages.module.ts': [
      "import { Module } from '@nestjs/common';",
      "import { PagesController } from './pages.controller';",
      '@Module({ controllers: [PagesController] })',
      'export class PagesModule {}',
    ].join('\n'),
    'src/app.controller.ts': [
      "import { Controller, Get } from '@nestjs/common';",
      '@Controller()',
      'export class AppController {',
      '  @Get() hello() {}',
      '}',
    ].join('\n'),
    'src/robots.controller.ts': [
      "import { Controller, Get } from '@nestjs/common';",
      "@Controller('robots.txt')",
      'export class RobotsController {',
      '  @Get() robots() {}',
      '}',
    ].join('\n'),
    'src/pages.controller.ts': [
      "import { Controller, Get } from '@nestjs/common';",
      "@Controller('pages')",
      'export class PagesController {',
      '  @Get() list() {}',
      '}',
    ].join('\n'),
    // in no module either app is known to reach: its path differs between them
    'src/orphan.controller.ts': [
      "import { Controller, Get } from '@nestjs/common';",
      '@Controller()',
      'export class OrphanController {',
      '  @Get() root() {}',
      "  @Get('stats') stats() {}",
      '}',
    ].join('\n'),
  });
  assert.deepEqual(summary(routes), [
    'nestjs GET / AppController.hello src/app.controller.ts:4',
    'nestjs GET /api AppController.hello src/app.controller.ts:4',
    'nestjs GET /api/pages PagesController.list src/pages.controller.ts:4',
    'nestjs GET /api/stats OrphanController.stats src/orphan.controller.ts:5',
    'nestjs GET /robots.txt RobotsController.robots src/robots.controller.ts:4',
    'nestjs GET /{global prefix?} OrphanController.root src/orphan.controller.ts:4',
  ]);
});
