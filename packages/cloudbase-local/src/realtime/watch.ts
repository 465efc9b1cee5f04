/**
 * One watch: the documents a client query follows (its window, in query order), kept current from
 * the store's change feed and turned into the protocol's events.
 *
 * The window holds every matching document, or, with a `limit`, the first `limit` of them; when a
 * full window loses a document the next one is read from the store. Changes are applied one at a
 * time in commit order; a change whose document has a later change waiting is skipped (changes carry
 * whole documents, so the later one says everything), which also makes the catch-up after the first
 * read idempotent. Each applied change that affects the window becomes one event id, possibly with
 * several events (a document enters, the last one leaves), and the ids are consecutive.
 */
import { randomUUID } from 'node:crypto';
import { compare, isEqual, resolve } from 'mingo/util';
import { toClientJson } from '../wire/client-json';
import { isPlainObject } from '../wire/objects';
import { allowsDoc, type Auth, type Rule } from '../database/rules';
import { idFromKey, idKey } from '../database/store/ids';
import type { CompiledQuery } from '../database/store/engine';
import type { Change, Doc, DocumentStore, Query, SortSpec } from '../database/store/types';
import { ProtocolError, type DataType, type EventsData, type QueueType, type WireEvent } from './protocol';

/** CloudBase follows at most this many documents in one watch, and fails the watch beyond. */
export const MAX_WATCH_DOCS = 5000;
/** Events kept per watch for REBUILD_WATCH after a dropped connection. */
const LOG_EVENTS = 1000;

export interface WatchSpec {
  collection: string;
  /** The client's query, with `{openid}` already resolved. */
  query: Query;
  matcher: CompiledQuery;
  /** The order, ending with `_id` so that ties are decided the same way everywhere. */
  sort: SortSpec;
  limit?: number;
  owner: Auth | null;
  readRule: Rule;
}

interface Draft {
  dataType: DataType;
  queueType: QueueType;
  id: string;
  doc?: Doc;
  updated?: Record<string, unknown>;
  removed?: string[];
}

const DATA_TYPE: Record<Change['type'], DataType> = {
  insert: 'add',
  update: 'update',
  replace: 'replace',
  remove: 'remove',
};

/** Encoded documents, shared by every watch that sends the same changed document. */
const encoded = new WeakMap<Doc, string>();
function docJson(doc: Doc): string {
  let text = encoded.get(doc);
  if (text === undefined) {
    text = JSON.stringify(toClientJson(doc));
    encoded.set(doc, text);
  }
  return text;
}

/** Field paths whose values changed (objects compared field by field) and paths that disappeared. */
function diff(
  before: Doc,
  after: Doc,
  prefix = '',
  updated: Record<string, unknown> = {},
  removed: string[] = [],
): { updated: Record<string, unknown>; removed: string[] } {
  for (const [key, value] of Object.entries(after)) {
    const path = prefix + key;
    const old = before[key];
    if (isPlainObject(old) && isPlainObject(value)) diff(old, value, `${path}.`, updated, removed);
    else if (!(key in before) || !isEqual(old, value)) updated[path] = value;
  }
  for (const key of Object.keys(before)) if (!(key in after)) removed.push(prefix + key);
  return { updated, removed };
}

/**
 * The event of a document leaving the window because of its own change: an update says what
 * changed (the client rebuilds the document from its copy), a replacement carries the document
 * (the client refuses one without), a removal carries nothing.
 */
function leaving(dataType: DataType, before: Doc, after: Doc | undefined, id: string): Draft {
  if (after && dataType === 'update') return { dataType, queueType: 'dequeue', id, ...diff(before, after) };
  if (after && dataType !== 'remove') return { dataType, queueType: 'dequeue', id, doc: after };
  return { dataType, queueType: 'dequeue', id };
}

function toWire(id: number, draft: Draft): WireEvent {
  const event: WireEvent = {
    ID: id,
    DataType: draft.dataType,
    QueueType: draft.queueType,
    DocID: draft.id,
    Doc: draft.doc ? docJson(draft.doc) : '',
  };
  if (draft.dataType === 'update') {
    event.UpdatedFields = JSON.stringify(toClientJson(draft.updated ?? {}));
    event.removedFields = JSON.stringify(draft.removed ?? []);
  }
  return event;
}

export class Watch {
  readonly queryID = randomUUID();
  currEvent = 0;
  /** Called when the watch cannot go on (store failure, too many documents); the hub then drops it. */
  onFailure: (error: ProtocolError) => void = () => undefined;
  private window: Doc[] = [];
  private readonly byId = new Map<string, Doc>();
  /** True when the window holds every matching document; false only when it is full at `limit`. */
  private complete = true;
  private readonly queue: Change[] = [];
  private readonly insertedMeanwhile = new Set<string>();
  private running = false;
  private live = false;
  private closed = false;
  private readonly log: Array<{ id: number; events: WireEvent[] }> = [];
  private pending: WireEvent[] = [];
  private flushQueued = false;
  private sink: ((data: EventsData) => void) | undefined;

  constructor(
    private readonly store: DocumentStore,
    readonly spec: WatchSpec,
  ) {}

  get size(): number {
    return this.window.length;
  }

  /** A committed change of this collection; before start() has finished, it waits in the queue. */
  push(change: Change): void {
    if (this.closed) return;
    this.queue.push(change);
    if (this.live) void this.drain();
  }

  /** Reads the window and catches up with what changed meanwhile; live events begin at attach(). */
  async start(): Promise<void> {
    const { collection, query, sort, limit } = this.spec;
    const docs = await this.store.find(collection, query, { sort, limit: limit ?? MAX_WATCH_DOCS + 1 });
    this.window = docs.filter((doc) => this.visible(doc));
    if (limit === undefined) this.checkSize();
    for (const doc of this.window) this.byId.set(idKey(doc._id), doc);
    this.complete = limit === undefined || docs.length < limit;
    await this.drain();
  }

  /** INIT_EVENT's data: the window as it is now. */
  initial(): EventsData {
    const events = this.window.map((doc) =>
      toWire(this.currEvent, { dataType: 'init', queueType: 'init', id: idKey(doc._id), doc }),
    );
    return { queryID: this.queryID, currEvent: this.currEvent, events };
  }

  /** Sends live events to `sink` (a connection) from now on; undefined keeps them in the log only. */
  attach(sink: ((data: EventsData) => void) | undefined): void {
    this.sink = sink;
    this.pending = [];
    if (!this.live) {
      this.live = true;
      void this.drain();
    }
  }

  /** The events after `eventID`, for REBUILD_WATCH; refuses when the log no longer reaches back that far. */
  eventsAfter(eventID: number): EventsData {
    const first = this.log[0]?.id ?? this.currEvent + 1;
    if (eventID > this.currEvent || eventID + 1 < first) {
      throw new ProtocolError('QUERYID_INVALID_ERROR', `event ${eventID} of watch ${this.queryID} is no longer kept`);
    }
    const events = this.log.filter((entry) => entry.id > eventID).flatMap((entry) => entry.events);
    return { queryID: this.queryID, currEvent: this.currEvent, events };
  }

  close(): void {
    this.closed = true;
    this.sink = undefined;
    this.queue.length = 0;
  }

  private visible(doc: Doc): boolean {
    return allowsDoc(this.spec.readRule, doc, this.spec.owner);
  }

  private matches(doc: Doc | undefined): doc is Doc {
    return doc !== undefined && this.spec.matcher.test(doc) && this.visible(doc);
  }

  private compare(a: Doc, b: Doc): number {
    for (const [field, direction] of this.spec.sort) {
      const order = compare(resolve(a, field), resolve(b, field));
      if (order !== 0) return order * direction;
    }
    return 0;
  }

  /** Where `doc` belongs in the window: the index of the first document that sorts after it. */
  private position(doc: Doc): number {
    let low = 0;
    let high = this.window.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.compare(this.window[mid], doc) <= 0) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  private insert(doc: Doc, at = this.position(doc)): void {
    this.window.splice(at, 0, doc);
    this.byId.set(idKey(doc._id), doc);
  }

  private take(id: string): Doc | undefined {
    const doc = this.byId.get(id);
    if (!doc) return undefined;
    this.byId.delete(id);
    this.window.splice(this.window.indexOf(doc), 1);
    return doc;
  }

  private checkSize(): void {
    if (this.window.length > MAX_WATCH_DOCS) {
      throw new ProtocolError(
        'WATCH_LIMIT_EXCEEDED',
        `a watch follows at most ${MAX_WATCH_DOCS} documents; narrow the query or set a limit`,
      );
    }
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.queue.length && !this.closed) {
        const change = this.queue.shift() as Change;
        const key = idKey(change.id);
        if (this.queue.some((later) => idKey(later.id) === key)) {
          if (change.type === 'insert') this.insertedMeanwhile.add(key);
          continue;
        }
        const drafts = await this.apply(change, key);
        this.insertedMeanwhile.delete(key);
        if (drafts.length && this.live) this.emit(drafts);
      }
    } catch (error) {
      this.close();
      const failure = error instanceof ProtocolError ? error : new ProtocolError('SYS_ERR', String(error));
      // Before INIT_EVENT the failure is start()'s to report.
      if (!this.live) throw failure;
      this.onFailure(failure);
    } finally {
      this.running = false;
    }
  }

  /** The first matching document outside the window, read from the store. */
  private async nextOutside(): Promise<Doc | undefined> {
    const { collection, query, sort } = this.spec;
    const outside = { $and: [query, { _id: { $nin: [...this.byId.keys()].map(idFromKey) } }] };
    const [next] = await this.store.find(collection, outside, { sort, limit: 1 });
    return next && this.visible(next) ? next : undefined;
  }

  /** Fills a window that lost a document while full; returns the event for the one that came in. */
  private async refill(): Promise<Draft[]> {
    if (this.complete) return [];
    const next = await this.nextOutside();
    if (!next) {
      this.complete = true;
      return [];
    }
    this.insert(next);
    return [{ dataType: 'limit', queueType: 'enqueue', id: idKey(next._id), doc: next }];
  }

  private async apply(change: Change, key: string): Promise<Draft[]> {
    const after = change.type === 'remove' ? undefined : change.doc;
    const dataType = this.insertedMeanwhile.has(key) ? 'add' : DATA_TYPE[change.type];
    const before = this.take(key);
    const limit = this.spec.limit ?? Infinity;
    if (before) {
      if (!this.matches(after)) return [leaving(dataType, before, after, key), ...(await this.refill())];
      if (!this.complete && this.position(after) === this.window.length) {
        // It now sorts last in a full window: a document outside may come before it.
        this.byId.set(key, after);
        const next = await this.nextOutside();
        this.byId.delete(key);
        if (next && this.compare(next, after) < 0) {
          this.insert(next);
          return [
            leaving(dataType, before, after, key),
            { dataType: 'limit', queueType: 'enqueue', id: idKey(next._id), doc: next },
          ];
        }
      }
      this.insert(after);
      return this.updated(dataType, before, after);
    }
    if (!this.matches(after)) return [];
    const at = this.position(after);
    if (!this.complete && at >= this.window.length) return [];
    this.insert(after, at);
    const drafts: Draft[] = [{ dataType, queueType: 'enqueue', id: key, doc: after }];
    if (this.window.length > limit) {
      const last = this.window[this.window.length - 1];
      this.take(idKey(last._id));
      this.complete = false;
      drafts.push({ dataType: 'limit', queueType: 'dequeue', id: idKey(last._id) });
    }
    if (limit === Infinity) this.checkSize();
    return drafts;
  }

  private updated(dataType: DataType, before: Doc, after: Doc): Draft[] {
    if (dataType !== 'update') {
      return isEqual(before, after) ? [] : [{ dataType, queueType: 'update', id: idKey(after._id), doc: after }];
    }
    const { updated, removed } = diff(before, after);
    if (Object.keys(updated).length === 0 && removed.length === 0) return [];
    return [{ dataType, queueType: 'update', id: idKey(after._id), updated, removed }];
  }

  private emit(drafts: Draft[]): void {
    const id = ++this.currEvent;
    const events = drafts.map((draft) => toWire(id, draft));
    this.log.push({ id, events });
    if (this.log.length > LOG_EVENTS) this.log.shift();
    if (!this.sink) return;
    this.pending.push(...events);
    if (this.flushQueued) return;
    this.flushQueued = true;
    // Events of one commit (a multi-document write) leave in one frame: the feed publishes a
    // commit's changes together, and they are all applied before the next turn of the event loop.
    setImmediate(() => {
      this.flushQueued = false;
      const events = this.pending;
      this.pending = [];
      if (this.sink && events.length) {
        this.sink({ queryID: this.queryID, currEvent: events[events.length - 1].ID, events });
      }
    });
  }
}
