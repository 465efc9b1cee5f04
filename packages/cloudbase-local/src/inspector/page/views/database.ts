/**
 * Documents: collections on the side, a table of the chosen collection's documents (newest first,
 * filtered by a JSON `where`), and the selected document as JSON, to edit or delete.
 */
import { api, ApiError, enc, query, type Doc, type DocsPage } from '../api';
import { dataTable, detailPanel, empty, h, panel, selectableRow, timeHead, timeTitle } from '../dom';
import { cellText, dateOf, jsonView } from '../json';
import { go, param } from '../state';
import { confirmDialog, failed, toast } from '../ui';
import { columnsMenu, fieldsOf, hiddenNote, holdsDates, shownColumns } from './columns';
import { createEditor, type Editor } from './editor';
import type { View } from './view';

const PAGE_SIZE = 50;

const idOf = (doc: Doc): string => (typeof doc._id === 'string' ? doc._id : JSON.stringify(doc._id));

/** Why a filter cannot be sent: not JSON, or not an object; undefined when it may be. */
function filterProblem(where: string): string | undefined {
  if (!where) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(where);
  } catch (error) {
    return `not valid JSON: ${(error as Error).message}`;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return 'where must be a JSON object, e.g. {"_openid":"dev_alice"}';
  return undefined;
}

export function databaseView(): View {
  const side = h('ul');
  const whereInput = h('input', {
    type: 'search',
    className: 'grow mono',
    placeholder: 'where, e.g. {"_openid":"dev_alice"}',
    attrs: { 'aria-label': 'Filter documents (a JSON where)' },
  });
  const whereError = h('div', { className: 'field-error', attrs: { role: 'alert' } });
  const addButton = h('button', { type: 'button', className: 'primary', textContent: 'Add document' });
  const list = h('div');
  const detail = h('div');
  const columns = columnsMenu();
  let editor: { handle: Editor; collection: string; docId?: string } | undefined;
  let shown: DocsPage | undefined;
  /** A filter refused (here or by the API) is not sent again on each live refresh, only once edited. */
  let refused: { collection: string; where: string; message: string } | undefined;

  function closeEditor(): void {
    editor = undefined;
    void view.update();
  }

  function openEditor(collection: string, doc?: Doc): void {
    const docId = doc ? idOf(doc) : undefined;
    const body = doc ? { ...doc } : {};
    delete body._id; // the id is the URL's; an edit cannot change it
    const created = createEditor({
      title: doc ? `Edit ${docId}` : `New document in ${collection}`,
      text: JSON.stringify(body, null, 2),
      cancel: closeEditor,
      save: async (value) => {
        if (docId !== undefined) {
          await api(`collections/${enc(collection)}/docs/${enc(docId)}`, { method: 'PUT', json: value });
          toast(`Saved ${docId}`);
          editor = undefined;
          await view.update();
        } else {
          const added = await api<{ id: string }>(`collections/${enc(collection)}/docs`, {
            method: 'POST',
            json: value,
          });
          toast(`Added ${added.id}`);
          editor = undefined;
          go({ doc: added.id });
        }
      },
    });
    editor = { handle: created, collection, ...(docId !== undefined ? { docId } : {}) };
    detail.replaceChildren(created.element);
  }

  async function remove(collection: string, id: string): Promise<void> {
    if (!(await confirmDialog('Delete document', `Delete ${id} from ${collection}? This cannot be undone.`, 'Delete')))
      return;
    await api(`collections/${enc(collection)}/docs/${enc(id)}`, { method: 'DELETE' });
    toast(`Deleted ${id}`);
    go({ doc: undefined });
  }

  function renderSide(collections: Array<{ name: string; count: number }>, current: string): void {
    side.replaceChildren(
      ...collections.map(({ name, count }) =>
        h(
          'li',
          {},
          h(
            'button',
            {
              type: 'button',
              onclick: () =>
                go({ collection: name, doc: undefined, page: undefined, where: undefined, cols: undefined }),
              attrs: { 'aria-current': String(name === current) },
            },
            h('span', { textContent: name }),
            h('span', { className: 'count', textContent: String(count) }),
          ),
        ),
      ),
    );
    if (collections.length === 0) side.append(h('li', { className: 'muted', textContent: 'No collections yet.' }));
  }

  function renderTable(page: DocsPage, selected: string): void {
    const fields = fieldsOf(page.docs);
    const shownFields = shownColumns(fields);
    columns.fill(fields, shownFields);
    const rows = page.docs.map((doc) => {
      const id = idOf(doc);
      const cells = shownFields.map((column) => {
        const text = cellText(doc[column]);
        const date = dateOf(doc[column]);
        const title = date === undefined ? text : timeTitle(date);
        return h('td', { textContent: text, title, className: column === '_id' ? 'mono' : '' });
      });
      return selectableRow(id === selected, () => go({ doc: id }), cells, { 'data-id': id });
    });
    const pager = h(
      'div',
      { className: 'pager' },
      h('button', {
        type: 'button',
        textContent: '‹ Newer',
        disabled: page.page === 0,
        onclick: () => go({ page: String(page.page - 1) }),
      }),
      h('span', { className: 'muted', textContent: `page ${page.page + 1} of ${Math.max(1, page.pages)}` }),
      h('button', {
        type: 'button',
        textContent: 'Older ›',
        disabled: page.page + 1 >= page.pages,
        onclick: () => go({ page: String(page.page + 1) }),
      }),
    );
    const count = `${page.total} document${page.total === 1 ? '' : 's'}${param('where') ? ' matching' : ''}, newest first`;
    const note = hiddenNote(fields, shownFields);
    const heads = shownFields.map((field) => (holdsDates(page.docs, field) ? timeHead(field) : field));
    list.replaceChildren(
      panel(
        page.collection,
        [
          h('span', { className: 'muted', textContent: count }),
          h('span', { className: 'spacer' }),
          note ? h('span', { className: 'muted hidden-note', textContent: note }) : null,
          page.docs.length ? columns.element : null,
        ],
        page.docs.length
          ? dataTable(heads, rows)
          : empty(param('where') ? 'No document matches this filter.' : 'No documents yet.'),
        page.pages > 1 ? pager : null,
      ),
    );
  }

  async function renderDetail(collection: string, id: string): Promise<void> {
    if (editor) return; // an open editor outlives live refreshes
    if (!id) {
      detail.replaceChildren(panel('Document', [], empty('Select a document to see it as JSON.')));
      return;
    }
    let doc = shown?.docs.find((d) => idOf(d) === id);
    if (!doc) {
      try {
        doc = (await api<{ doc: Doc }>(`collections/${enc(collection)}/docs/${enc(id)}`)).doc;
      } catch (error) {
        if (!(error instanceof ApiError && error.status === 404)) throw error;
        detail.replaceChildren(panel(id, [], empty('This document no longer exists.')));
        return;
      }
    }
    const found = doc;
    const actions = h(
      'div',
      { className: 'actions' },
      h('button', { type: 'button', textContent: 'Edit', onclick: () => openEditor(collection, found) }),
      h('button', {
        type: 'button',
        className: 'danger',
        textContent: 'Delete',
        onclick: () => void remove(collection, id).catch(failed('Delete')),
      }),
    );
    detail.replaceChildren(
      detailPanel(h('h2', { className: 'mono', textContent: id }), [actions], jsonView(found, 'Document JSON')),
    );
  }

  const view: View = {
    id: 'database',
    title: 'Database',
    mount(root) {
      const form = h(
        'form',
        { className: 'toolbar' },
        whereInput,
        h('button', { type: 'submit', textContent: 'Filter' }),
        h('button', { type: 'button', textContent: 'Clear', onclick: () => go({ where: undefined, page: undefined }) }),
        h('span', { className: 'spacer' }),
        addButton,
      );
      form.onsubmit = (event) => {
        event.preventDefault();
        const where = whereInput.value.trim();
        // Submitting the same refused text again is a deliberate retry (the data may have changed).
        if (refused?.where === where) refused = undefined;
        const before = location.href;
        go({ where, page: undefined });
        if (location.href === before) void view.update();
      };
      addButton.onclick = () => openEditor(param('collection'));
      const newName = h('input', { placeholder: 'new collection', attrs: { 'aria-label': 'New collection name' } });
      const create = h(
        'form',
        { className: 'toolbar body' },
        newName,
        h('button', { type: 'submit', textContent: 'Create' }),
      );
      create.onsubmit = (event) => {
        event.preventDefault();
        const name = newName.value.trim();
        api('collections', { method: 'POST', json: { name } })
          .then(() => {
            newName.value = '';
            go({ collection: name, doc: undefined, where: undefined, page: undefined, cols: undefined });
          })
          .catch(failed('Create collection'));
      };
      const aside = h('aside', { className: 'panel side' }, h('h2', { textContent: 'Collections' }), side, create);
      root.replaceChildren(
        h(
          'div',
          { className: 'layout' },
          aside,
          h('div', { className: 'stack' }, form, whereError, h('div', { className: 'split' }, list, detail)),
        ),
      );
    },
    async update() {
      const collection = param('collection');
      const where = param('where');
      if (document.activeElement !== whereInput) whereInput.value = where;
      // Choosing another document or collection leaves the editor (nothing was saved).
      if (
        editor &&
        (editor.collection !== collection || (editor.docId !== undefined && editor.docId !== param('doc')))
      ) {
        editor = undefined;
      }
      addButton.disabled = !collection;
      const { collections } = await api<{ collections: Array<{ name: string; count: number }> }>('collections');
      renderSide(collections, collection);
      whereError.textContent = '';
      whereInput.removeAttribute('aria-invalid');
      if (!collection) {
        shown = undefined;
        list.replaceChildren(
          panel('Documents', [], empty(collections.length ? 'Pick a collection.' : 'No collections yet.')),
        );
        detail.replaceChildren();
        return;
      }
      const showRefused = (message: string): void => {
        shown = undefined;
        refused = { collection, where, message };
        whereError.textContent = `Filter refused: ${message}. Edit it and press Filter, or Clear it.`;
        whereInput.setAttribute('aria-invalid', 'true');
        if (!editor) detail.replaceChildren();
        list.replaceChildren(panel(collection, [], empty('Fix the filter to see documents.')));
      };
      if (refused && (refused.collection !== collection || refused.where !== where)) refused = undefined;
      const problem = refused?.message ?? filterProblem(where);
      if (problem !== undefined) {
        showRefused(problem);
        return;
      }
      try {
        shown = await api<DocsPage>(
          `collections/${enc(collection)}/docs${query({ page: param('page'), size: PAGE_SIZE, where })}`,
        );
      } catch (error) {
        if (!(error instanceof ApiError) || (error.status !== 400 && error.status !== 404)) throw error;
        if (error.status === 400) {
          showRefused(error.message);
          return;
        }
        shown = undefined;
        if (!editor) detail.replaceChildren();
        list.replaceChildren(panel(collection, [], empty('No such collection.')));
        return;
      }
      renderTable(shown, param('doc'));
      await renderDetail(collection, param('doc'));
    },
    wants(message) {
      if (message.type !== 'change') return false;
      if (editor?.docId !== undefined && message.data.id === editor.docId) editor.handle.warnChanged();
      return true; // counts on the side change with any collection
    },
  };
  return view;
}
