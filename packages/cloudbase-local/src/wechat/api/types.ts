/** One emulated WeChat server API: how it is called, whose token it takes, and what it answers. */
import type { WxAnswer } from '../errors';
import type { People } from '../people';
import type { Tokens } from '../tokens';
import type { WordList } from '../words';

export interface WechatApp {
  appid: string;
  secret: string;
}

export interface OfficialAccountTemplate {
  /** The template_id WeChat assigned (公众平台 → 模板消息). */
  id: string;
  title?: string;
  /** The template's text with its `{{key.DATA}}` slots, as the admin console shows it. */
  content?: string;
}

export interface WechatState {
  miniProgram: WechatApp;
  officialAccount: WechatApp;
  templates: ReadonlyMap<string, OfficialAccountTemplate>;
  people: People;
  tokens: Tokens;
  words: WordList;
  now(): number;
}

export interface ApiCall {
  state: WechatState;
  query: Record<string, string>;
  body: Record<string, unknown>;
}

export interface ApiSpec {
  method: 'GET' | 'POST';
  /** The app whose access_token the call must carry (48001 for the other app's token); none for the token APIs. */
  app?: 'miniProgram' | 'officialAccount';
  run(call: ApiCall): WxAnswer;
}
