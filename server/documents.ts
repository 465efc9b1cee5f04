/**
 * Stored documents, checked as they are read. A document the functions did not write (an old
 * version's, a console edit's, a client's while the rules still let one write) can hold anything;
 * every store checks each document it reads against the schema of what the functions write, so
 * one bad document is skipped, or marked, by itself, and never stops a batch or a list.
 */
import { settle, type Query } from './db';
import { check, describeIssues, type Schema } from './schema';

/** What the stores write on a document they cannot use: the code the inspector and logs show. */
export const INVALID_DOCUMENT = 'INVALID_DOCUMENT';

export type Log = (message: string, error?: unknown) => void;

export const consoleLog: Log = (message, error) => console.error(message, error ?? '');

/** The document's id for a log line, whatever its `_id` holds. */
function idOf(raw: unknown): string {
  const id = (raw as { _id?: unknown } | null)?._id;
  return typeof id === 'string' ? id : JSON.stringify(id ?? null);
}

export interface DocumentCheck<T> {
  /** The document as `T`, or the reason it is not one. */
  parse(raw: unknown): { ok: true; doc: T } | { ok: false; reason: string };
  /** The document as `T`; undefined when there is none, or after one log line naming it and what is wrong. */
  read(raw: unknown): T | undefined;
  /** The documents that are `T`, each other one logged and left out. */
  readAll(raws: readonly unknown[]): T[];
}

export function documentCheck<T>(collection: string, schema: Schema<T>, log: Log): DocumentCheck<T> {
  function parse(raw: unknown): { ok: true; doc: T } | { ok: false; reason: string } {
    const parsed = check(schema, raw);
    return parsed.ok ? { ok: true, doc: parsed.value } : { ok: false, reason: describeIssues(parsed.issues) };
  }
  function read(raw: unknown): T | undefined {
    if (raw === undefined) return undefined;
    const parsed = parse(raw);
    if (parsed.ok) return parsed.doc;
    log(`${INVALID_DOCUMENT}: ${collection}/${idOf(raw)} skipped: ${parsed.reason}`);
    return undefined;
  }
  return {
    parse,
    read,
    readAll: (raws) =>
      raws.flatMap((raw) => {
        const doc = read(raw);
        return doc === undefined ? [] : [doc];
      }),
  };
}

/** Raw documents a page reads at most: this many reads of a page, however many it has to skip. */
const PAGE_ROUNDS = 5;

/**
 * Up to `want` documents of the ordered `query` that pass `check`, reading on past those that do
 * not, so a page stays full and its last row (a cursor's key) is a real document. A run of more
 * malformed documents than PAGE_ROUNDS pages ends the list early rather than reading without end.
 */
export async function readChecked<T>(query: Query, want: number, docs: DocumentCheck<T>): Promise<T[]> {
  const out: T[] = [];
  let read = 0;
  for (let round = 0; round < PAGE_ROUNDS; round++) {
    const { data } = await settle((read > 0 ? query.skip(read) : query).limit(want).get());
    read += data.length;
    out.push(...docs.readAll(data));
    if (out.length >= want || data.length < want) break;
  }
  return out;
}
