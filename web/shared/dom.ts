/**
 * A few DOM helpers so the pages build elements in one expression. Text always goes in as text
 * (textContent), never as HTML, so names and messages from the API cannot inject markup.
 */
type Attrs = Record<string, string | number | boolean | undefined | null>;
export type Child = Node | string | number | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'className') el.className = String(value);
    else if (value === true) el.setAttribute(name, '');
    else el.setAttribute(name, String(value));
  }
  append(el, children);
  return el;
}

export function append(parent: Element | DocumentFragment, children: (Child | Child[])[]): void {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(typeof child === 'number' ? String(child) : child);
  }
}

export function $(selector: string, root: ParentNode = document): HTMLElement {
  const el = root.querySelector<HTMLElement>(selector);
  if (!el) throw new Error(`element ${selector} not found`);
  return el;
}

/** A table with a caption, column headers and rows; the first cell of a row is its header. */
export function table(
  caption: string,
  headers: string[],
  rows: Child[][],
  options: { empty?: string; captionHidden?: boolean; className?: string } = {},
): HTMLTableElement {
  const body = rows.length
    ? rows.map((cells) =>
        h(
          'tr',
          {},
          cells.map((c, i) =>
            i === 0
              ? h('th', { scope: 'row', 'data-label': headers[i] }, c)
              : h('td', { 'data-label': headers[i] }, c),
          ),
        ),
      )
    : [
        h(
          'tr',
          {},
          h('td', { colspan: headers.length, className: 'empty' }, options.empty ?? 'Geen gegevens'),
        ),
      ];
  return h(
    'table',
    { className: options.className ?? 'responsive' },
    h('caption', { className: options.captionHidden ? 'visually-hidden' : undefined }, caption),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        headers.map((t) => h('th', { scope: 'col' }, t)),
      ),
    ),
    h('tbody', {}, body),
  );
}

/** A definition list of facts; facts without a value are left out. */
export function facts(items: [string, Child][]): HTMLDListElement {
  return h(
    'dl',
    { className: 'summary' },
    items
      .filter(([, v]) => v !== undefined && v !== null && v !== '')
      .flatMap(([t, v]) => [h('dt', {}, t), h('dd', {}, v)]),
  );
}

/** A status line that screen readers announce (role=status, or alert for errors). */
export function notice(text: string, kind: 'info' | 'error' | 'ok' = 'info'): HTMLElement {
  return h(
    'p',
    { className: 'notice', 'data-kind': kind, role: kind === 'error' ? 'alert' : 'status' },
    text,
  );
}
