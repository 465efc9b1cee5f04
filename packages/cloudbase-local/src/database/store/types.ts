/**
 * The local cloud's document store: MongoDB query/update/aggregate semantics over PostgreSQL rows
 * (PGlite embedded by default, a real server with DATABASE_URL). Values are plain JS values
 * (Date, RegExp, number, string, boolean, null, arrays, objects); the wire protocol layer turns
 * the SDK's Extended JSON into these before calling the store.
 */
import type { DataDirLock } from '../../lock';

export type Doc = { _id?: unknown } & Record<string, unknown>;
/** A document's `_id`: any value but an array, a regular expression or undefined (MongoDB's rule). */
export type DocId = unknown;
export type Query = Record<string, unknown>;
export type Update = Record<string, unknown>;
export type SortSpec = Array<[field: string, direction: 1 | -1]>;
export type Projection = Record<string, 0 | 1 | boolean | Record<string, unknown>>;

export interface FindOptions {
  sort?: SortSpec;
  skip?: number;
  limit?: number;
  projection?: Projection;
}

export interface UpdateOptions {
  /** false: first match only (doc().update, updateOne); true (default): every match (where().update). */
  multi?: boolean;
  upsert?: boolean;
  /** true: `update` is a whole replacement document (doc().set()), not operators. */
  replace?: boolean;
}

export interface UpdateResult {
  matched: number;
  modified: number;
  upsertedId?: DocId;
}

/** Error codes follow CloudBase's database errors so the wire layer can pass them through. */
export type StoreErrorCode =
  | 'DATABASE_COLLECTION_NOT_EXIST'
  | 'DATABASE_COLLECTION_ALREADY_EXIST'
  | 'DATABASE_DUPLICATE_WRITE'
  | 'DATABASE_TRANSACTION_CONFLICT'
  | 'DATABASE_TRANSACTION_FAIL'
  | 'INVALID_PARAM'
  | 'NOT_SUPPORTED';

export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    /** What the local cloud knows beyond CloudBase's exact message: logged, never answered. */
    readonly detail?: string,
  ) {
    super(message);
    this.name = 'StoreError';
  }
}

/**
 * CloudBase's answer to a read or write of a collection never created, as its API words it; where
 * collections come from is the detail.
 */
export function collectionNotExist(name: string): StoreError {
  return new StoreError(
    'DATABASE_COLLECTION_NOT_EXIST',
    '[ResourceNotFound] Db or Table not exist. Please check your request, but if the problem cannot be solved, contact us.',
    `collection '${name}' does not exist: create it with --import DIR (a ${name}.jsonl file; an empty one makes it empty), in a collections file (collections.json), or in the inspector (/_/)`,
  );
}

export type Change =
  | { collection: string; type: 'insert'; id: DocId; doc: Doc }
  | { collection: string; type: 'update' | 'replace'; id: DocId; doc: Doc }
  | { collection: string; type: 'remove'; id: DocId };

/** Operations shared by the store and a transaction. */
export interface DocumentOps {
  find(collection: string, query: Query, options?: FindOptions): Promise<Doc[]>;
  /** Inserts and returns the `_id`s in order; generates a 32-hex `_id` when absent. */
  insert(collection: string, docs: Doc[]): Promise<DocId[]>;
  update(collection: string, query: Query, update: Update, options?: UpdateOptions): Promise<UpdateResult>;
  /** `multi` defaults to true; false removes the first match (in insertion order) only. */
  remove(collection: string, query: Query, options?: { multi?: boolean }): Promise<number>;
}

export interface Transaction extends DocumentOps {
  readonly id: string;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

export interface DocumentStore extends DocumentOps {
  count(collection: string, query: Query): Promise<number>;
  /** modifyAndReturnDoc: atomically updates the first match and returns it (after the update). */
  findOneAndUpdate(
    collection: string,
    query: Query,
    update: Update,
    options?: { upsert?: boolean },
  ): Promise<Doc | null>;
  aggregate(collection: string, pipeline: Record<string, unknown>[]): Promise<Doc[]>;

  listCollections(): Promise<string[]>;
  /** Whether the collection was created (CloudBase refuses reads and writes of one that was not). */
  hasCollection(name: string): Promise<boolean>;
  /** CloudBase auto-creates on first insert; this is db.createCollection (errors when it exists). */
  createCollection(name: string): Promise<void>;
  dropCollection(name: string): Promise<void>;
  /**
   * Declares an index (from database/collections.json); the store may use it to push predicates
   * down. A `2dsphere` key enables $near, $nearSphere and $geoNear on that field, as in MongoDB.
   */
  ensureIndex?(
    collection: string,
    keys: Record<string, 1 | -1 | '2dsphere'>,
    options?: { unique?: boolean },
  ): Promise<void>;

  /** Snapshot-isolated transaction: reads see its start; a conflicting write fails with DATABASE_TRANSACTION_CONFLICT. */
  startTransaction(): Promise<Transaction>;
  getTransaction(id: string): Transaction | undefined;

  /** Every committed change, in commit order (feeds watch()). Returns an unsubscribe function. */
  onChange(listener: (change: Change) => void): () => void;

  /** Every document of every collection, for --export-on-exit. */
  exportAll(): Promise<Record<string, Doc[]>>;
  /** Replaces the named collections' contents, for --import. */
  importAll(data: Record<string, Doc[]>): Promise<void>;

  close(): Promise<void>;
}

export interface OpenStoreOptions {
  /**
   * Folder for PGlite's files; undefined means in-memory (tests). Ignored with databaseUrl.
   * The store keeps Postgres' files in `<dataDir>/pgdata` and holds the data folder's lock while open.
   */
  dataDir?: string;
  /** The lock on dataDir when the caller already holds it (the local cloud); it stays the caller's to release. */
  lock?: DataDirLock;
  /** postgres://... of a real PostgreSQL server. */
  databaseUrl?: string;
  /** Postgres schema holding the store's tables (default `public`); lets tests share one server. */
  schema?: string;
  /** Open transactions older than this are aborted (default 30 000 ms, CloudBase's limit). */
  transactionTimeoutMs?: number;
}
