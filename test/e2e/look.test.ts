/**
 * What a person sees, in light and dark, in Chinese and English, on a 375 px phone, with the
 * browser in Shanghai, UTC and Los Angeles: every page and main state (todos with rows, the editor
 * and its date picker, a todo set in another zone, a row changing state live, empty, error, chat
 * after a multi-line send, me, the privacy agreement) is saved as a screenshot under
 * artifacts/screenshots/, and checked from computed styles: the theme's colours, the icon font
 * loaded from this machine, the language's words, and a contrast of at least 4.5:1 for every
 * visible text. Nothing may be fetched from the internet.
 */
import * as path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { SUBSCRIBE_TEMPLATES } from '../../dev/app';
import type { LocalCloud } from 'cloudbase-local';
import { attachPreview, type Preview } from '../../preview/server';
import { eventually } from '../helpers/eventually';
import { startTestCloud } from '../helpers/local-cloud';
import { startModelServer, gate, textReply, toolReply, type ModelServer } from '../helpers/model-server';
import { addDays, instantOf, wallOf } from '../../shared/time';
import { SCREENSHOTS } from './helpers/app';
import { findChromium, LAUNCH_ARGS } from './helpers/browser';

jest.setTimeout(120_000);

type Theme = 'light' | 'dark';
type Language = 'zh' | 'en';

/** The words each check looks for, per language. */
const WORDS = {
  zh: {
    locale: 'zh-CN',
    tabs: ['待办', '助手', '我的'],
    empty: '这里还没有待办',
    more: '详细',
    newTodo: '新建待办',
    due: '截止时间',
    pickerTitle: '选择截止时间',
    yearUnit: /\d{4}年/,
    zoneTodo: '看牙医',
    save: '保存',
    pending: '待提醒',
    sent: '已提醒',
    multiline: '第一行：周一交报告\n第二行：周三开会\n第三行：周五复盘\n第四行：周末休息',
    stop: '停止生成',
    close: '关闭',
    serviceDown: '服务暂不可用，请稍后再试',
    retry: '重试',
    second: '计划做',
    chat: '问我任何问题，或让我帮你安排待办',
    message: '消息',
    ask: '怎么安排这周的事？',
    reply:
      '## 本周安排\n\n先做**重要且紧急**的事：\n\n1. 交周报\n2. 回复客户\n   - 附上报价\n\n> 要事第一\n\n```js\nconst q1 = todos.filter(urgent);\n```\n\n参考 https://example.com/guide',
    added: '已添加待办',
    send: '发送',
    modelDown: '模型服务暂不可用，请稍后重试',
    chats: '对话列表',
    meSettings: '设置',
    nickname: '点击设置昵称',
    privacy: '用户隐私保护提示',
    agree: '同意',
  },
  en: {
    locale: 'en-US',
    tabs: ['Todos', 'Assistant', 'Me'],
    empty: 'Nothing here yet',
    more: 'Details',
    newTodo: 'New todo',
    due: 'Due',
    pickerTitle: 'Choose a due time',
    yearUnit: /^\d{4}$/,
    zoneTodo: 'Dentist',
    save: 'Save',
    pending: 'Reminder set',
    sent: 'Reminded',
    multiline:
      'Line one: report on Monday\nLine two: meeting on Wednesday\nLine three: review on Friday\nLine four: rest',
    stop: 'Stop',
    close: 'Close',
    serviceDown: 'The service is unavailable right now. Please try again later.',
    retry: 'Retry',
    second: 'Plan',
    chat: 'Ask me anything, or let me plan your todos',
    message: 'Message',
    ask: 'How should I plan this week?',
    reply:
      '## This week\n\nDo the **important and urgent** first:\n\n1. Send the report\n2. Reply to the customer\n   - attach the quote\n\n> First things first\n\n```js\nconst q1 = todos.filter(urgent);\n```\n\nSee https://example.com/guide',
    added: 'Todo added',
    send: 'Send',
    modelDown: 'The model service is unavailable. Please retry later.',
    chats: 'Chats',
    meSettings: 'Settings',
    nickname: 'Tap to set a nickname',
    privacy: 'Your privacy',
    agree: 'Agree',
  },
} as const;

/** The design tokens as computed colours (miniprogram/app.wxss and theme.json). */
const COLOURS: Record<Theme, Record<string, string>> = {
  light: {
    pageBackground: 'rgb(244, 245, 247)',
    card: 'rgb(255, 255, 255)',
    text: 'rgb(31, 35, 40)',
    secondary: 'rgb(100, 103, 109)',
    accent: 'rgb(43, 99, 217)',
    tabBar: 'rgb(255, 255, 255)',
  },
  dark: {
    pageBackground: 'rgb(17, 17, 17)',
    card: 'rgb(28, 28, 30)',
    text: 'rgb(237, 237, 240)',
    secondary: 'rgb(154, 154, 160)',
    accent: 'rgb(127, 176, 255)',
    tabBar: 'rgb(28, 28, 30)',
  },
};

interface Look {
  lowContrast(selector: string, minimum: number): Array<{ text: string; ratio: number }>;
  visibleTextCount(selector: string): number;
  colours(selectors: Record<string, [string, string]>): Record<string, string>;
  iconFont(): Promise<{ statuses: string[]; drawable: boolean }>;
}
/** Calls `window.__look[method](...args)` in the page (in-page/look.js). */
function inPage<M extends keyof Look>(
  page: Page,
  method: M,
  ...args: Parameters<Look[M]>
): Promise<Awaited<ReturnType<Look[M]>>> {
  return page.evaluate(
    ([m, a]) => (globalThis as unknown as { __look: Record<string, (...x: unknown[]) => unknown> }).__look[m](...a),
    [method, args] as [string, unknown[]],
  ) as Promise<Awaited<ReturnType<Look[M]>>>;
}

let cloud: LocalCloud;
let preview: Preview;
let browser: Browser;
let model: ModelServer;

beforeAll(async () => {
  model = await startModelServer();
  [cloud, browser] = await Promise.all([
    startTestCloud({
      functionEnv: {
        REMIND_TEMPLATE_ID: 'local-remind-template',
        MODEL_BASE_URL: model.baseUrl,
        MODEL_NAME: 'scripted-model',
      },
    }),
    chromium.launch({ executablePath: findChromium(), args: LAUNCH_ARGS }),
  ]);
  preview = await attachPreview(cloud, { log: () => undefined, subscribeTemplates: SUBSCRIBE_TEMPLATES });
});

afterAll(async () => {
  await browser?.close();
  await cloud?.close();
  await model?.close();
});

// The browser's zone (the phone's): the app lives in it, whatever zone the functions run in.
describe.each([
  ['light', 'zh', 'Asia/Shanghai'],
  ['dark', 'zh', 'UTC'],
  ['light', 'en', 'America/Los_Angeles'],
  ['dark', 'en', 'Asia/Shanghai'],
] as Array<[Theme, Language, string]>)('the app in %s, %s, in %s', (theme, language, zone) => {
  const user = `look_${theme}_${language}`;
  const words = WORDS[language];
  const colours = COLOURS[theme];
  let context: BrowserContext;
  let page: Page;
  const external: string[] = [];

  const shot = async (state: string): Promise<void> => {
    await page.locator('.pv-phone').screenshot({ path: path.join(SCREENSHOTS, `${state}-${theme}-${language}.png`) });
  };
  /** No text on the phone below 4.5:1, and some text was checked. */
  const expectReadable = async (selector = '.pv-screen'): Promise<void> => {
    expect(await inPage(page, 'visibleTextCount', selector)).toBeGreaterThan(3);
    expect(await inPage(page, 'lowContrast', selector, 4.5)).toEqual([]);
  };
  /** Vant's popups slide in: waits until `selector` has stopped moving (the same box twice running). */
  const settled = async (selector: string): Promise<void> => {
    let last = '';
    await eventually(
      async () => {
        const box = JSON.stringify(await page.locator(selector).first().boundingBox());
        const still = box !== 'null' && box === last;
        last = box;
        return still;
      },
      `${selector} to come to rest`,
      { timeoutMs: 5_000, everyMs: 50 },
    );
  };
  const colourOf = (selectors: Record<string, [string, string]>): Promise<Record<string, string>> =>
    inPage(page, 'colours', selectors);

  beforeAll(async () => {
    context = await browser.newContext({
      viewport: { width: 800, height: 900 },
      colorScheme: theme,
      locale: words.locale,
      timezoneId: zone,
    });
    await context.addInitScript({ path: path.join(__dirname, 'in-page', 'look.js') });
    // Anything not on this machine is refused and remembered: the preview must not need it.
    await context.route(/^(?!https?:\/\/127\.0\.0\.1[:/]|data:|blob:)/, (route) => {
      external.push(route.request().url());
      return route.abort();
    });
    page = await context.newPage();
    await page.goto(`${preview.url}?user=${user}#/pages/todos/index?view=list`);
  });
  afterAll(() => context?.close());

  it('todos, empty: the tab bar and headings in the language, the theme colours, the icon font', async () => {
    await page.getByText(words.empty).waitFor();
    const tabs = await page.locator('.pv-tabbar').getByRole('tab').allTextContents();
    expect(tabs.map((t) => t.trim())).toEqual(words.tabs);
    expect(await page.getByRole('banner').getByRole('heading').textContent()).toBe(words.tabs[0]);
    expect(
      await colourOf({
        pageBackground: ['.pv-page--active page', 'backgroundColor'],
        card: ['.todos__add-field', 'backgroundColor'],
        tabsNav: ['.pv-page--active .switcher', 'backgroundColor'],
        text: ['.todos__title', 'color'],
        secondary: ['.todos__hint', 'color'],
        tabBar: ['.pv-tabbar', 'backgroundColor'],
        tabSelected: ['.pv-tabbar__item[aria-selected="true"]', 'color'],
      }),
    ).toEqual({
      pageBackground: colours.pageBackground,
      card: colours.card,
      tabsNav: colours.card,
      text: colours.text,
      secondary: colours.secondary,
      tabBar: colours.tabBar,
      tabSelected: colours.accent,
    });
    // The "+" of the details button is a glyph of Vant's icon font, served by the preview.
    // One face per package that carries Vant's icon (the main package, and subpackages loaded here).
    const font = (await inPage(page, 'iconFont')) as { statuses: string[]; drawable: boolean };
    expect(font.drawable).toBe(true);
    expect(font.statuses.length).toBeGreaterThan(0);
    expect(new Set(font.statuses)).toEqual(new Set(['loaded']));
    const plus = page.locator('.pv-page--active .van-icon-plus');
    expect(
      await plus.evaluate(
        (el) =>
          (globalThis as unknown as { getComputedStyle(e: unknown): { fontFamily: string } }).getComputedStyle(el)
            .fontFamily,
      ),
    ).toContain('vant-icon');
    // The tab bar's icons are the theme's own PNGs.
    const icons = await page
      .locator('.pv-tabbar img')
      .evaluateAll((imgs) =>
        imgs.map((img) => (img as unknown as { getAttribute(n: string): string }).getAttribute('src')),
      );
    expect(icons).toEqual([
      `/__preview/mp/images/tab/todos-active-${theme}.png`,
      `/__preview/mp/images/tab/chat-${theme}.png`,
      `/__preview/mp/images/tab/me-${theme}.png`,
    ]);
    await expectReadable();
    await shot('todos-empty');
  });

  it('todos with rows: a long title clamped to two lines, a done one below the open ones', async () => {
    const field = page.locator('.todos__add input');
    const titles = [
      language === 'zh'
        ? '写周报：周五下午之前发给全组，附上本周数据表格、问题清单和下周计划的初稿，再抄送给部门负责人'
        : 'Write the weekly report and send it to the team by Friday, with the figures and next week’s plan',
      language === 'zh' ? '回复客户邮件' : 'Reply to the customer',
      language === 'zh' ? '交房租' : 'Pay the rent',
    ];
    for (const title of titles) {
      await field.fill(title);
      await field.press('Enter');
      await page.locator('.todo__title', { hasText: title.slice(0, 8) }).waitFor();
    }
    const first = page.locator('van-swipe-cell', { hasText: titles[2] });
    await first.locator('.van-checkbox__icon').click();
    await page.locator('.todo--done', { hasText: titles[2] }).waitFor();
    await page.waitForFunction(
      (t) =>
        (globalThis as unknown as { __look: Look }).__look.colours({ x: ['.todo--done .todo__title', 'color'] }).x !==
          undefined && t.length > 0,
      titles[2],
    );
    // Shown last although added last-but-none: open todos come first.
    const shown = await page.locator('.todo__title').evaluateAll((nodes) =>
      nodes
        .map((n) => n as unknown as { textContent: string; getBoundingClientRect(): { top: number } })
        .sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top)
        .map((n) => n.textContent.trim()),
    );
    expect(shown.at(-1)).toBe(titles[2]);
    const long = page.locator('.todo__title', { hasText: titles[0].slice(0, 8) });
    const lines = await long.evaluate((el) => {
      const e = el as unknown as { getBoundingClientRect(): { height: number } };
      const style = (
        globalThis as unknown as { getComputedStyle(e: unknown): { lineHeight: string } }
      ).getComputedStyle(el);
      return Math.round(e.getBoundingClientRect().height / parseFloat(style.lineHeight));
    });
    expect(lines).toBe(2);
    expect(await colourOf({ row: ['.todo', 'backgroundColor'] })).toEqual({ row: colours.card });
    await expectReadable();
    await shot('todos-rows');
  });

  it('the editor: heading, fields and Save on the theme, then the labelled date picker', async () => {
    await page.getByRole('button', { name: words.more }).click();
    const heading = page.getByRole('heading', { name: words.newTodo });
    await heading.waitFor();
    await settled('.pv-page--active .van-popup');
    expect(
      await heading.evaluate(
        (el) =>
          (globalThis as unknown as { getComputedStyle(e: unknown): { color: string } }).getComputedStyle(el).color,
      ),
    ).toBe(colours.text);
    expect(await colourOf({ popup: ['.pv-page--active .van-popup', 'backgroundColor'] })).toEqual({
      popup: colours.card,
    });
    await expectReadable('.pv-page--active .van-popup');
    // The mask covers the whole screen, edge to edge.
    const mask = await page.locator('.pv-page--active .van-overlay').first().boundingBox();
    const screen = await page.locator('.pv-screen').boundingBox();
    expect([mask?.x, mask?.width]).toEqual([screen?.x, screen?.width]);
    await shot('editor');

    await page.getByText(words.due, { exact: true }).click();
    await page.getByText(words.pickerTitle).waitFor();
    await settled('.pv-page--active .van-picker');
    const years = await page
      .locator('.van-picker-column')
      .first()
      .locator('.van-picker-column__item')
      .allTextContents();
    expect(years.map((y) => y.trim()).filter(Boolean)[0]).toMatch(words.yearUnit);
    await shot('editor-picker');
    await page.locator('.van-picker__cancel').click();
    await page.getByText(words.pickerTitle).waitFor({ state: 'hidden' });
    await page.locator('todo-editor').getByRole('button', { name: words.close, exact: true }).click();
    await heading.waitFor({ state: 'hidden' });
  });

  it('pull-down by a mouse drag: the indicator follows the drag, and the list is read again', async () => {
    const scroller = page.locator('.pv-page--active .pv-scroll');
    // A pull starts at the top of the page (the editor's fields may have scrolled it).
    await scroller.evaluate((s) => ((s as unknown as { scrollTop: number }).scrollTop = 0));
    // The editor's fields may have scrolled the browser's own page too: the phone back in view.
    await page.evaluate(() => (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0));
    const box = await scroller.boundingBox();
    if (!box) throw new Error('no page to pull');
    const listed = page.waitForRequest((r) => r.url().endsWith('/functions/todo') && /"list"/.test(r.postData() ?? ''));
    await page.mouse.move(box.x + box.width / 2, box.y + 120);
    await page.mouse.down();
    for (let i = 1; i <= 8; i++) await page.mouse.move(box.x + box.width / 2, box.y + 120 + i * 20);
    const dots = await page.locator('.pv-page--active .pv-refresh').boundingBox();
    const under = await page.evaluate(
      ([x, y]) =>
        (
          globalThis as unknown as { document: { elementFromPoint(x: number, y: number): { className: string } } }
        ).document.elementFromPoint(x, y)?.className,
      [box.x + box.width / 2, box.y + 120] as const,
    );
    expect({ height: Math.round(dots?.height ?? 0), under }).toEqual({ height: 60, under: expect.anything() });
    await page.mouse.up();
    await listed;
  });

  it("a todo set in Shanghai: the row appears live, the editor and its picker show it on this phone's clock", async () => {
    // Set on another device in Shanghai, due at a whole hour a day from now, with a reminder.
    const due = Math.ceil(Date.now() / 3_600_000) * 3_600_000 + 24 * 3_600_000;
    const created = await page.evaluate(
      async ([openid, title, at]) => {
        const body = { action: 'create', title, quadrant: 'q1', dueAt: at, remindAt: at, tz: 'Asia/Shanghai' };
        const headers = { 'content-type': 'application/json', 'x-wx-openid': openid };
        const answer = await fetch('/functions/todo', { method: 'POST', headers, body: JSON.stringify(body) });
        return ((await answer.json()) as { result: { ok: boolean } }).result.ok;
      },
      [user, words.zoneTodo, new Date(due).toISOString()] as const,
    );
    expect(created).toBe(true);
    const row = page.locator('.todo', { hasText: words.zoneTodo });
    await row.getByText(words.pending).waitFor();
    await row.locator('.todo__title').click();
    await settled('.pv-page--active .van-popup');
    const wall = wallOf(due, zone);
    const clock = `${String(wall.hour).padStart(2, '0')}:00`;
    const dueCell = page.locator('.pv-page--active .van-cell', { hasText: words.due }).first();
    expect(await dueCell.textContent()).toContain(clock);

    await dueCell.click();
    await page.getByText(words.pickerTitle).waitFor();
    await settled('.pv-page--active .van-picker');
    const band = async (): Promise<number[]> =>
      (await page.locator('.pv-page--active .van-picker-column__item--selected').allTextContents()).map((t) =>
        Number(/\d+/.exec(t)?.[0]),
      );
    // The picker opens on the value the editor shows, on this phone's clock.
    expect(await band()).toEqual([wall.year, wall.month, wall.day, wall.hour, 0]);
    await shot('editor-picker-zone');
    // Another day: the hour band stays on the hour that will be saved (the next day, unless the month ends).
    const next = addDays(wall, wall.day === 28 || wall.day > 29 ? 0 : 1);
    if (next.day !== wall.day) {
      const day = page.locator('.pv-page--active .van-picker-column').nth(2);
      await day.locator('.van-picker-column__item--selected').locator('xpath=following-sibling::*[1]').click();
      await page.waitForFunction(
        (d) =>
          (
            globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<{ textContent: string }> } }
          ).document
            .querySelectorAll('.pv-page--active .van-picker-column__item--selected')[2]
            ?.textContent.includes(String(d).padStart(2, '0')),
        next.day,
      );
      expect(await band()).toEqual([next.year, next.month, next.day, wall.hour, 0]);
    }
    await page.locator('.pv-page--active .van-picker__confirm').click();
    await page.getByText(words.pickerTitle).waitFor({ state: 'hidden' });
    // The reminder's offsets: every chip's words fit inside it, wrapping to a second row when they must.
    const chips = page.locator('.pv-page--active [class*="editor__chip"]').last();
    await chips.scrollIntoViewIfNeeded();
    const cramped = await page.locator('.pv-page--active [class*="editor__chip"]').evaluateAll((els) =>
      els
        .map((e) => e as unknown as { scrollWidth: number; clientWidth: number; textContent: string })
        .filter((e) => e.scrollWidth > e.clientWidth)
        .map((e) => e.textContent.trim()),
    );
    expect(cramped).toEqual([]);
    await shot('editor-reminder');
    await page.locator('todo-editor').getByRole('button', { name: words.save, exact: true }).click();
    const moved = instantOf({ ...next, hour: wall.hour, minute: 0 }, zone);
    for (let i = 0; i < 200; i++) {
      const [doc] = await cloud.store.find('todos', { _openid: user, title: words.zoneTodo });
      if (doc && new Date(doc.dueAt as Date).getTime() === moved) break;
      if (i === 199) throw new Error(`the todo was not saved at ${new Date(moved).toISOString()}`);
      await page.waitForTimeout(50);
    }
  });

  it('a row changing state live: the remind timer sends the reminder and the row says so, no refresh', async () => {
    await page.evaluate(async (openid) => {
      const body = { action: 'subscribe', templateId: 'local-remind-template' };
      const headers = { 'content-type': 'application/json', 'x-wx-openid': openid };
      await fetch('/functions/todo', { method: 'POST', headers, body: JSON.stringify(body) });
    }, user);
    const row = page.locator('.todo', { hasText: words.zoneTodo });
    await row.getByText(words.pending).waitFor();
    const past = new Date(Date.now() - 60_000);
    await cloud.store.update('todos', { _openid: user, title: words.zoneTodo }, { $set: { remindNextAt: past } });
    const fired = await fetch(`${cloud.url}/_/api/triggers/remind/everyMinute`, { method: 'POST' });
    expect(fired.ok).toBe(true);
    await row.getByText(words.sent, { exact: true }).waitFor();
    await shot('todos-live-sent');
    await expectReadable();
  });

  it('an error on a quadrant switch: the cause in words, a retry, no rows of the other quadrant', async () => {
    await page.route('**/functions/todo', (route) => route.fulfill({ status: 500, body: 'down' }));
    await page.locator('.switcher__tab', { hasText: words.second }).click();
    await page.getByText(words.serviceDown).waitFor();
    expect(await page.locator('.todo__title').count()).toBe(0);
    await page.getByRole('button', { name: words.retry }).waitFor();
    await expectReadable();
    await shot('todos-error');
    await page.unroute('**/functions/todo');
    await page.getByRole('button', { name: words.retry }).click();
    await page.getByText(words.empty).waitFor();
  });

  it('chat: the welcome and the composer, Send at the end of the row', async () => {
    await page.getByRole('tab', { name: words.tabs[1] }).click();
    await page.getByText(words.chat).waitFor();
    const field = await page.locator('.pv-page--active [class*="composer__field"]').boundingBox();
    const send = await page.locator('.pv-page--active [class*="composer__send"]').boundingBox();
    const phone = await page.locator('.pv-screen').boundingBox();
    if (!field || !send || !phone) throw new Error('the composer is not on screen');
    // The field takes the row; Send keeps its size at the right edge.
    expect(field.width).toBeGreaterThan(phone.width * 0.6);
    expect(phone.x + phone.width - (send.x + send.width)).toBeLessThan(20);
    // The welcome is centred under its picture in either language, however many lines it takes.
    expect(await colourOf({ welcome: ['.pv-page--active [class*="van-empty__description"]', 'textAlign'] })).toEqual({
      welcome: 'center',
    });
    await expectReadable();
    await shot('chat');
  });

  it('chat: a reply in Markdown with a todo card, on the theme, every word readable', async () => {
    model.script(
      toolReply({ name: 'add_todo', arguments: { title: words.ask.slice(0, 12), quadrant: 'q1' } }),
      textReply(words.reply),
    );
    await page.locator('.pv-phone').getByPlaceholder(words.message).fill(words.ask);
    await page.locator('.pv-phone').getByRole('button', { name: words.send, exact: true }).click();
    const reply = page.locator('.pv-page--active .msg--assistant').last();
    await reply.getByText('example.com/guide').waitFor();
    await reply.getByText(words.added).waitFor();
    expect(
      await colourOf({
        bubble: ['.pv-page--active [class*="msg__bubble--reply"]', 'backgroundColor'],
        mine: ['.pv-page--active [class*="msg__bubble--user"]', 'backgroundColor'],
        link: ['.pv-page--active [class*="md__link"]', 'color'],
      }),
    ).toEqual({ bubble: colours.card, mine: colours.accent, link: colours.accent });
    // No markup from the model: the list is the page's own rows, the code its own block.
    expect(await reply.locator('[class*="md__marker"]').allTextContents()).toEqual(['1.', '2.', '•']);
    expect(await reply.locator('[class*="md__pre-text"]').textContent()).toBe('const q1 = todos.filter(urgent);');
    await expectReadable();
    await shot('chat-reply');
  });

  it('chat: a failed reply says why, with a retry', async () => {
    model.script({ status: 503 });
    await page.locator('.pv-phone').getByPlaceholder(words.message).fill(words.ask);
    await page.locator('.pv-phone').getByRole('button', { name: words.send, exact: true }).click();
    await page.getByText(words.modelDown).waitFor();
    const reply = page.locator('.pv-page--active .msg--assistant').last();
    await reply.getByRole('button', { name: words.retry }).waitFor();
    await expectReadable();
    await shot('chat-failed');
  });

  it('chat: after a multi-line send the field is one line again, and nothing is covered; Stop sits clear of the reply', async () => {
    const field = page.locator('.pv-page--active [class*="composer__field"]');
    const oneLine = (await field.boundingBox())?.height ?? 0;
    const held = gate();
    model.script({
      steps: [{ text: words.reply.slice(0, 40) }, { gate: held.wait }, { text: '。' }, { finish: 'stop' }],
    });
    await page.locator('.pv-phone').getByPlaceholder(words.message).fill(words.multiline);
    expect((await field.boundingBox())?.height).toBeGreaterThan(oneLine * 1.5);
    await page.locator('.pv-phone').getByRole('button', { name: words.send, exact: true }).click();
    const stop = page.getByRole('button', { name: words.stop, exact: true });
    await stop.waitFor();
    // Back to one line once sent.
    expect(Math.abs(((await field.boundingBox())?.height ?? 0) - oneLine)).toBeLessThan(2);
    const composer = await page.locator('.pv-page--active [class*="chat__composer"]').boundingBox();
    const pill = await stop.boundingBox();
    if (!composer || !pill) throw new Error('no composer or Stop');
    // Stop is above the composer, and a tap on it reaches it.
    expect(pill.y + pill.height).toBeLessThanOrEqual(composer.y);
    const hit = await page.evaluate(
      ([x, y]) =>
        (
          globalThis as unknown as {
            document: { elementFromPoint(x: number, y: number): { closest(s: string): unknown } };
          }
        ).document
          .elementFromPoint(x, y)
          ?.closest('[class*="chat__pill"]') !== null,
      [pill.x + pill.width / 2, pill.y + pill.height / 2] as const,
    );
    expect(hit).toBe(true);
    // The streaming line is above Stop: the list keeps room for it.
    const streaming = await page.locator('.pv-page--active .msg--assistant').last().boundingBox();
    expect((streaming?.y ?? 0) + (streaming?.height ?? 0)).toBeLessThanOrEqual(pill.y);
    await shot('chat-streaming');
    held.open();
    await stop.waitFor({ state: 'detached' });
    // The question sent in full, and its last line clear of the composer.
    const mine = page.locator('.pv-page--active .msg--user').last();
    const bottom = await mine.boundingBox();
    expect((bottom?.y ?? 0) + (bottom?.height ?? 0)).toBeLessThanOrEqual(composer.y);
    await expectReadable();
    await shot('chat-multiline');
  });

  it('chat: the conversation list', async () => {
    await page.locator('.pv-page--active [class*="chat__bar-button"]').first().click();
    const list = page.getByRole('dialog', { name: words.chats });
    await list.waitFor();
    await settled('.pv-page--active .van-popup--left');
    await list.getByText(words.ask).waitFor();
    await expectReadable('.pv-page--active .van-popup--left');
    await shot('chat-list');
    // The mask beside the drawer closes it.
    const mask = await page.locator('.pv-page--active .van-overlay').boundingBox();
    if (!mask) throw new Error('no mask');
    await page.mouse.click(mask.x + mask.width - 10, mask.y + mask.height / 2);
    await list.waitFor({ state: 'hidden' });
  });

  it('me: the profile card and the settings, lined up, on the theme', async () => {
    await page.getByRole('tab', { name: words.tabs[2] }).click();
    await page.getByText(words.meSettings, { exact: true }).waitFor();
    const card = await page.locator('.pv-page--active .me__header').boundingBox();
    const group = await page.locator('.pv-page--active .van-cell-group--inset').first().boundingBox();
    if (!card || !group) throw new Error('the Me page is not on screen');
    expect(Math.abs(card.x - group.x)).toBeLessThan(1);
    expect(Math.abs(card.width - group.width)).toBeLessThan(1);
    expect(await colourOf({ cell: ['.pv-page--active .van-cell', 'backgroundColor'] })).toEqual({
      cell: colours.card,
    });
    await expectReadable();
    await shot('me');
  });

  it('the privacy agreement before the nickname field', async () => {
    await page.getByPlaceholder(words.nickname).click();
    const popup = page.getByRole('dialog', { name: words.privacy });
    await popup.waitFor();
    await settled('.pv-page--active .privacy');
    await expectReadable('.pv-page--active .privacy');
    await shot('me-privacy');
    await popup.getByRole('button', { name: words.agree, exact: true }).click();
    await popup.waitFor({ state: 'hidden' });
  });

  it('asked nothing of the internet', () => {
    expect(external).toEqual([]);
  });
});
