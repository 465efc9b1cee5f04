import { cloneDoc } from './codec';
import type { Change } from './types';

type Listener = (change: Change) => void;

/** Fans committed changes out to listeners; each listener gets its own copy of the document. */
export class ChangeFeed {
  private readonly listeners = new Set<Listener>();

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Called after COMMIT, inside the store's write lock, so listeners see commit order. */
  publish(changes: Change[]): void {
    for (const change of changes) {
      for (const listener of this.listeners) {
        try {
          listener(change.type === 'remove' ? { ...change } : { ...change, doc: cloneDoc(change.doc) });
        } catch (error) {
          // A failing watcher must not turn a committed write into a reported failure.
          console.error('[db] change listener failed:', error);
        }
      }
    }
  }
}
