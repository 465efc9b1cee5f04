import { cloneDoc } from './codec';
import { compileQuery, runCursor, validateFindOptions } from './engine';
import { newDocumentId } from './ids';
import { Mutex } from './mutex';
import type { FieldKinds } from './fieldkinds';
import type { GeoIndexes } from './geoindex';
import { collectionExists, docKey, plan, selectRows, storedForm, validateCollectionName } from './rows';
import { validateInsertBatch } from './validate';
import type { SqlExecutor } from './sql';
import { applyUpdate, prepareUpdate, upsertDocument } from './update';
import {
  StoreError,
  type Doc,
  type FindOptions,
  type Query,
  type Transaction,
  type Update,
  type UpdateOptions,
  type UpdateResult,
} from './types';

/** The version a transaction saw for a document; null: it did not exist. */
export interface SeenVersion {
  collection: string;
  id: string;
  version: string | null;
}

/** A buffered write: the document's state at commit (null: removed). */
export interface BufferedWrite {
  collection: string;
  id: string;
  doc: Doc | null;
  change: 'insert' | 'update' | 'replace' | 'remove';
}

export interface TransactionHost {
  /** Committed state, read outside any SQL transaction. */
  readonly reader: SqlExecutor;
  readonly kinds: FieldKinds;
  readonly geo: GeoIndexes;
  /** Checks every seen version and applies the writes in one SQL transaction, or throws CONFLICT. */
  applyTransaction(seen: SeenVersion[], writes: BufferedWrite[]): Promise<void>;
  release(id: string): void;
}

/**
 * CloudBase transactions span several HTTP requests, so no SQL transaction stays open between
 * them: reads record the versions they saw, writes wait in a buffer that later reads see, and
 * commit re-checks every version inside one SQL transaction (first committer wins).
 */
export class OptimisticTransaction implements Transaction {
  readonly id = newDocumentId();
  private open = true;
  private readonly seen = new Map<string, SeenVersion>();
  private readonly buffer = new Map<string, BufferedWrite>();
  private readonly createdCollections = new Set<string>();
  private readonly lock = new Mutex();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly host: TransactionHost,
    timeoutMs: number,
  ) {
    this.timer = setTimeout(() => void this.abort().catch(() => undefined), timeoutMs);
    // An idle emulator must be able to exit while a forgotten transaction waits for its timeout.
    this.timer.unref();
  }

  get isOpen(): boolean {
    return this.open;
  }

  async find(collection: string, query: Query, options: FindOptions = {}): Promise<Doc[]> {
    validateCollectionName(collection);
    const compiled = compileQuery(query);
    if (compiled.near) this.host.geo.requireFor(collection, compiled.near.path);
    validateFindOptions(options);
    return this.run(async () =>
      runCursor(await this.matching(collection, query, compiled), undefined, options, compiled.near),
    );
  }

  async insert(collection: string, docs: Doc[]): Promise<string[]> {
    validateCollectionName(collection);
    const prepared = validateInsertBatch(docs);
    return this.run(async () => {
      const exists = await this.collectionVisible(collection, true);
      for (const doc of prepared) await this.checkAbsent(collection, doc._id as string, exists);
      if (!exists) this.createdCollections.add(collection);
      for (const doc of prepared) this.write(collection, doc, 'insert');
      return prepared.map((d) => d._id as string);
    });
  }

  async update(collection: string, query: Query, update: Update, options: UpdateOptions = {}): Promise<UpdateResult> {
    validateCollectionName(collection);
    const compiled = compileQuery(query);
    const prepared = prepareUpdate(update, options.replace === true);
    return this.run(async () => {
      let matches = await this.matching(collection, query, compiled, options.upsert === true);
      if (options.multi === false) matches = matches.slice(0, 1);
      if (matches.length === 0 && options.upsert) {
        const { _id, ...fields } = upsertDocument(query, prepared);
        const doc: Doc = { _id: _id ?? newDocumentId(), ...fields };
        storedForm(doc);
        const exists = await this.collectionVisible(collection, true);
        await this.checkAbsent(collection, doc._id as string, exists);
        if (!exists) this.createdCollections.add(collection);
        this.write(collection, doc, 'insert');
        return { matched: 0, modified: 0, upsertedId: doc._id as string };
      }
      // Compute every new version before buffering any, so a failing document leaves nothing behind.
      const updated = matches.map((doc) => applyUpdate(doc, prepared, query));
      for (const { doc } of updated) storedForm(doc);
      const changed = updated.filter((u) => u.changed);
      for (const { doc } of changed) this.write(collection, doc, options.replace ? 'replace' : 'update');
      return { matched: matches.length, modified: changed.length };
    });
  }

  async remove(collection: string, query: Query, options: { multi?: boolean } = {}): Promise<number> {
    validateCollectionName(collection);
    const compiled = compileQuery(query);
    return this.run(async () => {
      let matches = await this.matching(collection, query, compiled);
      if (options.multi === false) matches = matches.slice(0, 1);
      for (const doc of matches) {
        this.buffer.set(docKey(collection, doc._id as string), {
          collection,
          id: doc._id as string,
          doc: null,
          change: 'remove',
        });
      }
      return matches.length;
    });
  }

  commit(): Promise<void> {
    return this.run(async () => {
      this.finish();
      await this.host.applyTransaction([...this.seen.values()], [...this.buffer.values()]);
    });
  }

  abort(): Promise<void> {
    return this.run(async () => this.finish());
  }

  private finish(): void {
    this.open = false;
    clearTimeout(this.timer);
    this.host.release(this.id);
  }

  private run<T>(fn: () => Promise<T>): Promise<T> {
    return this.lock.run(async () => {
      if (!this.open) {
        throw new StoreError('DATABASE_TRANSACTION_NOT_FOUND', `transaction ${this.id} is not open`);
      }
      return fn();
    });
  }

  private see(collection: string, id: string, version: string | null): void {
    const key = docKey(collection, id);
    if (!this.seen.has(key)) this.seen.set(key, { collection, id, version });
  }

  private write(collection: string, doc: Doc, change: BufferedWrite['change']): void {
    const id = doc._id as string;
    const key = docKey(collection, id);
    const previous = this.buffer.get(key);
    // A document this transaction inserted stays an insert, whatever happens to it afterwards.
    const kind = previous?.change === 'insert' && change !== 'remove' ? 'insert' : change;
    this.buffer.set(key, { collection, id, doc: cloneDoc(doc), change: kind });
  }

  private async collectionVisible(collection: string, allowMissing = false): Promise<boolean> {
    if (this.createdCollections.has(collection) || (await collectionExists(this.host.reader, collection))) {
      return true;
    }
    if (allowMissing) return false;
    throw new StoreError('DATABASE_COLLECTION_NOT_EXIST', `collection '${collection}' does not exist`);
  }

  private async checkAbsent(collection: string, id: string, collectionExists: boolean): Promise<void> {
    const key = docKey(collection, id);
    const buffered = this.buffer.get(key);
    if (buffered?.doc) throw new StoreError('DATABASE_DUPLICATE_WRITE', `duplicate _id '${id}' in '${collection}'`);
    if (buffered || !collectionExists) {
      this.see(collection, id, this.seen.get(key)?.version ?? null);
      return;
    }
    const rows = await this.host.reader.query<{ version: string }>(
      `SELECT version::text AS version FROM documents WHERE collection = $1 AND id = $2`,
      [collection, id],
    );
    if (rows.length) throw new StoreError('DATABASE_DUPLICATE_WRITE', `duplicate _id '${id}' in '${collection}'`);
    this.see(collection, id, null);
  }

  /** Matching documents as this transaction sees them: committed rows overlaid with its own writes. */
  private async matching(
    collection: string,
    query: Query,
    compiled: ReturnType<typeof compileQuery>,
    allowMissing = false,
  ): Promise<Doc[]> {
    if (!(await this.collectionVisible(collection, allowMissing))) return [];
    const selection = plan(collection, query, this.host.kinds.of(collection));
    const rows = await selectRows(this.host.reader, selection);
    const out: Doc[] = [];
    const placed = new Set<string>();
    for (const row of rows) {
      const key = docKey(collection, row.id);
      const buffered = this.buffer.get(key);
      if (buffered) {
        placed.add(key);
        if (buffered.doc && compiled.test(buffered.doc)) out.push(cloneDoc(buffered.doc));
      } else if (selection.exact || compiled.test(row.doc)) {
        this.see(collection, row.id, row.version);
        out.push(row.doc);
      }
    }
    for (const [key, buffered] of this.buffer) {
      if (buffered.collection === collection && !placed.has(key) && buffered.doc && compiled.test(buffered.doc)) {
        out.push(cloneDoc(buffered.doc));
      }
    }
    return out;
  }
}
