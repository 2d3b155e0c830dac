// Buttons that talk to the host: Cancel (live runs) and Export (saved runs).
import '@vscode-elements/elements/dist/vscode-button/index.js';
import type { WebviewMessage } from '../src/shared/protocol';
import { h } from './dom';

export type Post = (m: WebviewMessage) => void;

const FORMATS: Array<['json' | 'csv' | 'markdown', string]> = [
  ['json', 'JSON'],
  ['csv', 'CSV'],
  ['markdown', 'Markdown'],
];

function button(
  label: string,
  testid: string,
  onClick: () => void,
  opts: { secondary?: boolean; disabled?: boolean } = {},
): HTMLElement {
  const b = h(
    'vscode-button',
    { 'data-testid': testid, secondary: opts.secondary ? '' : undefined, disabled: opts.disabled ? '' : undefined },
    label,
  );
  b.addEventListener('click', () => {
    if (!b.hasAttribute('disabled')) onClick();
  });
  return b;
}

export function cancelButton(post: Post): HTMLElement {
  return button('Cancel', 'cancel', () => post({ type: 'cancel' }));
}

/** Export in each format; CSV holds one run's timeline, so it is offered only for a single run. */
export function exportButtons(post: Post, runIds: string[], disabled: boolean): HTMLElement {
  const formats = runIds.length > 1 ? FORMATS.filter(([f]) => f !== 'csv') : FORMATS;
  return h(
    'div',
    { class: 'exports' },
    ...formats.map(([format, label]) =>
      button(`Export ${label}`, `export-${format}`, () => post({ type: 'export', runIds, format }), {
        secondary: true,
        disabled,
      }),
    ),
  );
}
