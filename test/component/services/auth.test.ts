import { Auth, createAuth, isAuthError, SESSION_KEY, type AuthDeps } from '../../../miniprogram/services/auth';
import type { CallResult } from '../../../typings/contract';
import type { LoginResult } from '../../../typings/login';
import { answering } from '../helpers/answers';
import { cloudDouble, wxDouble } from '../helpers/wx';

const result = (openid: string): LoginResult => ({
  openid,
  isNewUser: false,
  profile: {
    openid,
    nickname: '',
    avatarFileId: '',
    createdAt: '2026-01-01T00:00:00.000Z',
    lastLoginAt: '2026-01-01T00:00:00.000Z',
    dailyPlan: null,
    loginCount: 1,
  },
});

function setup(answers: Array<CallResult<LoginResult>>) {
  let clock = 1_000_000;
  const store = new Map<string, unknown>();
  const codes: Array<string | undefined> = [];
  const delays: number[] = [];
  const login = jest.fn(async (code: string | undefined) => {
    codes.push(code);
    const next = answers.shift();
    if (!next) throw new Error('no more answers');
    return next;
  });
  const deps: AuthDeps = {
    login,
    getCode: async () => `code-${codes.length + 1}`,
    storage: { get: (k) => store.get(k), set: (k, v) => store.set(k, v), remove: (k) => store.delete(k) },
    now: () => clock,
    delay: async (ms) => void delays.push(ms),
    ttlMs: 60_000,
    attempts: 3,
    retryBaseMs: 400,
  };
  return { auth: new Auth(deps), login, codes, delays, store, advance: (ms: number) => (clock += ms) };
}

const network = { ok: false as const, code: 'NETWORK' as const, message: 'request:fail' };

describe('auth service', () => {
  it('shares one login among concurrent callers', async () => {
    const { auth, login } = setup([{ ok: true, data: result('o-1') }]);
    const sessions = await Promise.all([auth.ensure(), auth.ensure(), auth.ensure()]);
    expect(login).toHaveBeenCalledTimes(1);
    expect(sessions.map((s) => s.openid)).toEqual(['o-1', 'o-1', 'o-1']);
  });

  it('serves the cached session until it expires, then logs in again', async () => {
    const { auth, login, advance, store } = setup([
      { ok: true, data: result('o-1') },
      { ok: true, data: result('o-1') },
    ]);
    await auth.ensure();
    advance(59_999);
    await auth.ensure();
    expect(login).toHaveBeenCalledTimes(1);
    expect(store.get(SESSION_KEY)).toMatchObject({ openid: 'o-1', expiresAt: 1_060_000 });
    advance(1);
    expect(auth.current()).toBeUndefined();
    await auth.ensure();
    expect(login).toHaveBeenCalledTimes(2);
  });

  it('retries transient failures with doubling delays and a fresh code each time', async () => {
    const { auth, codes, delays } = setup([
      network,
      { ok: false, code: 'TIMEOUT', message: 'timeout' },
      { ok: true, data: result('o-1') },
    ]);
    await expect(auth.ensure()).resolves.toMatchObject({ openid: 'o-1' });
    expect(delays).toEqual([400, 800]);
    expect(codes).toEqual(['code-1', 'code-2', 'code-3']);
  });

  it('does not retry an error that will not change, and reports it', async () => {
    const { auth, login } = setup([{ ok: false, code: 'UPSTREAM', message: 'jscode2session: 40029 invalid code' }]);
    const error = await auth.ensure().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(isAuthError(error)).toBe(true);
    expect(error).toMatchObject({
      name: 'AuthError',
      message: 'jscode2session: 40029 invalid code',
      error: { code: 'UPSTREAM' },
    });
    expect(isAuthError(new Error('jscode2session: 40029 invalid code'))).toBe(false);
    expect(login).toHaveBeenCalledTimes(1);
  });

  it('gives up after the last attempt and lets the next call start over', async () => {
    const { auth, login } = setup([network, network, network, { ok: true, data: result('o-2') }]);
    await expect(auth.ensure()).rejects.toMatchObject({ error: { code: 'NETWORK' } });
    expect(login).toHaveBeenCalledTimes(3);
    await expect(auth.ensure()).resolves.toMatchObject({ openid: 'o-2' });
  });

  it('refresh() logs in even with a valid session, and tells listeners', async () => {
    const { auth, login } = setup([
      { ok: true, data: result('o-1') },
      { ok: true, data: { ...result('o-1'), profile: { ...result('o-1').profile, nickname: 'Ada' } } },
    ]);
    const seen: string[] = [];
    auth.onChange((s) => seen.push(s.profile.nickname));
    await auth.ensure();
    await auth.refresh();
    expect(login).toHaveBeenCalledTimes(2);
    expect(seen).toEqual(['', 'Ada']);
  });

  it('by default logs in through wx.login and the login cloud function', async () => {
    wxDouble.loginCode = () => 'wx-code-1';
    wxDouble.cloudHandler = answering({ login: { login: () => ({ ok: true, data: result('o-9') }) } });
    const session = await createAuth().ensure();
    expect(session.openid).toBe('o-9');
    expect(cloudDouble.callFunction).toHaveBeenCalledWith({
      name: 'login',
      data: { action: 'login', tz: 'Asia/Shanghai', code: 'wx-code-1' },
    });
    expect(wxDouble.storage.get(SESSION_KEY)).toMatchObject({ openid: 'o-9' });
  });
});
