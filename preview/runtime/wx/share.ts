/** The share menu: accepted; the capsule's ··· and the side panel share whatever the page sets. */
import { asyncApi } from './api';
import type { WxArea } from './context';

export const share: WxArea = () => ({
  showShareMenu: asyncApi('showShareMenu', async () => ({})),
  hideShareMenu: asyncApi('hideShareMenu', async () => ({})),
});
