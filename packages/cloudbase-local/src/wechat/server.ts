/**
 * The local WeChat server's state and its two doors: `cloud.openapi.*` calls from functions and
 * HTTPS-style calls to the WeChat server API. It knows the apps it answers for (a mini-program and
 * an Official Account, with the account's templates), the people (one unionid, one openid per
 * app), their tokens and follower state, and the msgSecCheck word list. Every call is recorded in
 * the outbox, where a test can make the next one fail.
 */
import { randomBytes } from 'node:crypto';
import { answerOpenApi } from './answers';
import { createApis, runApi, type OfficialAccountTemplate, type WechatApp, type WechatState } from './api';
import { wxError, type WxAnswer } from './errors';
import { Outbox } from './outbox';
import { ServerPush, type FollowerInput, type ServerOptions } from './official/push';
import { People, type Person, type SubscribeScene } from './people';
import { Tokens } from './tokens';
import { DEFAULT_WORDS, WordList, type WordLists } from './words';

export interface WechatOptions {
  /** The mini-program (jscode2session, msgSecCheck, subscription messages); a local app by default. */
  miniProgram?: WechatApp;
  /**
   * The Official Account (followers, customer-service and template messages; a local account by
   * default), its original id (`gh_…`, the ToUserName of what followers write) and its server
   * settings: where followers' messages are pushed, the token that signs them and the
   * EncodingAESKey that encrypts them.
   */
  officialAccount?: WechatApp & {
    templates?: readonly OfficialAccountTemplate[];
    originalId?: string;
    server?: ServerOptions;
  };
  /** msgSecCheck's word list at start. */
  words?: Partial<WordLists>;
  /** The server's clock (ms); tests move it to expire tokens and close the 48-hour window. */
  now?: () => number;
  /** The local cloud's own URL, for a server URL given as a path. */
  publicUrl?: string;
}

/** What `/wxapi/<path>` answers: WeChat answers its errors with HTTP 200 too. */
export interface HttpAnswer {
  status: number;
  body: WxAnswer;
}

const localApp = (appid: string): WechatApp => ({ appid, secret: randomBytes(16).toString('hex') });

export class WechatServer {
  readonly outbox: Outbox;
  readonly people = new People();
  readonly words: WordList;
  /** Followers' messages pushed to the account's server URL. */
  readonly push: ServerPush;
  private readonly state: WechatState;
  private readonly apis = createApis();

  constructor(options: WechatOptions = {}) {
    const now = options.now ?? Date.now;
    this.words = new WordList(options.words ?? DEFAULT_WORDS);
    const templates = new Map((options.officialAccount?.templates ?? []).map((t) => [t.id, { ...t }]));
    this.state = {
      miniProgram: options.miniProgram ?? localApp('wx-local-miniprogram'),
      officialAccount: options.officialAccount
        ? { appid: options.officialAccount.appid, secret: options.officialAccount.secret }
        : localApp('wx-local-official'),
      templates,
      people: this.people,
      tokens: new Tokens(now),
      words: this.words,
      now,
    };
    this.outbox = new Outbox({ answer: (apiName, payload) => answerOpenApi(apiName, payload, this.state) });
    const account = this.state.officialAccount;
    const originalId =
      options.officialAccount?.originalId ?? `gh_${account.appid.replace(/[^a-z0-9]/gi, '').slice(-12)}`;
    this.push = new ServerPush(
      { appid: account.appid, originalId, people: this.people, now },
      options.officialAccount?.server ?? {},
      options.publicUrl ?? '',
    );
  }

  /** A follower writes to the Official Account (or follows, or unfollows): pushed to its server URL. */
  officialMessage(input: FollowerInput) {
    return this.push.push(input);
  }

  /** The apps it answers for (secrets included: tests and the dev start hand them to functions). */
  apps(): { miniProgram: WechatApp; officialAccount: WechatApp; templates: OfficialAccountTemplate[] } {
    const { miniProgram, officialAccount, templates } = this.state;
    return {
      miniProgram: { ...miniProgram },
      officialAccount: { ...officialAccount },
      templates: [...templates.values()],
    };
  }

  /** A `cloud.openapi` call (already allowed by the function's config.json). */
  openApi(apiName: string, payload: Record<string, unknown>): WxAnswer {
    return this.outbox.call(apiName, payload);
  }

  /** A call to `https://api.weixin.qq.com/<path>`. */
  http(path: string, method: string, query: Record<string, string>, body: Record<string, unknown>): HttpAnswer {
    const spec = this.apis.get(path);
    const payload = { ...query, ...body };
    if (!spec) {
      const answer = wxError(40066, `invalid url: ${path} is not emulated by the local WeChat server`);
      this.outbox.handle(path, 'http', payload, () => answer);
      return { status: 404, body: answer };
    }
    const answer = this.outbox.handle(path, 'http', payload, () =>
      runApi(spec, method, { state: this.state, query, body }),
    );
    return { status: 200, body: answer };
  }

  /** The person behind either openid (a mini-program openid names a dev user, who exists at once). */
  person(openid: string): Person | undefined {
    return this.people.any(openid);
  }

  /** The person follows the Official Account (opening a 48-hour window, as the follow event does). */
  follow(openid: string, scene?: SubscribeScene): Person | undefined {
    const person = this.people.any(openid);
    if (person) this.people.follow(person, this.state.now(), scene);
    return person;
  }

  unfollow(openid: string): Person | undefined {
    const person = this.people.any(openid);
    if (person) this.people.unfollow(person, this.state.now());
    return person;
  }

  /** The follower wrote to the Official Account: a new 48-hour window with 5 customer-service replies. */
  userMessage(openid: string): Person | undefined {
    const person = this.people.any(openid);
    if (person) this.people.message(person, this.state.now());
    return person;
  }
}
