import { cloneDoc } from './codec';
import { compileQuery, runCursor, validateFindOptions, type CompiledQuery } from './engine';
import type { FieldKinds } from './fieldkinds';
import type { GeoIndexes } from './geoindex';
import { duplicateKey, idFromKey, idKey, newDocumentId } from './ids';
import { Mutex } from './mutex';
import {
  collectionExists,
  docKey,
  plan,
  selectByIds,
  selectRows,
  storedForm,
  validateCollectionName,
  type Row,
} from './rows';
import type { SqlExecutor } from './sql';
import { notExist, writeConflict } from './transaction-errors';
import { applyUpdate, prepareUpdate, upsertDocument } from './update';
import { validateInsertBatch } from './validate';
import {
  collectionNotExist,
  type Doc,
  type DocId,
  type FindOptions,
  type Query,
  type Transaction,
  type Update,
  type UpdateOptions,
  type UpdateResult,
} from './types';

/** A document's committed state as a transaction must keep seeing it (null: it did not exist). */
export interface Preimage {
  collection: string;
  key: string;
  row: Row | null;
}

/** A buffered write: the document's state at commit (null: removed), and the version it was based on. */
export interface BufferedWrite {
  collection: string;
  key: string;
  id: DocId;
  doc: Doc | null;
  change: 'insert' | 'update' | 'replace' | 'remove';
  /** The committed version when the transaction first wrote it (null: absent); commit checks it is unchanged. */
  base: string | null;
}

export interface TransactionHost {
  /** Committed state, read outside any SQL transaction. */
  readonly reader: SqlExecutor;
  readonly kinds: FieldKinds;
  readonly geo: GeoIndexes;
  /** Runs a read while no commit is half-published (commits register their preimages first). */
  readConsistent<T>(fn: () => Promise<T>): Promise<T>;
  /** Another open transaction holding a write on this document. */
  writtenByOther(tx: OptimisticTransaction, collection: string, key: string): boolean;
  /** Checks every base version and applies the writes in one SQL transaction, or throws CONFLICT. */
  applyTransaction(writes: BufferedWrite[]): Promise<void>;
  release(id: string): void;
}

interface Entry {
  key: string;
  doc: Doc;
  /** Committed version (null: only in this transaction's buffer). */
  version: string | null;
}

/**
 * CloudBase transactions are MongoDB's: snapshot isolation over several HTTP requests, so no SQL
 * transaction stays open between them. Reads see the committed state as of the transaction's first
 * read or write (MongoDB takes its snapshot then, not at startTransaction): every commit made since
 * hands its preimages to each started transaction (`remember`), and reads put those in place of the
 * newer rows. A write to a document that changed since the start, or that
 * another open transaction has written, fails at once with a write conflict and ends the
 * transaction (MongoDB aborts it; the SDK's runTransaction then retries with a new one). Documents
 * only read never conflict. Commit re-checks the written documents' versions, which also catches a
 * plain write that slipped in after this transaction's write (MongoDB would have made it wait).
 */
export class OptimisticTransaction implements Transaction {
  readonly id = newDocumentId();
  private open = true;
  /** The snapshot is taken at the first read or write; commits before it are simply visible. */
  private started = false;
  private readonly snapshot = new Map<string, Preimage>();
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

  /** Called by the store with the state a commit replaced; the first preimage of a document wins. */
  remember(preimages: Preimage[]): void {
    if (!this.started) return;
    for (const p of preimages) {
      const key = docKey(p.collection, p.key);
      if (!this.snapshot.has(key)) this.snapshot.set(key, p);
    }
  }

  writes(collection: string, key: string): boolean {
    return this.buffer.has(docKey(collection, key));
  }

  async find(collection: string, query: Query, options: FindOptions = {}): Promise<Doc[]> {
    validateCollectionName(collection);
    const compiled = compileQuery(query);
    if (compiled.near) this.host.geo.requireFor(collection, compiled.near.path);
    validateFindOptions(options);
    return this.run(async () => {
      const entries = await this.matching(collection, query, compiled);
      return runCursor(
        entries.map((e) => e.doc),
        undefined,
        options,
        compiled.near,
      );
    });
  }

  async insert(collection: string, docs: Doc[]): Promise<DocId[]> {
    validateCollectionName(collection);
    const prepared = validateInsertBatch(collection, docs);
    return this.run(async () => {
      const exists = await this.collectionVisible(collection, true);
      const keys = prepared.map((doc) => idKey(doc._id));
      const bases = await this.checkAbsent(collection, keys, exists);
      if (!exists) this.createdCollections.add(collection);
      prepared.forEach((doc, i) => this.write(collection, keys[i], doc, 'insert', bases[i]));
      return prepared.map((d) => d._id);
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
        const { id: key } = storedForm(doc);
        const exists = await this.collectionVisible(collection, true);
        const [base] = await this.checkAbsent(collection, [key], exists);
        if (!exists) this.createdCollections.add(collection);
        this.write(collection, key, doc, 'insert', base);
        return { matched: 0, modified: 0, upsertedId: doc._id };
      }
      // Compute every new version before buffering any, so a failing document leaves nothing behind.
      const updated = matches.map((entry) => ({ entry, ...applyUpdate(entry.doc, prepared, query) }));
      for (const { doc } of updated) storedForm(doc);
      for (const { entry } of updated) this.claim(collection, entry);
      for (const { entry, doc, changed } of updated) {
        if (changed) this.write(collection, entry.key, doc, options.replace ? 'replace' : 'update', entry.version);
      }
      return { matched: matches.length, modified: updated.filter((u) => u.changed).length };
    });
  }

  async remove(collection: string, query: Query, options: { multi?: boolean } = {}): Promise<number> {
    validateCollectionName(collection);
    const compiled = compileQuery(query);
    return this.run(async () => {
      let matches = await this.matching(collection, query, compiled);
      if (options.multi === false) matches = matches.slice(0, 1);
      for (const entry of matches) this.claim(collection, entry);
      for (const entry of matches) {
        const previous = this.buffer.get(docKey(collection, entry.key));
        this.buffer.set(docKey(collection, entry.key), {
          collection,
          key: entry.key,
          id: entry.doc._id,
          doc: null,
          change: 'remove',
          base: previous ? previous.base : entry.version,
        });
      }
      return matches.length;
    });
  }

  commit(): Promise<void> {
    return this.locked(async () => {
      this.finish();
      await this.host.applyTransaction([...this.buffer.values()]);
    });
  }

  abort(): Promise<void> {
    return this.locked(async () => this.finish());
  }

  private finish(): void {
    this.open = false;
    clearTimeout(this.timer);
    this.host.release(this.id);
  }

  /** A read or write: the first one takes the snapshot. */
  private run<T>(fn: () => Promise<T>): Promise<T> {
    return this.locked(async () => {
      this.started = true;
      return fn();
    });
  }

  private locked<T>(fn: () => Promise<T>): Promise<T> {
    return this.lock.run(async () => {
      if (!this.open) throw notExist();
      return fn();
    });
  }

  /** A write to a document changed since the snapshot, or held by another transaction, ends this one. */
  private claim(collection: string, entry: Entry): void {
    const key = docKey(collection, entry.key);
    if (this.buffer.has(key)) return;
    if (this.snapshot.has(key) || this.host.writtenByOther(this, collection, entry.key)) {
      this.finish();
      throw writeConflict(collection, entry.doc._id);
    }
  }

  private write(collection: string, key: string, doc: Doc, change: BufferedWrite['change'], base: string | null): void {
    const slot = docKey(collection, key);
    const previous = this.buffer.get(slot);
    // A document this transaction inserted stays an insert, whatever happens to it afterwards.
    const kind = previous?.change === 'insert' ? 'insert' : change;
    this.buffer.set(slot, {
      collection,
      key,
      id: doc._id,
      doc: cloneDoc(doc),
      change: kind,
      base: previous ? previous.base : base,
    });
  }

  private async collectionVisible(collection: string, allowMissing = false): Promise<boolean> {
    if (this.createdCollections.has(collection) || (await collectionExists(this.host.reader, collection))) {
      return true;
    }
    if (allowMissing) return false;
    throw collectionNotExist(collection);
  }

  /** Keys an insert may take: absent in this transaction's view (else a duplicate) and in nobody else's way. */
  private async checkAbsent(collection: string, keys: string[], exists: boolean): Promise<Array<string | null>> {
    const current = exists ? await this.host.readConsistent(() => selectByIds(this.host.reader, collection, keys)) : [];
    const versions = new Map(current.map((r) => [r.id, r.version]));
    return keys.map((key) => {
      const slot = docKey(collection, key);
      const buffered = this.buffer.get(slot);
      if (buffered?.doc) throw duplicateKey(collection, '_id_', buffered.id);
      if (buffered) return buffered.base;
      const snap = this.snapshot.get(slot);
      const visible = snap ? snap.row !== null : versions.has(key);
      if (visible) throw duplicateKey(collection, '_id_', idFromKey(key));
      if (snap || this.host.writtenByOther(this, collection, key)) {
        this.finish();
        throw writeConflict(collection, key);
      }
      return null;
    });
  }

  /** Matching documents as of the snapshot, overlaid with this transaction's own writes, in natural order. */
  private async matching(
    collection: string,
    query: Query,
    compiled: CompiledQuery,
    allowMissing = false,
  ): Promise<Entry[]> {
    if (!(await this.collectionVisible(collection, allowMissing))) return [];
    const selection = plan(collection, query, this.host.kinds.of(collection));
    const rows = await this.host.readConsistent(() => selectRows(this.host.reader, selection));
    const out: Entry[] = [];
    const placed = new Set<string>();
    const consider = (key: string, row: Row | null, exact: boolean) => {
      const slot = docKey(collection, key);
      if (placed.has(slot)) return;
      placed.add(slot);
      const buffered = this.buffer.get(slot);
      if (buffered) {
        if (buffered.doc && compiled.test(buffered.doc)) out.push({ key, doc: cloneDoc(buffered.doc), version: null });
        return;
      }
      const snap = this.snapshot.get(slot);
      const seen = snap ? snap.row : row;
      if (seen && ((exact && !snap) || compiled.test(seen.doc))) {
        out.push({ key, doc: snap ? cloneDoc(seen.doc) : seen.doc, version: seen.version });
      }
    };
    for (const row of rows) consider(row.id, row, selection.exact);
    for (const p of this.snapshot.values()) if (p.collection === collection) consider(p.key, p.row, false);
    for (const b of this.buffer.values()) if (b.collection === collection) consider(b.key, null, false);
    return out;
  }
}
