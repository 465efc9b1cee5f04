/**
 * The `todos` collection: every read and write of it goes through here,
 * for the `todo` function, the `remind` timer and the assistant's tools alike. Every query a user's
 * call makes names the owner's `_openid`, so another user's todo is simply not found: never
 * revealed, never changed.
 */
import { QUADRANT_KEYS } from '../../shared/quadrants';
import { todoOf } from '../../shared/todos';
import type { Quadrant, ReminderError, Todo, TodoDoc, TodoListResult, TodoStatus } from '../../typings/todo';
import { cursorCodec } from '../cursor';
import { isDuplicateWrite, settle, type Database } from '../db';
import { consoleLog, documentCheck, readChecked, type Log } from '../documents';
import { todoDocSchema } from './doc-schema';

export { NO_DUE } from './rules';

export const TODOS = 'todos';
export const PAGE_SIZE = 20;

export type { ReminderError, TodoDoc };

/** A stored todo as the client sees it: the one mapping (shared/todos.ts) the Todos page's watch uses too. */
export function toTodo(doc: TodoDoc): Todo {
  return todoOf(doc);
}

/** A list page's position: the last row's sort key (done, due, created, id). */
export type ListKey = [done: boolean, sortDue: number, createdAt: number, id: string];

export const listCursor = cursorCodec<ListKey>(
  (key) =>
    key.length === 4 &&
    typeof key[0] === 'boolean' &&
    Number.isFinite(key[1]) &&
    Number.isFinite(key[2]) &&
    typeof key[3] === 'string',
);

function keyOf(doc: Pick<TodoDoc, 'done' | 'sortDue' | 'createdAt' | '_id'>): ListKey {
  return [doc.done, new Date(doc.sortDue).getTime(), new Date(doc.createdAt).getTime(), doc._id];
}

/** What a remind run writes on a reminder when it is done with it (see remind.ts). */
export type ReminderOutcomePatch = Partial<
  Pick<TodoDoc, 'remindState' | 'remindSentAt' | 'remindVia' | 'remindAttempts' | 'remindError' | 'remindNextAt'>
>;

/** A due reminder this run holds, or one whose todo it could not read as a todo (and why). */
export interface Claimed {
  docs: TodoDoc[];
  invalid: Array<{ id: string; reason: string }>;
}

export class TodoStore {
  private readonly check;

  constructor(
    private readonly db: Database,
    log: Log = consoleLog,
  ) {
    this.check = documentCheck(TODOS, todoDocSchema(), log);
  }

  private get todos() {
    return this.db.collection(TODOS);
  }

  // ---- a user's todos ----

  async get(openid: string, id: string): Promise<TodoDoc | undefined> {
    const { data } = await settle(this.todos.where({ _id: id, _openid: openid }).limit(1).get());
    return this.check.read(data[0]);
  }

  async insert(doc: TodoDoc): Promise<void> {
    await settle(this.todos.add({ data: doc }));
  }

  /**
   * Inserts `doc` unless a todo with its id is there already (an id derived from a request or from
   * the occurrence before it), and answers the one stored either way.
   */
  async insertOnce(doc: TodoDoc): Promise<TodoDoc> {
    try {
      await this.insert(doc);
      return doc;
    } catch (error) {
      const made = isDuplicateWrite(error) ? await this.get(doc._openid, doc._id) : undefined;
      if (!made) throw error;
      return made;
    }
  }

  /**
   * Applies `patch` when the todo still belongs to `openid` and matches `when` (e.g. still open);
   * false when it does not (any more).
   */
  async patch(
    openid: string,
    id: string,
    patch: Partial<TodoDoc>,
    when: Record<string, unknown> = {},
  ): Promise<boolean> {
    // update() merges a plain object field by field: _.set replaces `series` whole.
    const data = patch.series ? { ...patch, series: this.db.command.set(patch.series) } : patch;
    const { stats } = await settle(this.todos.where({ ...when, _id: id, _openid: openid }).update({ data }));
    return stats.updated > 0;
  }

  /** Ticks step `index` when it is still the step `stepId` (a checklist edited meanwhile moves it). */
  async setStep(openid: string, id: string, at: { index: number; stepId: string }, done: boolean, now: Date) {
    const { stats } = await settle(
      this.todos
        .where({ _id: id, _openid: openid, [`steps.${at.index}.id`]: at.stepId })
        .update({ data: { [`steps.${at.index}.done`]: done, updatedAt: now } }),
    );
    return stats.updated > 0;
  }

  /** Up to `limit` open todos, most urgent first by due time: the matrix and the morning plan read these. */
  async open(openid: string, limit: number): Promise<TodoDoc[]> {
    const query = this.todos
      .where({ _openid: openid, done: false })
      .orderBy('sortDue', 'asc')
      .orderBy('createdAt', 'asc')
      .orderBy('_id', 'asc');
    return readChecked(query, limit, this.check);
  }

  async remove(openid: string, id: string): Promise<boolean> {
    const { stats } = await settle(this.todos.where({ _id: id, _openid: openid }).remove());
    return stats.removed > 0;
  }

  /**
   * One page in the order undone, due time (none last), created, id; keyset pagination so rows
   * added or completed meanwhile never shift a page. A todo that is not one (see todoDocSchema) is
   * logged and skipped, and the page reads on past it: the cursor is always a real todo's key.
   */
  async list(
    openid: string,
    options: { quadrant?: Quadrant; status: TodoStatus; after?: ListKey },
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
    const ordered = this.todos
      .where(query as Record<string, unknown>)
      .orderBy('done', 'asc')
      .orderBy('sortDue', 'asc')
      .orderBy('createdAt', 'asc')
      .orderBy('_id', 'asc');
    // One more than a page tells whether another page exists without a count.
    const docs = await readChecked(ordered, PAGE_SIZE + 1, this.check);
    const page = docs.slice(0, PAGE_SIZE);
    const last = page.at(-1);
    return {
      items: page.map(toTodo),
      nextCursor: docs.length > PAGE_SIZE && last ? listCursor.encode(keyOf(last)) : null,
    };
  }

  /** Open todos per quadrant: four counts the (_openid, quadrant, done) index answers alone. */
  async openCounts(openid: string): Promise<Record<Quadrant, number>> {
    const totals = await Promise.all(
      QUADRANT_KEYS.map(async (quadrant) => {
        const { total } = await settle(this.todos.where({ _openid: openid, quadrant, done: false }).count());
        return total;
      }),
    );
    return { q1: totals[0], q2: totals[1], q3: totals[2], q4: totals[3] };
  }

  // ---- reminders, as the remind run claims and settles them ----

  private dueQuery(now: Date) {
    return { remindState: 'pending', done: false, remindNextAt: this.db.command.lte(now) };
  }

  /** Claims held longer than `before` belong to a run that died mid-send; they end as failed. */
  async failStaleClaims(before: Date): Promise<void> {
    const _ = this.db.command;
    const error: ReminderError = { errcode: -1, errmsg: 'interrupted while sending', code: 'INTERRUPTED' };
    await settle(
      this.todos.where({ remindState: 'sending', remindClaimedAt: _.lt(before) }).update({
        data: {
          remindState: 'failed',
          remindError: _.set(error),
          remindClaim: null,
          remindClaimedAt: null,
        },
      }),
    );
  }

  /** Ids of up to `limit` reminders due at `now`, soonest first. */
  async dueIds(now: Date, limit: number): Promise<string[]> {
    const { data } = await settle(
      this.todos.where(this.dueQuery(now)).orderBy('remindNextAt', 'asc').limit(limit).field({ _id: true }).get(),
    );
    return data.map((d) => String(d._id));
  }

  async countDue(now: Date): Promise<number> {
    const { total } = await settle(this.todos.where(this.dueQuery(now)).count());
    return total;
  }

  /**
   * Claims those of `ids` still due for run `runId` with one conditional update (a todo another run
   * claimed first no longer matches), and returns the ones this run holds: the todos, and apart
   * from them those it cannot read as todos, for the run to settle as failed.
   */
  async claim(ids: string[], runId: string, now: Date): Promise<Claimed> {
    const _ = this.db.command;
    await settle(
      this.todos.where({ _id: _.in(ids), ...this.dueQuery(now) }).update({
        data: { remindState: 'sending', remindClaim: runId, remindClaimedAt: now },
      }),
    );
    const { data } = await settle(
      this.todos
        .where({ _id: _.in(ids) })
        .limit(ids.length)
        .get(),
    );
    const claimed: Claimed = { docs: [], invalid: [] };
    for (const raw of data.filter((doc) => doc.remindClaim === runId)) {
      const parsed = this.check.parse(raw);
      if (parsed.ok) claimed.docs.push(parsed.doc);
      else claimed.invalid.push({ id: String(raw._id), reason: parsed.reason });
    }
    return claimed;
  }

  /** Writes one outcome on the reminders `ids` that run `runId` still holds, releasing them. */
  async settleReminders(ids: string[], runId: string, patch: ReminderOutcomePatch): Promise<void> {
    const _ = this.db.command;
    // update() merges a plain object field by field (and cannot into null): _.set replaces it.
    const data = {
      ...patch,
      remindClaim: null,
      remindClaimedAt: null,
      ...(patch.remindError ? { remindError: _.set(patch.remindError) } : {}),
    };
    await settle(this.todos.where({ _id: _.in(ids), remindClaim: runId }).update({ data }));
  }
}
