/** A bottom sheet holding `field` with 取消 / 确定, as the `<picker>` built-in opens it. */
import { button, el } from '../dom';
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
    head.append(
      button('取消', () => finish(false)),
      button('确定', () => finish(true), { class: 'pv-primary' }),
    );
    sheet.append(head, field);
    node.appendChild(sheet);
  });
}
