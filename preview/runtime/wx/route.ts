/** Navigation between pages: the router's page stack, its RouteErrors as WeChat's errMsg. */
import { asyncApi, WxError } from './api';
import type { WxArea } from './context';

export const route: WxArea = ({ router }) => {
  /** Runs a router call; a refusal (`navigateTo:fail ...`) becomes the API's failure as it reads. */
  const go = (run: () => unknown): Record<string, never> => {
    try {
      run();
    } catch (error) {
      throw new WxError((error as Error).message);
    }
    return {};
  };
  return {
    navigateTo: asyncApi('navigateTo', async (o) => {
      go(() => router().navigateTo(o.url));
      return { eventChannel: {} as WechatMiniprogram.EventChannel };
    }),
    redirectTo: asyncApi('redirectTo', async (o) => go(() => router().redirectTo(o.url))),
    switchTab: asyncApi('switchTab', async (o) => go(() => router().switchTab(o.url))),
    reLaunch: asyncApi('reLaunch', async (o) => go(() => router().reLaunch(o.url))),
    navigateBack: asyncApi('navigateBack', async (o) => go(() => router().navigateBack(o.delta ?? 1))),
  };
};
