// CodeLens titles and hover text over REAL discovery and analysis of the e2e FastAPI app, and
// a REAL run (the load engine against node:http on 127.0.0.1) as the "last measured" figures.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { nodeFileSystem } from '../../src/core/fs';
import { startLoad } from '../../src/core/load/engine';
import { Parsers } from '../../src/core/parsing/parser';
import { ProjectIndex } from '../../src/core/project';
import {
  blockingLensTitle,
  handlerHover,
  latestRunByRoute,
  profileLensTitle,
  routeKey,
} from '../../src/vscode/handlerModel';
import { routeNode } from '../../src/vscode/routesTreeModel';
import { startDelayServer } from '../fixtures/servers/delay-server';

async function indexed() {
  const index = new ProjectIndex(
    path.resolve(__dirname, '../fixtures/e2e/fastapi'),
    nodeFileSystem,
    await Parsers.load(),
  );
  await index.refresh();
  const routes = index.routes();
  return {
    findings: index.findings(),
    blocking: routes.find((r) => r.handler === 'blocking')!,
    threadpool: routes.find((r) => r.handler === 'threadpool')!,
  };
}

test('lenses: profile title for every handler, a blocking count only where a blocking call runs on the loop', async () => {
  const { findings, blocking, threadpool } = await indexed();
  assert.equal(profileLensTitle(blocking), '▶ Profile GET /blocking');
  assert.equal(
    blockingLensTitle(blocking, findings),
    '⚠ 1 blocking call',
    'time.sleep in async def (EP103 advice is not a blocking call)',
  );
  assert.equal(
    blockingLensTitle(threadpool, findings),
    undefined,
    'time.sleep in a def handler runs in the threadpool',
  );
});

test('hover: where the handler runs, and the latest measured p50/p99 of that route', async () => {
  const { findings, blocking, threadpool } = await indexed();
  assert.match(handlerHover(threadpool, findings), /in the threadpool/);
  assert.match(handlerHover(threadpool, findings), /Not measured yet/);
  const server = await startDelayServer();
  try {
    const measure = (ms: number) =>
      startLoad({
        url: `${server.url}?ms=${ms}`,
        concurrency: 2,
        requests: 6,
        route: { path: blocking.path, file: blocking.file, handler: blocking.handler },
      }).result;
    const older = await measure(1);
    const newer = await measure(30);
    const latest = latestRunByRoute([newer, older]).get(routeKey(blocking));
    assert.equal(latest?.id, newer.id);
    const text = handlerHover(blocking, findings, latest);
    assert.match(text, /on the event loop/);
    assert.match(text, /1 blocking call: line 11 \(EP101\)/);
    assert.ok(newer.summary.latencyMs.p50 >= 30, 'the server delays each answer by 30 ms');
    assert.match(text, new RegExp(`p50 \\*\\*${newer.summary.latencyMs.p50.toFixed(1)} ms\\*\\*`));
    assert.match(text, /6 requests/);
  } finally {
    await server.close();
  }
});

test('no profile lens where nothing can be profiled over HTTP: socket.io event handlers; the HTTP route beside them has one', async () => {
  const index = new ProjectIndex(
    path.resolve(__dirname, '../fixtures/node/socketio-chat'),
    nodeFileSystem,
    await Parsers.load(),
  );
  await index.refresh();
  const events = index.routes().filter((r) => r.kind === 'event');
  assert.ok(events.length > 0);
  for (const r of events) assert.equal(profileLensTitle(r), undefined, r.path);
  assert.equal(profileLensTitle(index.routes().find((r) => r.path === '/health')!), '▶ Profile GET /health');
});

test("library routes: a profile lens at the registration, a hover and a row that say library code answers, with no 'sync handler' claim", async () => {
  const index = new ProjectIndex(
    path.resolve(__dirname, '../fixtures/python/django_library'),
    nodeFileSystem,
    await Parsers.load(),
  );
  await index.refresh();
  const login = index.routes().find((r) => r.path === '/login/')!;
  assert.equal(profileLensTitle(login), '▶ Profile ANY /login/');
  const hover = handlerHover(login, index.findings());
  assert.match(hover, /Handler `django\.contrib\.auth\.views\.LoginView`: library code answers/);
  assert.doesNotMatch(hover, /sync. handler|runs \*\*in a worker/);
  const row = routeNode(login, index.findings());
  assert.equal(row.description, 'ANY · django.contrib.auth.views.LoginView · library');
  assert.match(row.tooltip, /Library code answers \(`django\.contrib\.auth\.views\.LoginView`\)/);
});
