import { callCloud, callOnce, platformError } from '../../../miniprogram/services/cloud';
import { showError, userMessage } from '../../../miniprogram/services/errors';
import { cloudDouble, wxDouble } from '../helpers/wx';

const profile = {
  openid: 'o-1',
  nickname: 'Ada',
  avatarFileId: '',
  createdAt: '2026-01-01T00:00:00.000Z',
  lastLoginAt: '2026-01-01T00:00:00.000Z',
  loginCount: 3,
};

describe('callCloud', () => {
  it('sends the action beside the request and returns the contract answer', async () => {
    wxDouble.cloudHandler = () => ({ ok: true, data: { profile } });
    await expect(callCloud('login', 'updateProfile', { nickname: 'Ada' })).resolves.toEqual({
      ok: true,
      data: { profile },
    });
    expect(cloudDouble.callFunction).toHaveBeenCalledWith({
      name: 'login',
      data: { action: 'updateProfile', tz: 'Asia/Shanghai', nickname: 'Ada' },
    });
  });

  it('passes a function error through unchanged', async () => {
    const error = {
      ok: false,
      code: 'INVALID_ARGUMENT',
      message: 'nickname must not be empty',
      fields: { nickname: 'must not be empty' },
    };
    wxDouble.cloudHandler = () => error;
    await expect(callCloud('login', 'updateProfile', { nickname: ' ' })).resolves.toEqual(error);
  });

  it('treats an answer outside the contract as INTERNAL', async () => {
    wxDouble.cloudHandler = () => ({ openid: 'o-1' });
    await expect(callCloud('login', 'login', {})).resolves.toEqual({
      ok: false,
      code: 'INTERNAL',
      message: 'login.login answered outside the contract',
    });
  });

  it.each([
    [{ errCode: -501000, errMsg: 'cloud.callFunction:fail FunctionName parameter could not be found' }, 'UNAVAILABLE'],
    [{ errCode: -504002, errMsg: 'cloud.callFunction:fail functions execute fail' }, 'INTERNAL'],
    [{ errCode: -504002, errMsg: 'Invoking task timed out after 3 seconds' }, 'TIMEOUT'],
    [{ errMsg: 'cloud.callFunction:fail timeout' }, 'TIMEOUT'],
    [{ errMsg: 'cloud.callFunction:fail request:fail' }, 'NETWORK'],
    [{ errCode: -1, errMsg: 'cloud.callFunction:fail' }, 'NETWORK'],
    [new Error('something odd'), 'INTERNAL'],
  ])('maps the platform failure %j to %s', async (failure, code) => {
    wxDouble.cloudHandler = () => {
      throw failure;
    };
    const result = await callCloud('login', 'login', {});
    expect(result).toMatchObject({ ok: false, code });
    expect(platformError(failure).code).toBe(code);
  });
});

describe('callOnce: a write sent with a requestId, retried once when its answer was lost', () => {
  const todo = { id: 't1', title: 'Pay rent' };
  /** Answers with `outcomes` in turn (a thrown platform failure or a result), recording each call's data. */
  function answers(...outcomes: Array<{ fail: object } | { result: unknown }>): Array<Record<string, unknown>> {
    const seen: Array<Record<string, unknown>> = [];
    wxDouble.cloudHandler = (_name, data) => {
      seen.push(data);
      const next = outcomes[Math.min(seen.length, outcomes.length) - 1];
      if ('fail' in next) throw next.fail;
      return next.result;
    };
    return seen;
  }

  it.each([
    ['a network error', { errCode: -1, errMsg: 'cloud.callFunction:fail request:fail' }],
    ['a timeout', { errMsg: 'cloud.callFunction:fail timeout' }],
  ])('after %s, sends the same request with the same requestId once more', async (_label, failure) => {
    const seen = answers({ fail: failure }, { result: { ok: true, data: { todo } } });
    await expect(callOnce('todo', 'create', { title: 'Pay rent', quadrant: 'q1' })).resolves.toEqual({
      ok: true,
      data: { todo },
    });
    expect(seen).toHaveLength(2);
    expect(seen[0]).toEqual({
      action: 'create',
      title: 'Pay rent',
      quadrant: 'q1',
      requestId: expect.any(String),
      tz: expect.any(String),
    });
    expect(seen[1]).toEqual(seen[0]);
    expect(String(seen[0].requestId)).toMatch(/^[A-Za-z0-9_-]{8,64}$/);
  });

  it('never repeats a call that was answered, even with an error, and tries at most twice', async () => {
    const conflict = { ok: false, code: 'CONFLICT', message: 'still running' };
    let seen = answers({ result: conflict });
    await expect(callOnce('chat', 'regenerate', { messageId: 'm1' })).resolves.toEqual(conflict);
    expect(seen).toHaveLength(1);
    seen = answers({ fail: { errCode: -504002, errMsg: 'cloud.callFunction:fail functions execute fail' } });
    await expect(callOnce('todo', 'remove', { id: 't1' })).resolves.toMatchObject({ code: 'INTERNAL' });
    expect(seen).toHaveLength(1);
    seen = answers({ fail: { errCode: -1, errMsg: 'cloud.callFunction:fail request:fail' } });
    await expect(callOnce('todo', 'complete', { id: 't1' })).resolves.toMatchObject({ code: 'NETWORK' });
    expect(seen).toHaveLength(2);
  });

  it('gives each action of the person a new requestId', async () => {
    const seen = answers({ result: { ok: true, data: { todo } } });
    await callOnce('todo', 'update', { id: 't1', title: 'a' });
    await callOnce('todo', 'update', { id: 't1', title: 'a' });
    expect(seen[0].requestId).not.toEqual(seen[1].requestId);
  });
});

describe('error text', () => {
  it('gives every code a sentence for people, and shows it as a toast', () => {
    expect(userMessage({ code: 'NETWORK' })).toBe('网络不可用，请检查网络后重试');
    expect(userMessage({ code: 'CONTENT_BLOCKED' })).toBe('内容包含不当信息，请修改后再试');
    showError({ code: 'RATE_LIMITED' });
    expect(wxDouble.api.showToast).toHaveBeenCalledWith({
      title: '操作太频繁，请稍后再试',
      icon: 'none',
      duration: 2500,
    });
  });
});
