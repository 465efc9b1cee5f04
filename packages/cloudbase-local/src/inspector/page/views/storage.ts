/** Storage: every stored file with its size, type and uploader; the selected one previewed, to open or delete. */
import { api, enc, type StoredFile } from '../api';
import {
  dataTable,
  debounce,
  detailPanel,
  empty,
  facts,
  formatBytes,
  formatDateTime,
  h,
  panel,
  selectableRow,
  timeHead,
  timeTitle,
} from '../dom';
import { go, param } from '../state';
import { confirmDialog, failed, toast } from '../ui';
import type { View } from './view';

const fileUrl = (file: StoredFile): string => `/_/api/files?fileID=${enc(file.fileID)}`;

function uploaderText(file: StoredFile): string {
  const { openid, function: fn } = file.uploader ?? {};
  if (openid && fn) return `${openid} (via ${fn})`;
  return openid ?? (fn ? `function ${fn}` : '');
}

export function storageView(): View {
  const search = h('input', {
    type: 'search',
    className: 'grow',
    placeholder: 'Filter by path…',
    attrs: { 'aria-label': 'Filter files by path' },
  });
  const summary = h('span', { className: 'muted' });
  const list = h('div');
  const detail = h('div');

  async function remove(file: StoredFile): Promise<void> {
    if (!(await confirmDialog('Delete file', `Delete ${file.cloudPath}? This cannot be undone.`, 'Delete'))) return;
    await api(`files?fileID=${enc(file.fileID)}`, { method: 'DELETE' });
    toast(`Deleted ${file.cloudPath}`);
    go({ file: undefined });
  }

  function renderDetail(file: StoredFile | undefined, selected: string): void {
    if (!file) {
      detail.replaceChildren(
        panel('File', [], empty(selected ? 'This file no longer exists.' : 'Select a file to preview it.')),
      );
      return;
    }
    const actions = h(
      'div',
      { className: 'actions' },
      h('a', { className: 'button', href: fileUrl(file), target: '_blank', rel: 'noopener', textContent: 'Open' }),
      h('button', {
        type: 'button',
        className: 'danger',
        textContent: 'Delete',
        onclick: () => void remove(file).catch(failed('Delete')),
      }),
    );
    const preview = file.contentType.startsWith('image/')
      ? h('img', {
          className: 'preview-image',
          src: `${fileUrl(file)}&v=${enc(file.updatedAt)}`,
          alt: `Preview of ${file.cloudPath}`,
        })
      : h('p', { className: 'muted', textContent: `No preview for ${file.contentType}.` });
    detail.replaceChildren(
      detailPanel(
        h('h2', { className: 'mono', textContent: file.cloudPath }),
        [actions],
        preview,
        facts([
          ['size', formatBytes(file.size)],
          ['type', file.contentType],
          ['uploader', uploaderText(file) || 'unknown'],
          ['updated', formatDateTime(file.updatedAt, true)],
          ['fileID', h('span', { className: 'mono', textContent: file.fileID })],
        ]),
      ),
    );
  }

  function renderList(files: StoredFile[], selected: string): void {
    const rows = files.map((file) => {
      const cells = [
        h('td', { className: 'mono', textContent: file.cloudPath, title: file.cloudPath }),
        h('td', { className: 'num', textContent: formatBytes(file.size) }),
        h('td', { textContent: file.contentType }),
        h('td', { textContent: uploaderText(file) }),
        h('td', { textContent: formatDateTime(file.updatedAt), title: timeTitle(file.updatedAt) }),
      ];
      return selectableRow(file.cloudPath === selected, () => go({ file: file.cloudPath }), cells, {
        'data-path': file.cloudPath,
      });
    });
    const heads = ['path', 'size', 'type', 'uploader', timeHead('updated')];
    list.replaceChildren(
      panel(
        'Files',
        [summary],
        files.length ? dataTable(heads, rows) : empty(param('path') ? 'No file matches.' : 'No files stored yet.'),
      ),
    );
  }

  return {
    id: 'storage',
    title: 'Storage',
    mount(root) {
      search.oninput = debounce(() => go({ path: search.value.trim() }, 'replace'), 200);
      root.replaceChildren(
        h(
          'div',
          { className: 'stack' },
          h('div', { className: 'toolbar' }, search),
          h('div', { className: 'split' }, list, detail),
        ),
      );
    },
    async update() {
      const filter = param('path');
      if (document.activeElement !== search) search.value = filter;
      const { files } = await api<{ files: StoredFile[] }>('storage');
      const shown = filter ? files.filter((f) => f.cloudPath.toLowerCase().includes(filter.toLowerCase())) : files;
      const bytes = shown.reduce((sum, f) => sum + f.size, 0);
      summary.textContent = `${shown.length} file${shown.length === 1 ? '' : 's'} · ${formatBytes(bytes)}`;
      const selected = param('file');
      renderList(shown, selected);
      renderDetail(
        files.find((f) => f.cloudPath === selected),
        selected,
      );
    },
    wants: (message) => message.type === 'storage',
  };
}
