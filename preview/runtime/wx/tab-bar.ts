/** The tab bar: shown or hidden, badges and red dots. */
import { asyncApi } from './api';
import type { WxArea } from './context';

export const tabBar: WxArea = ({ chrome: { tabBar: bar } }) => ({
  showTabBar: asyncApi('showTabBar', async () => (bar.setHidden(false), {})),
  hideTabBar: asyncApi('hideTabBar', async () => (bar.setHidden(true), {})),
  setTabBarBadge: asyncApi('setTabBarBadge', async (o) => (bar.setBadge(o.index, { text: o.text }), {})),
  removeTabBarBadge: asyncApi('removeTabBarBadge', async (o) => (bar.setBadge(o.index, undefined), {})),
  showTabBarRedDot: asyncApi('showTabBarRedDot', async (o) => (bar.setBadge(o.index, { dot: true }), {})),
  hideTabBarRedDot: asyncApi('hideTabBarRedDot', async (o) => (bar.setBadge(o.index, undefined), {})),
});
