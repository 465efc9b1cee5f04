import { join } from 'node:path';
import { acquireDataDirLock } from '../../lock';
import { FieldKinds } from './fieldkinds';
import { GeoIndexes } from './geoindex';
import { checkSchemaName, createSchema } from './schema';
import { openPglite, openPostgres, type SqlBackend } from './sql';
import { PostgresDocumentStore } from './store';
import { TRANSACTION_TIMEOUT_MS, notExist } from './transaction-errors';
import { type DocumentStore, type OpenStoreOptions, type Transaction } from './types';

export * from './types';

/**
 * Opens the local cloud's document store: a real PostgreSQL server when `databaseUrl` is set,
 * otherwise embedded PGlite (files in `<dataDir>/pgdata`, or memory). Close it with `close()`.
 */
export async function openStore(options: OpenStoreOptions = {}): Promise<DocumentStore> {
  const schema = checkSchemaName(options.schema ?? 'public');
  let release: (() => void) | undefined;
  let sql: SqlBackend;
  if (options.databaseUrl) {
    sql = await openPostgres(options.databaseUrl, schema);
  } else {
    if (options.dataDir && !options.lock) {
      const lock = acquireDataDirLock(options.dataDir);
      release = () => lock.release();
    }
    try {
      sql = await openPglite(options.dataDir ? join(options.dataDir, 'pgdata') : undefined);
    } catch (error) {
      release?.();
      throw error;
    }
  }
  const kinds = new FieldKinds();
  const geo = new GeoIndexes();
  try {
    await createSchema(sql, schema);
    await kinds.load(sql);
    await geo.load(sql);
  } catch (error) {
    await sql.close().catch(() => undefined);
    release?.();
    throw error;
  }
  return new PostgresDocumentStore(sql, kinds, geo, {
    transactionTimeoutMs: options.transactionTimeoutMs ?? TRANSACTION_TIMEOUT_MS,
    onClose: release,
  });
}

/** getTransaction for the wire layer: an unknown, committed, aborted or expired id is an error. */
export function requireTransaction(store: DocumentStore, id: string): Transaction {
  const tx = store.getTransaction(id);
  if (!tx) throw notExist();
  return tx;
}
