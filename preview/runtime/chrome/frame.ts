/**
 * The phone: a screen `--phone-width` wide holding the navigation bar, the pages, the tab bar, and
 * the overlay the dialogs open in. `rpx`, `vh` and `vw` in WXSS are measured against it.
 */
import { el } from './dom';

export class PhoneFrame {
  readonly element: HTMLElement;
  readonly screen: HTMLElement;
  /** Where the router puts each page's frame. */
  readonly pages: HTMLElement;
  /** Above everything on the screen: toasts, modals, sheets. */
  readonly overlay: HTMLElement;

  constructor(phoneWidth: number, navBar: HTMLElement, tabBar: HTMLElement) {
    this.element = el('div', { class: 'pv-phone' });
    this.element.style.setProperty('--phone-width', `${phoneWidth}px`);
    this.screen = el('div', { class: 'pv-screen' });
    this.pages = el('div', { class: 'pv-pages' });
    this.overlay = el('div', { class: 'pv-overlay' });
    this.screen.append(navBar, this.pages, tabBar, this.overlay);
    this.element.appendChild(this.screen);
    window.addEventListener('resize', () => this.resize());
  }

  /** `vh` in WXSS means the page's viewport, which is the phone's screen minus the bars. */
  resize(): void {
    const height = this.pages.clientHeight || this.screen.clientHeight;
    const width = this.screen.clientWidth;
    this.screen.style.setProperty('--vh', `${height / 100}px`);
    this.screen.style.setProperty('--vw', `${width / 100}px`);
  }
}
