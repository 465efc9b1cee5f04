/**
 * Browser preview figures: a cold build (esbuild + WXML + WXSS) and a cached start, the bundle's
 * size, the time from navigation to the first page's onReady in headless Chromium (launch on the
 * Me page, logged in against the local cloud), and one e2e scenario's wall time (first launch,
 * nickname saved, reload).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalCloud } from 'cloudbase-local';
import { buildPreview } from '../preview/build';
import { attachPreview } from '../preview/server';
import { buildFunctions } from '../scripts/build-functions';
import { launchBrowser } from '../test/e2e/helpers/browser';
import { timed, type Reporter } from './report';

const ROOT = join(__dirname, '..');
const RUNS = 5;

interface BenchWindow {
  __mpPreview?: { router: { current?: { frame: { dataset: Record<string, string | undefined> } } } };
}

export async function run(report: Reporter): Promise<void> {
  const outDir = mkdtempSync(join(tmpdir(), 'bench-preview-'));
  try {
    const cold = await buildPreview({ outDir, force: true, warn: () => undefined });
    report.figure('preview build, cold', cold.buildMs, 'ms');
    const cached = await buildPreview({ outDir, warn: () => undefined });
    report.figure('preview build, cached (inputs unchanged)', cached.ms, 'ms');
    report.figure('bundle size, JS', cold.jsBytes / 1024, 'KB');
    report.figure('bundle size, CSS', cold.cssBytes / 1024, 'KB');
    report.note(`${cold.pages.length} pages, ${cold.components.length} components and pages compiled`);

    const sdk = (
      JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> }
    ).devDependencies['wx-server-sdk'];
    await buildFunctions(join(ROOT, 'cloudfunctions'), sdk);
    const cloud = await startLocalCloud({
      port: 0,
      quiet: true,
      functionsDir: join(ROOT, 'cloudfunctions'),
      databaseDir: join(ROOT, 'database'),
    });
    const preview = await attachPreview(cloud, { outDir, log: () => undefined });
    const browser = await launchBrowser();
    try {
      const page = await browser.context.newPage();
      const samples: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        await page.goto('about:blank');
        samples.push(
          await timed(async () => {
            await page.goto(`${preview.url}?user=bench_${i}#/pages/me/index`);
            await page.waitForFunction(
              () => (globalThis as unknown as BenchWindow).__mpPreview?.router.current?.frame.dataset.ready === 'true',
              undefined,
              { polling: 5 },
            );
          }),
        );
      }
      report.latencies('navigation -> first page onReady (Me page, new user)', samples);

      const scenario = await timed(async () => {
        await page.goto('about:blank');
        await page.goto(`${preview.url}?user=bench_sc#/pages/me/index`);
        await page.getByText('ID bench_sc').waitFor();
        const nickname = page.getByPlaceholder('点击设置昵称');
        await nickname.fill('Bench');
        await nickname.press('Enter');
        await page.getByText('保存中…').waitFor({ state: 'detached' });
        await page.reload();
        await page.getByText('ID bench_sc').waitFor();
      });
      report.figure('e2e scenario: launch, set nickname, reload', scenario, 'ms');
    } finally {
      await browser.close();
      await cloud.close();
    }
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}
