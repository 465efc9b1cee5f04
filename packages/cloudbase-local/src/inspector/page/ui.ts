/** Toasts for outcomes and a confirmation dialog for what cannot be undone. */
import { h } from './dom';

export function toast(text: string, tone: 'ok' | 'bad' = 'ok'): void {
  const box = document.getElementById('toasts');
  if (!box) return;
  const note = h('div', { className: `toast ${tone === 'bad' ? 'bad' : ''}`.trim(), textContent: text });
  note.setAttribute('role', tone === 'bad' ? 'alert' : 'status');
  box.append(note);
  setTimeout(() => note.remove(), tone === 'bad' ? 9000 : 4500);
}

/** Shows an error's message as a toast (for actions whose failure has nowhere else to go). */
export function failed(what: string): (error: unknown) => void {
  return (error) => toast(`${what}: ${error instanceof Error ? error.message : String(error)}`, 'bad');
}

/** Asks before something destructive; resolves true when confirmed. */
export function confirmDialog(title: string, text: string, action: string): Promise<boolean> {
  return new Promise((resolve) => {
    const cancel = h('button', { type: 'button', textContent: 'Cancel' });
    const confirm = h('button', { type: 'button', className: 'danger solid', textContent: action });
    const dialog = h(
      'dialog',
      { attrs: { 'aria-label': title } },
      h('h2', { textContent: title }),
      h('p', { textContent: text }),
      h('div', { className: 'buttons' }, cancel, confirm),
    );
    const close = (answer: boolean): void => {
      dialog.close();
      dialog.remove();
      resolve(answer);
    };
    cancel.onclick = () => close(false);
    confirm.onclick = () => close(true);
    dialog.addEventListener('cancel', (event) => {
      event.preventDefault();
      close(false);
    });
    document.body.append(dialog);
    dialog.showModal();
    cancel.focus();
  });
}
