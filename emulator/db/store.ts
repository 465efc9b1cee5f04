import { createHash } from 'node:crypto';
import { ChangeFeed } from './changes';
import { decodeDoc } from './codec';
import {
  compileQuery,
  isPlainObject,
  referencedCollections,
  runCursor,
  runPipeline,
  validateFindOptions,
  validatePipeline,
} from './engine';
import { idFromKey, idKey, newDocumentId } from './ids';
import { Mutex } from './mutex';
import type { FieldKinds } from './fieldkinds';
import type { GeoIndexes } from './geoindex';
import { orderBy as sqlOrderBy } from './pushdown';
import {
  collectionExists,
  deleteRows,
  docKey,
  ensureCollection,
  insertRows,
  lockRows,
  plan,
  requireCollection,
  selectByIds,
  selectRows,
  updateRows,
  validateCollectionName,
  type Plan,
  type Row,
} from './rows';
import { quoteLiteral, type SqlBackend, type SqlExecutor } from './sql';
import { OptimisticTransaction, type BufferedWrite, type Preimage, type TransactionHost } from './transaction';
import { writeConflict } from './transaction-errors';
import { applyUpdate, prepareUpdate, upsertDocument, type PreparedUpdate } from './update';
import { validateInsertBatch } from './validate';
import {
  StoreError,
  type Change,
  type Doc,
  type DocId,
  type DocumentStore,
  type FindOptions,
  type Query,
  type Transaction,
  type Update,
  type UpdateOptions,
  type UpdateResult,
} from './types';

type Compiled = ReturnType<typeof compileQuery>;

interface WriteOutcome<T> {
  result: T;
  changes: Change[];
  /** The committed state the write replaces, which open transactions must keep seeing. */
  before?: Preimage[];
}

export interface StoreSettings {
  transactionTimeoutMs: number;
  /** The database compares text bytewise (C collation), as MongoDB compares strings. */
  stringsInByteOrder: boolean;
  /** Called once the backend is closed (releases the data directory lock). */
  onClose?: () => void;
}

function shortHash(text: string): string {
  return createHash('sha1').update(text).digest('hex').slice(0, 12);
}

/** Writes are serialized in-process (one SQL transaction at a time) so changes publish in commit order. */
export class PostgresDocumentStore implements DocumentStore, TransactionHost {
  private readonly writes = new Mutex();
  private readonly feed = new ChangeFeed();
  private readonly transactions = new Map<string, OptimisticTransaction>();
  private closing: Promise<void> | undefined;

  constructor(
    private readonly sql: SqlBackend,
    readonly kinds: FieldKinds,
    readonly geo: GeoIndexes,
    private readonly settings: StoreSettings,
  ) {}

  get reader(): SqlExecutor {
    return this.sql;
  }

  // ---- reads ----

  async find(collection: string, query: Query, options: FindOptions = {}): Promise<Doc[]> {
    validateCollectionName(collection);
    const compiled = compileQuery(query);
    if (compiled.near) this.geo.requireFor(collection, compiled.near.path);
    validateFindOptions(options);
    this.assertOpen();
    await requireCollection(this.sql, collection);
    const kinds = this.kinds.of(collection);
    const selection = plan(collection, query, kinds);
    const { projection, skip: offset, limit } = options;
    if (selection.exact) {
      const orderBy = options.sort?.length ? sqlOrderBy(options.sort, kinds, this.settings.stringsInByteOrder) : 'seq';
      if (orderBy) {
        const rows = await selectRows(this.sql, selection, { orderBy, offset, limit });
        return runCursor(
          rows.map((r) => r.doc),
          undefined,
          { projection },
        );
      }
      if (limit) {
        const rows = await selectByIds(this.sql, collection, await this.sortedIds(selection, options));
        return runCursor(
          rows.map((r) => r.doc),
          undefined,
          { projection },
        );
      }
    }
    const rows = await selectRows(this.sql, selection);
    return runCursor(
      rows.map((r) => r.doc),
      selection.exact ? undefined : compiled,
      options,
    );
  }

  /**
   * Sort with a limit that SQL cannot order: fetch only the sort fields of every match, let mingo
   * order those small objects (MongoDB's type order, arrays by min/max), then fetch the page.
   */
  private async sortedIds(selection: Plan, options: FindOptions): Promise<string[]> {
    const fields = [...new Set((options.sort ?? []).map(([path]) => path.split('.')[0]))].filter((f) => f !== '_id');
    // json (not jsonb) keeps embedded documents' field order, which MongoDB compares by.
    const keyObject = fields.length
      ? `json_build_object(${fields.map((f) => `${quoteLiteral(f)}::text, body -> ${quoteLiteral(f)}`).join(', ')})`
      : `'{}'::json`;
    const raw = await this.sql.query<{ id: string; keys: unknown }>(
      `SELECT id, ${keyObject} AS keys FROM documents WHERE ${selection.where} ORDER BY seq`,
      selection.params.values,
    );
    const keyDocs = raw.map((r) => ({ ...decodeDoc(r.keys), _id: idFromKey(r.id) }));
    return runCursor(keyDocs, undefined, { sort: options.sort, skip: options.skip, limit: options.limit }).map((d) =>
      idKey(d._id),
    );
  }

  async count(collection: string, query: Query): Promise<number> {
    validateCollectionName(collection);
    const compiled = compileQuery(query);
    if (compiled.near) this.geo.requireFor(collection, compiled.near.path);
    this.assertOpen();
    await requireCollection(this.sql, collection);
    const selection = plan(collection, query, this.kinds.of(collection));
    if (selection.exact) {
      const [row] = await this.sql.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM documents WHERE ${selection.where}`,
        selection.params.values,
      );
      return row.n;
    }
    const rows = await selectRows(this.sql, selection);
    return rows.filter((r) => compiled.test(r.doc)).length;
  }

  async aggregate(collection: string, pipeline: Record<string, unknown>[]): Promise<Doc[]> {
    validateCollectionName(collection);
    validatePipeline(pipeline);
    const first = pipeline[0]?.$match;
    const narrowing = isPlainObject(first) ? first : {};
    if (isPlainObject(first)) compileQuery(first);
    this.assertOpen();
    await requireCollection(this.sql, collection);
    const rows = await selectRows(this.sql, plan(collection, narrowing, this.kinds.of(collection)));
    const others = new Map<string, Doc[]>();
    for (const name of referencedCollections(pipeline)) {
      const docs = await selectRows(this.sql, plan(name, {}, this.kinds.of(name)));
      others.set(
        name,
        docs.map((r) => r.doc),
      );
    }
    return runPipeline(
      rows.map((r) => r.doc),
      pipeline,
      others,
      this.geo.fields(collection),
    );
  }

  async listCollections(): Promise<string[]> {
    this.assertOpen();
    const rows = await this.sql.query<{ name: string }>(`SELECT name FROM collections ORDER BY name`);
    return rows.map((r) => r.name);
  }

  // ---- writes ----

  async insert(collection: string, docs: Doc[]): Promise<DocId[]> {
    validateCollectionName(collection);
    const prepared = validateInsertBatch(docs);
    return this.write(async (sql) => {
      await ensureCollection(sql, collection);
      await insertRows(sql, this.kinds, collection, prepared);
      return {
        result: prepared.map((d) => d._id),
        changes: prepared.map((doc) => ({ collection, type: 'insert', id: doc._id, doc })),
        before: prepared.map((doc) => ({ collection, key: idKey(doc._id), row: null })),
      };
    });
  }

  async update(collection: string, query: Query, update: Update, options: UpdateOptions = {}): Promise<UpdateResult> {
    validateCollectionName(collection);
    const compiled = compileQuery(query);
    const prepared = prepareUpdate(update, options.replace === true);
    return this.write(async (sql) => {
      const outcome = await this.updateWithin(sql, collection, query, compiled, prepared, {
        multi: options.multi !== false,
        upsert: options.upsert === true,
      });
      return outcome;
    });
  }

  async findOneAndUpdate(
    collection: string,
    query: Query,
    update: Update,
    options: { upsert?: boolean } = {},
  ): Promise<Doc | null> {
    validateCollectionName(collection);
    const compiled = compileQuery(query);
    const prepared = prepareUpdate(update, false);
    return this.write(async (sql) => {
      const outcome = await this.updateWithin(sql, collection, query, compiled, prepared, {
        multi: false,
        upsert: options.upsert === true,
      });
      return { ...outcome, result: outcome.docs[0] ?? null };
    });
  }

  private async updateWithin(
    sql: SqlExecutor,
    collection: string,
    query: Query,
    compiled: Compiled,
    prepared: PreparedUpdate,
    { multi, upsert }: { multi: boolean; upsert: boolean },
  ): Promise<WriteOutcome<UpdateResult> & { docs: Doc[] }> {
    const exists = await collectionExists(sql, collection);
    if (!exists && !upsert) {
      throw new StoreError('DATABASE_COLLECTION_NOT_EXIST', `collection '${collection}' does not exist`);
    }
    const matched = exists ? await this.matchForWrite(sql, collection, query, compiled, multi) : [];
    if (matched.length === 0 && upsert) {
      const { _id, ...fields } = upsertDocument(query, prepared);
      const inserted: Doc = { _id: _id ?? newDocumentId(), ...fields };
      await ensureCollection(sql, collection);
      await insertRows(sql, this.kinds, collection, [inserted]);
      const id = inserted._id;
      return {
        result: { matched: 0, modified: 0, upsertedId: id },
        changes: [{ collection, type: 'insert', id, doc: inserted }],
        before: [{ collection, key: idKey(id), row: null }],
        docs: [inserted],
      };
    }
    const updated = matched.map((row) => ({ row, ...applyUpdate(row.doc, prepared, query) }));
    const changed = updated.filter((u) => u.changed);
    await updateRows(
      sql,
      this.kinds,
      collection,
      changed.map((u) => u.doc),
    );
    const type = prepared.kind === 'replace' ? 'replace' : 'update';
    return {
      result: { matched: matched.length, modified: changed.length },
      changes: changed.map(({ doc }) => ({ collection, type, id: doc._id, doc })),
      before: changed.map(({ row }) => ({ collection, key: row.id, row })),
      docs: updated.map((u) => u.doc),
    };
  }

  /** Matching rows locked FOR UPDATE, so a concurrent writer on a shared server cannot slip in between. */
  private async matchForWrite(
    sql: SqlExecutor,
    collection: string,
    query: Query,
    compiled: Compiled,
    multi: boolean,
  ): Promise<Row[]> {
    const selection = plan(collection, query, this.kinds.of(collection));
    const rows = await selectRows(sql, selection, { forUpdate: true, limit: selection.exact && !multi ? 1 : 0 });
    const matched = selection.exact ? rows : rows.filter((r) => compiled.test(r.doc));
    return multi ? matched : matched.slice(0, 1);
  }

  async remove(collection: string, query: Query, options: { multi?: boolean } = {}): Promise<number> {
    validateCollectionName(collection);
    const compiled = compileQuery(query);
    return this.write(async (sql) => {
      await requireCollection(sql, collection);
      const matched = await this.matchForWrite(sql, collection, query, compiled, options.multi !== false);
      await deleteRows(
        sql,
        collection,
        matched.map((r) => r.id),
      );
      return {
        result: matched.length,
        changes: matched.map((r) => ({ collection, type: 'remove', id: r.doc._id })),
        before: matched.map((row) => ({ collection, key: row.id, row })),
      };
    });
  }

  async createCollection(name: string): Promise<void> {
    validateCollectionName(name);
    return this.write(async (sql) => {
      const created = await sql.query(
        `INSERT INTO collections (name) VALUES ($1) ON CONFLICT (name) DO NOTHING RETURNING name`,
        [name],
      );
      if (created.length === 0) {
        throw new StoreError('DATABASE_COLLECTION_ALREADY_EXIST', `collection '${name}' already exists`);
      }
      return { result: undefined, changes: [] };
    });
  }

  async dropCollection(name: string): Promise<void> {
    validateCollectionName(name);
    return this.write(async (sql) => {
      const dropped = await sql.query(`DELETE FROM collections WHERE name = $1 RETURNING name`, [name]);
      if (dropped.length === 0) {
        throw new StoreError('DATABASE_COLLECTION_NOT_EXIST', `collection '${name}' does not exist`);
      }
      // Open transactions keep seeing the dropped documents, so their bodies come back only then.
      const removed = await sql.query<{ id: string; doc: unknown; version: string }>(
        this.transactions.size
          ? `DELETE FROM documents WHERE collection = $1 RETURNING id, body AS doc, version::text AS version`
          : `DELETE FROM documents WHERE collection = $1`,
        [name],
      );
      await this.geo.drop(sql, name);
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
    });
  }

  /**
   * A btree over the key expressions, partial to the collection, in the exact form the pushdown
   * emits (`doc -> 'f' = v`, `ORDER BY doc -> 'f' ASC NULLS FIRST`), so equality prefixes and sorts
   * both use it; `unique` makes Postgres enforce it. Missing fields are NULL there, so unlike MongoDB
   * several documents may lack a unique field. Nested paths are served by the table-wide GIN index.
   */
  async ensureIndex(
    collection: string,
    keys: Record<string, 1 | -1 | '2dsphere'>,
    options: { unique?: boolean } = {},
  ): Promise<void> {
    validateCollectionName(collection);
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
    // A 2dsphere key is noted for geo queries (which scan); the other keys still get their btree.
    const geoFields = all.filter(([, d]) => d === '2dsphere').map(([p]) => p);
    const entries = all.filter((entry): entry is [string, 1 | -1] => entry[1] !== '2dsphere');
    if (entries.length === 0) {
      return this.write(async (sql) => {
        await ensureCollection(sql, collection);
        await this.geo.add(sql, collection, geoFields);
        return { result: undefined, changes: [] };
      });
    }
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
    const name = `ix_${shortHash(collection)}_${shortHash(JSON.stringify([entries, options.unique === true]))}`;
    const statement = `CREATE ${options.unique ? 'UNIQUE ' : ''}INDEX IF NOT EXISTS ${name} ON documents (${columns.join(', ')})
      WHERE collection = ${quoteLiteral(collection)}`;
    return this.write(async (sql) => {
      await ensureCollection(sql, collection);
      await sql.query(statement);
      await this.geo.add(sql, collection, geoFields);
      return { result: undefined, changes: [] };
    }).catch((error: unknown) => {
      if (error instanceof StoreError || (error as { code?: string }).code !== '23505') throw error;
      throw new StoreError('DATABASE_DUPLICATE_WRITE', `documents in '${collection}' violate the unique index`);
    });
  }

  // ---- transactions ----

  async startTransaction(): Promise<Transaction> {
    this.assertOpen();
    const tx = new OptimisticTransaction(this, this.settings.transactionTimeoutMs);
    this.transactions.set(tx.id, tx);
    return tx;
  }

  getTransaction(id: string): Transaction | undefined {
    return this.transactions.get(id);
  }

  release(id: string): void {
    this.transactions.delete(id);
  }

  readConsistent<T>(fn: () => Promise<T>): Promise<T> {
    return this.writes.run(fn);
  }

  writtenByOther(tx: OptimisticTransaction, collection: string, key: string): boolean {
    for (const other of this.transactions.values()) if (other !== tx && other.writes(collection, key)) return true;
    return false;
  }

  applyTransaction(writes: BufferedWrite[]): Promise<void> {
    return this.write(async (sql) => {
      const current = await lockRows(sql, writes);
      for (const w of writes) {
        if ((current.get(docKey(w.collection, w.key))?.version ?? null) !== w.base)
          throw writeConflict(w.collection, w.id);
      }
      const changes: Change[] = [];
      const before: Preimage[] = [];
      for (const w of writes) {
        const existing = current.get(docKey(w.collection, w.key)) ?? null;
        if (w.doc === null && !existing) continue;
        before.push({ collection: w.collection, key: w.key, row: existing });
        if (w.doc === null) {
          await deleteRows(sql, w.collection, [w.key]);
          changes.push({ collection: w.collection, type: 'remove', id: w.id });
        } else if (existing) {
          await updateRows(sql, this.kinds, w.collection, [w.doc]);
          const type = w.change === 'update' ? 'update' : 'replace';
          changes.push({ collection: w.collection, type, id: w.id, doc: w.doc });
        } else {
          await ensureCollection(sql, w.collection);
          await insertRows(sql, this.kinds, w.collection, [w.doc]);
          changes.push({ collection: w.collection, type: 'insert', id: w.id, doc: w.doc });
        }
      }
      return { result: undefined, changes, before };
    });
  }

  // ---- feed, import/export, lifecycle ----

  onChange(listener: (change: Change) => void): () => void {
    return this.feed.subscribe(listener);
  }

  async exportAll(): Promise<Record<string, Doc[]>> {
    this.assertOpen();
    const out: Record<string, Doc[]> = {};
    for (const name of await this.listCollections()) out[name] = [];
    const rows = await this.sql.query<{ collection: string; doc: unknown }>(
      `SELECT collection, body AS doc FROM documents ORDER BY collection, seq`,
    );
    for (const row of rows) (out[row.collection] ??= []).push(decodeDoc(row.doc));
    return out;
  }

  async importAll(data: Record<string, Doc[]>): Promise<void> {
    if (!isPlainObject(data)) throw new StoreError('INVALID_PARAM', 'import needs {collection: documents[]}');
    const batches = Object.entries(data).map(([name, docs]) => {
      validateCollectionName(name);
      return { name, docs: validateInsertBatch(docs) };
    });
    return this.write(async (sql) => {
      const changes: Change[] = [];
      const before: Preimage[] = [];
      for (const { name, docs } of batches) {
        const removed = await sql.query<{ id: string; doc: unknown; version: string }>(
          `DELETE FROM documents WHERE collection = $1 RETURNING id, body AS doc, version::text AS version`,
          [name],
        );
        for (const r of removed) {
          const row = { id: r.id, doc: decodeDoc(r.doc), version: r.version };
          changes.push({ collection: name, type: 'remove', id: row.doc._id });
          before.push({ collection: name, key: r.id, row });
        }
        await ensureCollection(sql, name);
        await insertRows(sql, this.kinds, name, docs);
        for (const doc of docs) {
          changes.push({ collection: name, type: 'insert', id: doc._id, doc });
          before.push({ collection: name, key: idKey(doc._id), row: null });
        }
      }
      return { result: undefined, changes, before };
    });
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      for (const tx of [...this.transactions.values()]) await tx.abort().catch(() => undefined);
      // Let writes already queued finish before the backend goes away.
      await this.writes.run(async () => undefined);
      await this.sql.close();
      this.settings.onClose?.();
    })();
    return this.closing;
  }

  private assertOpen(): void {
    if (this.closing) throw new Error('the document store is closed');
  }

  private write<T>(fn: (sql: SqlExecutor) => Promise<WriteOutcome<T>>): Promise<T> {
    this.assertOpen();
    return this.writes.run(async () => {
      const { result, changes, before } = await this.sql.transaction(fn);
      // Still inside the write lock, so no transaction reads between this commit and its snapshot.
      if (before?.length) for (const tx of this.transactions.values()) tx.remember(before);
      this.feed.publish(changes);
      return result;
    });
  }
}
