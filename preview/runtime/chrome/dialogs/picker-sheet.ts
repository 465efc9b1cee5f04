/** A bottom sheet holding `field` with Cancel / OK, as the `<picker>` built-in opens it. */
import { button, el } from '../dom';
import { chromeWords } from '../words';
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
    const words = chromeWords();
    head.append(
      button(words.cancel, () => finish(false)),
      button(words.confirm, () => finish(true), { class: 'pv-primary' }),
    );
    sheet.append(head, field);
    node.appendChild(sheet);
  });
}
