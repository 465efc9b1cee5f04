import { isPlainObject } from '../../wire/objects';
import { StoreError, type Doc } from './types';

/**
 * How documents live in jsonb. JSON has no Date, RegExp, NaN or Infinity, so those become tagged
 * objects. Stored field names may not start with `$` (MongoDB forbids them too), which keeps every
 * tag unambiguous and lets plain strings, numbers and booleans stay plain jsonb for SQL pushdown.
 *
 * Strings are stored as MongoDB stores them. BSON strings are UTF-8, so a lone surrogate cannot be
 * written: the Node.js driver's serializer (bson's Buffer.write) puts U+FFFD in its place, and so
 * does this codec. NUL is a valid character in a BSON string, but PostgreSQL text and jsonb cannot
 * hold it, so a string containing NUL is stored as `{"$nul": [the parts between the NULs]}`.
 * Field names cannot hold NUL in BSON (they are NUL-terminated), so such a name is refused.
 */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const DATE = '$date';
const REGEX = '$regex';
const OPTIONS = '$options';
const DOUBLE = '$numberDouble';
const NUL = '$nul';

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
/** Cheap first look: most strings hold neither a surrogate nor NUL. */
const SPECIAL = /[\ud800-\udfff\0]/;

/** The string MongoDB would store: every lone surrogate replaced by U+FFFD, as UTF-8 encoding does. */
export function wellFormed(text: string): string {
  return SPECIAL.test(text) ? text.replace(LONE_SURROGATE, '\ufffd') : text;
}

function encodeString(text: string): Json {
  if (!SPECIAL.test(text)) return text;
  const stored = text.replace(LONE_SURROGATE, '\ufffd');
  return stored.includes('\0') ? { [NUL]: stored.split('\0') } : stored;
}

function fieldName(key: string, path: string): string {
  const where = path ? `${path}.${key}` : key;
  if (key.startsWith('$')) throw new StoreError('INVALID_PARAM', `field names may not start with '$': '${where}'`);
  if (key.includes('\0'))
    throw new StoreError('INVALID_PARAM', `field names may not contain NUL: '${wellFormed(where)}'`);
  return wellFormed(key);
}

export function encodeValue(value: unknown, path = ''): Json {
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'string') return encodeString(value);
  if (typeof value === 'number') {
    return Number.isFinite(value) ? value : { [DOUBLE]: String(value) };
  }
  if (value instanceof Date) {
    const ms = value.getTime();
    if (Number.isNaN(ms)) throw new StoreError('INVALID_PARAM', `invalid Date at '${path}'`);
    return { [DATE]: ms };
  }
  if (value instanceof RegExp) {
    // BSON regular expressions are NUL-terminated too.
    if (value.source.includes('\0'))
      throw new StoreError('INVALID_PARAM', `regular expression contains NUL at '${path}'`);
    return { [REGEX]: wellFormed(value.source), [OPTIONS]: value.flags };
  }
  if (Array.isArray(value)) {
    // JSON turns undefined array slots into null; do the same explicitly.
    return value.map((item, i) => (item === undefined ? null : encodeValue(item, `${path}.${i}`)));
  }
  if (isPlainObject(value)) {
    const out: { [key: string]: Json } = {};
    for (const [key, item] of Object.entries(value)) {
      const name = fieldName(key, path);
      if (item !== undefined) out[name] = encodeValue(item, path ? `${path}.${name}` : name);
    }
    return out;
  }
  throw new StoreError('INVALID_PARAM', `unsupported value of type ${typeof value} at '${path}'`);
}

export function decodeValue(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  // Array.from, not value.map: rows may come from another realm (PGlite loaded outside Jest's
  // sandbox), and map would build the copy with that realm's Array, which mingo's isEqual rejects.
  if (Array.isArray(value)) return Array.from(value, decodeValue);
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length === 1 && keys[0] === DATE) return new Date(record[DATE] as number);
  if (keys.length === 2 && typeof record[REGEX] === 'string' && typeof record[OPTIONS] === 'string') {
    return new RegExp(record[REGEX], record[OPTIONS]);
  }
  if (keys.length === 1 && keys[0] === DOUBLE) return Number(record[DOUBLE]);
  if (keys.length === 1 && keys[0] === NUL && Array.isArray(record[NUL])) return (record[NUL] as string[]).join('\0');
  const out: Record<string, unknown> = {};
  for (const key of keys) out[key] = decodeValue(record[key]);
  return out;
}

export function encodeDoc(doc: Doc): { [key: string]: Json } {
  return encodeValue(doc) as { [key: string]: Json };
}

export function decodeDoc(value: unknown): Doc {
  return decodeValue(value) as Doc;
}

/** Deep copy of a plain document (Dates and RegExps copied, not shared). */
export function cloneDoc<T>(value: T): T {
  return decodeValue(encodeValue(value)) as T;
}
