/** The document editor: Extended JSON in a text area, checked here and by the API before it is saved. */
import { ApiError } from '../api';
import { detailPanel, h } from '../dom';

export interface EditorOptions {
  title: string;
  text: string;
  /** Saves the parsed document; rejects with the API's refusal, shown under the text. */
  save(doc: Record<string, unknown>): Promise<void>;
  cancel(): void;
}

export interface Editor {
  readonly element: HTMLElement;
  /** Says that the document changed in the database since the editor opened. */
  warnChanged(): void;
}

export function createEditor(options: EditorOptions): Editor {
  const text = h('textarea', {
    className: 'editor',
    value: options.text,
    spellcheck: false,
    attrs: { 'aria-label': 'Document JSON' },
  });
  const problem = h('div', { className: 'field-error', attrs: { role: 'alert' } });
  const notice = h('div', {
    className: 'notice',
    hidden: true,
    textContent: 'This document changed since you opened it; saving replaces it.',
  });
  const save = h('button', { type: 'button', className: 'primary', textContent: 'Save' });
  const cancel = h('button', { type: 'button', textContent: 'Cancel', onclick: () => options.cancel() });

  async function submit(): Promise<void> {
    problem.textContent = '';
    let doc: unknown;
    try {
      doc = JSON.parse(text.value);
    } catch (error) {
      problem.textContent = `Not valid JSON: ${(error as Error).message}`;
      return;
    }
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
      problem.textContent = 'A document is a JSON object: { "field": value, ... }';
      return;
    }
    save.disabled = true;
    try {
      await options.save(doc as Record<string, unknown>);
    } catch (error) {
      problem.textContent = error instanceof ApiError ? error.message : String(error);
    } finally {
      save.disabled = false;
    }
  }
  save.onclick = () => void submit();
  text.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) void submit();
    if (event.key === 'Escape') options.cancel();
  });
  const hint = h('p', {
    className: 'muted',
    textContent: 'Extended JSON: dates as {"$date": "2024-05-01T08:00:00.000Z"}. Ctrl+Enter saves, Esc cancels.',
  });
  const element = detailPanel(
    options.title,
    [h('div', { className: 'actions' }, cancel, save)],
    notice,
    text,
    problem,
    hint,
  );
  setTimeout(() => text.focus(), 0);
  return {
    element,
    warnChanged: () => {
      notice.hidden = false;
    },
  };
}
