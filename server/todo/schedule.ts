/**
 * Reminders on the second: every write that leaves a todo with a pending reminder makes sure
 * CloudBase will invoke `remind` at the second the reminder falls due (a deferred invocation, see
 * server/deferred.ts), and that invocation sends every reminder due by then. One task per second,
 * not per reminder: the first reminder of a second asks for it and marks the second in
 * `reminder_slots`, the others find the mark. Ten thousand reminders in one minute are then sixty
 * invocations sending in batches, as the minute run does, instead of ten thousand invocations.
 *
 * The minute timer stays as the safety net: it sends what a task missed (a failed schedule, a
 * reminder over 30 days ahead). Task and timer claim reminders the same way, so whichever comes
 * first sends one and the other finds nothing. A task cannot be cancelled: one left from a
 * reminder since moved, removed or completed finds nothing due at its second and sends nothing.
 */
import { isDuplicateWrite, settle, type Database } from '../db';
import { defer, type DeferredCalls } from '../deferred';
import type { Log } from '../documents';
import { isoDate, object, oneOf, type Schema } from '../schema';
import type { TodoDoc } from '../../typings/todo';

export const REMIND_FUNCTION = 'remind';
export const SLOTS = 'reminder_slots';

/** The event of a deferred invocation of `remind`: send what is due by `at`. */
export interface ReminderTask {
  task: 'reminders';
  /** The second the task is for. */
  at: Date;
}

export function reminderTaskSchema(): Schema<ReminderTask> {
  return object({ task: oneOf(['reminders'] as const), at: isoDate() });
}

/** A todo as a write leaves it: the whole document, or the id with the fields the write changed. */
export type WrittenTodo = Pick<TodoDoc, '_id'> & Partial<Pick<TodoDoc, 'done' | 'remindState' | 'remindNextAt'>>;

/** Scheduling may take this long before the write answers without it (the minute timer covers it). */
const SCHEDULE_TIMEOUT_MS = 2000;

/** The second a reminder at `at` is sent in: its own, or the next one when it is not on a whole second. */
export function slotOf(at: Date): Date {
  return new Date(Math.ceil(at.getTime() / 1000) * 1000);
}

const slotId = (slot: Date): string => `s${slot.getTime()}`;

function timeout(ms: number): { promise: Promise<never>; clear(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const promise = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms);
  });
  return { promise, clear: () => clearTimeout(timer) };
}

export class ReminderScheduler {
  constructor(
    private readonly db: Database,
    private readonly calls: DeferredCalls,
    private readonly log: Log,
  ) {}

  private get slots() {
    return this.db.collection(SLOTS);
  }

  /**
   * Makes sure a task runs at the second of the reminder a write left pending; nothing for a write
   * that did not (re)set one. Never throws: a reminder that cannot be scheduled is logged, and the
   * minute timer sends it.
   */
  async schedule(todo: WrittenTodo): Promise<void> {
    if (todo.done === true || todo.remindState !== 'pending' || !todo.remindNextAt) return;
    const slot = slotOf(new Date(todo.remindNextAt));
    const limit = timeout(SCHEDULE_TIMEOUT_MS);
    try {
      await Promise.race([this.ask(slot), limit.promise]);
    } catch (error) {
      this.log(
        `todo: the reminder of todos/${todo._id} at ${slot.toISOString()} was not scheduled; the minute timer sends it`,
        error,
      );
    } finally {
      limit.clear();
    }
  }

  /** A task for `slot` unless one was asked for already; the mark goes again if the ask fails. */
  private async ask(slot: Date): Promise<void> {
    try {
      await settle(this.slots.add({ data: { _id: slotId(slot), at: slot } }));
    } catch (error) {
      if (isDuplicateWrite(error)) return;
      throw error;
    }
    let asked = false;
    try {
      // Further than 30 days: no task, and no mark either, which would stop a later reminder's.
      asked = await defer(this.calls, REMIND_FUNCTION, { task: 'reminders', at: slot.toISOString() }, slot);
    } finally {
      if (!asked) await releaseSlot(this.db, slot).catch(() => undefined);
    }
  }
}

/**
 * The task for `slot` is running: its mark goes first, so a reminder scheduled from now on asks for
 * a task of its own, and one scheduled before is already in the database the run reads.
 */
export async function releaseSlot(db: Database, slot: Date): Promise<void> {
  await settle(db.collection(SLOTS).doc(slotId(slot)).remove());
}
