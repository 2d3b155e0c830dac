// A restored panel whose runs cannot be read again: the host's one message is all the page
// shows — not "Waiting for results…" under an error.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { restoreFailure } from '../../src/vscode/resultsModel';
import { FakeHost } from './fakeHost';

let host: FakeHost;
before(async () => {
  host = await FakeHost.open('restore');
});
after(async () => {
  await host?.close();
});

test('an error before any result replaces the waiting text with one clear message', async () => {
  await host.page.getByTestId('waiting').waitFor();
  const message = restoreFailure('compare', ['a', 'b'], [undefined, new Error('cannot read /s/b.json: ENOENT')]);
  await host.send({ type: 'error', message });
  assert.equal(await host.text('error'), message);
  assert.equal(await host.page.getByTestId('waiting').count(), 0, 'no "Waiting for results…"');
  assert.equal(
    await host.page
      .locator('body')
      .innerText()
      .then((t) => t.includes('ENOENT')),
    false,
  );
  await host.screenshot('restored-compare-gone');
  assert.deepEqual(host.errors, []);
});
