/**
 * What an e2e test file runs against: one headless Chromium, one local cloud running the app's
 * functions, and the preview served from it; started before the file's tests, closed after them.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SUBSCRIBE_TEMPLATES } from '../../../dev/app';
import type { LocalCloud, LocalCloudOptions } from '../../../emulator';
import { attachPreview, type Preview } from '../../../preview/server';
import { startTestCloud } from '../../helpers/local-cloud';
import { SCREENSHOTS } from './app';
import { launchBrowser, type Browser } from './browser';

export interface PreviewRig {
  browser: Browser;
  cloud: LocalCloud;
  preview: Preview;
}

export interface PreviewRigOptions {
  /** More for the local cloud; a function when it depends on what an earlier beforeAll started. */
  cloud?: LocalCloudOptions | (() => LocalCloudOptions);
  /** Another mini-program than miniprogram/ (a fixture), built into a folder of its own. */
  root?: string;
}

/** The rig for this file; `rig()` inside a test gives it. */
export function previewRigForFile(options: PreviewRigOptions = {}): () => PreviewRig {
  let rig: PreviewRig | undefined;
  let browser: Browser | undefined;
  let cloud: LocalCloud | undefined;
  let outDir: string | undefined;
  beforeAll(async () => {
    const more = typeof options.cloud === 'function' ? options.cloud() : (options.cloud ?? {});
    // The remind function sends with the template the app subscribes to (miniprogram/config.ts).
    const functionEnv = { REMIND_TEMPLATE_ID: 'local-remind-template', ...more.functionEnv };
    await Promise.all([
      launchBrowser().then((b) => (browser = b)),
      startTestCloud({ ...more, functionEnv }).then((c) => (cloud = c)),
    ]);
    if (options.root) outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mp-preview-fixture-'));
    const preview = await attachPreview(cloud as LocalCloud, {
      log: () => undefined,
      subscribeTemplates: SUBSCRIBE_TEMPLATES,
      ...(options.root ? { root: options.root, outDir } : {}),
    });
    rig = { browser: browser as Browser, cloud: cloud as LocalCloud, preview };
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await cloud?.close();
    if (outDir) fs.rmSync(outDir, { recursive: true, force: true });
  });
  return () => {
    if (!rig) throw new Error('the preview rig has not started');
    return rig;
  };
}
