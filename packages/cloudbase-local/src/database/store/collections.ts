import { createHash } from 'node:crypto';
import { decodeDoc } from './codec';
import { isPlainObject } from './engine';
import type { GeoIndexes } from './geoindex';
import { quoteLiteral, type SqlExecutor } from './sql';
import type { WriteOutcome } from './commit';
import { collectionNotExist, StoreError, type Doc } from './types';

function shortHash(text: string): string {
  return createHash('sha1').update(text).digest('hex').slice(0, 12);
}

/** db.createCollection: an error when it exists (CloudBase creates one on first insert too). */
export async function createCollectionRow(sql: SqlExecutor, name: string): Promise<WriteOutcome<void>> {
  const created = await sql.query(
    `INSERT INTO collections (name) VALUES ($1) ON CONFLICT (name) DO NOTHING RETURNING name`,
    [name],
  );
  if (created.length === 0) {
    throw new StoreError('DATABASE_COLLECTION_ALREADY_EXIST', `collection '${name}' already exists`);
  }
  return { result: undefined, changes: [] };
}

/** Removes a collection, its documents and its indexes; `withBodies` returns what open transactions must keep seeing. */
export async function dropCollectionRows(
  sql: SqlExecutor,
  geo: GeoIndexes,
  name: string,
  withBodies: boolean,
): Promise<WriteOutcome<void>> {
  const dropped = await sql.query(`DELETE FROM collections WHERE name = $1 RETURNING name`, [name]);
  if (dropped.length === 0) {
    throw collectionNotExist(name);
  }
  const removed = await sql.query<{ id: string; doc: unknown; version: string }>(
    withBodies
      ? `DELETE FROM documents WHERE collection = $1 RETURNING id, body AS doc, version::text AS version`
      : `DELETE FROM documents WHERE collection = $1`,
    [name],
  );
  await geo.drop(sql, name);
  const indexes = await sql.query<{ indexname: string }>(
    `SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND indexname LIKE $1`,
    [`ix_${shortHash(name)}_%`],
  );
  for (const { indexname } of indexes) await sql.query(`DROP INDEX IF EXISTS ${indexname}`);
  const before = removed.map((r) => ({
    collection: name,
    key: r.id,
    row: { id: r.id, doc: decodeDoc(r.doc), version: r.version },
  }));
  return { result: undefined, changes: [], before };
}

/**
 * What ensureIndex creates. The 1/-1 keys get a btree over the key expressions, partial to the
 * collection, in the exact form the pushdown emits (`doc -> 'f' = v`, `ORDER BY doc -> 'f' ASC NULLS
 * FIRST`), so equality prefixes and sorts both use it; `unique` makes Postgres enforce it. Missing
 * fields are NULL there, so unlike MongoDB several documents may lack a unique field. Nested paths
 * are served by the table-wide GIN index. A 2dsphere key is noted for geo queries (which scan).
 */
export function indexPlan(
  collection: string,
  keys: Record<string, 1 | -1 | '2dsphere'>,
  unique: boolean,
): { statement?: string; geoFields: string[] } {
  const all = isPlainObject(keys) ? Object.entries(keys) : [];
  if (
    all.length === 0 ||
    all.some(
      ([p, d]) =>
        p === '' ||
        p.split('.').some((s) => s === '' || s.startsWith('$')) ||
        (d !== 1 && d !== -1 && d !== '2dsphere'),
    )
  ) {
    throw new StoreError('INVALID_PARAM', "index keys must be {field: 1 | -1 | '2dsphere', ...}");
  }
  const geoFields = all.filter(([, d]) => d === '2dsphere').map(([p]) => p);
  const entries = all.filter((entry): entry is [string, 1 | -1] => entry[1] !== '2dsphere');
  if (entries.length === 0) return { geoFields };
  const columns = entries.map(([path, direction]) => {
    const order = direction === 1 ? 'ASC NULLS FIRST' : 'DESC NULLS LAST';
    if (path === '_id') return `id ${direction === 1 ? 'ASC' : 'DESC'}`;
    const segments = path.split('.');
    const expression =
      segments.length === 1
        ? `doc -> ${quoteLiteral(path)}`
        : `doc #> ${quoteLiteral(`{${segments.map((s) => `"${s.replace(/["\\]/g, '\\$&')}"`).join(',')}}`)}`;
    return `(${expression}) ${order}`;
  });
  const name = indexName(collection, entries, unique);
  const statement = `CREATE ${unique ? 'UNIQUE ' : ''}INDEX IF NOT EXISTS ${name} ON documents (${columns.join(', ')})
      WHERE collection = ${quoteLiteral(collection)}`;
  return { statement, geoFields };
}

/** The SQL name of the btree ensureIndex creates for these 1/-1 keys (what EXPLAIN shows). */
export function indexName(collection: string, keys: Array<[string, 1 | -1]>, unique = false): string {
  return `ix_${shortHash(collection)}_${shortHash(JSON.stringify([keys, unique]))}`;
}

/** Every document of every collection (empty collections included), in natural order. */
export async function exportCollections(sql: SqlExecutor): Promise<Record<string, Doc[]>> {
  const out: Record<string, Doc[]> = {};
  for (const { name } of await sql.query<{ name: string }>(`SELECT name FROM collections ORDER BY name`))
    out[name] = [];
  const rows = await sql.query<{ collection: string; doc: unknown }>(
    `SELECT collection, body AS doc FROM documents ORDER BY collection, seq`,
  );
  for (const row of rows) (out[row.collection] ??= []).push(decodeDoc(row.doc));
  return out;
}
