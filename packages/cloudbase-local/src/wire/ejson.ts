/**
 * MongoDB Extended JSON as the SDK speaks it: @cloudbase/database 1.4.3 serialises every query,
 * update and document with bson's `EJSON.stringify(x, { relaxed: false })` (canonical mode), and
 * parses our answers with `EJSON.parse` (relaxed), so plain JSON numbers are fine on the way out.
 *
 * Observed on the wire (wx-server-sdk 4.0.2):
 *   1 -> {"$numberInt":"1"}, 1.5 -> {"$numberDouble":"1.5"}, 2**40 -> {"$numberLong":"1099511627776"},
 *   new Date(0) -> {"$date":{"$numberLong":"0"}}, /ab/i -> {"$regularExpression":{"pattern":"ab","options":"i"}},
 *   db.serverDate({offset}) -> {"$tcb_server_date":{"offset":{"$numberInt":"1000"}}}, db.ObjectId -> {"$oid":"..."}.
 */

import { parseJson } from './json';
import { isPlainObject } from './objects';

export class EjsonError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EjsonError';
  }
}

export interface DecodeContext {
  /** The request's clock: every `$tcb_server_date` in one request resolves against the same instant. */
  now: Date;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function parseNumberString(text: unknown, wrapper: string): number {
  if (typeof text !== 'string') throw new EjsonError(`${wrapper} expects a string`);
  if (wrapper === '$numberDouble') {
    if (text === 'NaN') return NaN;
    if (text === 'Infinity') return Infinity;
    if (text === '-Infinity') return -Infinity;
  }
  const trimmed = text.trim();
  const value = Number(trimmed);
  if (trimmed === '' || Number.isNaN(value)) throw new EjsonError(`${wrapper} has an invalid value: ${text}`);
  return value;
}

/** JS RegExp has no `x` (extended) flag; Mongo's `s` maps to dotAll, the rest are the same letters. */
function toRegExp(pattern: unknown, options: unknown): RegExp {
  if (typeof pattern !== 'string') throw new EjsonError('regular expression pattern must be a string');
  const opts = typeof options === 'string' ? options : '';
  let flags = '';
  for (const flag of opts) {
    if ('imsu'.includes(flag) && !flags.includes(flag)) flags += flag;
    else if (flag !== 'x' && flag !== 'l') throw new EjsonError(`unsupported regular expression option "${flag}"`);
  }
  try {
    return new RegExp(pattern, flags);
  } catch (error) {
    throw new EjsonError(`invalid regular expression /${pattern}/: ${(error as Error).message}`);
  }
}

function decodeDate(inner: unknown): Date {
  let date: Date;
  if (typeof inner === 'string') date = new Date(inner);
  else if (typeof inner === 'number') date = new Date(inner);
  else if (isPlainObject(inner) && '$numberLong' in inner)
    date = new Date(parseNumberString(inner.$numberLong, '$numberLong'));
  else throw new EjsonError('$date expects an ISO string, a number or {$numberLong}');
  if (Number.isNaN(date.getTime())) throw new EjsonError('$date is not a valid date');
  return date;
}

function decodeWrapper(
  obj: Record<string, unknown>,
  ctx: DecodeContext,
): { hit: true; value: unknown } | { hit: false } {
  const keys = Object.keys(obj);
  const [key] = keys;
  if (keys.length === 1) {
    const inner = obj[key];
    switch (key) {
      case '$numberInt':
      case '$numberLong':
      case '$numberDouble':
      case '$numberDecimal':
        // Decimal128 and Int64 beyond 2^53 lose precision: the store keeps JS numbers.
        return { hit: true, value: parseNumberString(inner, key) };
      case '$date':
        return { hit: true, value: decodeDate(inner) };
      case '$regularExpression': {
        if (!isPlainObject(inner)) throw new EjsonError('$regularExpression expects {pattern, options}');
        return { hit: true, value: toRegExp(inner.pattern, inner.options) };
      }
      case '$oid':
        // The store's _ids are strings; an ObjectId travels as its hex text.
        if (typeof inner !== 'string') throw new EjsonError('$oid expects a string');
        return { hit: true, value: inner };
      case '$symbol':
        if (typeof inner !== 'string') throw new EjsonError('$symbol expects a string');
        return { hit: true, value: inner };
      case '$undefined':
        return { hit: true, value: undefined };
      case '$binary': {
        if (!isPlainObject(inner) || typeof inner.base64 !== 'string') throw new EjsonError('$binary expects {base64}');
        return { hit: true, value: Buffer.from(inner.base64, 'base64') };
      }
      case '$tcb_server_date': {
        const offsetRaw = isPlainObject(inner) ? decode(inner.offset ?? 0, ctx) : 0;
        const offset = typeof offsetRaw === 'number' && Number.isFinite(offsetRaw) ? offsetRaw : 0;
        return { hit: true, value: new Date(ctx.now.getTime() + offset) };
      }
      default:
        return { hit: false };
    }
  }
  // Legacy form {$regex, $options}: as a query operator it means the same as a RegExp value.
  if (keys.length <= 2 && typeof obj.$regex === 'string' && keys.every((k) => k === '$regex' || k === '$options')) {
    return { hit: true, value: toRegExp(obj.$regex, obj.$options) };
  }
  return { hit: false };
}

/** Extended JSON value (already JSON-parsed) -> plain JS value (Date, RegExp, number, ...). */
export function decode(value: unknown, ctx: DecodeContext): unknown {
  if (Array.isArray(value)) return value.map((item) => decode(item, ctx));
  if (isPlainObject(value)) {
    const wrapped = decodeWrapper(value, ctx);
    if (wrapped.hit) return wrapped.value;
    // fromEntries defines own properties, so a `__proto__` key stays data instead of a prototype.
    return Object.fromEntries(
      Object.entries(value)
        .map(([key, item]) => [key, decode(item, ctx)] as const)
        .filter(([, item]) => item !== undefined),
    );
  }
  return value;
}

/** Parses an Extended JSON string (a `query`, `data`, `order` ... parameter). */
export function parse(text: string, ctx: DecodeContext): unknown {
  let raw: unknown;
  try {
    raw = parseJson(text);
  } catch (error) {
    throw new EjsonError(`not valid JSON: ${(error as Error).message}`);
  }
  return decode(raw, ctx);
}

export interface EncodeOptions {
  /** `iso` writes `{"$date":"2024-01-01T00:00:00.000Z"}` (readable, for files and the dev page); default `{"$numberLong"}`. */
  dates?: 'iso' | 'long';
}

/** Plain JS value -> Extended JSON that bson's relaxed `EJSON.parse` reads back to the same value. */
export function encode(value: unknown, options: EncodeOptions = {}): Json {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (Number.isFinite(value)) return Object.is(value, -0) ? { $numberDouble: '-0.0' } : value;
    return { $numberDouble: Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity' };
  }
  if (typeof value === 'bigint') return { $numberLong: value.toString() };
  if (value instanceof Date) {
    const time = value.getTime();
    if (Number.isNaN(time)) return null;
    return options.dates === 'iso' ? { $date: value.toISOString() } : { $date: { $numberLong: String(time) } };
  }
  if (value instanceof RegExp) {
    // Mongo wants the option letters sorted; `g`/`y` mean nothing to a stored pattern.
    const options = [...value.flags]
      .filter((f) => 'imsu'.includes(f))
      .sort()
      .join('');
    return { $regularExpression: { pattern: value.source, options } };
  }
  if (Array.isArray(value)) return value.map((item) => encode(item, options));
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) {
    return { $binary: { base64: Buffer.from(value).toString('base64'), subType: '00' } };
  }
  if (typeof value === 'object') {
    const out: { [key: string]: Json } = {};
    for (const [key, item] of Object.entries(value)) {
      if (item === undefined || typeof item === 'function') continue;
      Object.defineProperty(out, key, {
        value: encode(item, options),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return null;
}

export function stringify(value: unknown, options: EncodeOptions = {}): string {
  return JSON.stringify(encode(value, options));
}
