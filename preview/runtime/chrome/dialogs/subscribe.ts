/**
 * WeChat's subscription prompt (`wx.requestSubscribeMessage`): one row per template, each switched
 * on; 允许 accepts the rows left on (and rejects the others), 取消 rejects all.
 */
import { button, el } from '../dom';
import { layer } from './layer';

export type SubscribeAnswer = Record<string, 'accept' | 'reject'>;

export function subscribeDialog(overlay: HTMLElement, tmplIds: string[]): Promise<SubscribeAnswer> {
  return new Promise((resolve) => {
    const node = layer(overlay, 'pv-sheet-layer', '订阅消息');
    const sheet = el('div', { class: 'pv-sheet pv-subscribe' });
    sheet.appendChild(el('h2', {}, '发送以下消息'));
    const boxes = tmplIds.map((id) => {
      const row = el('label', { class: 'pv-subscribe__row' });
      const box = el('input', { type: 'checkbox', 'aria-label': id });
      box.checked = true;
      row.append(box, el('span', {}, id));
      sheet.appendChild(row);
      return box;
    });
    const buttons = el('div', { class: 'pv-modal__buttons' });
    const finish = (accept: boolean): void => {
      node.remove();
      const answer: SubscribeAnswer = {};
      tmplIds.forEach((id, i) => (answer[id] = accept && boxes[i].checked ? 'accept' : 'reject'));
      resolve(answer);
    };
    buttons.append(
      button('取消', () => finish(false)),
      button('允许', () => finish(true), { class: 'pv-primary' }),
    );
    sheet.appendChild(buttons);
    node.appendChild(sheet);
  });
}
