/**
 * What one `watch()` snapshot says, for any collection: the documents added or changed (all of
 * them in the first snapshot, which is the state to start from) and the ids of those deleted.
 */
export interface SnapshotChanges<D> {
  docs: D[];
  removed: string[];
  init: boolean;
}

export function snapshotChanges<D extends { _id: string }>(snapshot: DB.ISnapshot): SnapshotChanges<D> {
  const removed: string[] = [];
  const changed = new Map<string, D>();
  if (snapshot.type === 'init' && Array.isArray(snapshot.docs)) {
    for (const doc of snapshot.docs as D[]) changed.set(doc._id, doc);
  }
  for (const change of snapshot.docChanges) {
    if (change.dataType === 'remove') removed.push(change.docId);
    // A document leaving a window (dequeue) still exists: it is older, not gone.
    else if (change.doc && change.queueType !== 'dequeue') changed.set(change.docId, change.doc as D);
  }
  return { docs: [...changed.values()], removed, init: snapshot.type === 'init' };
}
