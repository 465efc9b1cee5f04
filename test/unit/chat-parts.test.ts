import { pickAutoReply, type AutoReplyDoc } from '../../server/chat/autoreply';
import { chatConfigFromEnv } from '../../server/chat/config';
import { dateKey, nextMidnight, shanghaiDate } from '../../shared/time';
import { checkWithWeChat, WordFilter } from '../../server/chat/safety';
import { estimateTokens, planContext } from '../../server/chat/tokens';
import type { ModelMessage } from '../../server/chat/model';

describe('token estimates and the context plan', () => {
  it('counts a CJK character as a token, ASCII as a third, other symbols as two', () => {
    expect(estimateTokens('你好世界')).toBe(4);
    expect(estimateTokens('hello world!')).toBe(4);
    expect(estimateTokens('😀')).toBe(2);
    expect(estimateTokens('')).toBe(0);
  });

  const turns = (n: number): ModelMessage[] =>
    Array.from({ length: n }, (_, i) => ({
      role: i % 2 === 0 ? ('user' as const) : ('assistant' as const),
      content: `第${i}条消息`.padEnd(50, '字'),
    }));

  it('keeps the newest history that fits beside the reply budget, and starts on a user message', () => {
    const history = turns(40);
    const plan = planContext({
      system: '系统',
      history,
      turn: [{ role: 'user', content: '新问题' }],
      contextTokens: 1000,
      maxTokens: 300,
    });
    if (!plan) throw new Error('no plan');
    expect(plan.promptTokens + 300).toBeLessThanOrEqual(1000);
    expect(plan.messages[0]).toEqual({ role: 'system', content: '系统' });
    expect(plan.messages.at(-1)).toEqual({ role: 'user', content: '新问题' });
    expect(plan.messages[1].role).toBe('user');
    const kept = plan.messages.slice(1, -1);
    expect(kept).toEqual(history.slice(history.length - kept.length));
    expect(plan.dropped).toBe(40 - kept.length);
    expect(kept.length).toBeGreaterThan(4);
  });

  it('refuses a turn that cannot fit at all, rather than send what the model would refuse', () => {
    expect(
      planContext({
        system: '系统',
        history: [],
        turn: [{ role: 'user', content: '字'.repeat(900) }],
        contextTokens: 1000,
        maxTokens: 300,
      }),
    ).toBeUndefined();
  });
});

describe('the word filter', () => {
  const filter = new WordFilter([
    { word: '内部代号' },
    { word: '笨蛋', mask: true },
    { word: 'Secret' },
    { word: '  ' },
  ]);

  it('blocks a listed word in any case or width, and says which', () => {
    expect(filter.apply('这是ＳＥＣＲＥＴ')).toMatchObject({ blocked: 'Secret' });
    expect(filter.apply('说说内部代号')).toMatchObject({ blocked: '内部代号' });
    expect(filter.size).toBe(3);
  });

  it('masks a masking word character for character and leaves the rest', () => {
    expect(filter.apply('你这个笨蛋，真是笨蛋😀')).toEqual({ text: '你这个＊＊，真是＊＊😀', masked: 2 });
    expect(filter.apply('平常的话')).toEqual({ text: '平常的话', masked: 0 });
    expect(new WordFilter([]).apply('任何话')).toEqual({ text: '任何话', masked: 0 });
  });
});

describe('msgSecCheck v2', () => {
  it('checks long text in 2500-character parts and keeps the worst verdict; review is a verdict, not an error', async () => {
    const calls: Array<{ content: string; scene: number; version: number }> = [];
    const verdicts = ['pass', 'review', 'pass'];
    const check = async (request: { openid: string; scene: number; version: number; content: string }) => {
      calls.push(request);
      return { errCode: 0, errMsg: 'ok', result: { suggest: verdicts[calls.length - 1], label: 100 }, traceId: 't' };
    };
    const result = await checkWithWeChat(check, 'o-1', '字'.repeat(6000));
    expect(calls.map((c) => [c.content.length, c.scene, c.version])).toEqual([
      [2500, 2, 2],
      [2500, 2, 2],
      [1000, 2, 2],
    ]);
    expect(result).toEqual({ suggest: 'review', label: 100, traceId: 't' });
  });

  it('throws when the answer carries no verdict', async () => {
    await expect(checkWithWeChat(async () => ({ errCode: 0 }), 'o-1', 'x')).rejects.toThrow('without a verdict');
  });
});

describe('auto-reply rules', () => {
  const rules: AutoReplyDoc[] = [
    { _id: '1', keyword: 'Help', match: 'exact', reply: 'exact help' },
    { _id: '2', keyword: 'help', match: 'prefix', reply: 'prefix help' },
    { _id: '3', keyword: 'help me', match: 'prefix', reply: 'longer prefix' },
    { _id: '4', keyword: 'off', match: 'exact', reply: 'never', enabled: false },
  ];
  it('prefers an exact match, then the longest prefix, ignoring case, width and spaces', () => {
    expect(pickAutoReply(rules, ' ＨＥＬＰ ')?.reply).toBe('exact help');
    expect(pickAutoReply(rules, 'help me please')?.reply).toBe('longer prefix');
    expect(pickAutoReply(rules, 'helpful')?.reply).toBe('prefix help');
    expect(pickAutoReply(rules, 'off')).toBeUndefined();
  });
});

describe('days and settings', () => {
  it("counts days in the user's zone, and WeChat's own in Asia/Shanghai", () => {
    expect(shanghaiDate(Date.parse('2026-05-01T15:59:59Z'))).toBe('2026-05-01');
    expect(shanghaiDate(Date.parse('2026-05-01T16:00:00Z'))).toBe('2026-05-02');
    expect(dateKey(Date.parse('2026-05-01T16:00:00Z'), 'America/Los_Angeles')).toBe('2026-05-01');
    expect(new Date(nextMidnight(Date.parse('2026-05-01T15:59:59Z'), 'Asia/Shanghai')).toISOString()).toBe(
      '2026-05-01T16:00:00.000Z',
    );
    expect(new Date(nextMidnight(Date.parse('2026-05-01T16:00:00Z'), 'America/Los_Angeles')).toISOString()).toBe(
      '2026-05-02T07:00:00.000Z',
    );
    expect(new Date(nextMidnight(Date.parse('2026-05-01T16:00:00Z'), '+05:30')).toISOString()).toBe(
      '2026-05-01T18:30:00.000Z',
    );
  });

  it('reads the model settings, and names what is missing', () => {
    const config = chatConfigFromEnv({
      MODEL_BASE_URL: 'https://api.deepseek.com/v1/',
      MODEL_NAME: 'deepseek-chat',
      MODEL_API_KEY: 'sk-x',
      MODEL_TOOLS: 'off',
      CHAT_DAILY_LIMIT: '5',
    });
    expect(config.model).toMatchObject({
      baseUrl: 'https://api.deepseek.com/v1',
      model: 'deepseek-chat',
      tools: false,
    });
    expect(config.dailyLimit).toBe(5);
    expect(chatConfigFromEnv({ MODEL_BASE_URL: 'http://x/v1' })).toMatchObject({
      model: undefined,
      modelMissing: 'MODEL_NAME is not set',
    });
    expect(() => chatConfigFromEnv({ CHAT_DAILY_LIMIT: 'ten' })).toThrow('CHAT_DAILY_LIMIT');
  });
});
