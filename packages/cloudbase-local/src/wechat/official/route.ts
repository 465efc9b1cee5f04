/**
 * The Official Account's part of the inspector's JSON API:
 *   POST /_/api/oa/messages  {openid, content} or {openid, event: 'subscribe'|'unsubscribe'}: the
 *                            follower writes; pushed to the server URL as WeChat does, answering
 *                            {message, tries: [{try, status, ms, body}], reply, answered}
 *   GET  /_/api/oa/messages  the latest pushes, oldest first
 *   GET  /_/api/oa/server    the server settings in force {url, mode} (null when none)
 *   PUT  /_/api/oa/server    {url?, token?, encodingAESKey?, mode?}: changes them, as 服务器配置 does
 */
import type { InspectorRequest } from '../../service';
import type { WechatServer } from '../server';
import { PushError, type FollowerInput, type MessageMode, type ServerOptions } from './push';

const MODES: readonly MessageMode[] = ['plaintext', 'compatible', 'safe'];

function followerInput(body: Record<string, unknown>): FollowerInput | string {
  const { openid, content, event } = body;
  if (typeof openid !== 'string' || openid === '') return 'openid must be a non-empty string';
  if (event !== undefined) {
    if (content !== undefined) return 'send content or event, not both';
    if (event !== 'subscribe' && event !== 'unsubscribe') return "event must be 'subscribe' or 'unsubscribe'";
    return { openid, event };
  }
  if (typeof content !== 'string' || content.trim() === '') return 'content must be a non-empty string';
  if (Buffer.byteLength(content) > 2048) return 'content is over 2048 bytes, more than WeChat lets a follower send';
  return { openid, content };
}

function serverOptions(body: Record<string, unknown>): ServerOptions | string {
  const out: ServerOptions = {};
  for (const key of ['url', 'token', 'encodingAESKey'] as const) {
    const value = body[key];
    if (value === undefined) continue;
    if (typeof value !== 'string') return `${key} must be a string`;
    out[key] = value;
  }
  if (body.mode !== undefined) {
    if (!MODES.includes(body.mode as MessageMode)) return `mode must be one of ${MODES.join(', ')}`;
    out.mode = body.mode as MessageMode;
  }
  return out;
}

export async function oaRoute(server: WechatServer, request: InspectorRequest): Promise<boolean> {
  const { method, route, json } = request;
  const part = route[1];
  if (route.length !== 2 || (part !== 'messages' && part !== 'server')) return false;
  if (method === 'GET') {
    if (part === 'messages') json(200, { deliveries: server.push.deliveries() });
    else json(200, { server: publicSettings(server) });
    return true;
  }
  if ((part === 'messages' && method !== 'POST') || (part === 'server' && method !== 'PUT')) return false;
  const body = await request.object();
  if (!body) return true;
  if (part === 'server') {
    const patch = serverOptions(body);
    if (typeof patch === 'string') json(400, { code: 'INVALID_PARAM', message: patch });
    else {
      server.push.configure(patch);
      json(200, { server: publicSettings(server) });
    }
    return true;
  }
  const input = followerInput(body);
  if (typeof input === 'string') {
    json(400, { code: 'INVALID_PARAM', message: input });
    return true;
  }
  try {
    const { person, ...delivery } = await server.officialMessage(input);
    json(200, { ...delivery, follower: person.follower });
  } catch (error) {
    if (!(error instanceof PushError)) throw error;
    json(error.status, { code: error.status === 404 ? 'NOT_FOUND' : 'CONFLICT', message: error.message });
  }
  return true;
}

function publicSettings(server: WechatServer): { url: string; mode: MessageMode } | null {
  const settings = server.push.settings();
  return settings ? { url: settings.url, mode: settings.mode } : null;
}
