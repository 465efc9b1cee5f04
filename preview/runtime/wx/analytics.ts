/** Analytics calls are accepted and dropped: the preview reports nothing anywhere. */
import type { WxArea } from './context';

export const analytics: WxArea = () => ({
  reportAnalytics: () => undefined,
  reportEvent: () => undefined,
});
