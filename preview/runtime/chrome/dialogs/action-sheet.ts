/** `wx.showActionSheet`: the items, then 取消; a tap on the mask cancels too (undefined). */
import { button, el } from '../dom';
import { layer } from './layer';

export function actionSheet(
  overlay: HTMLElement,
  items: string[],
  alertText?: string,
  itemColor?: string,
): Promise<number | undefined> {
  return new Promise((resolve) => {
    const node = layer(overlay, 'pv-sheet-layer', alertText || 'action sheet');
    const sheet = el('div', { class: 'pv-sheet' });
    if (alertText) sheet.appendChild(el('p', { class: 'pv-sheet__alert' }, alertText));
    const finish = (index: number | undefined): void => {
      node.remove();
      resolve(index);
    };
    items.forEach((item, index) => {
      const b = button(item, () => finish(index));
      if (itemColor) b.style.color = itemColor;
      sheet.appendChild(b);
    });
    sheet.appendChild(button('取消', () => finish(undefined), { class: 'pv-sheet__cancel' }));
    node.addEventListener('click', (e) => e.target === node && finish(undefined));
    node.appendChild(sheet);
  });
}
