import { AppError } from '../../server/errors';
import { defineFunction, type WXContext } from '../../server/handler';
import { object, optional, string } from '../../server/schema';
import type { LoginResult, UserProfile } from '../../typings/login';

const profile: UserProfile = {
  openid: 'o-1',
  nickname: '',
  avatarFileId: '',
  createdAt: '2026-01-01T00:00:00.000Z',
  lastLoginAt: '2026-01-01T00:00:00.000Z',
  loginCount: 1,
  dailyPlan: null,
};

function setup(wx: WXContext = { OPENID: 'o-1', APPID: 'wx-app', ENV: 'test' }) {
  const run = jest.fn(async (req: { code?: string }, ctx: { identity: { openid: string }; now: Date }) => {
    if (req.code === 'boom') throw new Error('database down');
    if (req.code === 'gone') throw new AppError('NOT_FOUND', 'no such user');
    const result: LoginResult = { openid: ctx.identity.openid, isNewUser: false, profile };
    return result;
  });
  const log = jest.fn();
  const main = defineFunction(
    'login',
    {
      login: { schema: object({ code: optional(string({ min: 1, max: 64 })) }), run },
      updateProfile: {
        schema: object({ nickname: optional(string({ min: 1, max: 32, trim: true })) }),
        run: async () => ({ profile }),
      },
    },
    { getWXContext: () => wx, now: () => new Date('2026-03-01T00:00:00Z'), log },
  );
  return { main, run, log };
}

describe('defineFunction: validate, identify, run, answer with the contract', () => {
  it('runs the action with the parsed request and the caller from the WeChat context', async () => {
    const { main, run } = setup();
    await expect(main({ action: 'login', code: 'abc', userInfo: { openId: 'spoofed' } })).resolves.toEqual({
      ok: true,
      data: { openid: 'o-1', isNewUser: false, profile },
    });
    expect(run).toHaveBeenCalledWith(
      { code: 'abc' },
      {
        identity: { openid: 'o-1', appid: 'wx-app', env: 'test' },
        now: new Date('2026-03-01T00:00:00Z'),
        zone: 'Asia/Shanghai',
      },
    );
  });

  it("takes the caller's zone from the event's tz, never as part of the request; an unknown one is Asia/Shanghai", async () => {
    const { main, run } = setup();
    await main({ action: 'login', code: 'abc', tz: 'America/Los_Angeles' });
    expect(run).toHaveBeenLastCalledWith({ code: 'abc' }, expect.objectContaining({ zone: 'America/Los_Angeles' }));
    await main({ action: 'login', tz: '-03:30' });
    expect(run).toHaveBeenLastCalledWith({}, expect.objectContaining({ zone: '-03:30' }));
    await expect(main({ action: 'login', tz: 'Nowhere/Else' })).resolves.toMatchObject({ ok: true });
    expect(run).toHaveBeenLastCalledWith({}, expect.objectContaining({ zone: 'Asia/Shanghai' }));
    await main({ action: 'login', tz: { drop: 1 } });
    expect(run).toHaveBeenLastCalledWith({}, expect.objectContaining({ zone: 'Asia/Shanghai' }));
  });

  it('rejects unknown actions explicitly, including inherited names', async () => {
    const { main, run } = setup();
    await expect(main({ action: 'dropAll' })).resolves.toEqual({
      ok: false,
      code: 'UNKNOWN_ACTION',
      message: 'login has no action "dropAll".',
    });
    await expect(main({ action: 'toString' })).resolves.toMatchObject({ code: 'UNKNOWN_ACTION' });
    await expect(main({})).resolves.toMatchObject({ code: 'UNKNOWN_ACTION', message: 'login has no action null.' });
    expect(run).not.toHaveBeenCalled();
  });

  it('rejects a malformed event before any work', async () => {
    const { main, run } = setup();
    await expect(main(null)).resolves.toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
    await expect(main({ action: 'login', code: 42, extra: true })).resolves.toEqual({
      ok: false,
      code: 'INVALID_ARGUMENT',
      message: 'extra is not a known field; code must be a string, got a number',
      fields: { extra: 'is not a known field', code: 'must be a string, got a number' },
    });
    expect(run).not.toHaveBeenCalled();
  });

  it('refuses callers without an openid unless the action is anonymous', async () => {
    const { main, run } = setup({ APPID: 'wx-app' });
    await expect(main({ action: 'login' })).resolves.toMatchObject({ ok: false, code: 'UNAUTHENTICATED' });
    expect(run).not.toHaveBeenCalled();
  });

  it('passes coded errors through and hides unexpected ones behind INTERNAL, logging them', async () => {
    const { main, log } = setup();
    await expect(main({ action: 'login', code: 'gone' })).resolves.toEqual({
      ok: false,
      code: 'NOT_FOUND',
      message: 'no such user',
    });
    await expect(main({ action: 'login', code: 'boom' })).resolves.toEqual({
      ok: false,
      code: 'INTERNAL',
      message: 'The service hit an unexpected error.',
    });
    expect(log).toHaveBeenCalledWith('login.login failed', new Error('database down'));
  });
});
