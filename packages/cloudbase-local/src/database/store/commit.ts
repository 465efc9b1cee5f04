import type { FieldKinds } from './fieldkinds';
import { idKey } from './ids';
import { decodeDoc } from './codec';
import { deleteRows, docKey, ensureCollection, insertRows, lockRows, updateRows } from './rows';
import type { SqlExecutor } from './sql';
import type { BufferedWrite, Preimage } from './transaction';
import { writeConflict } from './transaction-errors';
import type { Change, Doc } from './types';

/** What one write produces inside its SQL transaction. */
export interface WriteOutcome<T> {
  result: T;
  changes: Change[];
  /** The committed state the write replaces, which open transactions must keep seeing. */
  before?: Preimage[];
}

/** A transaction's commit: every written document must still have the version it was based on. */
export async function applyWrites(
  sql: SqlExecutor,
  kinds: FieldKinds,
  writes: BufferedWrite[],
): Promise<WriteOutcome<void>> {
  const current = await lockRows(sql, writes);
  for (const w of writes) {
    if ((current.get(docKey(w.collection, w.key))?.version ?? null) !== w.base) throw writeConflict(w.collection, w.id);
  }
  const changes: Change[] = [];
  const before: Preimage[] = [];
  for (const w of writes) {
    const existing = current.get(docKey(w.collection, w.key)) ?? null;
    if (w.doc === null && !existing) continue;
    before.push({ collection: w.collection, key: w.key, row: existing });
    if (w.doc === null) {
      await deleteRows(sql, w.collection, [w.key]);
      changes.push({ collection: w.collection, type: 'remove', id: w.id });
    } else if (existing) {
      await updateRows(sql, kinds, w.collection, [w.doc]);
      const type = w.change === 'update' ? 'update' : 'replace';
      changes.push({ collection: w.collection, type, id: w.id, doc: w.doc });
    } else {
      await ensureCollection(sql, w.collection);
      await insertRows(sql, kinds, w.collection, [w.doc]);
      changes.push({ collection: w.collection, type: 'insert', id: w.id, doc: w.doc });
    }
  }
  return { result: undefined, changes, before };
}

/** --import: each named collection's contents replaced by the given documents. */
export async function replaceCollections(
  sql: SqlExecutor,
  kinds: FieldKinds,
  batches: Array<{ name: string; docs: Doc[] }>,
): Promise<WriteOutcome<void>> {
  const changes: Change[] = [];
  const before: Preimage[] = [];
  for (const { name, docs } of batches) {
    const removed = await sql.query<{ id: string; doc: unknown; version: string }>(
      `DELETE FROM documents WHERE collection = $1 RETURNING id, body AS doc, version::text AS version`,
      [name],
    );
    for (const r of removed) {
      const row = { id: r.id, doc: decodeDoc(r.doc), version: r.version };
      changes.push({ collection: name, type: 'remove', id: row.doc._id });
      before.push({ collection: name, key: r.id, row });
    }
    await ensureCollection(sql, name);
    await insertRows(sql, kinds, name, docs);
    for (const doc of docs) {
      changes.push({ collection: name, type: 'insert', id: doc._id, doc });
      before.push({ collection: name, key: idKey(doc._id), row: null });
    }
  }
  return { result: undefined, changes, before };
}
