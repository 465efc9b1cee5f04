// Runs a test local cloud in its own process (for the jsdom tests, whose globals PGlite and
// esbuild cannot use, and for tests that kill it) and prints {"url": ...} once it serves. Stops
// when stdin closes.
import type { LocalCloudOptions } from '../../emulator';
import { startTestCloud } from './local-cloud';

// The parent passes extra function environment as JSON (see startCloudProcess), and any other
// options (a data folder, a functions folder, the timers' schedule) likewise.
const functionEnv = JSON.parse(process.env.LOCAL_CLOUD_FUNCTION_ENV || '{}') as Record<string, string>;
const options = JSON.parse(process.env.LOCAL_CLOUD_OPTIONS || '{}') as Pick<
  LocalCloudOptions,
  'dataDir' | 'functionsDir' | 'schedule'
>;

startTestCloud({ ...options, functionEnv }).then(
  (cloud) => {
    process.stdout.write(`${JSON.stringify({ url: cloud.url })}\n`);
    const stop = (): void => void cloud.close().finally(() => process.exit(0));
    process.stdin.on('end', stop).resume();
    process.on('SIGTERM', stop);
  },
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
