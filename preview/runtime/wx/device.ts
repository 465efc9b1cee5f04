/** Device feedback a browser has no way to give: vibration succeeds silently. */
import { asyncApi } from './api';
import type { WxArea } from './context';

export const device: WxArea = () => ({
  vibrateShort: asyncApi('vibrateShort', async () => ({})),
  vibrateLong: asyncApi('vibrateLong', async () => ({})),
});
