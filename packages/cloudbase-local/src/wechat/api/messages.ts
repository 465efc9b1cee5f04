/**
 * What the apps send: the Official Account's customer-service messages (`message/custom/send`,
 * only within 48 hours of the follower's last message and at most 5 per message: 45015, 45047)
 * and template messages (`message/template/send`: 40037 for a template the account does not have,
 * 43004 to someone who does not follow), and the mini-program's subscription messages
 * (`message/subscribe/send`, as `cloud.openapi.subscribeMessage.send` answers).
 */
import { randomInt } from 'node:crypto';
import { WxFailure, wxOk } from '../errors';
import type { Person } from '../people';
import type { ApiSpec, WechatState } from './types';

const WINDOW_MS = 48 * 3600_000;
const REPLIES_PER_MESSAGE = 5;
const MSG_TYPES = new Set([
  'text',
  'image',
  'voice',
  'video',
  'music',
  'news',
  'mpnews',
  'msgmenu',
  'wxcard',
  'miniprogrampage',
]);

function addressee(state: WechatState, touser: unknown): Person {
  const person = typeof touser === 'string' ? state.people.officialAccount(touser) : undefined;
  if (!person) throw new WxFailure(40003);
  return person;
}

function checkMessage(body: Record<string, unknown>): void {
  const type = body.msgtype;
  if (typeof type !== 'string' || !MSG_TYPES.has(type)) throw new WxFailure(40008);
  const content = body[type];
  if (typeof content !== 'object' || content === null) throw new WxFailure(47001);
  if (type === 'text') {
    const text = (content as Record<string, unknown>).content;
    if (typeof text !== 'string' || text === '') throw new WxFailure(44004);
  }
}

export const messageApis: Record<string, ApiSpec> = {
  'cgi-bin/message/custom/send': {
    method: 'POST',
    app: 'officialAccount',
    run({ state, body }) {
      const person = addressee(state, body.touser);
      checkMessage(body);
      const now = state.now();
      const { follower } = person;
      const last = follower.lastMessageAt;
      if (!follower.subscribed || last === undefined || now - last > WINDOW_MS) throw new WxFailure(45015);
      if (follower.repliesSinceMessage >= REPLIES_PER_MESSAGE) throw new WxFailure(45047);
      follower.repliesSinceMessage += 1;
      state.people.deliver(person, { at: now, kind: 'custom', payload: body });
      return wxOk();
    },
  },
  'cgi-bin/message/template/send': {
    method: 'POST',
    app: 'officialAccount',
    run({ state, body }) {
      const person = addressee(state, body.touser);
      if (typeof body.template_id !== 'string' || !state.templates.has(body.template_id)) throw new WxFailure(40037);
      if (body.data !== undefined && (typeof body.data !== 'object' || body.data === null)) throw new WxFailure(47001);
      if (!person.follower.subscribed) throw new WxFailure(43004);
      const msgid = randomInt(1, 2 ** 47);
      state.people.deliver(person, { at: state.now(), kind: 'template', payload: { ...body, msgid } });
      return wxOk({ msgid });
    },
  },
  'cgi-bin/message/subscribe/send': {
    method: 'POST',
    app: 'miniProgram',
    run({ state, body }) {
      if (typeof body.touser !== 'string' || !state.people.miniProgram(body.touser)) throw new WxFailure(40003);
      if (typeof body.template_id !== 'string' || body.template_id === '') throw new WxFailure(40037);
      return wxOk();
    },
  },
};
