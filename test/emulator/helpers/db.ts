import {
  StoreError,
  openStore,
  type DocumentStore,
  type OpenStoreOptions,
} from '../../../packages/cloudbase-local/src/database/store';

/** PGlite compiles its WASM and runs initdb on open: seconds on a busy 2-core machine. */
export const OPEN_TIMEOUT_MS = 120_000;

export function openMemoryStore(options: OpenStoreOptions = {}): Promise<DocumentStore> {
  return openStore(options);
}

/** The StoreError code a promise rejects with (fails the test if it resolves or throws something else). */
export async function errorCode(promise: Promise<unknown> | (() => Promise<unknown>)): Promise<string> {
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (error) {
    if (error instanceof StoreError) return error.code;
    throw error;
  }
  throw new Error('expected a StoreError, but the call succeeded');
}

let counter = 0;
/** A collection name no other case of this file uses. */
export function freshName(prefix = 'c'): string {
  counter += 1;
  return `${prefix}_${counter}`;
}
