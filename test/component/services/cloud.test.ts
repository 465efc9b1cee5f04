import { callCloud, platformError } from '../../../miniprogram/services/cloud';
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
