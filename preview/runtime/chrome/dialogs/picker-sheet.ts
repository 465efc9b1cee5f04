/** A bottom sheet holding `field` with 取消 / 确定, as the `<picker>` built-in opens it. */
import { el } from '../dom';
import { layer } from './layer';

export function pickerSheet(overlay: HTMLElement, label: string, field: HTMLElement): Promise<boolean> {
  return new Promise((resolve) => {
    const node = layer(overlay, 'pv-sheet-layer', label);
    const sheet = el('div', { class: 'pv-sheet pv-picker' });
    const head = el('div', { class: 'pv-picker__head' });
    const finish = (ok: boolean): void => {
      node.remove();
      resolve(ok);
    };
    const cancel = el('button', { type: 'button' }, '取消');
    cancel.addEventListener('click', () => finish(false));
    const ok = el('button', { type: 'button', class: 'pv-primary' }, '确定');
    ok.addEventListener('click', () => finish(true));
    head.append(cancel, ok);
    sheet.append(head, field);
    node.appendChild(sheet);
  });
}
