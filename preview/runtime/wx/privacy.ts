/** The privacy agreement APIs (../privacy.ts keeps the state; the chrome shows the guide). */
import { chromeWords } from '../chrome/words';
import { asyncApi, WxError, type Wx } from './api';
import type { WxArea } from './context';

/** What the guide is called in the preview; in WeChat it is the name given in the admin console. */
const CONTRACT_NAME = '《小程序隐私保护指引》';

export const privacy: WxArea = ({ privacy: state, chrome }) => ({
  // The typings' own overload has no `resolve`; the app uses the one in miniprogram/wx-privacy.d.ts.
  onNeedPrivacyAuthorization: ((listener: Parameters<typeof state.listen>[0]) =>
    state.listen(listener)) as unknown as Wx['onNeedPrivacyAuthorization'],
  getPrivacySetting: asyncApi('getPrivacySetting', async () => ({
    needAuthorization: !state.agreed(),
    privacyContractName: CONTRACT_NAME,
  })),
  requirePrivacyAuthorize: asyncApi('requirePrivacyAuthorize', async () => {
    if (!(await state.require('requirePrivacyAuthorize')))
      throw new WxError('requirePrivacyAuthorize:fail privacy permission is not authorized', 104);
    return {};
  }),
  openPrivacyContract: asyncApi('openPrivacyContract', async () => {
    const words = chromeWords();
    await chrome.dialogs.notice(words.privacyContractTitle, words.privacyContractBody);
    return {};
  }),
});
