/**
 * What surrounds the pages: the phone frame (375 px wide by default, `?width=414`), the navigation
 * bar and tab bar drawn from app.json (theme.json colours, light or dark as the browser is), the
 * desk beside the phone (dev-user switcher, pull-down refresh, share, background/foreground), and
 * the dialogs `wx.*` shows (toast, loading, modal, action sheet, subscription, picker).
 */
import type { PageRecord } from './router';
import type { AppJson, ThemeJson, WindowConfig } from './types';
import { PREVIEW_CSS } from './styles';

export interface DeskActions {
  switchUser(openid: string): void;
  pullDown(): void;
  share(): void;
  background(): void;
  foreground(): void;
  back(): void;
  home(): void;
  switchTab(pagePath: string): void;
}

export type Theme = 'light' | 'dark';

const el = <K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  text?: string,
): HTMLElementTagNameMap[K] => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
};

export class Chrome {
  readonly screen: HTMLElement;
  readonly pages: HTMLElement;
  private readonly overlay: HTMLElement;
  private readonly nav: HTMLElement;
  private readonly navTitle: HTMLElement;
  private readonly backButton: HTMLButtonElement;
  private readonly homeButton: HTMLButtonElement;
  private readonly navLoading: HTMLElement;
  private readonly tabBar: HTMLElement;
  private readonly userSelect: HTMLSelectElement;
  private toastTimer: ReturnType<typeof setTimeout> | undefined;
  private toastNode: HTMLElement | undefined;
  private current: PageRecord | undefined;
  private titleOverride = new Map<number, string>();
  private readonly badges = new Map<number, { text?: string; dot?: boolean }>();
  private tabBarHidden = false;

  constructor(
    private readonly appJson: AppJson,
    private readonly themeJson: ThemeJson,
    private readonly actions: DeskActions,
    users: { list: string[]; current: string },
    phoneWidth: number,
  ) {
    const style = el('style', {}, PREVIEW_CSS);
    // First in <head>: the base library's styles come before the app's, so WXSS overrides them.
    document.head.prepend(style);
    document.body.classList.add('pv-body');
    const desk = el('div', { class: 'pv-desk' });
    const side = el('aside', { class: 'pv-side', 'aria-label': 'Preview controls' });
    side.appendChild(el('strong', { class: 'pv-title' }, 'Mini-program preview'));
    side.appendChild(
      el(
        'p',
        { class: 'pv-note' },
        'glass-easel in a browser, against the local cloud. Not WeChat: check on a device before release.',
      ),
    );

    const userLabel = el('label', { class: 'pv-field' }, 'Dev user ');
    this.userSelect = el('select', { 'aria-label': 'Dev user' });
    for (const id of users.list) this.userSelect.appendChild(el('option', { value: id }, id));
    this.userSelect.value = users.current;
    this.userSelect.addEventListener('change', () => actions.switchUser(this.userSelect.value));
    userLabel.appendChild(this.userSelect);
    side.appendChild(userLabel);
    const addUser = el('button', { type: 'button' }, 'New dev user');
    addUser.addEventListener('click', () => {
      const name = window.prompt('openid for the new dev user', `dev_user_${Date.now().toString(36)}`);
      if (name && /^[\w-]{1,64}$/.test(name)) actions.switchUser(name);
    });
    side.appendChild(addUser);

    const buttons: Array<[string, () => void]> = [
      ['Pull-down refresh', () => actions.pullDown()],
      ['Share (menu)', () => actions.share()],
      ['App to background', () => actions.background()],
      ['App to foreground', () => actions.foreground()],
    ];
    const group = el('div', { class: 'pv-buttons' });
    for (const [label, run] of buttons) {
      const b = el('button', { type: 'button' }, label);
      b.addEventListener('click', run);
      group.appendChild(b);
    }
    side.appendChild(group);
    const links = el('p', { class: 'pv-note' });
    const inspector = el('a', { href: '/_/', target: '_blank' }, 'Local cloud inspector');
    links.appendChild(inspector);
    side.appendChild(links);

    const phone = el('div', { class: 'pv-phone' });
    phone.style.setProperty('--phone-width', `${phoneWidth}px`);
    this.screen = el('div', { class: 'pv-screen' });
    this.nav = el('div', { class: 'pv-nav', role: 'banner' });
    this.backButton = el('button', { class: 'pv-nav__back', type: 'button', 'aria-label': '返回' }, '‹');
    this.backButton.addEventListener('click', () => actions.back());
    this.homeButton = el('button', { class: 'pv-nav__home', type: 'button', 'aria-label': '首页' }, '⌂');
    this.homeButton.addEventListener('click', () => actions.home());
    this.navLoading = el('span', { class: 'pv-nav__loading', hidden: '' });
    this.navTitle = el('div', { class: 'pv-nav__title', role: 'heading', 'aria-level': '1' });
    const capsule = el('div', { class: 'pv-nav__capsule' });
    const more = el('button', { type: 'button', 'aria-label': '更多' }, '···');
    more.addEventListener('click', () => actions.share());
    const close = el('button', { type: 'button', 'aria-label': '关闭' }, '◉');
    close.addEventListener('click', () => actions.background());
    capsule.append(more, close);
    this.nav.append(this.backButton, this.homeButton, this.navLoading, this.navTitle, capsule);
    this.pages = el('div', { class: 'pv-pages' });
    this.tabBar = el('nav', { class: 'pv-tabbar', 'aria-label': 'tabBar' });
    this.overlay = el('div', { class: 'pv-overlay' });
    this.screen.append(this.nav, this.pages, this.tabBar, this.overlay);
    phone.appendChild(this.screen);
    desk.append(side, phone);
    document.body.appendChild(desk);
    this.renderTabBar(undefined);
    this.resize();
    window.addEventListener('resize', () => this.resize());
  }

  /** `vh` in WXSS means the page's viewport, which is the phone's screen minus the bars. */
  private resize(): void {
    const height = this.pages.clientHeight || this.screen.clientHeight;
    const width = this.screen.clientWidth;
    this.screen.style.setProperty('--vh', `${height / 100}px`);
    this.screen.style.setProperty('--vw', `${width / 100}px`);
  }

  theme(): Theme {
    return window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
  }

  /** `@name` values from app.json resolved against theme.json for the current theme. */
  resolve(value: string | undefined, fallback: string): string {
    if (!value) return fallback;
    if (!value.startsWith('@')) return value;
    return this.themeJson?.[this.theme()]?.[value.slice(1)] ?? fallback;
  }

  private windowOf(page: PageRecord | undefined): WindowConfig {
    return page?.config ?? this.appJson.window ?? {};
  }

  showPage(page: PageRecord, depth: number, isTab: boolean): void {
    this.current = page;
    this.refreshNav();
    this.backButton.hidden = depth <= 1;
    const home = this.appJson.tabBar?.list[0]?.pagePath ?? this.appJson.pages[0];
    this.homeButton.hidden = !(depth <= 1 && !isTab && page.route !== home);
    this.renderTabBar(isTab ? page.route : undefined);
    this.resize();
  }

  pageReady(page: PageRecord): void {
    page.frame.dataset.ready = 'true';
  }

  refreshNav(): void {
    const config = this.windowOf(this.current);
    const custom = config.navigationStyle === 'custom';
    this.nav.hidden = custom;
    const title = this.current ? this.titleOverride.get(this.current.id) : undefined;
    this.navTitle.textContent = title ?? config.navigationBarTitleText ?? '';
    const light = this.theme() === 'light';
    this.nav.style.background = this.resolve(config.navigationBarBackgroundColor, light ? '#ffffff' : '#1c1c1e');
    const textStyle = this.resolve(config.navigationBarTextStyle, light ? 'black' : 'white');
    this.nav.style.color = textStyle === 'white' ? '#ffffff' : '#000000';
    this.screen.style.background = this.resolve(config.backgroundColor, light ? '#ffffff' : '#000000');
  }

  setTitle(title: string): void {
    if (!this.current) return;
    this.titleOverride.set(this.current.id, title);
    this.refreshNav();
  }

  setNavColors(front: string, back: string): void {
    this.nav.style.color = front;
    this.nav.style.background = back;
  }

  navLoadingShown(shown: boolean): void {
    this.navLoading.hidden = !shown;
  }

  setTabBarHidden(hidden: boolean): void {
    this.tabBarHidden = hidden;
    this.renderTabBar(this.current && this.isTabRoute(this.current.route) ? this.current.route : undefined);
  }

  setBadge(index: number, badge: { text?: string; dot?: boolean } | undefined): void {
    if (badge) this.badges.set(index, badge);
    else this.badges.delete(index);
    this.renderTabBar(this.current && this.isTabRoute(this.current.route) ? this.current.route : undefined);
  }

  private isTabRoute(route: string): boolean {
    return (this.appJson.tabBar?.list ?? []).some((i) => i.pagePath.replace(/^\//, '') === route);
  }

  renderTabBar(active: string | undefined): void {
    const bar = this.appJson.tabBar;
    this.tabBar.replaceChildren();
    this.tabBar.hidden = !bar || active === undefined || this.tabBarHidden;
    if (!bar) return;
    const light = this.theme() === 'light';
    this.tabBar.style.background = this.resolve(bar.backgroundColor, light ? '#ffffff' : '#1c1c1e');
    const border = this.resolve(bar.borderStyle, light ? 'black' : 'white');
    this.tabBar.style.borderTopColor = border === 'white' ? 'rgba(255,255,255,0.2)' : 'rgba(0,0,0,0.15)';
    bar.list.forEach((item, index) => {
      const route = item.pagePath.replace(/^\//, '');
      const selected = route === active;
      const button = el('button', {
        type: 'button',
        role: 'tab',
        'aria-selected': String(selected),
        class: 'pv-tabbar__item',
      });
      button.style.color = selected
        ? this.resolve(bar.selectedColor, '#1989fa')
        : this.resolve(bar.color, light ? '#7a7e83' : '#8e8e93');
      const icon = selected ? (item.selectedIconPath ?? item.iconPath) : item.iconPath;
      if (icon) button.appendChild(el('img', { src: `/__preview/mp/${icon.replace(/^\//, '')}`, alt: '' }));
      button.appendChild(el('span', {}, item.text));
      const badge = this.badges.get(index);
      if (badge)
        button.appendChild(el('em', { class: badge.dot ? 'pv-dot' : 'pv-badge' }, badge.dot ? '' : badge.text));
      button.addEventListener('click', () => this.actions.switchTab(route));
      this.tabBar.appendChild(button);
    });
  }

  bindScroll(page: PageRecord, onScroll: () => void): void {
    page.scroller.addEventListener('scroll', onScroll, { passive: true });
  }

  /** Dragging the page down from its top (mouse or touch), or a wheel pull at the top. */
  bindPullDown(page: PageRecord, start: () => void): void {
    if (!page.config.enablePullDownRefresh) return;
    let startY: number | undefined;
    let wheel = 0;
    const PULL = 60;
    page.scroller.addEventListener('pointerdown', (e) => {
      startY = page.scroller.scrollTop === 0 ? e.clientY : undefined;
    });
    page.scroller.addEventListener('pointermove', (e) => {
      if (startY !== undefined && e.buttons && e.clientY - startY > PULL) {
        startY = undefined;
        start();
      }
    });
    page.scroller.addEventListener('pointerup', () => (startY = undefined));
    page.scroller.addEventListener(
      'wheel',
      (e) => {
        if (page.scroller.scrollTop > 0 || e.deltaY >= 0) {
          wheel = 0;
          return;
        }
        wheel -= e.deltaY;
        if (wheel > PULL * 3) {
          wheel = 0;
          start();
        }
      },
      { passive: true },
    );
  }

  // ---- dialogs -------------------------------------------------------------------------------

  private layer(className: string, label: string, mask = true): HTMLElement {
    const node = el('div', {
      class: `pv-layer ${className}${mask ? ' pv-layer--mask' : ''}`,
      role: 'dialog',
      'aria-label': label,
    });
    this.overlay.appendChild(node);
    return node;
  }

  showToast(title: string, icon: string, duration: number, mask: boolean, image?: string): void {
    this.hideToast();
    const layer = this.layer('pv-toast-layer', 'toast', mask);
    layer.setAttribute('role', 'status');
    const box = el('div', { class: `pv-toast${icon === 'none' && !image ? ' pv-toast--text' : ''}` });
    if (image) box.appendChild(el('img', { class: 'pv-toast__icon', src: image, alt: '' }));
    else if (icon === 'loading') box.appendChild(el('i', { class: 'pv-spinner' }));
    else if (icon !== 'none')
      box.appendChild(el('i', { class: `pv-toast__icon pv-toast__icon--${icon}` }, icon === 'error' ? '✕' : '✓'));
    box.appendChild(el('p', {}, title));
    layer.appendChild(box);
    this.toastNode = layer;
    if (duration > 0) this.toastTimer = setTimeout(() => this.hideToast(), duration);
  }

  hideToast(): void {
    if (this.toastTimer) clearTimeout(this.toastTimer);
    this.toastTimer = undefined;
    this.toastNode?.remove();
    this.toastNode = undefined;
  }

  modal(options: {
    title: string;
    content: string;
    showCancel: boolean;
    cancelText: string;
    confirmText: string;
    cancelColor?: string;
    confirmColor?: string;
    editable?: boolean;
    placeholderText?: string;
  }): Promise<{ confirm: boolean; cancel: boolean; content?: string }> {
    return new Promise((resolve) => {
      const layer = this.layer('pv-modal-layer', options.title || 'modal');
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
        layer.remove();
        resolve({ confirm, cancel: !confirm, ...(input ? { content: input.value } : {}) });
      };
      if (options.showCancel) {
        const cancel = el('button', { type: 'button' }, options.cancelText);
        cancel.style.color = options.cancelColor ?? '';
        cancel.addEventListener('click', () => finish(false));
        row.appendChild(cancel);
      }
      const ok = el('button', { type: 'button', class: 'pv-primary' }, options.confirmText);
      if (options.confirmColor) ok.style.color = options.confirmColor;
      ok.addEventListener('click', () => finish(true));
      row.appendChild(ok);
      box.appendChild(row);
      layer.appendChild(box);
    });
  }

  actionSheet(items: string[], alertText?: string, itemColor?: string): Promise<number | undefined> {
    return new Promise((resolve) => {
      const layer = this.layer('pv-sheet-layer', alertText || 'action sheet');
      const sheet = el('div', { class: 'pv-sheet' });
      if (alertText) sheet.appendChild(el('p', { class: 'pv-sheet__alert' }, alertText));
      const finish = (index: number | undefined): void => {
        layer.remove();
        resolve(index);
      };
      items.forEach((item, index) => {
        const b = el('button', { type: 'button' }, item);
        if (itemColor) b.style.color = itemColor;
        b.addEventListener('click', () => finish(index));
        sheet.appendChild(b);
      });
      const cancel = el('button', { type: 'button', class: 'pv-sheet__cancel' }, '取消');
      cancel.addEventListener('click', () => finish(undefined));
      sheet.appendChild(cancel);
      layer.addEventListener('click', (e) => e.target === layer && finish(undefined));
      layer.appendChild(sheet);
    });
  }

  /**
   * WeChat's subscription prompt: one row per template, each switched on; 允许 accepts the rows left
   * on (and rejects the others), 取消 rejects all.
   */
  subscribe(tmplIds: string[]): Promise<Record<string, 'accept' | 'reject'>> {
    return new Promise((resolve) => {
      const layer = this.layer('pv-sheet-layer', '订阅消息');
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
        layer.remove();
        const answer: Record<string, 'accept' | 'reject'> = {};
        tmplIds.forEach((id, i) => (answer[id] = accept && boxes[i].checked ? 'accept' : 'reject'));
        resolve(answer);
      };
      const cancel = el('button', { type: 'button' }, '取消');
      cancel.addEventListener('click', () => finish(false));
      const allow = el('button', { type: 'button', class: 'pv-primary' }, '允许');
      allow.addEventListener('click', () => finish(true));
      buttons.append(cancel, allow);
      sheet.appendChild(buttons);
      layer.appendChild(sheet);
    });
  }

  /** A bottom sheet holding `field` with 取消 / 确定, as the picker built-in opens it. */
  pickerSheet(label: string, field: HTMLElement): Promise<boolean> {
    return new Promise((resolve) => {
      const layer = this.layer('pv-sheet-layer', label);
      const sheet = el('div', { class: 'pv-sheet pv-picker' });
      const head = el('div', { class: 'pv-picker__head' });
      const finish = (ok: boolean): void => {
        layer.remove();
        resolve(ok);
      };
      const cancel = el('button', { type: 'button' }, '取消');
      cancel.addEventListener('click', () => finish(false));
      const ok = el('button', { type: 'button', class: 'pv-primary' }, '确定');
      ok.addEventListener('click', () => finish(true));
      head.append(cancel, ok);
      sheet.append(head, field);
      layer.appendChild(sheet);
    });
  }

  /** A file chooser, as WeChat's own picker would open; tests answer it with setInputFiles. */
  chooseFiles(accept: string, multiple: boolean): Promise<File[]> {
    return new Promise((resolve) => {
      const input = document.createElement('input');
      input.type = 'file';
      input.accept = accept;
      input.multiple = multiple;
      input.style.display = 'none';
      input.addEventListener('change', () => {
        const files = [...(input.files ?? [])];
        input.remove();
        resolve(files);
      });
      document.body.appendChild(input);
      input.click();
    });
  }

  shareCard(card: { title: string; path: string } | undefined): void {
    if (!card) {
      this.showToast('当前页面未设置分享', 'none', 1500, false);
      return;
    }
    void this.modal({
      title: '转发给朋友',
      content: `${card.title}\n${card.path}`,
      showCancel: false,
      cancelText: '',
      confirmText: '好',
    });
  }
}
