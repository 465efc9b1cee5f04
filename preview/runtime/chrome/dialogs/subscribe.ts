/**
 * WeChat's subscription prompt (`wx.requestSubscribeMessage`): one row per template, named by its
 * title as WeChat names it (the preview is told the titles; an unknown id reads as a generic
 * reminder), each switched on; Allow accepts the rows left on (and rejects the others), Cancel
 * rejects all.
 */
import { button, el } from '../dom';
import { chromeWords } from '../words';
import { layer } from './layer';

export type SubscribeAnswer = Record<string, 'accept' | 'reject'>;

export function subscribeDialog(
  overlay: HTMLElement,
  tmplIds: string[],
  titles: Record<string, string>,
): Promise<SubscribeAnswer> {
  return new Promise((resolve) => {
    const words = chromeWords();
    const node = layer(overlay, 'pv-sheet-layer', words.subscribeDialog);
    const sheet = el('div', { class: 'pv-sheet pv-subscribe' });
    sheet.appendChild(el('h2', {}, words.subscribeHeading));
    const boxes = tmplIds.map((id, index) => {
      const title = titles[id] ?? `${words.subscribeDialog} ${index + 1}`;
      const row = el('label', { class: 'pv-subscribe__row', 'data-template-id': id });
      const box = el('input', { type: 'checkbox', 'aria-label': title });
      box.checked = true;
      row.append(el('span', {}, title), box);
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
      button(words.cancel, () => finish(false)),
      button(words.allow, () => finish(true), { class: 'pv-primary' }),
    );
    sheet.appendChild(buttons);
    node.appendChild(sheet);
  });
}
