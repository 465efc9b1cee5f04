import { StoreError } from './types';
import type { SqlBackend, SqlExecutor } from './sql';

/**
 * One row per document. `body` (json) keeps the document byte for byte, field order included, which
 * MongoDB semantics need (embedded documents compare in field order) and jsonb would lose (it sorts
 * keys); `doc` is its jsonb twin, generated, for containment pushdown and indexes. `version` takes a fresh value from one sequence on every write, so a
 * document deleted and re-inserted never shows an old version again (optimistic transactions compare
 * it); `seq` gives MongoDB's natural order (insertion order) for unsorted reads and first-match
 * writes. The GIN index serves the jsonb containment (`@>`) predicates the pushdown produces.
 */
const DDL = [
  `CREATE TABLE IF NOT EXISTS collections (name text PRIMARY KEY)`,
  `CREATE SEQUENCE IF NOT EXISTS document_versions`,
  `CREATE TABLE IF NOT EXISTS documents (
     seq bigint GENERATED ALWAYS AS IDENTITY,
     collection text NOT NULL,
     id text NOT NULL,
     body json NOT NULL,
     doc jsonb GENERATED ALWAYS AS (body::jsonb) STORED,
     version bigint NOT NULL DEFAULT nextval('document_versions'),
     PRIMARY KEY (collection, id)
   )`,
  `CREATE TABLE IF NOT EXISTS field_kinds (
     collection text NOT NULL,
     field text NOT NULL,
     kind text NOT NULL,
     PRIMARY KEY (collection, field, kind)
   )`,
  `CREATE TABLE IF NOT EXISTS geo_indexes (
     collection text NOT NULL,
     field text NOT NULL,
     PRIMARY KEY (collection, field)
   )`,
  `CREATE INDEX IF NOT EXISTS documents_natural_order ON documents (collection, seq)`,
  `CREATE INDEX IF NOT EXISTS documents_doc_gin ON documents USING gin (doc jsonb_path_ops)`,
];

export function checkSchemaName(schema: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new StoreError('INVALID_PARAM', `schema must be a lowercase SQL identifier, got '${schema}'`);
  }
  return schema;
}

export async function createSchema(sql: SqlBackend, schema: string): Promise<void> {
  await sql.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  // PGlite is one connection, so SET sticks; pg connections get search_path from the pool options.
  if (sql.kind === 'pglite') await sql.query(`SET search_path TO ${schema}`);
  for (const statement of DDL) await sql.query(statement);
}

/** MongoDB compares strings bytewise; jsonb uses the database collation, which agrees only for C. */
export async function comparesBytewise(sql: SqlExecutor): Promise<boolean> {
  const [row] = await sql.query<{ collation: string }>(
    `SELECT datcollate AS collation FROM pg_database WHERE datname = current_database()`,
  );
  // glibc's C.UTF-8 orders by code point, which for UTF-8 is byte order too.
  return ['C', 'POSIX', 'C.UTF-8', 'C.utf8'].includes(row?.collation ?? '');
}
