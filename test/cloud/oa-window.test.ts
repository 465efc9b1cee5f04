/**
 * WeChat's 5-second window, exactly once, with real tries: the local WeChat server pushes each
 * message to /http/oa and waits 5 s per try, 3 tries, while a scripted model answers at a chosen
 * pace. Each try is its own invocation (its own instance when they overlap), so the only thing
 * they share is the database. Counted: model calls per message, and every way the answer reached
 * the follower (passive replies and customer-service messages), which must add up to once.
 */
import type { LocalCloud } from 'cloudbase-local';
import { WELCOME } from '../../server/oa/answers';
import { eventually } from '../helpers/eventually';
import type { ScriptedReply } from '../helpers/model-server';
import { customTexts, oaRigForFile, write } from '../helpers/oa';

jest.setTimeout(120_000);

const rig = oaRigForFile();

/** The whole answer after `delayMs` of silence, as a slow model gives it. */
function slow(text: string, delayMs: number): ScriptedReply {
  return { steps: [{ text, delayMs }, { finish: 'stop' }, { usage: { prompt: 10, completion: 10 } }] };
}

/** Passive replies after the welcome that following got. */
function passiveTexts(cloud: LocalCloud, oaOpenid: string): string[] {
  return (cloud.wechat.person(oaOpenid)?.received ?? [])
    .filter((m) => m.kind === 'passive')
    .map((m) => String((m.payload.text as { content?: unknown } | undefined)?.content ?? ''))
    .filter((text) => !text.startsWith(WELCOME));
}

async function follower(name: string): Promise<string> {
  await write(rig().cloud, { openid: name, event: 'subscribe' });
  return `oa_${name}`;
}

async function inboxDoc(msgId: string) {
  const [doc] = await rig().cloud.store.find('oa_inbox', { _id: `msg-${msgId}` });
  return doc;
}

/** Waits for the n-th customer-service message to `oaOpenid` (any outcome). */
function customSend(touser: string, n = 1) {
  let seen = 0;
  return rig().cloud.outbox.waitFor(
    (entry) => entry.apiName === 'cgi-bin/message/custom/send' && entry.openid === touser && ++seen === n,
    40_000,
  );
}

it('an answer ready within 4.5 s goes back passively on the first try', async () => {
  const fan = await follower('dev_quick');
  const calls = rig().model.requests.length;
  rig().model.script(slow('马上就好。', 1000));
  const delivery = await write(rig().cloud, { openid: 'dev_quick', content: '快问' });
  expect(delivery.tries.map((t) => t.status)).toEqual([200]);
  expect(delivery.reply?.content).toBe('马上就好。');
  expect(rig().model.requests.length - calls).toBe(1);
  expect(customTexts(rig().cloud, fan)).toEqual([]);
  expect(await inboxDoc(delivery.message.MsgId)).toMatchObject({ state: 'passive', via: 'passive', tries: 1 });
});

it('an answer taking 7 s: the first try times out, the second replies with it; one model call', async () => {
  const fan = await follower('dev_seven');
  const calls = rig().model.requests.length;
  rig().model.script(slow('想了七秒的回答。', 7000));
  const delivery = await write(rig().cloud, { openid: 'dev_seven', content: '慢问' });
  expect(delivery.tries.map((t) => t.status)).toEqual([null, 200]);
  expect(delivery.reply?.content).toBe('想了七秒的回答。');
  expect(rig().model.requests.length - calls).toBe(1);
  expect(passiveTexts(rig().cloud, fan)).toEqual(['想了七秒的回答。']);
  expect(customTexts(rig().cloud, fan)).toEqual([]);
  expect(await inboxDoc(delivery.message.MsgId)).toMatchObject({ state: 'passive', tries: 2 });
});

it('an answer taking 17 s: three tries, none replies; it goes once by customer-service message', async () => {
  const fan = await follower('dev_slow');
  const calls = rig().model.requests.length;
  rig().model.script(slow('想了十七秒的回答。', 17_000));
  const sent = customSend(fan);
  const delivery = await write(rig().cloud, { openid: 'dev_slow', content: '很慢的问题' });
  // The third try answers in time with an empty reply, so the follower sees no error.
  expect(delivery.tries.map((t) => t.status)).toEqual([null, null, 200]);
  expect(delivery).toMatchObject({ answered: true, reply: null });
  expect((await sent).result.errcode).toBe(0);
  expect(customTexts(rig().cloud, fan)).toEqual(['想了十七秒的回答。']);
  expect(passiveTexts(rig().cloud, fan)).toEqual([]);
  expect(rig().model.requests.length - calls).toBe(1);
  const done = await eventually(
    async () => {
      const doc = await inboxDoc(delivery.message.MsgId);
      return doc?.state === 'sent' ? doc : undefined;
    },
    'the inbox entry to be sent',
    { timeoutMs: 40_000, everyMs: 100 },
  );
  expect(done).toMatchObject({ via: 'custom', tries: 3 });
});

const long = '四象限助手'.repeat(200);

it('45015 (outside the 48 hours) on the rest of a long answer: the next message receives it', async () => {
  const fan = await follower('dev_window');
  rig().cloud.outbox.failNext({ apiName: 'cgi-bin/message/custom/send', touser: fan, errcode: 45015 });
  rig().model.script(slow(long, 6000));
  const first = await write(rig().cloud, { openid: 'dev_window', content: '写长一点' });
  expect(first.tries.map((t) => t.status)).toEqual([null, 200]);
  await waitForHeld(fan);
  const second = await write(rig().cloud, { openid: 'dev_window', content: '继续' });
  expect((first.reply?.content ?? '') + (second.reply?.content ?? '')).toBe(long);
  // 45015 is about this follower, not the account: it may still send customer-service messages.
  const [account] = await rig().cloud.store.find('oa_accounts', {});
  expect(account?.customDeniedAt ?? null).toBeNull();
});

describe('an account that may not send customer-service messages (48001)', () => {
  it('a long answer: the first part passively, the rest waits for the next message, which gets it first', async () => {
    const fan = await follower('dev_denied');
    rig().cloud.outbox.failNext({ apiName: 'cgi-bin/message/custom/send', touser: fan, errcode: 48001 });
    rig().model.script(slow(long, 6000));
    const calls = rig().model.requests.length;
    const refused = customSend(fan);
    const first = await write(rig().cloud, { openid: 'dev_denied', content: '写长一点' });
    expect(first.tries.map((t) => t.status)).toEqual([null, 200]);
    const head = first.reply?.content ?? '';
    expect(Buffer.byteLength(head)).toBeLessThanOrEqual(2048);
    expect((await refused).result.errcode).toBe(48001);
    // The next message, whatever it says, receives the rest; the model is not asked again.
    const next = await waitForHeld(fan);
    expect(next).toBeGreaterThan(0);
    const second = await write(rig().cloud, { openid: 'dev_denied', content: '？' });
    expect(second.tries.map((t) => t.status)).toEqual([200]);
    expect(head + (second.reply?.content ?? '')).toBe(long);
    expect(rig().model.requests.length - calls).toBe(1);
    expect(customTexts(rig().cloud, fan)).toEqual([]);
  });

  it('now known: the last try says the answer is coming, and the next message receives it', async () => {
    const fan = await follower('dev_denied2');
    rig().model.script(slow('终于写好的回答。', 17_000));
    const calls = rig().model.requests.length;
    const first = await write(rig().cloud, { openid: 'dev_denied2', content: '慢慢想' });
    expect(first.tries.map((t) => t.status)).toEqual([null, null, 200]);
    expect(first.reply?.content).toBe('回复还在生成中，稍后发送任意文字即可收到。');
    await waitForHeld(fan);
    const second = await write(rig().cloud, { openid: 'dev_denied2', content: '好了吗' });
    expect(second.reply?.content).toBe('终于写好的回答。');
    expect(rig().model.requests.length - calls).toBe(1);
    expect(customTexts(rig().cloud, fan)).toEqual([]);
  });
});

/** Waits until answer parts are held for the follower's next message; their count. */
function waitForHeld(fan: string): Promise<number> {
  return eventually(
    async () => {
      const [doc] = await rig().cloud.store.find('oa_followers', { _id: fan });
      const pending = (doc?.pending as unknown[] | undefined) ?? [];
      return pending.length > 0 ? pending.length : undefined;
    },
    `answer parts held for ${fan}`,
    { timeoutMs: 40_000, everyMs: 100 },
  );
}
