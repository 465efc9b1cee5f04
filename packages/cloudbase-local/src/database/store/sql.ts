import * as nodeModule from 'node:module';
import type { PGlite as PGliteClass } from '@electric-sql/pglite';
import { Pool, type PoolClient } from 'pg';

/**
 * PGlite's CommonJS build loads its WASM and Node modules with dynamic `import()`, which Jest's
 * sandbox rejects without --experimental-vm-modules (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING_FLAG).
 * Jest replaces `createRequire` (and `process.getBuiltinModule`) with sandboxed versions, but its
 * `Module` class extends Node's, whose own createRequire loads PGlite outside the sandbox. Under
 * plain Node the parent is Function.prototype and the ordinary createRequire is used.
 */
function hostRequire(): NodeJS.Require {
  const parent = Object.getPrototypeOf(nodeModule.Module) as Partial<typeof nodeModule>;
  return (parent.createRequire ?? nodeModule.createRequire)(__filename);
}
const { PGlite } = hostRequire()('@electric-sql/pglite') as { PGlite: typeof PGliteClass };

/** The SQL the store needs, identical for PGlite and a PostgreSQL server. */
export interface SqlExecutor {
  query<R extends object>(text: string, params?: unknown[]): Promise<R[]>;
}

export interface SqlBackend extends SqlExecutor {
  readonly kind: 'pglite' | 'pg';
  /** Runs `fn` inside BEGIN/COMMIT; any throw rolls everything back. */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Collects positional parameters while a statement is being built. */
export class SqlParams {
  readonly values: unknown[] = [];

  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

export function quoteLiteral(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';
}

export async function openPglite(dataDir: string | undefined): Promise<SqlBackend> {
  // relaxedDurability=false: every query awaits PGlite's file sync before resolving, so an
  // acknowledged commit is already in the OS (PGlite runs Postgres with fsync off, which survives a
  // killed process but not a power cut — the right trade for a local emulator).
  const db = await PGlite.create({ dataDir, relaxedDurability: false });
  return {
    kind: 'pglite',
    async query<R extends object>(text: string, params?: unknown[]) {
      return (await db.query<R>(text, params)).rows;
    },
    transaction<T>(fn: (tx: SqlExecutor) => Promise<T>) {
      return db.transaction(async (tx) =>
        fn({
          async query<R extends object>(text: string, params?: unknown[]) {
            return (await tx.query<R>(text, params)).rows;
          },
        }),
      );
    },
    close: () => db.close(),
  };
}

export async function openPostgres(databaseUrl: string, schema: string): Promise<SqlBackend> {
  const pool = new Pool({ connectionString: databaseUrl, max: 8, options: `-c search_path=${schema}` });
  // An idle client losing its connection emits 'error' on the pool; unhandled, that kills the process.
  pool.on('error', (error) => console.error('[db] idle PostgreSQL connection failed:', error.message));
  const wrap = (client: Pool | PoolClient): SqlExecutor => ({
    async query<R extends object>(text: string, params?: unknown[]) {
      return (await client.query<R & Record<string, unknown>>(text, params)).rows;
    },
  });
  await pool.query('SELECT 1');
  return {
    kind: 'pg',
    ...wrap(pool),
    async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(wrap(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
