/**
 * The clipboard: the browser's where it allows, else one kept here; setting it shows WeChat's toast.
 * Both wait for the privacy agreement, as WeChat's do.
 */
import { chromeWords } from '../chrome/words';
import { asyncApi, WxError } from './api';
import type { ShimContext, WxArea } from './context';

async function agreed(ctx: ShimContext, api: string): Promise<void> {
  if (!(await ctx.privacy.require(api))) throw new WxError(`${api}:fail privacy permission is not authorized`, 104);
}

export const clipboard: WxArea = (ctx) => {
  const { chrome } = ctx;
  let kept = '';
  return {
    setClipboardData: asyncApi('setClipboardData', async (o) => {
      await agreed(ctx, 'setClipboardData');
      kept = o.data;
      await navigator.clipboard?.writeText(o.data).catch(() => undefined);
      chrome.dialogs.showToast(chromeWords().copied, 'none', 1500, false);
      return {};
    }),
    getClipboardData: asyncApi('getClipboardData', async () => {
      await agreed(ctx, 'getClipboardData');
      const text = await navigator.clipboard?.readText().catch(() => undefined);
      return { data: text ?? kept };
    }),
  };
};
