/**
 * Official Account figures, with the local WeChat server pushing real tries (5 s each, 3 at most)
 * to the oa function at /http/oa in safe mode and a scripted model on loopback:
 * - a model answering in 1 s: the share of messages answered passively within 4.5 s of the try;
 * - a model answering in 20 s: model calls per message across the three tries, and the time from
 *   WeChat's first try to the customer-service message carrying the answer.
 */
import { join } from 'node:path';
import { buildFunctions } from '../scripts/build-functions';
import type { ScriptedReply } from '../test/helpers/model-server';
import { startOaRig, write } from '../test/helpers/oa';
import type { Reporter } from './report';

const FUNCTIONS = join(__dirname, '..', 'cloudfunctions');
const FOLLOWERS = 4;
const FAST_PER_FOLLOWER = 5;
const SLOW_MESSAGES = 3;

function after(ms: number, text: string): ScriptedReply {
  return { steps: [{ text, delayMs: ms }, { finish: 'stop' }, { usage: { prompt: 20, completion: 20 } }] };
}

export async function run(report: Reporter): Promise<void> {
  await buildFunctions(FUNCTIONS, '4.0.2');
  const rig = await startOaRig({ env: { CHAT_DAILY_LIMIT: '1000' } });
  const { cloud, model } = rig;
  try {
    const fans = Array.from({ length: FOLLOWERS }, (_, i) => `bench_fan_${i}`);
    await Promise.all(fans.map((openid) => write(cloud, { openid, event: 'subscribe' })));

    // 1 s model: followers write at once, each waiting for their previous answer.
    for (let i = 0; i < FOLLOWERS * FAST_PER_FOLLOWER; i++) model.script(after(1000, '一秒后的回答。'));
    const firstTries: number[] = [];
    let passive = 0;
    await Promise.all(
      fans.map(async (openid) => {
        for (let n = 0; n < FAST_PER_FOLLOWER; n++) {
          const delivery = await write(cloud, { openid, content: `问题 ${n}` });
          const [first] = delivery.tries;
          firstTries.push(first.ms);
          if (delivery.tries.length === 1 && first.ms <= 4500 && delivery.reply?.content === '一秒后的回答。')
            passive++;
        }
      }),
    );
    const total = FOLLOWERS * FAST_PER_FOLLOWER;
    report.figure(
      `1 s model: answered passively within 4.5 s (${total} messages, ${FOLLOWERS} followers)`,
      (100 * passive) / total,
      '%',
    );
    report.latencies('1 s model: first try, WeChat sends to reply received', firstTries);

    // 20 s model: every try times out or answers empty; the owner sends the answer itself.
    const calls = model.requests.length;
    for (let i = 0; i < SLOW_MESSAGES; i++) model.script(after(20_000, '二十秒后的回答。'));
    const untilCustom: number[] = [];
    await Promise.all(
      fans.slice(0, SLOW_MESSAGES).map(async (openid) => {
        const touser = `oa_${openid}`;
        const sent = cloud.outbox.waitFor(
          (entry) => entry.apiName === 'cgi-bin/message/custom/send' && entry.openid === touser,
          60_000,
        );
        const delivery = await write(cloud, { openid, content: '慢问题' });
        const entry = await sent;
        if (entry.result.errcode) throw new Error(`custom send failed: ${JSON.stringify(entry.result)}`);
        untilCustom.push(entry.at.getTime() - Date.parse(delivery.tries[0].startedAt));
      }),
    );
    report.figure(
      `20 s model: model calls per message over 3 tries (${SLOW_MESSAGES} messages)`,
      (model.requests.length - calls) / SLOW_MESSAGES,
      'calls',
    );
    report.latencies('20 s model: first try to the customer-service message', untilCustom);
  } finally {
    await rig.close();
  }
}
