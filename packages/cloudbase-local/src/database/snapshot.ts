/**
 * The database's part of an export over HTTP, of "clear all data" and of the live events: every
 * collection's documents in Extended JSON (dates as ISO strings), the shape of the `.jsonl` export
 * held in one JSON value.
 */
import type { LiveEvent, RestoreStep } from '../service';
import { RestoreError } from '../service';
import * as ejson from '../wire/ejson';
import { isPlainObject } from '../wire/objects';
import { COLLECTION_NAME } from './config';
import { StoreError, type Doc, type DocumentStore } from './store/types';

export interface DatabaseSnapshot {
  collections: Record<string, unknown[]>;
}

export async function snapshot(store: DocumentStore): Promise<DatabaseSnapshot> {
  const data = await store.exportAll();
  const collections: Record<string, unknown[]> = {};
  for (const [name, docs] of Object.entries(data))
    collections[name] = docs.map((doc) => ejson.encode(doc, { dates: 'iso' }));
  return { collections };
}

/** Checks a snapshot; loading it replaces the collections it names (others stay as they are). */
export function prepareRestore(store: DocumentStore, part: unknown): RestoreStep {
  if (!isPlainObject(part) || !isPlainObject(part.collections)) {
    throw new RestoreError('database: expected {"collections": {"<name>": [documents]}}');
  }
  const now = new Date();
  const data: Record<string, Doc[]> = {};
  for (const [name, docs] of Object.entries(part.collections)) {
    if (!COLLECTION_NAME.test(name)) throw new RestoreError(`database: "${name}" is not a valid collection name`);
    if (!Array.isArray(docs)) throw new RestoreError(`database: ${name} must be a list of documents`);
    data[name] = docs.map((doc: unknown, index) => {
      let decoded: unknown;
      try {
        decoded = ejson.decode(doc, { now });
      } catch (error) {
        throw new RestoreError(`database: ${name}[${index}]: ${(error as Error).message}`);
      }
      if (!isPlainObject(decoded)) throw new RestoreError(`database: ${name}[${index}] is not a document`);
      return decoded;
    });
  }
  return async () => {
    try {
      await store.importAll(data);
    } catch (error) {
      // The store checks every document before it writes any: nothing was loaded.
      if (error instanceof StoreError) throw new RestoreError(`database: ${error.message}`);
      throw error;
    }
    const counts = Object.entries(data).map(([name, docs]) => `${name} ${docs.length}`);
    return counts.join(', ') || 'no collections';
  };
}

/** Empties every collection in one transaction; the collections stay, as the console created them. */
export async function clear(store: DocumentStore): Promise<string> {
  const names = await store.listCollections();
  let removed = 0;
  for (const name of names) removed += await store.count(name, {});
  await store.importAll(Object.fromEntries(names.map((name) => [name, []])));
  return `${removed} documents removed from ${names.length} collections`;
}

/** Each committed change, as `{type: 'change', data: {collection, type, id}}`. */
export function watch(store: DocumentStore, emit: (event: LiveEvent) => void): () => void {
  return store.onChange((change) =>
    emit({ type: 'change', data: { collection: change.collection, type: change.type, id: change.id } }),
  );
}
