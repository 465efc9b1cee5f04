/**
 * What surrounds the pages: the phone (frame.ts, 375 px wide by default, `?width=414`) with its
 * navigation bar and tab bar drawn from app.json (theme.json colours, light or dark as the browser
 * is), the dialogs `wx.*` shows (dialogs/), the desk beside the phone (side-panel.ts) and the
 * Official Account on its other side (oa-panel.ts).
 */
import type { PreviewSettings } from '../../server';
import type { DevUsers } from '../dev-users';
import type { AppJson, ThemeJson } from '../types';
import { Dialogs } from './dialogs';
import { el } from './dom';
import { PhoneFrame } from './frame';
import { NavBar, type NavBarActions, type ShownPage } from './nav-bar';
import { officialAccountPanel } from './oa-panel';
import { sidePanel, type SidePanelActions } from './side-panel';
import { TabBar } from './tab-bar';
import { AppTheme } from './theme';

export type { Theme } from './theme';

export interface DeskActions extends NavBarActions, SidePanelActions {
  switchTab(route: string): void;
}

export class Chrome {
  readonly theme: AppTheme;
  readonly frame: PhoneFrame;
  readonly navBar: NavBar;
  readonly tabBar: TabBar;
  readonly dialogs: Dialogs;

  constructor(
    appJson: AppJson,
    themeJson: ThemeJson,
    actions: DeskActions,
    users: DevUsers,
    phoneWidth: number,
    settings: PreviewSettings,
  ) {
    document.body.classList.add('pv-body');
    this.theme = new AppTheme(themeJson);
    this.navBar = new NavBar(appJson, this.theme, actions, (background) => {
      this.frame.screen.style.background = background;
    });
    this.tabBar = new TabBar(appJson, this.theme, (route) => actions.switchTab(route));
    this.frame = new PhoneFrame(phoneWidth, this.navBar.element, this.tabBar.element);
    this.dialogs = new Dialogs(this.frame.overlay, settings.subscribeTemplates);
    const desk = el('div', { class: 'pv-desk' });
    desk.append(sidePanel(actions, users), this.frame.element, officialAccountPanel(users.current));
    document.body.appendChild(desk);
    this.tabBar.show(undefined);
    this.frame.resize();
  }

  /** A page came to the top of the stack (`depth` pages deep). */
  showPage(page: ShownPage, depth: number, isTab: boolean): void {
    this.navBar.show(page, depth, isTab);
    this.tabBar.show(isTab ? page.route : undefined);
    this.frame.resize();
  }

  /** The browser's colour scheme changed: the bars redraw with the other theme's colours. */
  themeChanged(): void {
    this.navBar.refresh();
    this.tabBar.render();
  }
}
