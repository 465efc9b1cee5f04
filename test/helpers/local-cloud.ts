/** Starts the local cloud for a test file: in memory, on a free port, running cloudfunctions/. */
import { join } from 'node:path';
import { DATABASE_DIR } from '../../dev/app';
import { startLocalCloud, type LocalCloud, type LocalCloudOptions } from 'cloudbase-local';

export const FUNCTIONS_DIR = join(__dirname, '../../cloudfunctions');

export function startTestCloud(options: LocalCloudOptions = {}): Promise<LocalCloud> {
  return startLocalCloud({ port: 0, quiet: true, functionsDir: FUNCTIONS_DIR, databaseDir: DATABASE_DIR, ...options });
}

export interface Caller {
  openid?: string;
  unionid?: string;
  appid?: string;
}

/** Calls a function as wx.cloud.callFunction from that user would, and returns its `result`. */
export async function invoke<T = unknown>(
  cloud: LocalCloud,
  name: string,
  event: object,
  caller: Caller = {},
): Promise<T> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (caller.openid) headers['x-wx-openid'] = caller.openid;
  if (caller.unionid) headers['x-wx-unionid'] = caller.unionid;
  headers['x-wx-appid'] = caller.appid ?? 'wx-test-app';
  const response = await fetch(`${cloud.url}/functions/${name}`, {
    method: 'POST',
    headers,
    body: JSON.stringify(event),
  });
  const body = (await response.json()) as { result?: T; errCode?: number; errMsg?: string };
  if (!response.ok || body.errCode) throw new Error(`${name} failed: ${body.errCode} ${body.errMsg}`);
  return body.result as T;
}
