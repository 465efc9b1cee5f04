/** The navigation bar's title, colours and loading indicator. */
import { asyncApi } from './api';
import type { WxArea } from './context';

export const navigationBar: WxArea = ({ chrome: { navBar } }) => ({
  setNavigationBarTitle: asyncApi('setNavigationBarTitle', async (o) => (navBar.setTitle(o.title), {})),
  setNavigationBarColor: asyncApi(
    'setNavigationBarColor',
    async (o) => (navBar.setColors(o.frontColor, o.backgroundColor), {}),
  ),
  showNavigationBarLoading: asyncApi('showNavigationBarLoading', async () => (navBar.setLoading(true), {})),
  hideNavigationBarLoading: asyncApi('hideNavigationBarLoading', async () => (navBar.setLoading(false), {})),
});
