import { decodeDoc, encodeDoc } from './codec';
import { runCursor } from './engine';
import { duplicateKey, idFromKey, idKey } from './ids';
import type { FieldFacts, FieldKinds } from './fieldkinds';
import { narrow } from './pushdown';
import { SqlParams, isUniqueViolation, quoteLiteral, type SqlExecutor } from './sql';
import { collectionNotExist, StoreError, type Doc, type FindOptions, type Query } from './types';

/** A stored document with the version a write must still find for optimistic checks. */
export interface Row {
  /** The row key (see idKey), not the `_id` itself. */
  id: string;
  doc: Doc;
  version: string;
}

interface RawRow {
  id: string;
  doc: unknown;
  version: string;
}

export function validateCollectionName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || name === '' || name.length > 256 || name.includes('\0')) {
    throw new StoreError('INVALID_PARAM', 'collection name must be a non-empty string');
  }
}

export async function collectionExists(sql: SqlExecutor, name: string): Promise<boolean> {
  return (await sql.query(`SELECT 1 FROM collections WHERE name = $1`, [name])).length > 0;
}

export async function requireCollection(sql: SqlExecutor, name: string): Promise<void> {
  if (!(await collectionExists(sql, name))) {
    throw collectionNotExist(name);
  }
}

export async function ensureCollection(sql: SqlExecutor, name: string): Promise<void> {
  await sql.query(`INSERT INTO collections (name) VALUES ($1) ON CONFLICT (name) DO NOTHING`, [name]);
}

/** A collection's WHERE clause with its parameters; more may be appended to `params`. */
export interface Plan {
  params: SqlParams;
  where: string;
  exact: boolean;
  /** Fields every selected row holds, not as null (see orderBy). */
  present: ReadonlySet<string>;
}

export function plan(collection: string, query: Query, facts: FieldFacts): Plan {
  const params = new SqlParams();
  const conditions = [`collection = ${params.add(collection)}`];
  const narrowing = narrow(query, params, facts);
  conditions.push(...narrowing.where);
  return { params, where: conditions.join(' AND '), exact: narrowing.exact, present: narrowing.present };
}

export interface SelectOptions {
  forUpdate?: boolean;
  /** SQL ORDER BY terms; natural order (seq) by default. */
  orderBy?: string;
  offset?: number;
  limit?: number;
}

/** The statement selectRows runs (exported so a plan can be EXPLAINed as it runs). */
export function selectStatement(selection: Plan, options: SelectOptions = {}): { text: string; values: unknown[] } {
  const params = new SqlParams();
  params.values.push(...selection.params.values);
  let text = `SELECT id, body AS doc, version::text AS version FROM documents WHERE ${selection.where}`;
  text += ` ORDER BY ${options.orderBy ?? 'seq'}`;
  if (options.offset) text += ` OFFSET ${params.add(options.offset)}`;
  if (options.limit) text += ` LIMIT ${params.add(options.limit)}`;
  if (options.forUpdate) text += ' FOR UPDATE';
  return { text, values: params.values };
}

/** The rows a plan selects; unless the plan is exact the caller still filters with mingo. */
export async function selectRows(sql: SqlExecutor, selection: Plan, options: SelectOptions = {}): Promise<Row[]> {
  const { text, values } = selectStatement(selection, options);
  const raw = await sql.query<RawRow>(text, values);
  return raw.map((r) => ({ id: r.id, doc: decodeDoc(r.doc), version: r.version }));
}

export async function selectByIds(sql: SqlExecutor, collection: string, ids: string[]): Promise<Row[]> {
  const raw = await sql.query<RawRow>(
    `SELECT id, body AS doc, version::text AS version FROM documents WHERE collection = $1 AND id = ANY($2::text[])`,
    [collection, ids],
  );
  const byId = new Map(raw.map((r) => [r.id, r]));
  return ids.flatMap((id) => {
    const r = byId.get(id);
    return r ? [{ id, doc: decodeDoc(r.doc), version: r.version }] : [];
  });
}

/**
 * Stored form: `_id` first, every value encoded, as JSON text (a jsonb parameter would reorder the
 * fields); throws INVALID_PARAM before any SQL runs.
 */
export function storedForm(doc: Doc): { id: string; body: string } {
  const { _id, ...fields } = doc;
  return { id: idKey(_id), body: JSON.stringify(encodeDoc({ _id, ...fields })) };
}

function duplicateAware<T>(collection: string, run: () => Promise<T>): Promise<T> {
  return run().catch((error: unknown) => {
    if (isUniqueViolation(error)) {
      const constraint = (error as { constraint?: string }).constraint;
      throw duplicateKey(collection, !constraint || constraint === 'documents_pkey' ? '_id_' : constraint);
    }
    throw error;
  });
}

export async function insertRows(sql: SqlExecutor, kinds: FieldKinds, collection: string, docs: Doc[]): Promise<void> {
  if (docs.length === 0) return;
  await kinds.record(sql, collection, docs);
  const records = docs.map(storedForm);
  await duplicateAware(collection, () =>
    sql.query(
      `INSERT INTO documents (collection, id, body)
       SELECT $1, x.r ->> 'id', (x.r ->> 'body')::json FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS x(r, n)
       ORDER BY x.n`,
      [collection, JSON.stringify(records)],
    ),
  );
}

export async function updateRows(sql: SqlExecutor, kinds: FieldKinds, collection: string, docs: Doc[]): Promise<void> {
  if (docs.length === 0) return;
  await kinds.record(sql, collection, docs);
  const records = docs.map(storedForm);
  await duplicateAware(collection, () =>
    sql.query(
      `UPDATE documents d SET body = (x.r ->> 'body')::json, version = nextval('document_versions')
       FROM jsonb_array_elements($2::jsonb) AS x(r)
       WHERE d.collection = $1 AND d.id = x.r ->> 'id'`,
      [collection, JSON.stringify(records)],
    ),
  );
}

export async function deleteRows(sql: SqlExecutor, collection: string, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await sql.query(`DELETE FROM documents WHERE collection = $1 AND id = ANY($2::text[])`, [collection, ids]);
}

/** Current rows (locked for the rest of the SQL transaction), by docKey; absent documents are left out. */
export async function lockRows(
  sql: SqlExecutor,
  keys: Array<{ collection: string; key: string }>,
): Promise<Map<string, Row>> {
  if (keys.length === 0) return new Map();
  const raw = await sql.query<RawRow & { collection: string }>(
    `SELECT d.collection, d.id, d.body AS doc, d.version::text AS version
     FROM documents d JOIN jsonb_to_recordset($1::jsonb) AS k(collection text, id text)
       ON d.collection = k.collection AND d.id = k.id
     FOR UPDATE OF d`,
    [JSON.stringify(keys.map((k) => ({ collection: k.collection, id: k.key })))],
  );
  return new Map(raw.map((r) => [docKey(r.collection, r.id), { id: r.id, doc: decodeDoc(r.doc), version: r.version }]));
}

export function docKey(collection: string, id: string): string {
  return JSON.stringify([collection, id]);
}

/**
 * Sort with a limit that SQL cannot order: fetch only the sort fields of every match, let mingo
 * order those small objects (MongoDB's type order, arrays by min/max), then return the page's keys.
 */
export async function sortedKeys(sql: SqlExecutor, selection: Plan, options: FindOptions): Promise<string[]> {
  const fields = [...new Set((options.sort ?? []).map(([path]) => path.split('.')[0]))].filter((f) => f !== '_id');
  // json (not jsonb) keeps embedded documents' field order, which MongoDB compares by.
  const keyObject = fields.length
    ? `json_build_object(${fields.map((f) => `${quoteLiteral(f)}::text, body -> ${quoteLiteral(f)}`).join(', ')})`
    : `'{}'::json`;
  const raw = await sql.query<{ id: string; keys: unknown }>(
    `SELECT id, ${keyObject} AS keys FROM documents WHERE ${selection.where} ORDER BY seq`,
    selection.params.values,
  );
  const keyDocs = raw.map((r) => ({ ...decodeDoc(r.keys), _id: idFromKey(r.id) }));
  return runCursor(keyDocs, undefined, { sort: options.sort, skip: options.skip, limit: options.limit }).map((d) =>
    idKey(d._id),
  );
}
