/**
 * The Official Account's followers: `cgi-bin/user/get` (openids in follow order, 10000 a page),
 * `cgi-bin/user/info` and `cgi-bin/user/info/batchget` (at most 100, else 40032). A follower's
 * record carries `subscribe` and `unionid`; someone who does not follow gets `subscribe: 0`.
 * Nicknames and avatars are no longer returned by WeChat, so neither are they here.
 */
import { WxFailure, wxOk } from '../errors';
import type { Person } from '../people';
import type { ApiSpec, WechatState } from './types';

const PAGE = 10_000;
const BATCH_MAX = 100;

const seconds = (ms: number | undefined): number => Math.floor((ms ?? 0) / 1000);

function follower(state: WechatState, openid: unknown): Person {
  const person = typeof openid === 'string' ? state.people.officialAccount(openid) : undefined;
  if (!person) throw new WxFailure(40003);
  return person;
}

function userInfo(person: Person, lang: unknown): Record<string, unknown> {
  const { follower: state } = person;
  const base = { openid: person.officialAccountOpenid, unionid: person.unionid };
  if (!state.subscribed) return { subscribe: 0, ...base };
  return {
    subscribe: 1,
    ...base,
    language: typeof lang === 'string' && lang !== '' ? lang : 'zh_CN',
    subscribe_time: seconds(state.subscribeTime),
    remark: '',
    groupid: 0,
    tagid_list: [],
    subscribe_scene: state.scene ?? 'ADD_SCENE_OTHERS',
    qr_scene: 0,
    qr_scene_str: '',
  };
}

export const userApis: Record<string, ApiSpec> = {
  'cgi-bin/user/get': {
    method: 'GET',
    app: 'officialAccount',
    run({ state, query }) {
      const all = state.people.followers().map((person) => person.officialAccountOpenid);
      let start = 0;
      if (query.next_openid) {
        start = all.indexOf(query.next_openid) + 1;
        if (start === 0) throw new WxFailure(40003);
      }
      const page = all.slice(start, start + PAGE);
      const next = page.length > 0 ? page[page.length - 1] : '';
      return page.length > 0
        ? { total: all.length, count: page.length, data: { openid: page }, next_openid: next }
        : { total: all.length, count: 0, next_openid: '' };
    },
  },
  'cgi-bin/user/info': {
    method: 'GET',
    app: 'officialAccount',
    run({ state, query }) {
      return userInfo(follower(state, query.openid), query.lang);
    },
  },
  'cgi-bin/user/info/batchget': {
    method: 'POST',
    app: 'officialAccount',
    run({ state, body }) {
      const list = body.user_list;
      if (!Array.isArray(list) || list.length === 0 || list.length > BATCH_MAX) throw new WxFailure(40032);
      const infos = list.map((item: unknown) => {
        const entry = typeof item === 'object' && item !== null ? (item as Record<string, unknown>) : {};
        return userInfo(follower(state, entry.openid), entry.lang);
      });
      return wxOk({ user_info_list: infos });
    },
  },
};
