/**
 * Which fields the documents table shows: the first few by default (a wide document would squeeze
 * every column unreadable), any chosen in the Columns menu, or all; the choice lives in the URL
 * (`cols=a,b` or `cols=*`) and the table says how many fields it leaves out.
 */
import type { Doc } from '../api';
import { h } from '../dom';
import { dateOf } from '../json';
import { go, param } from '../state';

export const DEFAULT_COLUMNS = 8;
const ALL = '*';

/** `_id` first, then the fields in the order they first appear on this page. */
export function fieldsOf(docs: Doc[]): string[] {
  const seen = new Set<string>(['_id']);
  for (const doc of docs) for (const key of Object.keys(doc)) seen.add(key);
  return [...seen];
}

/** The fields to show, in the page's order. */
export function shownColumns(fields: string[]): string[] {
  const chosen = param('cols');
  if (chosen === ALL) return fields;
  if (!chosen) return fields.slice(0, DEFAULT_COLUMNS);
  const wanted = new Set(['_id', ...chosen.split(',')]);
  return fields.filter((field) => wanted.has(field));
}

/** Whether a column holds dates (its head then names the zone they are shown in). */
export function holdsDates(docs: Doc[], field: string): boolean {
  return docs.some((doc) => dateOf(doc[field]) !== undefined);
}

/** The Columns menu: a checkbox per field, and "all" / "first 8"; kept open across live refreshes. */
export function columnsMenu(): { element: HTMLDetailsElement; fill(fields: string[], shown: string[]): void } {
  const label = h('summary', { textContent: 'Columns' });
  const boxes = h('div', { className: 'menu' });
  const element = h('details', { className: 'columns' }, label, boxes);
  const choose = (cols: string[] | typeof ALL | undefined): void =>
    go({ cols: Array.isArray(cols) ? cols.filter((c) => c !== '_id').join(',') || undefined : cols }, 'replace');
  return {
    element,
    fill(fields, shown) {
      label.textContent = `Columns (${shown.length} of ${fields.length})`;
      const on = new Set(shown);
      const toggles = fields.map((field) => {
        const box = h('input', { type: 'checkbox', checked: on.has(field), disabled: field === '_id' });
        box.onchange = () => choose(fields.filter((f) => (f === field ? box.checked : on.has(f))));
        return h('label', {}, box, ` ${field}`);
      });
      boxes.replaceChildren(
        h(
          'div',
          { className: 'row' },
          h('button', { type: 'button', textContent: 'All', onclick: () => choose(ALL) }),
          h('button', { type: 'button', textContent: `First ${DEFAULT_COLUMNS}`, onclick: () => choose(undefined) }),
        ),
        ...toggles,
      );
    },
  };
}

/** What the table's header says about fields left out, or '' when every field is shown. */
export function hiddenNote(fields: string[], shown: string[]): string {
  const hidden = fields.length - shown.length;
  if (hidden <= 0) return '';
  return `${shown.length} of ${fields.length} fields shown: choose more under Columns, or select a document to see all of it`;
}
