/**
 * The privacy agreement popup: it answers WeChat's onNeedPrivacyAuthorization with the person's
 * choice, naming the agree button, and a refusal is explained.
 */
import { eventually } from '../../helpers/eventually';
import { launchApp, renderComponent, resetMiniProgram } from '../helpers/miniprogram';
import { wxDouble } from '../helpers/wx';

type Answer = { event: string; buttonId?: string };

function need(): { answers: Answer[] } {
  const answers: Answer[] = [];
  const listener = wxDouble.privacyListener;
  if (!listener) throw new Error('no onNeedPrivacyAuthorization listener registered');
  listener((option) => answers.push(option), { referrer: 'button.chooseAvatar' });
  return { answers };
}

describe('privacy popup', () => {
  beforeEach(() => resetMiniProgram());

  it('registers for WeChat, shows the guide by its own name, and answers "agree" with its button', async () => {
    launchApp();
    const popup = renderComponent('components/privacy-popup/index');
    await eventually(() => popup.data.contract === '《测试隐私保护指引》', 'the guide name');
    expect(popup.data.show).toBe(false);
    const { answers } = need();
    expect(popup.data.show).toBe(true);
    popup.querySelector('#privacy-agree')!.dispatchEvent('agreeprivacyauthorization');
    await eventually(() => answers.length === 1, 'the answer');
    expect(answers).toEqual([{ event: 'agree', buttonId: 'privacy-agree' }]);
    expect(popup.data.show).toBe(false);
  });

  it('answers "disagree" and says why the feature stays off', async () => {
    launchApp();
    const popup = renderComponent('components/privacy-popup/index');
    const { answers } = need();
    popup.querySelector('#privacy-disagree')!.dispatchEvent('tap');
    await eventually(() => answers.length === 1, 'the answer');
    expect(answers).toEqual([{ event: 'disagree' }]);
    expect(wxDouble.api.showToast).toHaveBeenCalledWith({ title: '未同意隐私保护指引，无法使用此功能', icon: 'none' });
  });

  it('opens the guide itself', async () => {
    launchApp();
    const popup = renderComponent('components/privacy-popup/index');
    need();
    await eventually(() => popup.querySelector('#privacy-contract') !== undefined, 'the link');
    popup.querySelector('#privacy-contract')!.dispatchEvent('tap');
    await eventually(() => wxDouble.api.openPrivacyContract.mock.calls.length === 1, 'the guide opened');
  });
});
