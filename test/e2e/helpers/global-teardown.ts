/** Jest globalTeardown for the e2e tests: closes what globalSetup started. */
import * as fs from 'node:fs';
import { stopCloudProcess } from '../../helpers/cloud-process';
import { keptSuite } from './suite';

export default async function globalTeardown(): Promise<void> {
  const suite = keptSuite();
  if (!suite) return;
  await stopCloudProcess(suite.cloud);
  fs.rmSync(suite.dir, { recursive: true, force: true });
}
