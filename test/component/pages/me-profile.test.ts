import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from '../../helpers/eventually';
import { textOf, waitForText } from '../helpers/dom';
import { startCloudProcess, type RemoteCloud } from '../../helpers/cloud-process';
import { connectToLocalCloud } from '../helpers/local-cloud';
import { launchApp, resetMiniProgram, type Rendered } from '../helpers/miniprogram';
import { wxDouble } from '../helpers/wx';

// Each test logs in through a function worker of the local cloud, seconds on a busy machine.
jest.setTimeout(30_000);

let cloud: RemoteCloud;
const folder = mkdtempSync(join(tmpdir(), 'avatar-'));
const picture = join(folder, 'tmp_avatar.png');
/** A text file given a picture's name: what the cloud refuses as an avatar. */
const notPicture = join(folder, 'tmp_notes.png');

beforeAll(async () => {
  writeFileSync(picture, Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'));
  writeFileSync(notPicture, 'shopping list: milk, eggs');
  cloud = await startCloudProcess();
}, 120_000); // the embedded database takes seconds to start on a busy machine
afterAll(() => cloud?.close());

async function openMe(openid: string): Promise<Rendered> {
  resetMiniProgram();
  connectToLocalCloud(cloud, { openid });
  const { stack } = launchApp('pages/me/index');
  const page = stack.current!.component;
  await waitForText(page, '登录次数');
  return page;
}

const userDoc = async (openid: string) => (await cloud.docs('users')).find((doc) => doc._id === openid);

describe('Me page against the local cloud', () => {
  it('logs the user in on first launch and shows them, counted once', async () => {
    const page = await openMe('o-me-1');
    expect(textOf(page)).toContain('ID o-me-1');
    expect(textOf(page)).toContain('登录次数 1');
    expect(await userDoc('o-me-1')).toMatchObject({ loginCount: 1, nickname: '' });
  });

  it('saves a nickname typed into the nickname input, trimmed', async () => {
    const page = await openMe('o-me-2');
    page.querySelector('#nickname')!.dispatchEvent('blur', { detail: { value: '  小明  ' } });
    await eventually(() => page.data.user?.nickname === '小明', 'the saved nickname');
    expect(await userDoc('o-me-2')).toMatchObject({ nickname: '小明' });
    expect(page.data.saving).toBe('');
  });

  it('uploads a chosen avatar to storage and shows it', async () => {
    const page = await openMe('o-me-3');
    page.querySelector('#avatar')!.dispatchEvent('chooseavatar', { detail: { avatarUrl: picture } });
    await eventually(() => Boolean(page.data.user?.avatarFileId), 'the saved avatar');

    const avatarFileId = (await userDoc('o-me-3'))?.avatarFileId as string;
    expect(avatarFileId).toMatch(/^cloud:\/\/.+\/avatars\/o-me-3\/\d+\.png$/);
    expect(page.data.user?.avatarFileId).toBe(avatarFileId);
    expect(await cloud.file(avatarFileId)).toEqual(Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'));
    // The picture replaces the initial-letter placeholder (the simulator keeps no <image> src).
    expect(page.dom?.innerHTML).toContain('me__avatar');
    expect(page.dom?.innerHTML).not.toContain('me__avatar--empty');
  });

  it('rolls a rejected nickname back with a clear message, leaving the database as it was', async () => {
    const page = await openMe('o-me-4');
    const before = await userDoc('o-me-4');
    page.querySelector('#nickname')!.dispatchEvent('blur', { detail: { value: '名'.repeat(33) } });
    await eventually(() => wxDouble.api.showToast.mock.calls.length > 0, 'the error toast');
    expect(wxDouble.api.showToast).toHaveBeenCalledWith({
      title: '填写的内容有误，请检查后再试',
      icon: 'none',
      duration: 2500,
    });
    expect(page.data.user?.nickname).toBe('');
    expect(await userDoc('o-me-4')).toEqual(before);
  });

  it('says a chosen file that is no picture is not one, and keeps the avatar as it was', async () => {
    const page = await openMe('o-me-6');
    page.querySelector('#avatar')!.dispatchEvent('chooseavatar', { detail: { avatarUrl: notPicture } });
    await eventually(() => wxDouble.api.showToast.mock.calls.length > 0, 'the message');
    expect(wxDouble.api.showToast).toHaveBeenCalledWith({
      title: '这个文件不是图片，请选一张 PNG 或 JPG 照片',
      icon: 'none',
      duration: 3000,
    });
    expect((await userDoc('o-me-6'))?.avatarFileId).toBe('');
    expect(page.dom?.innerHTML).toContain('me__avatar--empty');
  });

  it('keeps the old avatar when the upload fails', async () => {
    const page = await openMe('o-me-5');
    wxDouble.uploadHandler = async () => {
      throw { errCode: -1, errMsg: 'cloud.uploadFile:fail request:fail' };
    };
    page.querySelector('#avatar')!.dispatchEvent('chooseavatar', { detail: { avatarUrl: picture } });
    await eventually(() => wxDouble.api.showToast.mock.calls.length > 0, 'the error toast');
    expect(wxDouble.api.showToast).toHaveBeenCalledWith({
      title: '网络不可用，请检查网络后重试',
      icon: 'none',
      duration: 2500,
    });
    expect(page.data).toMatchObject({ avatarPreview: '', saving: '' });
    expect((await userDoc('o-me-5'))?.avatarFileId).toBe('');
  });
});
