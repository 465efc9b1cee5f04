/**
 * Page cursors: the last row's sort key as base64url JSON, opaque to the client. A cursor that
 * does not decode into the expected key is refused, never guessed at.
 */

export function toCursor(key: readonly unknown[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** The key inside `cursor` when `isKey` accepts it; undefined for anything this server did not issue. */
export function fromCursor<K extends unknown[]>(cursor: string, isKey: (key: unknown[]) => boolean): K | undefined {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(key) && isKey(key)) return key as K;
  } catch {
    // not JSON: not a cursor we issued
  }
  return undefined;
}
