import { randomBytes } from 'node:crypto';
import { decodeValue, encodeValue, wellFormed } from './codec';
import { StoreError } from './types';

/** CloudBase-style document id: 32 lowercase hex characters. */
export function newDocumentId(): string {
  return randomBytes(16).toString('hex');
}

/** Marks a row key that encodes a non-string `_id` (or a string that would not fit a text column as is). */
const ENCODED = '\u0001';

/** MongoDB accepts any `_id` but an array, a regular expression or undefined. */
export function checkId(id: unknown): void {
  if (id === undefined) throw new StoreError('INVALID_PARAM', '_id is missing');
  if (Array.isArray(id)) throw new StoreError('INVALID_PARAM', "can't use an array for _id");
  if (id instanceof RegExp) throw new StoreError('INVALID_PARAM', "can't use a regex for _id");
}

/**
 * The text key a document's row is stored under: a string `_id` as itself (so existing keys and
 * indexes stay plain), any other `_id` as its stored JSON behind a \u0001 marker. Equal `_id`s in
 * MongoDB's sense give equal keys: numbers by value, embedded documents field by field in order.
 */
export function idKey(id: unknown): string {
  checkId(id);
  if (typeof id === 'string' && !id.includes('\0') && !id.startsWith(ENCODED)) return wellFormed(id);
  return ENCODED + JSON.stringify(encodeValue(id, '_id'));
}

export function idFromKey(key: string): unknown {
  return key.startsWith(ENCODED) ? decodeValue(JSON.parse(key.slice(ENCODED.length))) : key;
}

/** MongoDB's E11000 message (what CloudBase passes on), naming the index and, when known, the key. */
export function duplicateKey(collection: string, index: string, id?: unknown): StoreError {
  const key = id === undefined ? '' : ` dup key: { _id: ${JSON.stringify(encodeValue(id, '_id'))} }`;
  return new StoreError(
    'DATABASE_DUPLICATE_WRITE',
    `E11000 duplicate key error collection: ${collection} index: ${index}${key}`,
  );
}
