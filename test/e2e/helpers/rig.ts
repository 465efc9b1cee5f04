/**
 * What an e2e test file runs against: its headless Chromium, and the preview served by
 *   appRigForFile      the suite's local cloud running the app's functions (global-setup.ts),
 *   previewRigForFile  a local cloud of the file's own, for settings of its own (a scripted model),
 *   fixtureRigForFile  a plain loopback server, for a fixture app that calls no cloud at all.
 * Each starts before the file's tests and closes after them; `rig()` inside a test gives it.
 */
import * as fs from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { SUBSCRIBE_TEMPLATES } from '../../../dev/app';
import type { LocalCloud, LocalCloudOptions } from 'cloudbase-local';
import { attachPreview, type Preview } from '../../../preview/server';
import { remoteCloud, type RemoteCloud } from '../../helpers/cloud-process';
import { eventually } from '../../helpers/eventually';
import { startTestCloud } from '../../helpers/local-cloud';
import { SCREENSHOTS } from './app';
import { launchBrowser, type Browser } from './browser';

/** Runs `start` before the file's tests and `stop` after them; the getter throws until it started. */
function forFile<R>(what: string, start: () => Promise<R>, stop: () => Promise<unknown>): () => R {
  let rig: R | undefined;
  beforeAll(async () => {
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    rig = await start();
  }, 150_000);
  afterAll(stop);
  return () => {
    if (rig === undefined) throw new Error(`the ${what} has not started`);
    return rig;
  };
}

export interface AppRig {
  browser: Browser;
  /** The suite's app cloud, read and written over its inspector API. */
  cloud: RemoteCloud;
  preview: Pick<Preview, 'url'>;
}

/** The suite's app cloud and preview, once they serve, and this file's Chromium. */
export function appRigForFile(): () => AppRig {
  let browser: Browser | undefined;
  return forFile(
    'app rig',
    async () => {
      const file = process.env.E2E_APP_URL_FILE;
      if (!file) throw new Error('E2E_APP_URL_FILE is not set: run the e2e tests through their Jest project');
      const [url, launched] = await Promise.all([
        eventually(
          () => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined),
          "the suite's app cloud to serve (its errors, if any, are above)",
          120_000,
        ),
        launchBrowser().then((b) => (browser = b)),
      ]);
      return { browser: launched, cloud: remoteCloud(url), preview: { url: `${url}/` } };
    },
    async () => browser?.close(),
  );
}

export interface PreviewRig {
  browser: Browser;
  cloud: LocalCloud;
  preview: Preview;
}

/** A local cloud of this file's own with the preview; `cloud` is a function when it needs what an earlier beforeAll started. */
export function previewRigForFile(cloudOptions: () => LocalCloudOptions): () => PreviewRig {
  let browser: Browser | undefined;
  let cloud: LocalCloud | undefined;
  return forFile(
    'preview rig',
    async () => {
      const more = cloudOptions();
      // The remind function sends with the template the app subscribes to (miniprogram/config.ts).
      const functionEnv = { REMIND_TEMPLATE_ID: 'local-remind-template', ...more.functionEnv };
      await Promise.all([
        launchBrowser().then((b) => (browser = b)),
        startTestCloud({ ...more, functionEnv }).then((c) => (cloud = c)),
      ]);
      const preview = await attachPreview(cloud as LocalCloud, {
        log: () => undefined,
        subscribeTemplates: SUBSCRIBE_TEMPLATES,
      });
      return { browser: browser as Browser, cloud: cloud as LocalCloud, preview };
    },
    async () => {
      await browser?.close();
      await cloud?.close();
    },
  );
}

export interface FixtureRig {
  browser: Browser;
  preview: Preview;
}

/** The fixture app at `root` in the preview, built into a folder of its own and served on loopback. */
export function fixtureRigForFile(root: string): () => FixtureRig {
  let browser: Browser | undefined;
  let outDir: string | undefined;
  const routes: Array<Parameters<LocalCloud['registerRoute']>[0]> = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    void (async () => {
      for (const route of routes) if (await route(req, res, url)) return;
      res.writeHead(404).end();
    })();
  });
  return forFile(
    'fixture rig',
    async () => {
      outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mp-preview-fixture-'));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const [launched, preview] = await Promise.all([
        launchBrowser().then((b) => (browser = b)),
        attachPreview(
          { url, registerRoute: (route) => void routes.push(route) },
          { root, outDir, log: () => undefined },
        ),
      ]);
      return { browser: launched, preview };
    },
    async () => {
      await browser?.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      if (outDir) fs.rmSync(outDir, { recursive: true, force: true });
    },
  );
}
