// A tiny element builder: the panel is a handful of tables, not worth a UI framework.
type Child = Node | string | number | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs?: Record<string, string | undefined>,
  ...children: Child[]
): HTMLElementTagNameMap[K];
export function h(tag: string, attrs?: Record<string, string | undefined>, ...children: Child[]): HTMLElement;
export function h(tag: string, attrs: Record<string, string | undefined> = {}, ...children: Child[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) el.setAttribute(k, v);
  for (const c of children)
    if (c !== null && c !== undefined && c !== false) el.append(typeof c === 'number' ? String(c) : c);
  return el;
}

/** A two-or-more column table; `rows` are arrays of cells (strings or elements). */
export function table(
  testid: string,
  head: string[],
  rows: Array<{ cells: Child[]; testid?: string; cls?: string }>,
): HTMLTableElement {
  return h(
    'table',
    { 'data-testid': testid },
    h('thead', {}, h('tr', {}, ...head.map((x) => h('th', {}, x)))),
    h(
      'tbody',
      {},
      ...rows.map((r) =>
        h(
          'tr',
          { 'data-testid': r.testid, class: r.cls },
          ...r.cells.map((c) => (c instanceof HTMLTableCellElement ? c : h('td', {}, c))),
        ),
      ),
    ),
  );
}

export function cell(content: Child, attrs: Record<string, string | undefined> = {}): HTMLTableCellElement {
  return h('td', attrs, content);
}

/** Element.replaceChildren, skipping the parts that are absent. */
export function fill(el: Element, ...children: Child[]): void {
  el.replaceChildren(
    ...children
      .filter((c): c is Node | string | number => c !== null && c !== undefined && c !== false)
      .map((c) => (typeof c === 'number' ? String(c) : c)),
  );
}
