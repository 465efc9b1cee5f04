/** Building DOM without a framework: one element helper and the page's formatting rules. */

import { CLOCK_ZONE, shanghaiDate, shanghaiWall } from '../../clock';

/** Every time the page shows is in the local cloud's clock: this names its zone beside them. */
export const ZONE_LABEL = `${CLOCK_ZONE.offset} (${CLOCK_ZONE.name})`;

export type Child = Node | string | number | null | undefined | false;

type Props<K extends keyof HTMLElementTagNameMap> = Partial<Omit<HTMLElementTagNameMap[K], 'style' | 'dataset'>> & {
  /** Attributes set as they are (aria-*, data-*, role ...). */
  attrs?: Record<string, string>;
};

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props<K> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const { attrs, ...fields } = props;
  const node = Object.assign(document.createElement(tag), fields);
  for (const [name, value] of Object.entries(attrs ?? {})) node.setAttribute(name, value);
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    node.append(typeof child === 'number' ? String(child) : child);
  }
  return node;
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${bytes} B`;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/**
 * `2024-05-01 09:30:12` in China Standard Time, the zone CloudBase's timers and WeChat's days run in;
 * `zoned` adds ` UTC+8` where no heading or tooltip says the zone.
 */
export function formatDateTime(iso: string, zoned = false): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  return `${shanghaiDate(ms)} ${formatTime(iso)}${zoned ? ` ${CLOCK_ZONE.offset}` : ''}`;
}

/** A tooltip for a shown time: the instant as stored (UTC) and the zone it is shown in. */
export function timeTitle(iso: string): string {
  return `${formatDateTime(iso, true)} (${CLOCK_ZONE.name}); stored as ${iso}`;
}

/** `09:30:12` in China Standard Time. */
export function formatTime(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  const t = shanghaiWall(ms);
  return `${pad(t.hour)}:${pad(t.minute)}:${pad(t.second)}`;
}

export function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms * 10) / 10} ms`;
}

export function badge(text: string, tone: 'ok' | 'bad' | 'warn' | 'info' | '' = ''): HTMLSpanElement {
  return h('span', { className: `badge ${tone}`.trim(), textContent: text });
}

/** A `<dl>` of label/value pairs; empty values are left out. */
export function facts(pairs: Array<[string, Child]>): HTMLDListElement {
  const list = h('dl', { className: 'facts' });
  for (const [label, value] of pairs) {
    if (value === undefined || value === null || value === '' || value === false) continue;
    list.append(h('dt', { textContent: label }), h('dd', {}, value));
  }
  return list;
}

export function empty(text: string): HTMLDivElement {
  return h('div', { className: 'empty', textContent: text });
}

/** A panel with a header line (title and extra controls) and a body. */
export function panel(title: Child, headerExtras: Child[], ...body: Child[]): HTMLElement {
  return h(
    'section',
    { className: 'panel' },
    h('header', {}, typeof title === 'string' ? h('h2', { textContent: title }) : title, ...headerExtras),
    ...body,
  );
}

/** Runs `fn` at most once per `ms`, and once more after the last call within it. */
export function throttle(fn: () => void, ms: number): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let again = false;
  return () => {
    if (timer) {
      again = true;
      return;
    }
    fn();
    timer = setTimeout(function tick() {
      timer = undefined;
      if (again) {
        again = false;
        fn();
        timer = setTimeout(tick, ms);
      }
    }, ms);
  };
}

export function debounce<A extends unknown[]>(fn: (...args: A) => void, ms: number): (...args: A) => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

/** A row that selects something: a click, or Enter once it has focus, calls `select`. */
export function selectableRow(
  selected: boolean,
  select: () => void,
  cells: HTMLTableCellElement[],
  attrs: Record<string, string> = {},
): HTMLTableRowElement {
  const row = h('tr', { tabIndex: 0, attrs: { 'aria-selected': String(selected), ...attrs } }, ...cells);
  row.onclick = select;
  row.onkeydown = (event) => {
    if (event.key === 'Enter') select();
  };
  return row;
}

/** A column head for times: its name and the zone they are shown in. */
export function timeHead(name: string): HTMLSpanElement {
  return h(
    'span',
    { title: `Times in ${ZONE_LABEL}` },
    name,
    ' ',
    h('span', { className: 'zone', textContent: CLOCK_ZONE.offset }),
  );
}

/** A scrolling table with sticky column heads. */
export function dataTable(heads: Child[], rows: HTMLTableRowElement[]): HTMLDivElement {
  return h(
    'div',
    { className: 'table-wrap' },
    h(
      'table',
      { className: 'data' },
      h('thead', {}, h('tr', {}, ...heads.map((head) => h('th', {}, head)))),
      h('tbody', {}, ...rows),
    ),
  );
}

/** The panel beside a table showing the selected row (it stays in view while the table scrolls). */
export function detailPanel(title: Child, headerExtras: Child[], ...body: Child[]): HTMLElement {
  const element = panel(title, headerExtras, h('div', { className: 'body' }, ...body));
  element.classList.add('detail');
  return element;
}
