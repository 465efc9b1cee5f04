/**
 * What globalSetup starts for the whole e2e suite, kept for globalTeardown. Jest shares globals,
 * not modules, between the two.
 */
import type { ChildProcess } from 'node:child_process';

export interface Suite {
  /** The app's local cloud with its preview. */
  cloud: ChildProcess;
  /** Where its URL is written. */
  dir: string;
}

const holder = globalThis as { mpE2eSuite?: Suite };

export const keepSuite = (suite: Suite): void => void (holder.mpE2eSuite = suite);
export const keptSuite = (): Suite | undefined => holder.mpE2eSuite;
