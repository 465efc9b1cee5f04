/**
 * The navigation bar drawn from the shown page's window config (app.json `window` under the page's
 * JSON): title, colours, back and home buttons, the capsule. The window's background colour comes
 * from the same config, so it is painted here too.
 */
import { homeRoute } from '../app-json';
import type { AppJson, WindowConfig } from '../types';
import { button, el } from './dom';
import type { AppTheme } from './theme';

/** What the bar needs of a page. */
export interface ShownPage {
  id: number;
  route: string;
  config: WindowConfig;
}

export interface NavBarActions {
  back(): void;
  home(): void;
  /** The capsule's ··· */
  share(): void;
  /** The capsule's ◉ */
  background(): void;
}

export class NavBar {
  readonly element: HTMLElement;
  private readonly title: HTMLElement;
  private readonly backButton: HTMLButtonElement;
  private readonly homeButton: HTMLButtonElement;
  private readonly loading: HTMLElement;
  private page: ShownPage | undefined;
  /** `wx.setNavigationBarTitle` per page, kept while the page lives. */
  private readonly titles = new Map<number, string>();

  constructor(
    private readonly appJson: AppJson,
    private readonly theme: AppTheme,
    actions: NavBarActions,
    private readonly paintWindow: (background: string) => void,
  ) {
    this.element = el('div', { class: 'pv-nav', role: 'banner' });
    this.backButton = button('‹', () => actions.back(), { class: 'pv-nav__back', 'aria-label': '返回' });
    this.homeButton = button('⌂', () => actions.home(), { class: 'pv-nav__home', 'aria-label': '首页' });
    this.loading = el('span', { class: 'pv-nav__loading', hidden: '' });
    this.title = el('div', { class: 'pv-nav__title', role: 'heading', 'aria-level': '1' });
    const capsule = el('div', { class: 'pv-nav__capsule' });
    capsule.append(
      button('···', () => actions.share(), { 'aria-label': '更多' }),
      button('◉', () => actions.background(), { 'aria-label': '关闭' }),
    );
    this.element.append(this.backButton, this.homeButton, this.loading, this.title, capsule);
  }

  /** `depth` is the page stack's; back shows above the first page, home on a lone non-home page. */
  show(page: ShownPage, depth: number, isTab: boolean): void {
    this.page = page;
    this.refresh();
    this.backButton.hidden = depth <= 1;
    this.homeButton.hidden = !(depth <= 1 && !isTab && page.route !== homeRoute(this.appJson));
  }

  /** Redraws from the page's config and the current theme. */
  refresh(): void {
    const config = this.page?.config ?? this.appJson.window ?? {};
    this.element.hidden = config.navigationStyle === 'custom';
    const title = this.page ? this.titles.get(this.page.id) : undefined;
    this.title.textContent = title ?? config.navigationBarTitleText ?? '';
    const light = this.theme.current() === 'light';
    this.element.style.background = this.theme.resolve(
      config.navigationBarBackgroundColor,
      light ? '#ffffff' : '#1c1c1e',
    );
    const textStyle = this.theme.resolve(config.navigationBarTextStyle, light ? 'black' : 'white');
    this.element.style.color = textStyle === 'white' ? '#ffffff' : '#000000';
    this.paintWindow(this.theme.resolve(config.backgroundColor, light ? '#ffffff' : '#000000'));
  }

  setTitle(title: string): void {
    if (!this.page) return;
    this.titles.set(this.page.id, title);
    this.refresh();
  }

  setColors(front: string, back: string): void {
    this.element.style.color = front;
    this.element.style.background = back;
  }

  setLoading(shown: boolean): void {
    this.loading.hidden = !shown;
  }
}
