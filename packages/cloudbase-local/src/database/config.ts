/**
 * Applies database/collections.json to a store: creates the declared collections (CloudBase
 * requires a collection to exist before any read or write) and their indexes.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DocumentStore } from './store/types';

/** The collection names the local cloud accepts: 1-128 of a-z, A-Z, 0-9, `_` and `-`. */
export const COLLECTION_NAME = /^[A-Za-z0-9_-]{1,128}$/;

export interface IndexSpec {
  name: string;
  /** 1 or -1 per field for a btree; '2dsphere' for a geo index (geoNear needs one, as on CloudBase). */
  keys: Record<string, 1 | -1 | '2dsphere'>;
  unique?: boolean;
}

export interface CollectionSpec {
  description?: string;
  /** CloudBase custom security rules; enforced for client access only, never for functions. */
  rules: { read: string | boolean; write: string | boolean };
  indexes?: IndexSpec[];
}

export interface DatabaseConfig {
  collections: Record<string, CollectionSpec>;
}

export function readDatabaseConfig(dir: string): DatabaseConfig {
  const file = join(dir, 'collections.json');
  if (!existsSync(file)) return { collections: {} };
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<DatabaseConfig>;
  if (typeof parsed.collections !== 'object' || parsed.collections === null) {
    throw new Error(`${file}: "collections" must be an object of collection specs`);
  }
  for (const name of Object.keys(parsed.collections)) {
    if (!COLLECTION_NAME.test(name)) throw new Error(`${file}: "${name}" is not a valid collection name`);
  }
  return { collections: parsed.collections };
}

/** Creates what is missing; returns the names of the collections it created. */
export async function applyDatabaseConfig(store: DocumentStore, config: DatabaseConfig): Promise<string[]> {
  const existing = new Set(await store.listCollections());
  const created: string[] = [];
  for (const [name, spec] of Object.entries(config.collections)) {
    if (!existing.has(name)) {
      await store.createCollection(name);
      created.push(name);
    }
    for (const index of spec.indexes ?? []) {
      await store.ensureIndex?.(name, index.keys, { unique: index.unique });
    }
  }
  return created;
}
