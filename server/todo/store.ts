/**
 * The `todos` and `subscriptions` collections. Every query names the owner's `_openid`, so another
 * user's todo is simply not found: never revealed, never changed.
 */
import { QUADRANT_KEYS } from '../shared/quadrants';
import type { Quadrant, ReminderChannel, ReminderState, Todo, TodoListResult, TodoStatus } from '../typings/todo';
import { fromCursor, toCursor } from './cursor';
import { isDuplicateWrite, settle, type Database } from './db';

export const TODOS = 'todos';
export const SUBSCRIPTIONS = 'subscriptions';
export const PAGE_SIZE = 20;

/**
 * Sort key for "by due time, none last": MongoDB sorts null first, so a todo without a due time
 * sorts on this far-future instant instead.
 */
export const NO_DUE = new Date(Date.UTC(9999, 11, 31));

export interface ReminderError {
  errcode: number;
  errmsg: string;
}

export interface TodoDoc {
  _id: string;
  /** The owner, as CloudBase stamps client-created documents, so the security rule applies. */
  _openid: string;
  title: string;
  note: string;
  quadrant: Quadrant;
  done: boolean;
  dueAt: Date | null;
  remindAt: Date | null;
  sortDue: Date;
  remindState: ReminderState;
  /** When the remind function should next try: `remindAt`, later after a transient error. */
  remindNextAt: Date | null;
  remindAttempts: number;
  remindError: ReminderError | null;
  remindSentAt: Date | null;
  /** How a sent reminder went: a subscription message, or an Official Account template message. */
  remindVia?: ReminderChannel | null;
  /** The remind run holding the reminder while it sends; outcomes are written only by that run. */
  remindClaim: string | null;
  remindClaimedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  doneAt: Date | null;
}

export interface SubscriptionDoc {
  _id: string;
  _openid: string;
  templateId: string;
  credits: number;
  acceptedAt: Date;
  updatedAt: Date;
}

const iso = (d: Date | null): string | null => (d ? new Date(d).toISOString() : null);

export function toTodo(doc: TodoDoc): Todo {
  return {
    id: doc._id,
    title: doc.title,
    note: doc.note,
    quadrant: doc.quadrant,
    done: doc.done,
    dueAt: iso(doc.dueAt),
    remindAt: iso(doc.remindAt),
    reminder: {
      state: doc.remindState,
      attempts: doc.remindAttempts,
      error: doc.remindError,
      sentAt: iso(doc.remindSentAt),
      ...(doc.remindVia ? { via: doc.remindVia } : {}),
    },
    createdAt: new Date(doc.createdAt).toISOString(),
    updatedAt: new Date(doc.updatedAt).toISOString(),
    doneAt: iso(doc.doneAt),
  };
}

/** The reminder fields for a todo whose reminder is (re)set to `remindAt`. */
export function reminderFields(
  remindAt: Date | null,
): Pick<
  TodoDoc,
  | 'remindAt'
  | 'remindState'
  | 'remindNextAt'
  | 'remindAttempts'
  | 'remindError'
  | 'remindSentAt'
  | 'remindVia'
  | 'remindClaim'
  | 'remindClaimedAt'
> {
  return {
    remindAt,
    remindState: remindAt ? 'pending' : 'none',
    remindNextAt: remindAt,
    remindAttempts: 0,
    remindError: null,
    remindSentAt: null,
    remindVia: null,
    remindClaim: null,
    remindClaimedAt: null,
  };
}

export function subscriptionId(openid: string, templateId: string): string {
  return `${openid}:${templateId}`;
}

// ---- cursors: the last row's sort key, opaque to the client ----

type CursorKey = [done: boolean, sortDue: number, createdAt: number, id: string];

export function encodeCursor(doc: Pick<TodoDoc, 'done' | 'sortDue' | 'createdAt' | '_id'>): string {
  const key: CursorKey = [doc.done, new Date(doc.sortDue).getTime(), new Date(doc.createdAt).getTime(), doc._id];
  return toCursor(key);
}

export function decodeCursor(cursor: string): CursorKey | undefined {
  return fromCursor<CursorKey>(
    cursor,
    (key) =>
      key.length === 4 &&
      typeof key[0] === 'boolean' &&
      Number.isFinite(key[1]) &&
      Number.isFinite(key[2]) &&
      typeof key[3] === 'string',
  );
}

export class Todos {
  constructor(private readonly db: Database) {}

  private get collection() {
    return this.db.collection(TODOS);
  }

  async get(openid: string, id: string): Promise<TodoDoc | undefined> {
    const { data } = await settle(this.collection.where({ _id: id, _openid: openid }).limit(1).get());
    return data[0] as TodoDoc | undefined;
  }

  async insert(doc: TodoDoc): Promise<void> {
    await settle(this.collection.add({ data: doc }));
  }

  /** Applies `patch` when the todo still belongs to `openid` (and matches `extra`); false when none did. */
  async patch(
    openid: string,
    id: string,
    patch: Partial<TodoDoc>,
    extra: Record<string, unknown> = {},
  ): Promise<boolean> {
    const { stats } = await settle(
      this.collection.where({ _id: id, _openid: openid, ...extra }).update({ data: patch }),
    );
    return stats.updated > 0;
  }

  async remove(openid: string, id: string): Promise<boolean> {
    const { stats } = await settle(this.collection.where({ _id: id, _openid: openid }).remove());
    return stats.removed > 0;
  }

  /**
   * One page in the order undone, due time (none last), created, id; keyset pagination so rows
   * added or completed meanwhile never shift a page.
   */
  async list(
    openid: string,
    options: { quadrant?: Quadrant; status: TodoStatus; after?: CursorKey },
  ): Promise<Pick<TodoListResult, 'items' | 'nextCursor'>> {
    const _ = this.db.command;
    const base: Record<string, unknown> = { _openid: openid };
    if (options.quadrant) base.quadrant = options.quadrant;
    if (options.status !== 'all') base.done = options.status === 'done';
    let query: unknown = base;
    if (options.after) {
      const [done, sortDue, createdAt, id] = options.after;
      const due = new Date(sortDue);
      const created = new Date(createdAt);
      query = _.and([
        base,
        _.or([
          { done: _.gt(done) },
          { done, sortDue: _.gt(due) },
          { done, sortDue: due, createdAt: _.gt(created) },
          { done, sortDue: due, createdAt: created, _id: _.gt(id) },
        ]),
      ]);
    }
    const { data } = await settle(
      this.collection
        .where(query as Record<string, unknown>)
        .orderBy('done', 'asc')
        .orderBy('sortDue', 'asc')
        .orderBy('createdAt', 'asc')
        .orderBy('_id', 'asc')
        // One more than a page tells whether another page exists without a count.
        .limit(PAGE_SIZE + 1)
        .get(),
    );
    const docs = data as TodoDoc[];
    const page = docs.slice(0, PAGE_SIZE);
    return {
      items: page.map(toTodo),
      nextCursor: docs.length > PAGE_SIZE ? encodeCursor(page[page.length - 1]) : null,
    };
  }

  /** Open todos per quadrant: four counts the (_openid, quadrant, done) index answers alone. */
  async openCounts(openid: string): Promise<Record<Quadrant, number>> {
    const totals = await Promise.all(
      QUADRANT_KEYS.map(async (quadrant) => {
        const { total } = await settle(this.collection.where({ _openid: openid, quadrant, done: false }).count());
        return total;
      }),
    );
    return { q1: totals[0], q2: totals[1], q3: totals[2], q4: totals[3] };
  }

  /** One more send allowed for this user and template; credits accumulate across accepts. */
  async addCredit(openid: string, templateId: string, now: Date): Promise<number> {
    const _ = this.db.command;
    const id = subscriptionId(openid, templateId);
    const subscriptions = this.db.collection(SUBSCRIPTIONS);
    // Update first, then insert (as Users.recordLogin does): two racing accepts both count.
    for (let attempt = 0; attempt < 2; attempt++) {
      const { stats } = await settle(
        subscriptions.doc(id).update({ data: { credits: _.inc(1), acceptedAt: now, updatedAt: now } }),
      );
      if (stats.updated === 0) {
        const fresh: SubscriptionDoc = {
          _id: id,
          _openid: openid,
          templateId,
          credits: 1,
          acceptedAt: now,
          updatedAt: now,
        };
        try {
          await settle(subscriptions.add({ data: fresh }));
          return 1;
        } catch (error) {
          if (!isDuplicateWrite(error)) throw error;
          continue;
        }
      }
      const { data } = await settle(subscriptions.doc(id).get());
      return (data as unknown as SubscriptionDoc).credits;
    }
    throw new Error(`subscription ${id} could not be written`);
  }
}
