import type { LocalCloud } from 'cloudbase-local';
import type { ApiResult } from '../../typings/contract';
import type { LoginResult, UserProfile } from '../../typings/login';
import { invoke, startTestCloud } from '../helpers/local-cloud';

type Login = ApiResult<LoginResult>;
type Profile = ApiResult<{ profile: UserProfile }>;

let cloud: LocalCloud;
const APP = { appid: 'wx-test-app', secret: 'test-secret-not-real' };

// The login function calls jscode2session on the local cloud's own WeChat server.
beforeAll(async () => {
  cloud = await startTestCloud({
    wechat: { miniProgram: APP },
    functionEnv: (url) => ({ WX_APPID: APP.appid, WX_APP_SECRET: APP.secret, WECHAT_API_BASE: `${url}/wxapi` }),
  });
});
afterAll(async () => {
  await cloud?.close();
});

let issued = 0;
/** A login code for this user, as the preview's wx.login makes them. */
const issueCode = (openid: string): string => `dev-${openid}-${++issued}`;
const sessions = () => cloud.outbox.list({ apiName: 'sns/jscode2session' });

const users = () => cloud.store.find('users', {}).catch(() => []);

describe('login', () => {
  it('creates the user on first login, from the WeChat context, and counts later logins', async () => {
    const first = await invoke<Login>(cloud, 'login', { action: 'login' }, { openid: 'o-first' });
    expect(first).toMatchObject({
      ok: true,
      data: { openid: 'o-first', isNewUser: true, profile: { openid: 'o-first', nickname: '', loginCount: 1 } },
    });
    const [doc] = await cloud.store.find('users', { _id: 'o-first' });
    expect(doc).toMatchObject({ openid: 'o-first', appid: 'wx-test-app', loginCount: 1 });
    expect(doc.createdAt).toBeInstanceOf(Date);

    const second = await invoke<Login>(cloud, 'login', { action: 'login' }, { openid: 'o-first' });
    expect(second).toMatchObject({ ok: true, data: { isNewUser: false, profile: { loginCount: 2 } } });
    const [after] = await cloud.store.find('users', { _id: 'o-first' });
    expect(after.createdAt).toEqual(doc.createdAt);
    expect((after.lastLoginAt as Date).getTime()).toBeGreaterThanOrEqual((doc.lastLoginAt as Date).getTime());
  });

  it('checks a code with jscode2session, keeps the unionid, and never returns or stores session_key', async () => {
    const code = issueCode('o-code');
    const result = await invoke<Login>(cloud, 'login', { action: 'login', code }, { openid: 'o-code' });
    const unionid = cloud.wechat.person('o-code')?.unionid;
    expect(unionid).toEqual(expect.any(String));
    expect(result).toMatchObject({ ok: true, data: { openid: 'o-code', unionid, isNewUser: true } });
    const call = sessions().at(-1);
    expect(call?.payload).toEqual({
      appid: 'wx-test-app',
      secret: '***',
      js_code: code,
      grant_type: 'authorization_code',
    });
    const sessionKey = call?.result.session_key;
    expect(sessionKey).toEqual(expect.any(String));
    const [doc] = await cloud.store.find('users', { _id: 'o-code' });
    expect(doc.unionid).toBe(unionid);
    for (const text of [JSON.stringify(result), JSON.stringify(doc)]) {
      expect(text).not.toContain(sessionKey);
      expect(text).not.toMatch(/session/i);
    }
  });

  it.each([
    [40029, 'INVALID_ARGUMENT'],
    [45011, 'RATE_LIMITED'],
    [40226, 'PERMISSION_DENIED'],
    [-1, 'UPSTREAM'],
  ])('maps jscode2session errcode %i to %s and writes nothing', async (errcode, code) => {
    const before = await users();
    cloud.outbox.failNext({ apiName: 'sns/jscode2session', errcode });
    const result = await invoke<Login>(
      cloud,
      'login',
      { action: 'login', code: issueCode(`o-${errcode}`) },
      { openid: `o-${errcode}` },
    );
    expect(result).toMatchObject({ ok: false, code });
    expect(await users()).toEqual(before);
  });

  it('refuses a reused code and a code issued to someone else', async () => {
    const code = issueCode('o-reuse');
    await expect(
      invoke<Login>(cloud, 'login', { action: 'login', code }, { openid: 'o-reuse' }),
    ).resolves.toMatchObject({ ok: true });
    await expect(
      invoke<Login>(cloud, 'login', { action: 'login', code }, { openid: 'o-reuse' }),
    ).resolves.toMatchObject({
      ok: false,
      code: 'INVALID_ARGUMENT',
    });
    const stolen = issueCode('o-victim');
    await expect(
      invoke<Login>(cloud, 'login', { action: 'login', code: stolen }, { openid: 'o-thief' }),
    ).resolves.toEqual({
      ok: false,
      code: 'PERMISSION_DENIED',
      message: 'The login code belongs to a different user.',
    });
    expect(await cloud.store.find('users', { _id: { $in: ['o-victim', 'o-thief'] } })).toEqual([]);
    expect(
      sessions()
        .slice(-2)
        .map((c) => c.result.errcode ?? 0),
    ).toEqual([40163, 0]);
  });

  it('refuses a caller without an openid, unknown actions and malformed events', async () => {
    await expect(invoke<Login>(cloud, 'login', { action: 'login' }, {})).resolves.toMatchObject({
      ok: false,
      code: 'UNAUTHENTICATED',
    });
    await expect(invoke<Login>(cloud, 'login', { action: 'logout' }, { openid: 'o-x' })).resolves.toMatchObject({
      ok: false,
      code: 'UNKNOWN_ACTION',
    });
    await expect(invoke<Login>(cloud, 'login', { action: 'login', code: 7 }, { openid: 'o-x' })).resolves.toMatchObject(
      {
        ok: false,
        code: 'INVALID_ARGUMENT',
        fields: { code: 'must be a string, got a number' },
      },
    );
    expect(await cloud.store.find('users', { _id: 'o-x' })).toEqual([]);
  });

  it('counts every one of several simultaneous first logins on one document', async () => {
    const results = await Promise.all(
      Array.from({ length: 4 }, () => invoke<Login>(cloud, 'login', { action: 'login' }, { openid: 'o-race' })),
    );
    expect(results.every((r) => r.ok)).toBe(true);
    expect(results.filter((r) => r.ok && r.data.isNewUser)).toHaveLength(1);
    const docs = await cloud.store.find('users', { _id: 'o-race' });
    expect(docs).toHaveLength(1);
    expect(docs[0].loginCount).toBe(4);
  });
});

describe('updateProfile', () => {
  beforeAll(async () => {
    await invoke(cloud, 'login', { action: 'login' }, { openid: 'o-profile' });
  });

  /** Stores `bytes` as the caller would with wx.cloud.uploadFile, and returns the fileID. */
  async function upload(cloudPath: string, bytes: Buffer, openid = 'o-profile'): Promise<string> {
    const response = await fetch(`${cloud.url}/_/api/files?cloudPath=${encodeURIComponent(cloudPath)}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/octet-stream', 'x-wx-openid': openid },
      body: bytes,
    });
    const body = (await response.json()) as { fileID?: string };
    if (!body.fileID) throw new Error(`upload of ${cloudPath} failed: ${JSON.stringify(body)}`);
    return body.fileID;
  }
  const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

  it('saves a trimmed nickname and an avatar the caller uploaded, and returns the profile', async () => {
    const avatarFileId = await upload('avatars/o-profile/1.png', PNG);
    const result = await invoke<Profile>(
      cloud,
      'login',
      { action: 'updateProfile', nickname: '  小明  ', avatarFileId },
      { openid: 'o-profile' },
    );
    expect(result).toMatchObject({ ok: true, data: { profile: { nickname: '小明', avatarFileId } } });
    const [doc] = await cloud.store.find('users', { _id: 'o-profile' });
    expect(doc).toMatchObject({ nickname: '小明', avatarFileId });
  });

  it.each([
    [{ nickname: '   ' }, { nickname: 'must not be empty' }],
    [{ nickname: 'x'.repeat(33) }, { nickname: 'must be at most 32 characters' }],
    [{ avatarFileId: 'https://evil.example/a.png' }, { avatarFileId: 'has an invalid format' }],
    [{}, { nickname: 'or avatarFileId or dailyPlan is required' }],
    [{ nickname: 'ok', openid: 'o-other' }, { openid: 'is not a known field' }],
  ])('rejects %j and changes nothing', async (patch, fields) => {
    const [before] = await cloud.store.find('users', { _id: 'o-profile' });
    const result = await invoke<Profile>(
      cloud,
      'login',
      { action: 'updateProfile', ...patch },
      { openid: 'o-profile' },
    );
    expect(result).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT', fields });
    expect(await cloud.store.find('users', { _id: 'o-profile' })).toEqual([before]);
  });

  it.each([
    [
      'a text file named .png',
      () => upload('avatars/o-profile/fake.png', Buffer.from('not a picture')),
      'is not a PNG',
    ],
    [
      'a picture over the size cap',
      () => upload('avatars/o-profile/huge.png', Buffer.concat([PNG, Buffer.alloc(2 * 1024 * 1024)])),
      'is larger than 2 MB',
    ],
    ["another user's picture", () => upload('avatars/o-other/1.png', PNG, 'o-other'), 'is not in your avatar folder'],
    ['a file never stored', async () => 'cloud://local.bucket/avatars/o-profile/missing.png', 'names no stored file'],
  ])('refuses %s as the avatar, and changes nothing', async (_label, store, reason) => {
    const avatarFileId = await store();
    const [before] = await cloud.store.find('users', { _id: 'o-profile' });
    const result = await invoke<Profile>(
      cloud,
      'login',
      { action: 'updateProfile', avatarFileId },
      { openid: 'o-profile' },
    );
    expect(result).toMatchObject({
      ok: false,
      code: 'INVALID_ARGUMENT',
      fields: { avatarFileId: expect.stringContaining(reason) },
    });
    expect(await cloud.store.find('users', { _id: 'o-profile' })).toEqual([before]);
  });

  it('is NOT_FOUND for someone who never logged in, and creates nothing', async () => {
    const result = await invoke<Profile>(
      cloud,
      'login',
      { action: 'updateProfile', nickname: 'ghost' },
      { openid: 'o-ghost' },
    );
    expect(result).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    expect(await cloud.store.find('users', { _id: 'o-ghost' })).toEqual([]);
  });
});
