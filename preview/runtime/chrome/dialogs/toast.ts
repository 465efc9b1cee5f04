/** `wx.showToast` / `wx.showLoading`: one at a time, a new one replaces the last. */
import { el } from '../dom';
import { layer } from './layer';

export class Toast {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private node: HTMLElement | undefined;

  constructor(private readonly overlay: HTMLElement) {}

  /** `icon` is WeChat's (success, error, loading, none); `duration` 0 stays until hidden. */
  show(title: string, icon: string, duration: number, mask: boolean, image?: string): void {
    this.hide();
    const node = layer(this.overlay, 'pv-toast-layer', 'toast', mask);
    node.setAttribute('role', 'status');
    const box = el('div', { class: `pv-toast${icon === 'none' && !image ? ' pv-toast--text' : ''}` });
    if (image) box.appendChild(el('img', { class: 'pv-toast__icon', src: image, alt: '' }));
    else if (icon === 'loading') box.appendChild(el('i', { class: 'pv-spinner' }));
    else if (icon !== 'none')
      box.appendChild(el('i', { class: `pv-toast__icon pv-toast__icon--${icon}` }, icon === 'error' ? '✕' : '✓'));
    box.appendChild(el('p', {}, title));
    node.appendChild(box);
    this.node = node;
    if (duration > 0) this.timer = setTimeout(() => this.hide(), duration);
  }

  hide(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.node?.remove();
    this.node = undefined;
  }
}
