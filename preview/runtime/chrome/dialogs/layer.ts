/** A dialog's layer on the phone's overlay: full-screen, with a dimming mask unless `mask` is false. */
import { el } from '../dom';

export function layer(overlay: HTMLElement, className: string, label: string, mask = true): HTMLElement {
  const node = el('div', {
    class: `pv-layer ${className}${mask ? ' pv-layer--mask' : ''}`,
    role: 'dialog',
    'aria-label': label,
  });
  overlay.appendChild(node);
  return node;
}
