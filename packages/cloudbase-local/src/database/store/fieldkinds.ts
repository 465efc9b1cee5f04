import { comparesBytewise } from './schema';
import type { SqlExecutor } from './sql';
import type { Doc } from './types';

/** The kinds of value a top-level field has ever held in a collection (they only ever grow). */
export type Kind = 'null' | 'number' | 'string' | 'boolean' | 'date' | 'array' | 'object';

/** What a collection's SQL may rely on: the kinds each top-level field has held, and the collation. */
export interface FieldFacts {
  kinds(field: string): ReadonlySet<Kind>;
  /** The database compares text bytewise (C collation), as MongoDB compares strings. */
  readonly bytewise: boolean;
}

const NONE: ReadonlySet<Kind> = new Set();

export function kindOf(value: unknown): Kind {
  if (value === null) return 'null';
  if (typeof value === 'number') return Number.isFinite(value) ? 'number' : 'object';
  // A string holding NUL is stored as a tagged object (see codec), so it orders like one in SQL.
  if (typeof value === 'string') return value.includes('\0') ? 'object' : 'string';
  if (typeof value === 'boolean') return 'boolean';
  if (value instanceof Date) return 'date';
  if (Array.isArray(value)) return 'array';
  // RegExps, NaN and Infinity are tagged objects in jsonb, so they order like objects there.
  return 'object';
}

/**
 * What lets plain SQL answer exactly instead of narrowing: a field that never held an array makes
 * MongoDB equality a btree-indexable `doc -> 'f' = v`, and a field whose kinds order the same way
 * in jsonb and in MongoDB can be sorted by `ORDER BY doc -> 'f'`. Kept in `field_kinds` so a reopened
 * store knows; only this store writes its tables (the data directory lock sees to that for PGlite).
 */
export class FieldKinds {
  private readonly byCollection = new Map<string, Map<string, Set<Kind>>>();
  private bytewise = false;

  async load(sql: SqlExecutor): Promise<void> {
    this.bytewise = await comparesBytewise(sql);
    const rows = await sql.query<{ collection: string; field: string; kind: Kind }>(
      `SELECT collection, field, kind FROM field_kinds`,
    );
    for (const r of rows) this.fieldSet(r.collection, r.field).add(r.kind);
  }

  of(collection: string): FieldFacts {
    const fields = this.byCollection.get(collection);
    return { kinds: (field) => fields?.get(field) ?? NONE, bytewise: this.bytewise };
  }

  /**
   * Call inside the write's SQL transaction. Kinds are never forgotten (not even on drop): memory
   * running ahead of a rollback, or a stale kind, only costs speed, while a missing one would be wrong.
   */
  async record(sql: SqlExecutor, collection: string, docs: Doc[]): Promise<void> {
    const fresh: Array<{ field: string; kind: Kind }> = [];
    for (const doc of docs) {
      for (const [field, value] of Object.entries(doc)) {
        const kind = kindOf(value);
        const set = this.fieldSet(collection, field);
        if (!set.has(kind)) {
          set.add(kind);
          fresh.push({ field, kind });
        }
      }
    }
    if (fresh.length === 0) return;
    await sql.query(
      `INSERT INTO field_kinds (collection, field, kind)
       SELECT $1, x.field, x.kind FROM jsonb_to_recordset($2::jsonb) AS x(field text, kind text)
       ON CONFLICT DO NOTHING`,
      [collection, JSON.stringify(fresh)],
    );
  }

  private fieldSet(collection: string, field: string): Set<Kind> {
    let fields = this.byCollection.get(collection);
    if (!fields) this.byCollection.set(collection, (fields = new Map()));
    let set = fields.get(field);
    if (!set) fields.set(field, (set = new Set()));
    return set;
  }
}

/** True when `ORDER BY doc -> field` gives MongoDB's order for every value the field has held. */
export function sqlSortable(kinds: ReadonlySet<Kind>, stringsInByteOrder: boolean): boolean {
  if (kinds.has('array') || kinds.has('object')) return false;
  // jsonb puts strings before numbers, MongoDB the other way round.
  if (kinds.has('string') && (kinds.has('number') || !stringsInByteOrder)) return false;
  return true;
}
