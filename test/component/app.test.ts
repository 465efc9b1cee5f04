import type { AppOption } from '../../miniprogram/types';
import { SESSION_KEY } from '../../miniprogram/services/auth';
import { launchApp, resetMiniProgram } from './helpers/miniprogram';
import { eventually } from '../helpers/eventually';
import { answering, emptyTodoList, loginOk } from './helpers/answers';
import { cloudDouble, wxDouble } from './helpers/wx';

describe('App lifecycle', () => {
  let logins: number;
  beforeEach(() => {
    resetMiniProgram();
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
    logins = 0;
    wxDouble.cloudHandler = answering({
      login: {
        login: () => {
          logins++;
          return loginOk('o-app', true);
        },
      },
      todo: { list: () => emptyTodoList() },
    });
  });
  afterEach(() => jest.restoreAllMocks());

  it('onLaunch initialises wx.cloud and logs in silently', async () => {
    launchApp<AppOption>();
    expect(cloudDouble.init).toHaveBeenCalledWith({ traceUser: true });
    await eventually(() => wxDouble.storage.has(SESSION_KEY), 'the session to be stored');
    expect(logins).toBe(1);
    expect(wxDouble.storage.get(SESSION_KEY)).toMatchObject({ openid: 'o-app' });
  });

  it('onLaunch keeps a failed silent login as an app error instead of crashing', async () => {
    wxDouble.cloudHandler = answering({
      login: { login: () => ({ ok: false, code: 'UPSTREAM', message: 'jscode2session 40029' }) },
    });
    const { instance } = launchApp<AppOption>();
    await eventually(() => instance.globalData.errors.length === 1, 'the error to be recorded');
    expect(instance.globalData.errors[0]).toMatchObject({
      source: 'onUnhandledRejection',
      message: 'jscode2session 40029',
    });
  });

  it('onLaunch reads the system theme, onThemeChange updates it and tells listeners', () => {
    wxDouble.theme = 'dark';
    const { instance } = launchApp<AppOption>();
    expect(instance.globalData.theme).toBe('dark');
    const seen: string[] = [];
    const stop = instance.onThemeChanged((theme) => seen.push(theme));
    (instance as unknown as WechatMiniprogram.App.Option).onThemeChange({ theme: 'light' });
    stop();
    (instance as unknown as WechatMiniprogram.App.Option).onThemeChange({ theme: 'dark' });
    expect(seen).toEqual(['light']);
    expect(instance.globalData.theme).toBe('dark');
  });

  it('onHide then onShow after a long absence refreshes the login; a short one does not', async () => {
    const clock = jest.spyOn(Date, 'now').mockReturnValue(Date.parse('2026-05-01T09:00:00+08:00'));
    const app = launchApp<AppOption>();
    await eventually(() => logins === 1, 'the launch login');

    app.background();
    expect(app.instance.globalData.hiddenAt).toBe(Date.parse('2026-05-01T09:00:00+08:00'));
    clock.mockReturnValue(Date.parse('2026-05-01T09:10:00+08:00'));
    app.foreground();
    expect(app.instance.globalData.hiddenAt).toBeUndefined();

    app.background();
    clock.mockReturnValue(Date.parse('2026-05-01T10:00:00+08:00'));
    app.foreground();
    await eventually(() => logins === 2, 'a refresh after 50 minutes away');
  });

  it('onError and onUnhandledRejection keep the last 20 errors, newest last', () => {
    const { instance } = launchApp<AppOption>();
    const app = instance as unknown as WechatMiniprogram.App.Option;
    for (let i = 0; i < 25; i++) app.onError(`script error ${i}`);
    app.onUnhandledRejection({ reason: 'lost promise', promise: Promise.resolve() });
    const { errors } = instance.globalData;
    expect(errors).toHaveLength(20);
    expect(errors[0].message).toBe('script error 6');
    expect(errors[19]).toMatchObject({ source: 'onUnhandledRejection', message: 'lost promise' });
  });

  it('onPageNotFound relaunches to the home tab', () => {
    const { instance, stack } = launchApp<AppOption>('pages/me/index');
    (instance as unknown as WechatMiniprogram.App.Option).onPageNotFound({
      path: 'pages/gone/index',
      query: {},
      isEntryPage: true,
    });
    expect(wxDouble.api.reLaunch).toHaveBeenCalledWith({ url: '/pages/todos/index' });
    expect(stack.pages.map((p) => p.route)).toEqual(['pages/todos/index']);
  });
});
