/** The tab bar drawn from app.json `tabBar`, with the badges and red dots `wx.setTabBarBadge` sets. */
import { tabRoute } from '../app-json';
import type { AppJson } from '../types';
import { el } from './dom';
import type { AppTheme } from './theme';

export type Badge = { text?: string; dot?: boolean };

export class TabBar {
  readonly element: HTMLElement;
  /** The route of the tab shown, or undefined on a page that is not a tab (the bar is hidden). */
  private active: string | undefined;
  private hiddenByApp = false;
  private readonly badges = new Map<number, Badge>();

  constructor(
    private readonly appJson: AppJson,
    private readonly theme: AppTheme,
    private readonly switchTab: (route: string) => void,
  ) {
    this.element = el('nav', { class: 'pv-tabbar', 'aria-label': 'tabBar' });
  }

  show(active: string | undefined): void {
    this.active = active;
    this.render();
  }

  setHidden(hidden: boolean): void {
    this.hiddenByApp = hidden;
    this.render();
  }

  setBadge(index: number, badge: Badge | undefined): void {
    if (badge) this.badges.set(index, badge);
    else this.badges.delete(index);
    this.render();
  }

  render(): void {
    const bar = this.appJson.tabBar;
    this.element.replaceChildren();
    this.element.hidden = !bar || this.active === undefined || this.hiddenByApp;
    if (!bar) return;
    const light = this.theme.current() === 'light';
    this.element.style.background = this.theme.resolve(bar.backgroundColor, light ? '#ffffff' : '#1c1c1e');
    const border = this.theme.resolve(bar.borderStyle, light ? 'black' : 'white');
    this.element.style.borderTopColor = border === 'white' ? 'rgba(255,255,255,0.2)' : 'rgba(0,0,0,0.15)';
    bar.list.forEach((item, index) => {
      const route = tabRoute(item);
      const selected = route === this.active;
      const button = el('button', {
        type: 'button',
        role: 'tab',
        'aria-selected': String(selected),
        class: 'pv-tabbar__item',
      });
      button.style.color = selected
        ? this.theme.resolve(bar.selectedColor, '#1989fa')
        : this.theme.resolve(bar.color, light ? '#7a7e83' : '#8e8e93');
      const icon = selected ? (item.selectedIconPath ?? item.iconPath) : item.iconPath;
      if (icon) button.appendChild(el('img', { src: `/__preview/mp/${icon.replace(/^\//, '')}`, alt: '' }));
      button.appendChild(el('span', {}, item.text));
      const badge = this.badges.get(index);
      if (badge)
        button.appendChild(el('em', { class: badge.dot ? 'pv-dot' : 'pv-badge' }, badge.dot ? '' : badge.text));
      button.addEventListener('click', () => this.switchTab(route));
      this.element.appendChild(button);
    });
  }
}
