/**
 * What the Chat page does with a reply, written once: it streams in while the model writes, Stop
 * ends it where it is, Regenerate writes it again in its place. The real chat function answers
 * from a scripted model on loopback; two drivers play each scenario as a new person with an empty
 * conversation: the component test under miniprogram-simulate (test/component/pages/chat.test.ts)
 * and the preview in Chromium (test/e2e/chat.test.ts).
 */
import { eventually } from '../helpers/eventually';
import { gate, textReply, type ModelServer } from '../helpers/model-server';

export interface ChatDriver {
  model: ModelServer;
  /** Replies a day the cloud allows. */
  dailyLimit: number;
  /** Sends `text` as the person does. */
  ask(text: string): Promise<void>;
  /** Waits until the page shows `text`. */
  shows(text: string): Promise<void>;
  /** The newest reply's text as shown, once it shows `text` (when given). */
  reply(text?: string): Promise<string>;
  /** How many replies the conversation shows. */
  replies(): Promise<number>;
  /** The bold part of the newest reply. */
  bold(): Promise<string>;
  /** Waits until Stop is offered, or gone. */
  stopOffered(offered: boolean): Promise<void>;
  stop(): Promise<void>;
  /** Taps Regenerate once the newest reply offers it. */
  regenerate(): Promise<void>;
  /** The person's replies as the messages collection holds them. */
  stored(): Promise<Array<Record<string, unknown>>>;
  /** A picture of the screen at this moment, where the driver has one. */
  shot(name: string): Promise<void>;
}

export interface ChatScenario {
  name: string;
  play(driver: ChatDriver): Promise<void>;
}

export const streaming: ChatScenario = {
  name: 'shows the reply while it is written, before it finishes, with Stop meanwhile and the quota after',
  async play(d) {
    const held = gate();
    d.model.script({
      steps: [
        { text: '先列出待办：\n\n1. **重要且紧急**的马上做\n' },
        { gate: held.wait },
        { text: '2. 其余的排进日程\n\n```\nq1 > q2\n```' },
        { finish: 'stop' },
      ],
    });
    await d.ask('怎么用四象限？');
    await d.shows('怎么用四象限？');
    await d.reply('重要且紧急');
    // Still streaming: stored so, the second part not written, the Markdown rendered, Stop offered.
    expect(await d.stored()).toMatchObject([{ status: 'streaming' }]);
    expect(await d.reply()).not.toContain('其余的');
    expect(await d.reply()).not.toContain('**');
    await d.stopOffered(true);
    await d.shot('chat-streaming');

    held.open();
    await d.reply('其余的排进日程');
    await d.reply('q1 > q2');
    await d.stopOffered(false);
    expect(await d.bold()).toBe('重要且紧急');
    await d.shows(`今日剩余 ${d.dailyLimit - 1}/${d.dailyLimit} 次`);
  },
};

export const stopThenRegenerate: ChatScenario = {
  name: 'Stop ends the reply where it is and keeps the text; Regenerate writes it again in its place',
  async play(d) {
    const never = gate();
    d.model.script({ steps: [{ text: '这会是一个很长的回答' }, { gate: never.wait }, { text: '不会出现' }] });
    await d.ask('写一篇长文');
    await d.reply('这会是一个很长的回答');
    await d.stop();
    await d.reply('已停止');
    never.open();
    const stopped = await eventually(
      async () => (await d.stored()).find((m) => m.status === 'stopped'),
      'the stopped reply in the messages collection',
    );
    expect(stopped.text).toBe('这会是一个很长的回答');
    expect(await d.reply()).not.toContain('不会出现');

    const replies = await d.replies();
    d.model.script(textReply('换一种写法的回答。', { delayMs: 20 }));
    await d.regenerate();
    await d.reply('换一种写法的回答。');
    expect(await d.reply()).not.toContain('这会是一个很长的回答');
    expect(await d.replies()).toBe(replies);
  },
};

export const chatScenarios = [streaming, stopThenRegenerate];
