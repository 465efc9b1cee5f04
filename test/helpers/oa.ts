/**
 * The Official Account bridge in the local cloud: the `oa` function at /http/oa, the local WeChat
 * server pushing followers' messages to it (signed, and encrypted when a key is set), and a
 * scripted model server behind the chat engine. Followers are dev users: `dev_x` on the
 * mini-program is `oa_dev_x` on the account, with the unionid `un_dev_x`.
 */
import type { Delivery, LocalCloud, MessageMode } from 'cloudbase-local';
import type { ChatRig } from './chat';
import { invoke, startTestCloud } from './local-cloud';
import { startModelServer, withModel } from './model-server';

export const OA = { appid: 'wx-oa-test', secret: 'oa-secret-not-real' };
export const OA_TOKEN = 'oatesttoken';
export const OA_AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
export const MINI_APPID = 'wx-mini-test';
export const OA_TEMPLATE = 'TPL_OA_REMIND';

export type OaRig = ChatRig;

export async function startOaRig(
  options: { mode?: MessageMode; env?: Record<string, string>; now?: () => number } = {},
): Promise<OaRig> {
  const model = await startModelServer();
  const mode = options.mode ?? 'safe';
  const cloud = await startTestCloud({
    httpRoutes: [{ path: '/oa', function: 'oa' }],
    wechat: {
      miniProgram: { appid: MINI_APPID, secret: 'mini-secret-not-real' },
      officialAccount: {
        ...OA,
        templates: [{ id: OA_TEMPLATE, title: '待办提醒' }],
        server: {
          url: '/http/oa',
          token: OA_TOKEN,
          mode,
          ...(mode === 'plaintext' ? {} : { encodingAESKey: OA_AES_KEY }),
        },
      },
      ...(options.now ? { now: options.now } : {}),
    },
    functionEnv: (url) => ({
      OA_APPID: OA.appid,
      OA_APP_SECRET: OA.secret,
      OA_TOKEN,
      OA_ENCODING_AES_KEY: OA_AES_KEY,
      OA_REMIND_TEMPLATE_ID: OA_TEMPLATE,
      WX_APPID: MINI_APPID,
      WECHAT_API_BASE: `${url}/wxapi`,
      MODEL_BASE_URL: model.baseUrl,
      MODEL_NAME: 'scripted-model',
      MODEL_TIMEOUT_MS: '30000',
      CHAT_WORDS_TTL_MS: '0',
      REMIND_TEMPLATE_ID: 'local-remind-template',
      ...options.env,
    }),
  });
  return withModel(cloud, model);
}

/** One rig for a test file: started before its tests, closed after them. */
export function oaRigForFile(options: Parameters<typeof startOaRig>[0] = {}): () => OaRig {
  let rig: OaRig | undefined;
  beforeAll(async () => {
    rig = await startOaRig(options);
  }, 60_000);
  afterAll(() => rig?.close());
  return () => {
    if (!rig) throw new Error('the Official Account rig has not started');
    return rig;
  };
}

/** The follower writes (or follows, or unfollows) through the local WeChat server's inspector API. */
export async function write(
  cloud: LocalCloud,
  body: { openid: string; content: string } | { openid: string; event: 'subscribe' | 'unsubscribe' },
): Promise<Delivery> {
  const response = await fetch(`${cloud.url}/_/api/oa/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = (await response.json()) as Delivery & { message?: string };
  if (!response.ok) throw new Error(`POST /_/api/oa/messages ${response.status}: ${JSON.stringify(answer)}`);
  return answer;
}

/** A dev user who logged in to the mini-program (so a `users` document with their unionid exists). */
export async function logIn(cloud: LocalCloud, user: string): Promise<void> {
  await invoke(cloud, 'login', { action: 'login' }, { openid: user, unionid: `un_${user}`, appid: MINI_APPID });
}

/** Customer-service messages the account sent `oaOpenid`, in order. */
export function customTexts(cloud: LocalCloud, oaOpenid: string): string[] {
  return (cloud.wechat.person(oaOpenid)?.received ?? [])
    .filter((m) => m.kind === 'custom')
    .map((m) => String((m.payload.text as { content?: unknown } | undefined)?.content ?? ''));
}
