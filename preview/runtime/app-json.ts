/** Rules read from app.json, written once: which routes are tabs, and which page is home. */
import type { AppJson, TabBarItem } from './types';

/** A tab's route: its `pagePath` without a leading slash. */
export const tabRoute = (item: TabBarItem): string => item.pagePath.replace(/^\//, '');

export const tabRoutes = (app: AppJson): string[] => (app.tabBar?.list ?? []).map(tabRoute);

/** Where the home button and `home()` go: the first tab, or the first page when there is no tab bar. */
export function homeRoute(app: AppJson): string {
  const first = app.tabBar?.list[0];
  return first ? tabRoute(first) : app.pages[0];
}
