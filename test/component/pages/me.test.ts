import type { ApiResult } from '../../../typings/contract';
import type { LoginResult, UserProfile } from '../../../typings/login';
import { answering, type Fake } from '../helpers/answers';
import { launchApp, resetMiniProgram } from '../helpers/miniprogram';
import { eventually } from '../../helpers/eventually';
import { tap, textOf, waitForText } from '../helpers/dom';
import { cloudDouble, wxDouble } from '../helpers/wx';

const profile = (over: Partial<UserProfile> = {}): UserProfile => ({
  openid: 'oAbCdEf1234567890xyz',
  nickname: '小明',
  avatarFileId: '',
  createdAt: '2026-05-01T00:00:00.000Z',
  lastLoginAt: new Date(Date.now() - 5 * 60_000).toISOString(),
  loginCount: 4,
  dailyPlan: null,
  ...over,
});

/** The login function answering every call with `answer`. */
const logins = (answer: Fake<'login', 'login'>) => answering({ login: { login: answer } });

// The first render compiles Vant's templates, which takes seconds on a busy machine.
jest.setTimeout(30_000);

describe('Me page', () => {
  beforeEach(() => {
    resetMiniProgram();
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it('shows a skeleton while logging in, then the user', async () => {
    let answer: (value: ApiResult<LoginResult>) => void = () => undefined;
    wxDouble.cloudHandler = logins(() => new Promise((resolve) => (answer = resolve)));
    const { stack } = launchApp('pages/me/index');
    const page = stack.current!.component;
    expect(page.data.loading).toBe(true);
    expect(page.dom?.innerHTML).toContain('van-skeleton');
    expect(textOf(page)).not.toContain('登录次数');

    await eventually(() => cloudDouble.callFunction.mock.calls.length === 1, 'the login call');
    answer({ ok: true, data: { openid: 'oAbCdEf1234567890xyz', isNewUser: false, profile: profile() } });
    await waitForText(page, '登录次数');
    // The nickname sits in an <input type="nickname"> (its value is data, not text).
    expect(page.data.user?.nickname).toBe('小明');
    expect(textOf(page)).toBe(
      '设置头像 ID oAbCdE…0xyz 设置 语言 跟随系统 外观 随微信的深色模式设置自动切换 跟随系统 · 浅色 ' +
        '每日计划 早间计划 每天早上推送今天到期和逾期的待办，以及最该先做的一件 ' +
        '未关注公众号时，计划以订阅消息推送：订阅消息是一次性的，每次允许只能收到一次推送，所以每天需要再允许一次。关注公众号后就不用了。 ' +
        '关注公众号，每天自动收到 ' +
        '账号 上次登录 5 分钟前 登录次数 4 关注公众号 未关注 隐私保护指引 意见反馈 关于四象限 开发版',
    );
  });

  it('shows a placeholder that says how to set an avatar, the follow state read again on show, no Open Platform row', async () => {
    wxDouble.cloudHandler = logins(() => ({
      ok: true,
      data: {
        openid: 'o-short',
        unionid: 'u-1',
        isNewUser: true,
        profile: profile({ openid: 'o-short', unionid: 'u-1', nickname: '', followsOfficialAccount: true }),
      },
    }));
    const { stack, background, foreground } = launchApp('pages/me/index');
    const page = stack.current!.component;
    await waitForText(page, 'ID o-short');
    expect(textOf(page).startsWith('设置头像 ID o-short')).toBe(true);
    expect(page.dom?.innerHTML).toContain('van-icon-user-o');
    expect(textOf(page)).toContain('关注公众号 已关注');
    expect(textOf(page)).not.toContain('开放平台');
    // Unfollowed in the Official Account meanwhile: back on the page, it says so.
    wxDouble.cloudHandler = logins(() => ({
      ok: true,
      data: {
        openid: 'o-short',
        isNewUser: false,
        profile: profile({ openid: 'o-short', followsOfficialAccount: false }),
      },
    }));
    // Back on the page from WeChat itself (coming back from another tab shows it the same way).
    background();
    foreground();
    await waitForText(page, '关注公众号 未关注');
  });

  it('shows a failed login in words with a retry that works', async () => {
    wxDouble.cloudHandler = logins(() => ({ ok: false, code: 'UPSTREAM', message: '40029 invalid code' }));
    const { stack } = launchApp('pages/me/index');
    const page = stack.current!.component;
    await waitForText(page, '服务暂时繁忙，请稍后再试');

    wxDouble.cloudHandler = logins(() => ({ ok: true, data: { openid: 'o-1', isNewUser: false, profile: profile() } }));
    tap(page, '#retry');
    await waitForText(page, '登录次数');
    expect(page.data.user?.nickname).toBe('小明');
    expect(page.data.error).toBe('');
  });

  it('pull-down refresh logs in again, shows the new profile and stops the spinner', async () => {
    let nickname = '小明';
    wxDouble.cloudHandler = logins(() => ({
      ok: true,
      data: { openid: 'o-1', isNewUser: false, profile: profile({ nickname }) },
    }));
    const { stack } = launchApp('pages/me/index');
    const page = stack.current!.component;
    await waitForText(page, '登录次数 4');

    nickname = '小红';
    await stack.trigger('onPullDownRefresh');
    expect(page.data.user?.nickname).toBe('小红');
    expect(wxDouble.api.stopPullDownRefresh).toHaveBeenCalledTimes(1);
  });

  it('keeps the shown profile when a refresh fails, and says so in a toast', async () => {
    wxDouble.cloudHandler = logins(() => ({ ok: true, data: { openid: 'o-1', isNewUser: false, profile: profile() } }));
    const { stack } = launchApp('pages/me/index');
    const page = stack.current!.component;
    await waitForText(page, '登录次数 4');

    wxDouble.cloudHandler = logins(() => ({ ok: false, code: 'RATE_LIMITED', message: 'slow down' }));
    await stack.trigger('onPullDownRefresh');
    expect(textOf(page)).toContain('登录次数 4');
    expect(page.data.user?.nickname).toBe('小明');
    expect(wxDouble.api.showToast).toHaveBeenCalledWith({ title: '操作太频繁，请稍后再试', icon: 'none' });
  });

  it('switches the language from its setting, keeps the choice and starts again on this page', async () => {
    wxDouble.cloudHandler = logins(() => ({ ok: true, data: { openid: 'o-1', isNewUser: false, profile: profile() } }));
    const { stack } = launchApp('pages/me/index');
    const page = stack.current!.component;
    await waitForText(page, '语言 跟随系统');
    // The sheet offers: follow the system, 简体中文, English; the person picks English.
    wxDouble.api.showActionSheet.mockResolvedValueOnce({ tapIndex: 2, errMsg: 'showActionSheet:ok' });
    page.querySelector('#language')!.dispatchEvent('click');
    await eventually(() => wxDouble.api.reLaunch.mock.calls.length === 1, 'the relaunch');
    // The choice in force is marked.
    expect(wxDouble.api.showActionSheet).toHaveBeenCalledWith({ itemList: ['跟随系统 ✓', '简体中文', 'English'] });
    expect(wxDouble.api.reLaunch).toHaveBeenCalledWith({ url: '/pages/me/index' });
    expect(wxDouble.storage.get('app.language')).toBe('en');
    await waitForText(stack.current!.component, 'Language English');
    expect(textOf(stack.current!.component)).toContain('Sign-ins 4');
  });
});
