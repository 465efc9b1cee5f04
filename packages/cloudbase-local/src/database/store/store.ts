import { applyWrites, replaceCollections, type WriteOutcome } from './commit';
import { createCollectionRow, dropCollectionRows, exportCollections, indexPlan } from './collections';
import { ChangeFeed } from './changes';
import {
  compileQuery,
  isPlainObject,
  referencedCollections,
  runCursor,
  runPipeline,
  validateFindOptions,
  validatePipeline,
} from './engine';
import { idKey, newDocumentId } from './ids';
import { Mutex } from './mutex';
import type { FieldKinds } from './fieldkinds';
import type { GeoIndexes } from './geoindex';
import { orderBy as sqlOrderBy } from './pushdown';
import {
  collectionExists,
  deleteRows,
  ensureCollection,
  insertRows,
  plan,
  requireCollection,
  selectByIds,
  selectRows,
  sortedKeys,
  updateRows,
  validateCollectionName,
  type Row,
} from './rows';
import type { SqlBackend, SqlExecutor } from './sql';
import { OptimisticTransaction, type BufferedWrite, type TransactionHost } from './transaction';
import { applyUpdate, prepareUpdate, upsertDocument, type PreparedUpdate } from './update';
import { validateInsertBatch } from './validate';
import {
  collectionNotExist,
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

export interface StoreSettings {
  transactionTimeoutMs: number;
  /** Called once the backend is closed (releases the data directory lock). */
  onClose?: () => void;
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
    const facts = this.kinds.of(collection);
    const selection = plan(collection, query, facts);
    const { projection, skip: offset, limit } = options;
    if (selection.exact) {
      const orderBy = options.sort?.length ? sqlOrderBy(options.sort, facts, selection.present) : 'seq';
      if (orderBy) {
        const rows = await selectRows(this.sql, selection, { orderBy, offset, limit });
        return runCursor(
          rows.map((r) => r.doc),
          undefined,
          { projection },
        );
      }
      if (limit) {
        const rows = await selectByIds(this.sql, collection, await sortedKeys(this.sql, selection, options));
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

  async hasCollection(name: string): Promise<boolean> {
    this.assertOpen();
    return collectionExists(this.sql, name);
  }

  async listCollections(): Promise<string[]> {
    this.assertOpen();
    const rows = await this.sql.query<{ name: string }>(`SELECT name FROM collections ORDER BY name`);
    return rows.map((r) => r.name);
  }

  // ---- writes ----

  async insert(collection: string, docs: Doc[]): Promise<DocId[]> {
    validateCollectionName(collection);
    const prepared = validateInsertBatch(collection, docs);
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
      throw collectionNotExist(collection);
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
    return this.write((sql) => createCollectionRow(sql, name));
  }

  async dropCollection(name: string): Promise<void> {
    validateCollectionName(name);
    // Open transactions keep seeing the dropped documents, so their bodies come back only then.
    return this.write((sql) => dropCollectionRows(sql, this.geo, name, this.transactions.size > 0));
  }

  /** See indexPlan: a btree for 1/-1 keys (the pushdown's expressions), a 2dsphere key noted for geo queries. */
  async ensureIndex(
    collection: string,
    keys: Record<string, 1 | -1 | '2dsphere'>,
    options: { unique?: boolean } = {},
  ): Promise<void> {
    validateCollectionName(collection);
    const { statement, geoFields } = indexPlan(collection, keys, options.unique === true);
    return this.write(async (sql) => {
      await ensureCollection(sql, collection);
      if (statement) await sql.query(statement);
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
    return this.write((sql) => applyWrites(sql, this.kinds, writes));
  }

  // ---- feed, import/export, lifecycle ----

  onChange(listener: (change: Change) => void): () => void {
    return this.feed.subscribe(listener);
  }

  async exportAll(): Promise<Record<string, Doc[]>> {
    this.assertOpen();
    return exportCollections(this.sql);
  }

  async importAll(data: Record<string, Doc[]>): Promise<void> {
    if (!isPlainObject(data)) throw new StoreError('INVALID_PARAM', 'import needs {collection: documents[]}');
    const batches = Object.entries(data).map(([name, docs]) => {
      validateCollectionName(name);
      return { name, docs: validateInsertBatch(name, docs) };
    });
    return this.write((sql) => replaceCollections(sql, this.kinds, batches));
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
