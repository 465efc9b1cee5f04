/**
 * `wx.cloud.database()`'s collections, queries and documents over the real @cloudbase/database
 * 0.11 (the js-sdk's client query builder): the library builds and serialises every query, update
 * and command; these wrappers give it WeChat's calling convention (`{ data }` options, callbacks or
 * a promise, `<api>:ok` results, `<api>:fail` errors), which the js-sdk does not share.
 */
import type { CollectionReference, DocumentReference, Query } from '@cloudbase/database';
import { outcome, settle, WxError, type Callbacks } from '../api';
import { replyError, type WebReply } from './request';
import { watchWith, type WatchOptions, type Watcher } from './watch';

/** What the library resolves with: its result, or the server's `{ code, message }` as they came. */
interface LibReply extends WebReply {
  data?: unknown;
  id?: string | number;
  total?: number;
  updated?: number;
  deleted?: number;
  upsertedId?: string;
}

type Document = Record<string, unknown>;
type DataOption = Callbacks & { data?: unknown };

/** One database call: the library's promise, checked, as WeChat resolves or rejects it. */
function run<R extends object>(
  api: string,
  option: Callbacks | undefined,
  call: () => Promise<unknown>,
  shape: (reply: LibReply) => R,
): Promise<unknown> | undefined {
  return settle(
    outcome(api, async () => {
      let reply: LibReply;
      try {
        reply = (await call()) as LibReply;
      } catch (error) {
        if (error instanceof WxError) throw error;
        throw new WxError(`${api}:fail request:fail ${error instanceof Error ? error.message : String(error)}`, -1);
      }
      if (reply.code) throw replyError(api, reply);
      return shape(reply);
    }),
    option ?? {},
  );
}

function dataOf(api: string, option: DataOption | undefined): object {
  const data = option?.data;
  if (typeof data !== 'object' || data === null) throw new WxError(`${api}:fail data must be an object`, -501007);
  return data;
}

const list = (reply: LibReply): Document[] => (Array.isArray(reply.data) ? (reply.data as Document[]) : []);

export class WxQuery {
  constructor(protected readonly query: Query) {}

  where(condition: object): WxQuery {
    return new WxQuery(this.query.where(condition));
  }

  orderBy(field: string, order: 'asc' | 'desc'): WxQuery {
    return new WxQuery(this.query.orderBy(field, order));
  }

  limit(max: number): WxQuery {
    return new WxQuery(this.query.limit(max));
  }

  skip(offset: number): WxQuery {
    return new WxQuery(this.query.skip(offset));
  }

  field(projection: Record<string, unknown>): WxQuery {
    return new WxQuery(this.query.field(projection));
  }

  get(option?: Callbacks): Promise<unknown> | undefined {
    return run(
      'collection.get',
      option,
      () => this.query.get(),
      (reply) => ({ data: list(reply) }),
    );
  }

  count(option?: Callbacks): Promise<unknown> | undefined {
    return run(
      'collection.count',
      option,
      () => this.query.count() as Promise<unknown>,
      (reply) => ({
        total: reply.total ?? 0,
      }),
    );
  }

  update(option?: DataOption): Promise<unknown> | undefined {
    return run(
      'collection.update',
      option,
      async () => this.query.update(dataOf('collection.update', option)),
      (reply) => ({ stats: { updated: reply.updated ?? 0 } }),
    );
  }

  remove(option?: Callbacks): Promise<unknown> | undefined {
    return run(
      'collection.remove',
      option,
      () => this.query.remove() as Promise<unknown>,
      (reply) => ({
        stats: { removed: reply.deleted ?? 0 },
      }),
    );
  }

  watch(options: WatchOptions): Watcher {
    return watchWith(this.query, options);
  }
}

export class WxCollection extends WxQuery {
  constructor(
    private readonly collection: CollectionReference,
    readonly collectionName: string,
  ) {
    super(collection);
  }

  doc(id: string | number): WxDocument {
    return new WxDocument(this.collection.doc(id), id);
  }

  add(option?: DataOption): Promise<unknown> | undefined {
    return run(
      'collection.add',
      option,
      async () => this.collection.add(dataOf('collection.add', option)),
      (reply) => ({ _id: reply.id }),
    );
  }
}

export class WxDocument {
  constructor(
    private readonly doc: DocumentReference,
    private readonly id: string | number,
  ) {}

  field(projection: Record<string, unknown>): WxDocument {
    return new WxDocument(this.doc.field(projection), this.id);
  }

  get(option?: Callbacks): Promise<unknown> | undefined {
    return run(
      'document.get',
      option,
      () => this.doc.get(),
      (reply) => {
        const [data] = list(reply);
        if (!data) throw new WxError(`document.get:fail document with _id ${this.id} does not exist`, -502004);
        return { data };
      },
    );
  }

  set(option?: DataOption): Promise<unknown> | undefined {
    return run(
      'document.set',
      option,
      async () => this.doc.set(dataOf('document.set', option)),
      (reply) => ({ _id: this.id, stats: { updated: reply.updated ?? 0, created: reply.upsertedId ? 1 : 0 } }),
    );
  }

  update(option?: DataOption): Promise<unknown> | undefined {
    return run(
      'document.update',
      option,
      async () => this.doc.update(dataOf('document.update', option)) as Promise<unknown>,
      (reply) => ({ stats: { updated: reply.updated ?? 0 } }),
    );
  }

  remove(option?: Callbacks): Promise<unknown> | undefined {
    return run(
      'document.remove',
      option,
      () => this.doc.remove(),
      (reply) => ({
        stats: { removed: reply.deleted ?? 0 },
      }),
    );
  }

  watch(options: WatchOptions): Watcher {
    return watchWith(this.doc, options);
  }
}
