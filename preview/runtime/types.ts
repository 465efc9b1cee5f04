/** Shapes shared by the preview runtime's modules (browser side). */
import type { glassEasel } from 'glass-easel-miniprogram-adapter';
import type { PackagedPages } from './pages';

/** The compiled template groups the build emits (`getTmplGenObjectGroups()`), keyed by component path. */
export type TemplateGroups = Record<string, glassEasel.template.ProcGenGroup | undefined>;

export interface ComponentEntry {
  is: string;
  config: Record<string, unknown>;
  scope: string | null;
  load: () => unknown;
}

export interface TabBarItem {
  pagePath: string;
  text: string;
  iconPath?: string;
  selectedIconPath?: string;
}

export interface WindowConfig {
  navigationBarTitleText?: string;
  navigationBarBackgroundColor?: string;
  navigationBarTextStyle?: string;
  navigationStyle?: string;
  backgroundColor?: string;
  enablePullDownRefresh?: boolean;
  onReachBottomDistance?: number;
}

export interface AppJson extends PackagedPages {
  window?: WindowConfig;
  tabBar?: {
    color?: string;
    selectedColor?: string;
    backgroundColor?: string;
    borderStyle?: string;
    list: TabBarItem[];
  };
  darkmode?: boolean;
}

export type ThemeJson = Record<'light' | 'dark', Record<string, string>> | null;

export interface BootOptions {
  appJson: AppJson;
  theme: ThemeJson;
  templates: TemplateGroups;
  app: () => unknown;
  components: ComponentEntry[];
}

/** A component or page instance as its own code sees it (`this`): the adapter's method caller. */
export interface ComponentLike {
  setData(data: Record<string, unknown>, callback?: () => void): void;
  readonly data: Record<string, unknown>;
  createSelectorQuery(): WechatMiniprogram.SelectorQuery;
}

/** A page instance: methods of the page's definition, plus the fields WeChat adds. */
export interface PageInstance extends ComponentLike {
  route: string;
  options: Record<string, string>;
  [method: string]: unknown;
}

export type { Query } from './page-stack';
