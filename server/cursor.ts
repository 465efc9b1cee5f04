/**
 * Page cursors: the last row's sort key as base64url JSON, opaque to the client. A cursor that
 * does not decode into the expected key is refused with INVALID_ARGUMENT, never guessed at. Every
 * paged list (todos, conversations, a conversation's history) uses this one codec.
 */
import { AppError } from './errors';
import { optional, string, type Schema } from './schema';

export interface CursorCodec<K extends unknown[]> {
  encode(key: K): string;
  /** The key inside `cursor`; undefined when none was sent. Throws INVALID_ARGUMENT naming `field` for one this server did not issue. */
  decode(cursor: string | undefined, field: string): K | undefined;
}

/** A codec for keys that `isKey` accepts (their length and the type of each part). */
export function cursorCodec<K extends unknown[]>(isKey: (key: unknown[]) => boolean): CursorCodec<K> {
  return {
    encode: (key) => Buffer.from(JSON.stringify(key)).toString('base64url'),
    decode(cursor, field) {
      if (cursor === undefined) return undefined;
      try {
        const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
        if (Array.isArray(key) && isKey(key)) return key as K;
      } catch {
        // not JSON: not a cursor we issued
      }
      throw new AppError('INVALID_ARGUMENT', `${field} is not one this function issued`, {
        [field]: 'is not a cursor from a previous page',
      });
    },
  };
}

/** How a request carries a cursor: absent for the first page. */
export const cursorField = (): Schema<string | undefined> => optional(string({ min: 1, max: 256 }));
