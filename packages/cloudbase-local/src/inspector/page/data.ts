/** The bar's buttons for all the data at once: export it to a file, import such a file, clear it. */
import { api } from './api';
import { h } from './dom';
import { confirmDialog, failed, toast } from './ui';

/** What the API asks a clear to carry. */
const CLEAR_CONFIRMATION = 'clear all data';

const summary = (parts: Record<string, string>): string =>
  Object.entries(parts)
    .map(([service, text]) => `${service}: ${text}`)
    .join('\n');

async function exportData(): Promise<void> {
  const data = await api<{ exportedAt: string }>('export');
  const stamp = data.exportedAt.replace(/[:.]/g, '-').slice(0, 19);
  const link = h('a', {
    href: URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' })),
    download: `local-cloud-${stamp}.json`,
  });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  toast('Exported');
}

async function importData(file: File): Promise<void> {
  let body: unknown;
  try {
    body = JSON.parse(await file.text());
  } catch (error) {
    throw new Error(`${file.name} is not JSON: ${(error as Error).message}`, { cause: error });
  }
  const answer = await api<{ imported: Record<string, string> }>('import', { method: 'POST', json: body });
  toast(`Imported ${file.name}\n${summary(answer.imported)}`);
}

async function clearData(): Promise<void> {
  const sure = await confirmDialog(
    'Clear all data',
    'Delete every document, every stored file and every recorded open-API call? Collections, functions and triggers stay. Export first to keep a copy.',
    'Clear all data',
  );
  if (!sure) return;
  const answer = await api<{ cleared: Record<string, string> }>('clear', {
    method: 'POST',
    json: { confirm: CLEAR_CONFIRMATION },
  });
  toast(`Cleared\n${summary(answer.cleared)}`);
}

export function dataButtons(): HTMLElement[] {
  const picker = h('input', {
    type: 'file',
    accept: 'application/json,.json',
    hidden: true,
    attrs: { 'aria-label': 'Import file' },
  });
  picker.onchange = () => {
    const file = picker.files?.[0];
    picker.value = '';
    if (file) importData(file).catch(failed('Import'));
  };
  return [
    h('button', {
      type: 'button',
      textContent: 'Export',
      title: 'Download every document and file as JSON',
      onclick: () => void exportData().catch(failed('Export')),
    }),
    h('button', {
      type: 'button',
      textContent: 'Import',
      title: 'Load a file Export wrote',
      onclick: () => picker.click(),
    }),
    h('button', {
      type: 'button',
      textContent: 'Clear all data',
      onclick: () => void clearData().catch(failed('Clear')),
    }),
    picker,
  ];
}
