/**
 * The people the local WeChat server knows. A person has one unionid and one openid per app: the
 * mini-program openid is the dev user's name (`dev_alice`, what the preview and tests send as
 * x-wx-openid), and the Official Account openid and the unionid are derived from it, so every dev
 * user has both and they survive a restart. Follower state (subscribed, the last message that
 * opens the 48-hour customer-service window, replies spent in it) and the messages the Official
 * Account sent them live on the person.
 */

/** How a follower found the account, as user/info reports it. */
export type SubscribeScene = 'ADD_SCENE_SEARCH' | 'ADD_SCENE_QR_CODE' | 'ADD_SCENE_PROFILE_CARD' | 'ADD_SCENE_OTHERS';

export interface FollowerState {
  subscribed: boolean;
  /** ms; the latest follow. */
  subscribeTime?: number;
  unsubscribeTime?: number;
  scene?: SubscribeScene;
  /** ms; the follower's latest message or event that opens the 48-hour window. */
  lastMessageAt?: number;
  /** Customer-service messages sent since that message (WeChat allows 5). */
  repliesSinceMessage: number;
}

/**
 * What the Official Account sent a follower, newest last (the preview's conversation view reads
 * these): customer-service and template messages, and passive replies (the server URL's answer).
 */
export interface DeliveredMessage {
  at: number;
  kind: 'custom' | 'template' | 'passive';
  payload: Record<string, unknown>;
}

/** What the follower sent the Official Account: a text, or a follow or unfollow. */
export interface WrittenMessage {
  at: number;
  msgId?: string;
  content?: string;
  event?: 'subscribe' | 'unsubscribe';
}

export interface Person {
  unionid: string;
  miniProgramOpenid: string;
  officialAccountOpenid: string;
  follower: FollowerState;
  received: DeliveredMessage[];
  written: WrittenMessage[];
}

export const OFFICIAL_OPENID_PREFIX = 'oa_';
export const UNIONID_PREFIX = 'un_';
/** Messages kept per person. */
const RECEIVED_CAPACITY = 200;

function keep<T>(list: T[], item: T): void {
  list.push(item);
  if (list.length > RECEIVED_CAPACITY) list.splice(0, list.length - RECEIVED_CAPACITY);
}

export class People {
  private readonly byMiniProgram = new Map<string, Person>();

  /** The person behind a mini-program openid, created on first sight (every dev user exists). */
  miniProgram(openid: string): Person | undefined {
    if (openid === '' || openid.startsWith(OFFICIAL_OPENID_PREFIX)) return undefined;
    let person = this.byMiniProgram.get(openid);
    if (!person) {
      person = {
        unionid: `${UNIONID_PREFIX}${openid}`,
        miniProgramOpenid: openid,
        officialAccountOpenid: `${OFFICIAL_OPENID_PREFIX}${openid}`,
        follower: { subscribed: false, repliesSinceMessage: 0 },
        received: [],
        written: [],
      };
      this.byMiniProgram.set(openid, person);
    }
    return person;
  }

  /** The person behind an Official Account openid; undefined when it is not one (40003). */
  officialAccount(openid: string): Person | undefined {
    if (!openid.startsWith(OFFICIAL_OPENID_PREFIX)) return undefined;
    return this.miniProgram(openid.slice(OFFICIAL_OPENID_PREFIX.length));
  }

  /** Either openid. */
  any(openid: string): Person | undefined {
    return this.officialAccount(openid) ?? this.miniProgram(openid);
  }

  /** Followers in the order they followed, as user/get lists them. */
  followers(): Person[] {
    return [...this.byMiniProgram.values()]
      .filter((person) => person.follower.subscribed)
      .sort((a, b) => (a.follower.subscribeTime ?? 0) - (b.follower.subscribeTime ?? 0));
  }

  list(): Person[] {
    return [...this.byMiniProgram.values()];
  }

  follow(person: Person, at: number, scene: SubscribeScene = 'ADD_SCENE_SEARCH'): void {
    if (person.follower.subscribed) return;
    // Following is an event the account receives, so it opens the customer-service window too.
    person.follower = { ...person.follower, subscribed: true, subscribeTime: at, scene };
    this.message(person, at);
  }

  unfollow(person: Person, at: number): void {
    if (!person.follower.subscribed) return;
    person.follower = { ...person.follower, subscribed: false, unsubscribeTime: at };
  }

  /** The follower wrote (or tapped a menu): a new 48-hour window with 5 replies. */
  message(person: Person, at: number): void {
    person.follower.lastMessageAt = at;
    person.follower.repliesSinceMessage = 0;
  }

  deliver(person: Person, message: DeliveredMessage): void {
    keep(person.received, message);
  }

  wrote(person: Person, message: WrittenMessage): void {
    keep(person.written, message);
  }
}
