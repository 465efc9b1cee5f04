/**
 * The local WeChat server's part of the inspector's JSON API:
 *   GET    /_/api/outbox                 every call, oldest first, and pending failures
 *   POST   /_/api/outbox/fail            {apiName, touser?, errcode, errmsg?}: the next matching call fails
 *   DELETE /_/api/outbox                 forget recorded calls and pending failures
 *   GET    /_/api/wechat                 the apps (appids), templates, word list and known people
 *   GET    /_/api/wechat/words           msgSecCheck's word list {risky, review}
 *   PUT    /_/api/wechat/words           {risky?, review?}: replaces those lists
 *   POST   /_/api/wechat/words           {word, suggest: 'risky'|'review'}: adds one word
 *   DELETE /_/api/wechat/words/<word>    removes one word
 *   GET    /_/api/wechat/people/<openid> a person by either openid: unionid, openids, follower state, messages received
 *   POST   /_/api/wechat/followers       {openid, subscribe: boolean, scene?}: follows or unfollows the Official Account
 */
import type { InspectorRequest } from '../service';
import type { FailureRule } from './outbox';
import type { SubscribeScene } from './people';
import type { WechatServer } from './server';

const bad = (request: InspectorRequest, message: string): true => {
  request.json(400, { code: 'INVALID_PARAM', message });
  return true;
};

function failureRule(body: Record<string, unknown>): FailureRule | string {
  const { apiName, touser, errcode, errmsg } = body;
  if (typeof apiName !== 'string' || apiName === '') return 'apiName must be a non-empty string';
  if (typeof errcode !== 'number' || !Number.isInteger(errcode) || errcode === 0)
    return 'errcode must be a non-zero integer';
  if (touser !== undefined && typeof touser !== 'string') return 'touser must be a string';
  if (errmsg !== undefined && typeof errmsg !== 'string') return 'errmsg must be a string';
  const rule: FailureRule = { apiName, errcode };
  if (touser !== undefined) rule.touser = touser;
  if (errmsg !== undefined) rule.errmsg = errmsg;
  return rule;
}

export async function outboxRoute(server: WechatServer, request: InspectorRequest): Promise<boolean> {
  const { method, route, json } = request;
  const { outbox } = server;
  if (method === 'GET' && route.length === 1) {
    json(200, { entries: outbox.list(), pendingFailures: outbox.pendingFailures() });
  } else if (method === 'DELETE' && route.length === 1) {
    outbox.clear();
    json(200, { ok: true });
  } else if (method === 'POST' && route.length === 2 && route[1] === 'fail') {
    const body = await request.object();
    if (!body) return true;
    const rule = failureRule(body);
    if (typeof rule === 'string') return bad(request, rule);
    outbox.failNext(rule);
    json(200, { ok: true, pendingFailures: outbox.pendingFailures() });
  } else return false;
  return true;
}

const stringList = (value: unknown): string[] | undefined =>
  Array.isArray(value) && value.every((v) => typeof v === 'string') ? (value as string[]) : undefined;

async function wordsRoute(server: WechatServer, request: InspectorRequest): Promise<boolean> {
  const { method, route, json } = request;
  const { words } = server;
  if (route.length === 3 && method === 'DELETE') {
    json(200, words.remove(route[2]));
    return true;
  }
  if (route.length !== 2) return false;
  if (method === 'GET') {
    json(200, words.get());
    return true;
  }
  if (method !== 'PUT' && method !== 'POST') return false;
  const body = await request.object();
  if (!body) return true;
  if (method === 'PUT') {
    const risky = body.risky === undefined ? undefined : stringList(body.risky);
    const review = body.review === undefined ? undefined : stringList(body.review);
    if ((body.risky !== undefined && !risky) || (body.review !== undefined && !review))
      return bad(request, 'risky and review must be lists of strings');
    json(200, words.set({ ...(risky ? { risky } : {}), ...(review ? { review } : {}) }));
    return true;
  }
  const { word, suggest } = body;
  if (typeof word !== 'string' || word.trim() === '') return bad(request, 'word must be a non-empty string');
  if (suggest !== 'risky' && suggest !== 'review') return bad(request, "suggest must be 'risky' or 'review'");
  json(200, words.add(word, suggest));
  return true;
}

const SCENES: readonly SubscribeScene[] = [
  'ADD_SCENE_SEARCH',
  'ADD_SCENE_QR_CODE',
  'ADD_SCENE_PROFILE_CARD',
  'ADD_SCENE_OTHERS',
];

export async function wechatRoute(server: WechatServer, request: InspectorRequest): Promise<boolean> {
  const { method, route, json } = request;
  if (route[1] === 'words') return wordsRoute(server, request);
  if (method === 'GET' && route.length === 1) {
    const { miniProgram, officialAccount, templates } = server.apps();
    json(200, {
      miniProgram: { appid: miniProgram.appid },
      officialAccount: { appid: officialAccount.appid },
      templates,
      words: server.words.get(),
      people: server.people.list(),
    });
    return true;
  }
  if (method === 'GET' && route.length === 3 && route[1] === 'people') {
    const person = server.person(route[2]);
    if (person) json(200, person);
    else json(404, { code: 'NOT_FOUND', message: `${route[2]} is not an openid of this local WeChat server` });
    return true;
  }
  if (method === 'POST' && route.length === 2 && route[1] === 'followers') {
    const body = await request.object();
    if (!body) return true;
    const { openid, subscribe, scene } = body;
    if (typeof openid !== 'string' || openid === '') return bad(request, 'openid must be a non-empty string');
    if (typeof subscribe !== 'boolean') return bad(request, 'subscribe must be true or false');
    if (scene !== undefined && !SCENES.includes(scene as SubscribeScene))
      return bad(request, `scene must be one of ${SCENES.join(', ')}`);
    const person = subscribe ? server.follow(openid, scene as SubscribeScene | undefined) : server.unfollow(openid);
    if (!person) return bad(request, `${openid} is not an openid of this local WeChat server`);
    json(200, person);
    return true;
  }
  return false;
}
