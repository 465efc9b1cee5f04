/** `wx.requestSubscribeMessage`: the chrome's subscription prompt, answered by the person. */
import { asyncApi, WxError, type SuccessOf } from './api';
import type { WxArea } from './context';

export const subscribe: WxArea = ({ chrome }) => ({
  requestSubscribeMessage: asyncApi('requestSubscribeMessage', async (o) => {
    if (!o.tmplIds?.length) throw new WxError('requestSubscribeMessage:fail tmplIds is empty', 20001);
    const answer = await chrome.dialogs.subscribe(o.tmplIds);
    return answer as unknown as SuccessOf<'requestSubscribeMessage'>;
  }),
});
