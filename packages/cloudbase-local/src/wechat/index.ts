/**
 * The local WeChat server: answers the WeChat server API at `/wxapi/<path>` as api.weixin.qq.com
 * does (errors included), answers `cloud.openapi.*` for the open-API service, and records every
 * call in the outbox. Nothing is ever sent to WeChat.
 */
import type { Service } from '../service';
import { WXAPI_PREFIX, wxapiRoute } from './http';
import { outboxRoute, wechatRoute } from './inspector';
import { oaRoute } from './official/route';
import { WechatServer, type WechatOptions } from './server';

export { WechatServer } from './server';
export type { HttpAnswer, WechatOptions } from './server';
export { Outbox } from './outbox';
export type { FailureRule, OutboxChange, OutboxEntry, OutboxOptions, WxAnswer } from './outbox';
export type { OfficialAccountTemplate, WechatApp } from './api';
export type { DeliveredMessage, FollowerState, Person, SubscribeScene, WrittenMessage } from './people';
export type { Suggest, WordLists } from './words';
export type { Delivery, FollowerInput, MessageMode, ServerOptions, ServerSettings } from './official/push';
export { WXAPI_PREFIX } from './http';

export interface WechatService extends Service {
  readonly server: WechatServer;
}

export function createWechatService(options: WechatOptions & { bodyLimit: number }): WechatService {
  const { bodyLimit, ...serverOptions } = options;
  const server = new WechatServer(serverOptions);
  return {
    name: 'wechat',
    server,
    routes: { [WXAPI_PREFIX]: wxapiRoute(server, bodyLimit) },
    inspector: {
      outbox: (request) => outboxRoute(server, request),
      wechat: (request) => wechatRoute(server, request),
      oa: (request) => oaRoute(server, request),
    },
    async clear() {
      const calls = server.outbox.list().length;
      server.outbox.clear();
      return `${calls} recorded calls forgotten`;
    },
    watch: (emit) => server.outbox.onChange((change) => emit({ type: 'outbox', data: { ...change } })),
  };
}
