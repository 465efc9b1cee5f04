import { parseInline, parseMarkdown, plainText } from '../../miniprogram/subpackages/chat/markdown/parse';

describe('parseMarkdown', () => {
  it('reads the blocks chat models write', () => {
    const blocks = parseMarkdown(
      [
        '# 四象限',
        '先做**重要且紧急**的事，',
        '再安排其余的。',
        '',
        '1. 列出待办',
        '2. 分到象限',
        '   并排好顺序',
        '   - 每天复查',
        '',
        '> 要事第一',
        '',
        '```ts',
        'const q = "q1";',
        '',
        'console.log(q);',
        '```',
        '---',
        '| 象限 | 做法 |',
        '| --- | :-: |',
        '| q1 | 马上做 |',
        '| q2 | 计划 \\| 安排 |',
      ].join('\n'),
    );
    expect(blocks).toEqual([
      { type: 'h', level: 1, spans: [{ type: 'text', text: '四象限' }] },
      {
        type: 'p',
        spans: [
          { type: 'text', text: '先做' },
          { type: 'strong', text: '重要且紧急' },
          { type: 'text', text: '的事，\n再安排其余的。' },
        ],
      },
      { type: 'li', depth: 0, marker: '1.', spans: [{ type: 'text', text: '列出待办' }] },
      { type: 'li', depth: 0, marker: '2.', spans: [{ type: 'text', text: '分到象限\n并排好顺序' }] },
      { type: 'li', depth: 1, marker: '•', spans: [{ type: 'text', text: '每天复查' }] },
      { type: 'quote', spans: [{ type: 'text', text: '要事第一' }] },
      { type: 'code', lang: 'ts', text: 'const q = "q1";\n\nconsole.log(q);' },
      { type: 'hr' },
      {
        type: 'table',
        head: [[{ type: 'text', text: '象限' }], [{ type: 'text', text: '做法' }]],
        rows: [
          [[{ type: 'text', text: 'q1' }], [{ type: 'text', text: '马上做' }]],
          [[{ type: 'text', text: 'q2' }], [{ type: 'text', text: '计划 | 安排' }]],
        ],
      },
    ]);
  });

  it('keeps HTML as the literal text it is', () => {
    const html = '<script>alert(1)</script><img src=x onerror="steal()"> <a href="javascript:x">点我</a>';
    expect(parseMarkdown(html)).toEqual([{ type: 'p', spans: [{ type: 'text', text: html }] }]);
  });

  it('parses a reply cut off mid-stream as it stands: an open fence runs to the end', () => {
    expect(parseMarkdown('看代码：\n```py\nprint(1')).toEqual([
      { type: 'p', spans: [{ type: 'text', text: '看代码：' }] },
      { type: 'code', lang: 'py', text: 'print(1' },
    ]);
    // An emphasis not yet closed is text until its closing mark arrives.
    expect(parseInline('这是**重')).toEqual([{ type: 'text', text: '这是**重' }]);
  });

  it('every prefix of a streaming reply parses', () => {
    const reply = '1. 第一\n2. 第二\n\n```js\nlet a = 1;\n```\n\n完。';
    for (let n = 0; n <= reply.length; n++) expect(() => parseMarkdown(reply.slice(0, n))).not.toThrow();
  });
});

describe('parseInline', () => {
  it('code, emphasis, strikethrough and links; a link is an address to copy, never markup', () => {
    expect(
      parseInline(
        '用 `git log` 看*历史*，~~别~~ 读 [文档](https://git-scm.com/docs "Git") 或 https://example.com/a_b.',
      ),
    ).toEqual([
      { type: 'text', text: '用 ' },
      { type: 'code', text: 'git log' },
      { type: 'text', text: ' 看' },
      { type: 'em', text: '历史' },
      { type: 'text', text: '，' },
      { type: 'del', text: '别' },
      { type: 'text', text: ' 读 ' },
      { type: 'link', text: '文档', href: 'https://git-scm.com/docs' },
      { type: 'text', text: ' 或 ' },
      { type: 'link', text: 'https://example.com/a_b', href: 'https://example.com/a_b' },
      { type: 'text', text: '.' },
    ]);
  });

  it('an image is a link to its address, not a picture; escapes and snake_case stay text', () => {
    expect(parseInline('![图](https://x.test/p.png)')).toEqual([
      { type: 'link', text: '图', href: 'https://x.test/p.png' },
    ]);
    expect(parseInline('\\*不是强调\\* snake_case_name')).toEqual([
      { type: 'text', text: '*不是强调* snake_case_name' },
    ]);
  });

  it('a Chinese sentence ends a bare address at its full-width punctuation', () => {
    expect(parseInline('见https://example.com/x，谢谢')).toEqual([
      { type: 'text', text: '见' },
      { type: 'link', text: 'https://example.com/x', href: 'https://example.com/x' },
      { type: 'text', text: '，谢谢' },
    ]);
  });
});

describe('plainText', () => {
  it('is what a person would paste: no marks, links with their address', () => {
    const blocks = parseMarkdown('**提示**：看[这里](https://a.test)\n\n- 一\n  - 二\n\n```\ncode\n```');
    expect(plainText(blocks)).toBe('提示：看这里 (https://a.test)\n\n• 一\n\n  • 二\n\ncode');
  });
});
