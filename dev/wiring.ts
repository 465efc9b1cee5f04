/**
 * How `npm start` wires this app's functions to the local cloud: the developer's environment
 * (.env.example, then .env or --env-file, then the process environment, which wins for every
 * variable the files set or .env.example documents), completed with local defaults for what is
 * missing: the WeChat server API at the local cloud's /wxapi, the local dev model at /v1 when no
 * MODEL_BASE_URL is set, and local mini-program and Official Account apps (with their secrets,
 * made up per run) when none is configured, so login and the Official Account run end to end: the
 * local WeChat server pushes followers' messages to the oa function's HTTP path, signed with
 * OA_TOKEN and encrypted with OA_ENCODING_AES_KEY (made up too when unset). Each function gets
 * only the variables cloudbaserc.json declares for it, as on CloudBase.
 */
import { randomBytes, randomInt } from 'node:crypto';
import type { WechatOptions } from 'cloudbase-local';
import { DEV_MODEL_NAME } from './model';

/** The appid the browser preview sends as x-wx-appid, so the local mini-program is the same app. */
export const PREVIEW_APPID = 'wx-preview';
export const LOCAL_OFFICIAL_APPID = 'wx-local-official';
export const LOCAL_OA_REMIND_TEMPLATE = 'local-oa-remind-template';

export interface DevWiring {
  wechat: WechatOptions;
  /** Every variable, completed with the local defaults. */
  functionEnv(url: string): Record<string, string>;
  /** What one function gets: the variables cloudbaserc.json declares for it (all, for one it does not describe). */
  envFor(name: string, url: string): Record<string, string>;
  /** Chat answers from the local dev model (no MODEL_BASE_URL was configured). */
  devModel: boolean;
}

/** Every variable .env.example names, set or commented out. */
export function documentedKeys(exampleText: string): string[] {
  return [...exampleText.matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=/gm)].map((match) => match[1]);
}

const PLATFORM_KEY = /^(TENCENTCLOUD_|SCF_|TCB_)/;

const madeUpSecret = (): string => randomBytes(16).toString('hex');
const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** An EncodingAESKey as the admin console generates them: 43 letters and digits. */
export const madeUpAesKey = (): string => Array.from({ length: 43 }, () => ALPHANUMERIC[randomInt(62)]).join('');

export interface Project {
  /** The oa function's HTTP access path, where the local WeChat server pushes followers' messages. */
  oaPath?: string;
  /** Each function's declared variables (cloudbaserc.json `envVariables`). */
  declared?: Readonly<Record<string, readonly string[]>>;
}

/** An app from a pair of variables; when both are empty, a local app whose values the functions get too. */
function app(
  env: Record<string, string>,
  keys: [appid: string, secret: string],
  localAppid: string,
): { appid: string; secret: string } {
  const [appidKey, secretKey] = keys;
  const appid = env[appidKey] || localAppid;
  const secret = env[secretKey] || madeUpSecret();
  if (!env[appidKey] && !env[secretKey]) Object.assign(env, { [appidKey]: appid, [secretKey]: secret });
  return { appid, secret };
}

export function devWiring(
  files: Record<string, string>,
  processEnv: NodeJS.ProcessEnv,
  documented: readonly string[],
  project: Project = {},
): DevWiring {
  const env: Record<string, string> = { ...files };
  for (const key of new Set([...documented, ...Object.keys(files)])) {
    // The platform's own variables stay the local cloud's: a developer's real API key must not reach it.
    if (PLATFORM_KEY.test(key)) continue;
    const value = processEnv[key];
    if (value !== undefined) env[key] = value;
  }
  const miniProgram = app(env, ['WX_APPID', 'WX_APP_SECRET'], PREVIEW_APPID);
  const officialAccount = app(env, ['OA_APPID', 'OA_APP_SECRET'], LOCAL_OFFICIAL_APPID);
  env.OA_REMIND_TEMPLATE_ID ||= LOCAL_OA_REMIND_TEMPLATE;
  env.OA_TOKEN ||= madeUpSecret();
  // Unset is made up (safe mode end to end); set but empty chooses plaintext mode.
  if (env.OA_ENCODING_AES_KEY === undefined) env.OA_ENCODING_AES_KEY = madeUpAesKey();
  const devModel = !env.MODEL_BASE_URL;
  const server = {
    token: env.OA_TOKEN,
    ...(env.OA_ENCODING_AES_KEY ? { encodingAESKey: env.OA_ENCODING_AES_KEY } : {}),
    ...(project.oaPath ? { url: `/http${project.oaPath}` } : {}),
  };
  const functionEnv = (url: string): Record<string, string> => ({
    ...env,
    WECHAT_API_BASE: env.WECHAT_API_BASE || `${url}/wxapi`,
    ...(devModel ? { MODEL_BASE_URL: `${url}/v1`, MODEL_NAME: DEV_MODEL_NAME } : {}),
  });
  return {
    wechat: {
      miniProgram,
      officialAccount: { ...officialAccount, templates: [{ id: env.OA_REMIND_TEMPLATE_ID }], server },
    },
    devModel,
    functionEnv,
    envFor(name, url) {
      const all = functionEnv(url);
      const keys = project.declared?.[name];
      if (!keys) return all;
      return Object.fromEntries(keys.flatMap((key) => (all[key] === undefined ? [] : [[key, all[key]]])));
    },
  };
}
