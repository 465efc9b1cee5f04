/**
 * The chat as a person sees it: a 20-second scripted reply (600 tokens at 30 a second) asked from
 * the Chat tab in the browser preview, in headless Chromium. Measured in the page: the time from
 * the Send tap to the reply's first visible text, its ratio to the whole reply (tap to the last
 * text shown), and how long after the model's first token that text showed; from the database,
 * the writes to the reply; and the main package's bytes. Clocks: both sides' `performance`
 * time origin plus now, which is the same wall clock on one machine.
 */
import { join } from 'node:path';
import { DATABASE_DIR, SUBSCRIBE_TEMPLATES } from '../dev/app';
import { startLocalCloud } from 'cloudbase-local';
import { attachPreview } from '../preview/server';
import { buildFunctions } from '../scripts/build-functions';
import { compileMiniprogram } from '../scripts/wechat/compile';
import { MAIN_PACKAGE } from '../scripts/wechat/package';
import { launchBrowser } from '../test/e2e/helpers/browser';
import { startModelServer, type Step } from '../test/helpers/model-server';
import type { Reporter } from './report';

const ROOT = join(__dirname, '..');
const TOKENS = 600;

interface Timings {
  firstText?: number;
  lastText?: number;
}

/**
 * In the page: when the reply's first text, and its whole text, became visible (epoch ms). A
 * string, because the bundler names functions with a helper that does not exist in the page.
 */
const OBSERVE_REPLY = `(() => {
  window.__reply = {};
  const now = () => performance.timeOrigin + performance.now();
  new MutationObserver(() => {
    const node = document.querySelector('.pv-page--active .msg--assistant [class*="md"]');
    const length = (node ? node.textContent : '').replace(/\\s/g, '').length;
    if (length > 0 && window.__reply.firstText === undefined) window.__reply.firstText = now();
    if (length >= ${TOKENS} && window.__reply.lastText === undefined) window.__reply.lastText = now();
  }).observe(document.body, { subtree: true, childList: true, characterData: true });
})()`;

export async function run(report: Reporter): Promise<void> {
  await buildFunctions(join(ROOT, 'cloudfunctions'), '4.0.2');
  const model = await startModelServer();
  const cloud = await startLocalCloud({
    port: 0,
    quiet: true,
    functionsDir: join(ROOT, 'cloudfunctions'),
    databaseDir: DATABASE_DIR,
    functionEnv: { MODEL_BASE_URL: model.baseUrl, MODEL_NAME: 'bench', CHAT_DAILY_LIMIT: '1000' },
  });
  const preview = await attachPreview(cloud, { log: () => undefined, subscribeTemplates: SUBSCRIBE_TEMPLATES });
  const browser = await launchBrowser();
  let writes = 0;
  const stop = cloud.store.onChange((change) => {
    if (change.collection === 'messages' && change.type === 'update' && change.doc.role === 'assistant') writes++;
  });
  try {
    const page = await browser.context.newPage();
    await page.goto(`${preview.url}?user=bench_chat_page#/pages/chat/index`);
    await page.getByText('试试这样问').waitFor();
    await page.evaluate(OBSERVE_REPLY);

    const steps: Step[] = Array.from({ length: TOKENS }, (_, i) => ({ text: '字词句段'[i % 4], delayMs: 1000 / 30 }));
    model.script({ steps: [...steps, { finish: 'stop' }, { usage: { prompt: 50, completion: TOKENS } }] });
    await page.getByPlaceholder('输入消息').fill('写一篇长文');
    const tapped = performance.timeOrigin + performance.now();
    await page.getByRole('button', { name: '发送', exact: true }).click();
    await page.waitForFunction(
      () => (globalThis as unknown as { __reply: Timings }).__reply.lastText !== undefined,
      undefined,
      {
        timeout: 60_000,
        polling: 100,
      },
    );
    const shown = await page.evaluate(() => (globalThis as unknown as { __reply: Timings }).__reply);
    const token = model.requests.at(-1)?.firstTextAt;
    if (shown.firstText === undefined || shown.lastText === undefined || token === undefined) {
      throw new Error('the reply was never shown');
    }
    const first = shown.firstText - tapped;
    report.figure('page: Send tap to first visible text (20 s reply)', first, 'ms');
    report.figure('page: Send tap to the whole reply shown', shown.lastText - tapped, 'ms');
    report.figure('page: first visible text / whole reply (goal <= 0.10)', first / (shown.lastText - tapped), 'ratio');
    report.figure(
      "page: model's first token to first visible text (goal <= 300)",
      shown.firstText - (performance.timeOrigin + token),
      'ms',
    );
    report.figure('page: database writes to the reply (insert excluded)', writes, 'writes');
  } finally {
    stop();
    await browser.close();
    await cloud.close();
    await model.close();
  }
  const { sizes } = await compileMiniprogram(ROOT);
  const main = sizes.find((size) => size.name === MAIN_PACKAGE);
  report.figure("main package, as WeChat's compiler counts it (npm run size)", (main?.bytes ?? 0) / 1024, 'KB');
}
