/**
 * A local cloud in a child process, and the wx double pointed at it: callFunction goes to its
 * /functions endpoint as the chosen user, uploadFile into its storage. The page under test talks
 * to the real functions over HTTP, as the browser preview does.
 */
import { readFileSync } from 'node:fs';
import type { createDatabase as Database } from '../../../preview/runtime/wx/database';
import { send, startCloudProcess, type RemoteCloud } from '../../helpers/cloud-process';
import { startModelServer, withModel, type WithModel } from '../../helpers/model-server';
import { wxDouble } from './wx';

/**
 * `wx.cloud.database()` as the preview runs it: the real @cloudbase/database and realtime client,
 * here posting /web over node:http and watching over jsdom's WebSocket.
 */
function clientDatabase(cloud: RemoteCloud, openid: string) {
  const post = async (body: string, caller: string) => {
    const headers = { 'content-type': 'application/json', 'x-wx-openid': caller };
    const answer = await send('POST', `${cloud.url}/web`, headers, body);
    return JSON.parse(answer.body.toString('utf8')) as Record<string, unknown>;
  };
  // A module copy per user, as a page load is in the preview: the realtime client keeps one
  // socket per module, signed in as the user who opened it.
  let database!: typeof Database;
  jest.isolateModules(() => {
    database = (require('../../../preview/runtime/wx/database') as { createDatabase: typeof Database }).createDatabase;
  });
  return (config?: { env?: string }) => database({ openid: () => openid }, config, post);
}

export function connectToLocalCloud(cloud: RemoteCloud, user: { openid: string; appid?: string }): void {
  wxDouble.database = clientDatabase(cloud, user.openid);
  wxDouble.cloudHandler = async (name, data) => {
    const headers = {
      'content-type': 'application/json',
      'x-wx-openid': user.openid,
      'x-wx-appid': user.appid ?? 'wx-test-app',
    };
    const { body } = await send('POST', `${cloud.url}/functions/${name}`, headers, JSON.stringify(data));
    const answer = JSON.parse(body.toString('utf8')) as { result?: unknown; errCode?: number; errMsg?: string };
    // The platform rejects callFunction when the function itself failed; so does this.
    if (answer.errCode) throw { errCode: answer.errCode, errMsg: `cloud.callFunction:fail ${answer.errMsg}` };
    return answer.result;
  };
  wxDouble.uploadHandler = async (cloudPath, filePath) => {
    const { status, body } = await send(
      'PUT',
      `${cloud.url}/_/api/files?cloudPath=${encodeURIComponent(cloudPath)}`,
      {},
      readFileSync(filePath),
    );
    if (status !== 200) throw { errCode: -1, errMsg: `cloud.uploadFile:fail ${body.toString('utf8')}` };
    return JSON.parse(body.toString('utf8')) as { fileID: string };
  };
}

export type ChatCloud = WithModel<RemoteCloud>;

/** A local cloud whose chat function answers from a scripted model server on loopback, 3 replies a day. */
export async function startChatCloud(env: Record<string, string> = {}): Promise<ChatCloud> {
  const model = await startModelServer();
  const cloud = await startCloudProcess({
    functionEnv: { MODEL_BASE_URL: model.baseUrl, MODEL_NAME: 'scripted-model', CHAT_DAILY_LIMIT: '3', ...env },
  });
  return withModel(cloud, model);
}
