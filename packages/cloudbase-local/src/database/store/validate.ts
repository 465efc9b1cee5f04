import { cloneDoc } from './codec';
import { isPlainObject } from './engine';
import { duplicateKey, newDocumentId } from './ids';
import { storedForm } from './rows';
import { StoreError, type Doc } from './types';

/**
 * Copies an insert batch with `_id` first (generated when absent) and checks every document can be
 * stored, so a bad document fails the batch before anything is written.
 */
export function validateInsertBatch(collection: string, docs: unknown): Doc[] {
  if (!Array.isArray(docs)) throw new StoreError('INVALID_PARAM', 'insert needs an array of documents');
  const ids = new Set<string>();
  return docs.map((doc: unknown, i) => {
    if (!isPlainObject(doc)) throw new StoreError('INVALID_PARAM', `document ${i} must be an object`);
    const { _id, ...fields } = doc;
    const copy: Doc = { _id: _id === undefined ? newDocumentId() : cloneDoc(_id), ...cloneDoc(fields) };
    const { id } = storedForm(copy);
    if (ids.has(id)) throw duplicateKey(collection, '_id_', copy._id);
    ids.add(id);
    return copy;
  });
}
