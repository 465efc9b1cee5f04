/**
 * The JSON client SDKs speak: @cloudbase/database 0.x (the js-sdk's database, the same family as
 * WeChat's `wx.cloud.database()`) sends plain JSON where a Date is `{"$date": <ms>}`, a server date
 * `{"$date": {"offset": <ms>}}` and a RegExp `{"$regex", "$options"}`; the realtime protocol's
 * documents travel in the same form, which the client hands to the page as it is.
 */
import { decode as decodeEjson, type DecodeContext } from './ejson';
import { isPlainObject } from './objects';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** `{$date: {offset}}` is the old serverDate: the same as Extended JSON's `$tcb_server_date`. */
function serverDatesToEjson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(serverDatesToEjson);
  if (!isPlainObject(value)) return value;
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0] === '$date' && isPlainObject(value.$date)) {
    return { $tcb_server_date: { offset: value.$date.offset ?? 0 } };
  }
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, serverDatesToEjson(item)]));
}

/** Client JSON (already parsed) -> plain JS values (Date, RegExp ...), server dates resolved against `ctx.now`. */
export function fromClientJson(value: unknown, ctx: DecodeContext): unknown {
  return decodeEjson(serverDatesToEjson(value), ctx);
}

/** Plain JS values -> client JSON. */
export function toClientJson(value: unknown): Json {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : { $date: value.getTime() };
  if (value instanceof RegExp) return { $regex: value.source, $options: value.flags };
  if (Array.isArray(value)) return value.map(toClientJson);
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (typeof value === 'object') {
    const out: { [key: string]: Json } = {};
    for (const [key, item] of Object.entries(value)) {
      if (item === undefined || typeof item === 'function') continue;
      Object.defineProperty(out, key, { value: toClientJson(item), enumerable: true, writable: true });
    }
    return out;
  }
  return null;
}
