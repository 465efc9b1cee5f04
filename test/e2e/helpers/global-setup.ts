/**
 * Jest globalSetup for the e2e tests: stops at once, with the fix, when there is no Chromium;
 * bundles the cloud functions; then starts the local cloud serving the app and its preview that
 * the test files of the app's pages share. Its URL lands in E2E_APP_URL_FILE once it serves: the
 * files that use it wait for it (appRigForFile), the others start meanwhile.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnCloudProcess } from '../../helpers/cloud-process';
import { findChromium } from './browser';
import { keepSuite } from './suite';

const buildFunctions = require('../../helpers/build-functions.global.js') as () => void;

export default function globalSetup(): void {
  findChromium();
  buildFunctions();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mp-e2e-'));
  const urlFile = path.join(dir, 'app-url');
  const cloud = spawnCloudProcess({
    preview: true,
    // The remind function sends with the template the app subscribes to (miniprogram/config.ts).
    functionEnv: { REMIND_TEMPLATE_ID: 'local-remind-template' },
    urlFile,
  });
  process.env.E2E_APP_URL_FILE = urlFile;
  keepSuite({ cloud, dir });
}
