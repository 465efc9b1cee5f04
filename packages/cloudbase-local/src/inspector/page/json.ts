/** Showing JSON: highlighted and indented in detail panes, one short line in table cells. */
import { formatDateTime, h, timeTitle } from './dom';

/** `{"$date": "<ISO>"}`, how the API writes a date. */
export function dateOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const keys = Object.keys(value);
  const inner = (value as Record<string, unknown>).$date;
  return keys.length === 1 && typeof inner === 'string' ? inner : undefined;
}

function span(className: string, text: string): HTMLSpanElement {
  return h('span', { className, textContent: text });
}

/** The end of a line in a container: its comma, then the note its value left (a date's zoned time). */
function lineEnd(out: Array<Node | string>, note: Node | undefined, last: boolean): void {
  out.push(last ? '' : ',');
  if (note) out.push(note);
  out.push('\n');
}

/** Writes `value`; a date returns a note for the end of its line. */
function write(out: Array<Node | string>, value: unknown, indent: string): Node | undefined {
  const date = dateOf(value);
  if (date !== undefined) {
    out.push('{ ', span('j-key', '"$date"'), ': ');
    out.push(h('span', { className: 'j-date', textContent: JSON.stringify(date), title: timeTitle(date) }), ' }');
    // The stored instant is UTC; the note says the same time in the clock the rest of the page shows.
    return Number.isNaN(Date.parse(date)) ? undefined : span('j-note', `  // ${formatDateTime(date, true)}`);
  }
  if (value === null || typeof value === 'boolean') out.push(span('j-lit', String(value)));
  else if (typeof value === 'number') out.push(span('j-num', String(value)));
  else if (typeof value === 'string') out.push(span('j-str', JSON.stringify(value)));
  else if (Array.isArray(value)) {
    if (value.length === 0) {
      out.push('[]');
      return;
    }
    out.push('[\n');
    value.forEach((item, i) => {
      out.push(`${indent}  `);
      lineEnd(out, write(out, item, `${indent}  `), i === value.length - 1);
    });
    out.push(`${indent}]`);
  } else if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) {
      out.push('{}');
      return;
    }
    out.push('{\n');
    entries.forEach(([key, item], i) => {
      out.push(`${indent}  `, span('j-key', JSON.stringify(key)), ': ');
      lineEnd(out, write(out, item, `${indent}  `), i === entries.length - 1);
    });
    out.push(`${indent}}`);
  } else out.push(span('j-lit', String(value)));
  return undefined;
}

export function jsonView(value: unknown, label?: string): HTMLPreElement {
  const out: Array<Node | string> = [];
  const note = write(out, value, '');
  if (note) out.push(note);
  const pre = h('pre', { className: 'json' });
  if (label) pre.setAttribute('aria-label', label);
  pre.append(...out);
  return pre;
}

/** A table cell's text: scalars as they are, dates in the page's clock (see ZONE_LABEL), containers summarised. */
export function cellText(value: unknown): string {
  const date = dateOf(value);
  if (date !== undefined) return formatDateTime(date);
  if (value === undefined) return '';
  if (value === null || typeof value !== 'object') return typeof value === 'string' ? value : String(value);
  if (Array.isArray(value)) return `[${value.length}]`;
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0].startsWith('$')) return JSON.stringify(value);
  return `{${keys.slice(0, 4).join(', ')}${keys.length > 4 ? ', …' : ''}}`;
}
