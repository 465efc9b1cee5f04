import type { SqlExecutor } from './sql';
import { StoreError } from './types';

/**
 * The fields each collection has a 2dsphere index on. MongoDB needs one for $near, $nearSphere and
 * the $geoNear stage (which also picks its field from it), so the local cloud asks for the same
 * declaration (an index `{field: "2dsphere"}` in database/collections.json). Kept in `geo_indexes`.
 */
export class GeoIndexes {
  private readonly byCollection = new Map<string, Set<string>>();

  async load(sql: SqlExecutor): Promise<void> {
    const rows = await sql.query<{ collection: string; field: string }>(`SELECT collection, field FROM geo_indexes`);
    for (const r of rows) this.fieldsOf(r.collection).add(r.field);
  }

  fields(collection: string): string[] {
    return [...(this.byCollection.get(collection) ?? [])];
  }

  /** Throws as MongoDB does when a $near query has no 2dsphere index on its field. */
  requireFor(collection: string, field: string): void {
    if (!this.byCollection.get(collection)?.has(field)) {
      throw new StoreError(
        'INVALID_PARAM',
        `unable to find index for $geoNear query: '${collection}' has no 2dsphere index on '${field}'`,
      );
    }
  }

  /** Call inside the write's SQL transaction. */
  async add(sql: SqlExecutor, collection: string, fields: string[]): Promise<void> {
    for (const field of fields) {
      await sql.query(`INSERT INTO geo_indexes (collection, field) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [
        collection,
        field,
      ]);
    }
    for (const field of fields) this.fieldsOf(collection).add(field);
  }

  async drop(sql: SqlExecutor, collection: string): Promise<void> {
    await sql.query(`DELETE FROM geo_indexes WHERE collection = $1`, [collection]);
    this.byCollection.delete(collection);
  }

  private fieldsOf(collection: string): Set<string> {
    let set = this.byCollection.get(collection);
    if (!set) this.byCollection.set(collection, (set = new Set()));
    return set;
  }
}
