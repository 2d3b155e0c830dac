// The manifest's activation: `workspaceContains:**/…` globs search the whole folder and time out
// on large ones ("Timed out while searching for 'workspaceContains' pattern"); the extension then
// activated only because a .py file happened to be open. Only events that cannot time out remain.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';

const pkg = JSON.parse(readFileSync(path.join(__dirname, '../../package.json'), 'utf8')) as {
  engines: { vscode: string };
  activationEvents: string[];
  capabilities?: { untrustedWorkspaces?: { supported: unknown; restrictedConfigurations?: string[] } };
  contributes: { views: Record<string, Array<{ id: string }>>; commands: Array<{ command: string }> };
};

test('activation: no workspaceContains globs; the languages, the views, the commands and the panel activate it', () => {
  const events = pkg.activationEvents;
  assert.deepEqual(
    events.filter((e) => e.startsWith('workspaceContains:')),
    [],
    'no workspace search at start-up',
  );
  for (const language of ['python', 'javascript', 'typescript', 'typescriptreact', 'javascriptreact'])
    assert.ok(events.includes(`onLanguage:${language}`), `onLanguage:${language}`);
  assert.ok(events.includes('onWebviewPanel:endpointProfiler.results'), 'a restored results panel');
  assert.ok(
    events.every((e) => /^(onLanguage|onView|onCommand|onWebviewPanel):|^onStartupFinished$/.test(e)),
    `only events that cannot time out: ${JSON.stringify(events)}`,
  );
  // Since VS Code 1.74 every contributed view and command activates the extension by itself
  // (implicit onView:/onCommand:), so opening the sidebar or running any command works.
  const [major, minor] = /(\d+)\.(\d+)/.exec(pkg.engines.vscode)!.slice(1).map(Number);
  assert.ok(major > 1 || minor >= 74, `engines.vscode ${pkg.engines.vscode} has implicit view and command events`);
  assert.ok(pkg.contributes.views.endpointProfiler.length >= 2);
});

test('the editor’s request timeout defaults to the CLI’s (hey’s): 10 queued 1 s requests are not timeouts', async () => {
  const { parseLoadArgs } = await import('../../src/cli/load');
  const manifest = JSON.parse(readFileSync(path.join(__dirname, '../../package.json'), 'utf8')) as {
    contributes: { configuration: { properties: Record<string, { default?: unknown }> } };
  };
  const cliDefault = parseLoadArgs(['http://127.0.0.1:8000/']).options.timeoutS;
  assert.equal(cliDefault, 20);
  assert.equal(manifest.contributes.configuration.properties['endpointProfiler.timeout'].default, cliDefault);
  const source = readFileSync(path.join(__dirname, '../../src/vscode/profileCommand.ts'), 'utf8');
  assert.match(source, /get<number>\('timeout', 20\)/, 'the code falls back to the same default');
});

test('untrusted workspaces: limited support, and the settings that run or aim commands are restricted', () => {
  const trust = pkg.capabilities?.untrustedWorkspaces;
  assert.equal(trust?.supported, 'limited');
  assert.deepEqual([...(trust?.restrictedConfigurations ?? [])].sort(), [
    'endpointProfiler.baseUrl',
    'endpointProfiler.headers',
    'endpointProfiler.serverCommand',
  ]);
});
