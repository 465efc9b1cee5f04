// Runs a test local cloud in its own process (for the jsdom tests, whose globals PGlite and
// esbuild cannot use, for the e2e suite's shared cloud, and for tests that kill it) and prints
// {"url": ...} once it serves. Stops when stdin closes.
import { renameSync, writeFileSync } from 'node:fs';
import { SUBSCRIBE_TEMPLATES } from '../../dev/app';
import type { LocalCloudOptions } from 'cloudbase-local';
import { attachPreview } from '../../preview/server';
import { startTestCloud } from './local-cloud';

// The parent passes extra function environment as JSON, any other options (a data folder, a
// functions folder, the timers' schedule) likewise, whether to serve the preview, and a file to
// write the URL into (see spawnCloudProcess and startCloudProcess).
const functionEnv = JSON.parse(process.env.LOCAL_CLOUD_FUNCTION_ENV || '{}') as Record<string, string>;
const options = JSON.parse(process.env.LOCAL_CLOUD_OPTIONS || '{}') as Pick<
  LocalCloudOptions,
  'dataDir' | 'functionsDir' | 'schedule'
>;
const withPreview = process.env.LOCAL_CLOUD_PREVIEW === '1';

startTestCloud({ ...options, functionEnv })
  .then(async (cloud) => {
    if (withPreview) await attachPreview(cloud, { log: () => undefined, subscribeTemplates: SUBSCRIBE_TEMPLATES });
    process.stdout.write(`${JSON.stringify({ url: cloud.url })}\n`);
    const urlFile = process.env.LOCAL_CLOUD_URL_FILE;
    // Written whole, then renamed: a reader never sees half a URL.
    if (urlFile) {
      writeFileSync(`${urlFile}.part`, cloud.url);
      renameSync(`${urlFile}.part`, urlFile);
    }
    const stop = (): void => void cloud.close().finally(() => process.exit(0));
    process.stdin.on('end', stop).resume();
    process.on('SIGTERM', stop);
  })
  .catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
