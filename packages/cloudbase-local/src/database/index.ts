/**
 * CloudBase database (云数据库): a document store with MongoDB semantics over PostgreSQL, the SDK's
 * `database.*` actions, the client SDKs' `database.*` actions under the security rules,
 * collections/indexes/rules from collections.json, and JSON-lines import/export.
 */
import * as path from 'node:path';
import type { DataDirLock } from '../lock';
import type { AdminReply, Service } from '../service';
import { WireError } from '../wire/errors';
import { DATABASE_ACTIONS, handleDatabaseAction } from './actions';
import { CLIENT_DATABASE_ACTIONS, handleClientAction } from './client';
import { applyDatabaseConfig, readDatabaseConfig, type DatabaseConfig } from './config';
import { databaseInspector } from './inspector';
import * as live from './snapshot';
import { exportToDir, importFromDir } from './jsonl';
import { SecurityRules } from './rules';
import { openStore } from './store';
import { StoreError, type DocumentStore } from './store/types';

export interface DatabaseOptions {
  /** PGlite's folder (`<dataDir>/pgdata`); undefined keeps the data in memory. */
  dataDir?: string;
  /** The data folder's lock, already held by the local cloud. */
  lock?: DataDirLock;
  databaseUrl?: string;
  schema?: string;
  /** Folder with collections.json applied at start; false applies nothing. */
  configDir: string | false;
  /** Most documents one get() returns. */
  maxLimit: number;
  log: (line: string) => void;
}

export interface DatabaseService extends Service {
  readonly store: DocumentStore;
  /** collections.json's security rules, which every client read, write and watch obeys. */
  readonly rules: SecurityRules;
}

/**
 * Store errors -> wire codes. Duplicate `_id` travels as DATABASE_REQUEST_FAILED (-502001 in the
 * SDK, as CloudBase reports Mongo's E11000) with the store code kept in the message; the transaction
 * conflict code must pass through unchanged because the SDK's runTransaction retries on exactly it.
 */
function wireErrorOf(error: StoreError): WireError {
  switch (error.code) {
    case 'DATABASE_DUPLICATE_WRITE':
      return new WireError('DATABASE_REQUEST_FAILED', `[DATABASE_DUPLICATE_WRITE] ${error.message}`);
    case 'NOT_SUPPORTED':
      return new WireError('DATABASE_INVALID_OPERRATOR', `[NOT_SUPPORTED] ${error.message}`);
    default:
      return new WireError(error.code, error.message);
  }
}

const counts = (entries: Record<string, number>): string[] =>
  Object.entries(entries).map(([name, n]) => `${name} ${n}`);

/** Opens the store and creates the configured collections. */
export async function startDatabase(options: DatabaseOptions): Promise<DatabaseService> {
  const store = await openStore({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.lock ? { lock: options.lock } : {}),
    ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
    ...(options.schema ? { schema: options.schema } : {}),
  });
  let rules: SecurityRules;
  try {
    const config: DatabaseConfig =
      options.configDir === false ? { collections: {} } : readDatabaseConfig(path.resolve(options.configDir));
    rules = new SecurityRules(config.collections);
    const created = await applyDatabaseConfig(store, config);
    if (created.length) options.log(`created collections: ${created.join(', ')}`);
  } catch (error) {
    await store.close().catch(() => undefined);
    throw error;
  }
  const said = new Set<string>();
  const wire = async (work: () => Promise<Record<string, unknown>>): Promise<Record<string, unknown>> => {
    try {
      return await work();
    } catch (error) {
      if (!(error instanceof StoreError)) throw error;
      // CloudBase's words go to the caller unchanged; what the local cloud knows more goes to the
      // log, once (a timer retrying every few seconds would repeat it).
      if (error.detail && !said.has(error.detail)) {
        said.add(error.detail);
        options.log(`[database] ${error.code}: ${error.detail}`);
      }
      throw wireErrorOf(error);
    }
  };
  return {
    name: 'database',
    store,
    rules,
    actions: DATABASE_ACTIONS,
    async admin(action, params): Promise<AdminReply> {
      const body = await wire(() => handleDatabaseAction(store, action, params, { maxLimit: options.maxLimit }));
      return { kind: 'json', body };
    },
    webActions: CLIENT_DATABASE_ACTIONS,
    web: (action, params, caller) =>
      wire(() => handleClientAction(store, rules, action, params, caller.openid ? { openid: caller.openid } : null)),
    inspector: databaseInspector(store),
    async importFrom(dir) {
      return counts(await importFromDir(store, dir)).join(', ') || 'no .jsonl files';
    },
    async exportTo(dir) {
      return counts((await exportToDir(store, dir)).collections).join(', ') || 'no collections';
    },
    snapshot: () => live.snapshot(store),
    prepareRestore: (part) => live.prepareRestore(store, part),
    clear: () => live.clear(store),
    watch: (emit) => live.watch(store, emit),
    close: () => store.close(),
  };
}
