/**
 * Headless Chromium for the e2e tests, one per test file (Debian's, via playwright-core: npm cannot
 * download browsers here). CHROMIUM_PATH overrides where it is looked for.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CANDIDATES = [
  process.env.CHROMIUM_PATH,
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
].filter((p): p is string => Boolean(p));

export class NoBrowserError extends Error {}

export function findChromium(): string {
  const found = CANDIDATES.find((p) => fs.existsSync(p));
  if (!found) {
    throw new NoBrowserError(
      `The end-to-end tests need Chromium and found none at ${CANDIDATES.join(', ')}.\n` +
        'Install it with: sudo apt-get update && sudo apt-get install -y chromium  (or set CHROMIUM_PATH).',
    );
  }
  return found;
}

export const LAUNCH_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** A persistent context on a fresh, empty profile (removed on close). */
export async function launchBrowser(): Promise<Browser> {
  const executablePath = findChromium();
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mp-preview-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    args: LAUNCH_ARGS,
    headless: true,
    viewport: { width: 900, height: 860 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  return {
    context,
    async close() {
      await context.close().catch(() => undefined);
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
