/**
 * The app's language: the person's choice on the Me page (kept in storage), else WeChat's own
 * language (`wx.getAppBaseInfo().language`): Chinese for any zh_* locale, English otherwise.
 * Pages read `strings()` when they load; a change of choice relaunches the app, so every page and
 * component is built again in the new language.
 */
import { en } from './en';
import { zh, type Catalogue } from './zh';

export { fill } from './fill';
export type { Catalogue } from './zh';
export type Language = 'zh' | 'en';
export type LanguageChoice = Language | 'system';

export const LANGUAGE_KEY = 'app.language';
const CATALOGUES: Record<Language, Catalogue> = { zh, en };

let cached: Language | undefined;

export function systemLanguage(): Language {
  const language = wx.getAppBaseInfo().language ?? '';
  return /^zh/i.test(language) ? 'zh' : 'en';
}

export function languageChoice(): LanguageChoice {
  const stored: unknown = wx.getStorageSync(LANGUAGE_KEY);
  return stored === 'zh' || stored === 'en' ? stored : 'system';
}

export function language(): Language {
  cached ??= ((choice) => (choice === 'system' ? systemLanguage() : choice))(languageChoice());
  return cached;
}

export function strings(): Catalogue {
  return CATALOGUES[language()];
}

/** Keeps the choice; the caller relaunches so that every page is built again with it. */
export function setLanguage(choice: LanguageChoice): void {
  if (choice === 'system') wx.removeStorageSync(LANGUAGE_KEY);
  else wx.setStorageSync(LANGUAGE_KEY, choice);
  cached = undefined;
}

/**
 * The words WeChat draws outside the page, which app.json and the page JSON can only give in one
 * language: the navigation bar title, and the tab bar's labels on a tab page.
 */
export function titlePage(title: string, isTab = true): void {
  wx.setNavigationBarTitle({ title }).catch(() => undefined);
  if (!isTab) return;
  strings().tabBar.forEach((text, index) => {
    wx.setTabBarItem({ index, text }).catch(() => undefined);
  });
}
