/** The clipboard: the browser's where it allows, else one kept here; setting it shows WeChat's toast. */
import { asyncApi } from './api';
import type { WxArea } from './context';

export const clipboard: WxArea = ({ chrome }) => {
  let kept = '';
  return {
    setClipboardData: asyncApi('setClipboardData', async (o) => {
      kept = o.data;
      await navigator.clipboard?.writeText(o.data).catch(() => undefined);
      chrome.dialogs.showToast('内容已复制', 'none', 1500, false);
      return {};
    }),
    getClipboardData: asyncApi('getClipboardData', async () => {
      const text = await navigator.clipboard?.readText().catch(() => undefined);
      return { data: text ?? kept };
    }),
  };
};
