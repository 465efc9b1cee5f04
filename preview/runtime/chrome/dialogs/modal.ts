/** `wx.showModal`: title, content (or a text field when editable), cancel and confirm buttons. */
import { button, el } from '../dom';
import { layer } from './layer';

export interface ModalOptions {
  title: string;
  content: string;
  showCancel: boolean;
  cancelText: string;
  confirmText: string;
  cancelColor?: string;
  confirmColor?: string;
  editable?: boolean;
  placeholderText?: string;
}

export interface ModalAnswer {
  confirm: boolean;
  cancel: boolean;
  /** What the field holds, for an editable modal. */
  content?: string;
}

export function modal(overlay: HTMLElement, options: ModalOptions): Promise<ModalAnswer> {
  return new Promise((resolve) => {
    const node = layer(overlay, 'pv-modal-layer', options.title || 'modal');
    const box = el('div', { class: 'pv-modal' });
    if (options.title) box.appendChild(el('h2', {}, options.title));
    let input: HTMLInputElement | undefined;
    if (options.editable) {
      input = el('input', { class: 'pv-modal__input', placeholder: options.placeholderText ?? '' });
      input.value = options.content;
      box.appendChild(input);
    } else if (options.content) box.appendChild(el('p', {}, options.content));
    const row = el('div', { class: 'pv-modal__buttons' });
    const finish = (confirm: boolean): void => {
      node.remove();
      resolve({ confirm, cancel: !confirm, ...(input ? { content: input.value } : {}) });
    };
    if (options.showCancel) {
      const cancel = button(options.cancelText, () => finish(false));
      cancel.style.color = options.cancelColor ?? '';
      row.appendChild(cancel);
    }
    const ok = button(options.confirmText, () => finish(true), { class: 'pv-primary' });
    if (options.confirmColor) ok.style.color = options.confirmColor;
    row.appendChild(ok);
    box.appendChild(row);
    node.appendChild(box);
  });
}
