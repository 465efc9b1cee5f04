/** The database as cloud functions reach it through wx-server-sdk. */
import type * as cloud from 'wx-server-sdk';

export type Database = ReturnType<typeof cloud.database>;

/** A query on a collection: where, orderBy, skip, limit, get. */
export type Query = ReturnType<ReturnType<Database['collection']>['where']>;

/**
 * wx-server-sdk types every call as `Promise<T> | void | string` (callback and string forms).
 * Called without callbacks it always returns the promise; this says so in one place.
 */
export function settle<T>(call: Promise<T> | void | string): Promise<T> {
  if (!(call instanceof Promise)) throw new Error('wx-server-sdk call did not return a promise');
  return call;
}

/** The SDK reports a duplicate `_id` as DATABASE_DUPLICATE_WRITE (in errCode or the message). */
export function isDuplicateWrite(error: unknown): boolean {
  const e = error as { errCode?: unknown; code?: unknown; errMsg?: unknown; message?: unknown } | null;
  return [e?.errCode, e?.code, e?.errMsg, e?.message].some(
    (v) => typeof v === 'string' && /DUPLICATE|duplicate key/.test(v),
  );
}
