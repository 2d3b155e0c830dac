// Entry of the results webview (bundled to dist/webview.js). The host sends complete
// snapshots (src/shared/protocol.ts); this script renders them, remembers which runs it shows
// with setState (so VS Code can restore the panel after a reload) and posts user actions back.
import uplotCss from 'uplot/dist/uPlot.min.css';
import type { HostMessage, PanelState, WebviewMessage } from '../src/shared/protocol';
import { ComparePanel } from './compareView';
import { h } from './dom';
import { RunPanel } from './runView';
import panelCss from './styles.css';
import { SweepPanel } from './sweepView';
import { watchTheme } from './theme';

interface VsCodeApi {
  postMessage(m: WebviewMessage): void;
  setState(s: PanelState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const post = (m: WebviewMessage): void => vscode.postMessage(m);

// The CSP admits <style> only with the page's nonce, which the host put on our <script> tag.
const style = document.createElement('style');
style.nonce = document.querySelector<HTMLScriptElement>('script[nonce]')?.nonce ?? '';
style.textContent = `${uplotCss}\n${panelCss}`;
document.head.append(style);

const banner = h('div', { 'data-testid': 'error', class: 'error', hidden: '' });
const content = h(
  'div',
  { class: 'content' },
  h('p', { 'data-testid': 'waiting', class: 'muted' }, 'Waiting for results…'),
);
document.body.append(banner, content);

let panel: RunPanel | ComparePanel | SweepPanel | undefined;

function mount(next: RunPanel | ComparePanel | SweepPanel): void {
  panel?.destroy();
  panel = next;
  content.replaceChildren(next.root);
}

function render(m: HostMessage): void {
  if (m.type === 'error') {
    banner.textContent = m.message;
    banner.hidden = false;
    // Nothing shown yet: the error is all there is to say, not "Waiting for results…" under it.
    if (!panel) content.replaceChildren();
    return;
  }
  banner.hidden = true;
  if (m.type === 'run') {
    if (!(panel instanceof RunPanel) || panel.runId !== m.view.run.id) mount(new RunPanel(m.view.run.id, post));
    (panel as RunPanel).update(m);
    vscode.setState({ kind: 'run', runIds: [m.view.run.id] });
  } else if (m.type === 'sweep') {
    if (!(panel instanceof SweepPanel)) mount(new SweepPanel(post));
    (panel as SweepPanel).update(m);
    vscode.setState({ kind: 'sweep', runIds: SweepPanel.runIds(m) });
  } else {
    if (!(panel instanceof ComparePanel)) mount(new ComparePanel(post));
    (panel as ComparePanel).update(m);
    vscode.setState({ kind: 'compare', runIds: m.views.map((v) => v.run.id) });
  }
}

window.addEventListener('message', (e: MessageEvent<HostMessage>) => {
  const m = e.data;
  if (!m || typeof m !== 'object' || !['run', 'compare', 'sweep', 'error'].includes(m.type)) return;
  try {
    render(m);
  } catch (err) {
    render({ type: 'error', message: `Could not show these results: ${(err as Error).message}` });
  }
});

watchTheme(() => panel?.restyle());
post({ type: 'ready' });
