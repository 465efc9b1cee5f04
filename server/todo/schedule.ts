/**
 * Reminders on the second: every write that leaves a todo with a pending reminder asks CloudBase
 * to invoke `remind` at the reminder's time (a deferred invocation, see server/deferred.ts), and
 * that invocation sends just that reminder. The minute timer stays as the safety net: it sends what
 * a task missed (a failed schedule, a reminder over 30 days ahead, a retry). Both claim the
 * reminder the same way, so whichever comes first sends it and the other finds nothing.
 *
 * A task cannot be cancelled; it carries the todo's id and the reminder's time, and does nothing
 * unless that todo's pending reminder is still at that time (not moved, removed, done or sent).
 */
import { defer, type DeferredCalls } from '../deferred';
import type { Log } from '../documents';
import { docId, isoDate, object, oneOf, type Schema } from '../schema';
import type { TodoDoc } from './store';

export const REMIND_FUNCTION = 'remind';

/** The event of a reminder's deferred invocation of `remind`. */
export interface ReminderTask {
  task: 'reminder';
  todoId: string;
  /** The reminder's time (the todo's `remindNextAt` when scheduled). */
  at: Date;
}

export function reminderTaskSchema(): Schema<ReminderTask> {
  return object({ task: oneOf(['reminder'] as const), todoId: docId(), at: isoDate() });
}

/** A todo as a write leaves it: the whole document, or the id with the fields the write changed. */
export type WrittenTodo = Pick<TodoDoc, '_id'> & Partial<Pick<TodoDoc, 'done' | 'remindState' | 'remindNextAt'>>;

/** Scheduling may take this long before the write answers without it (the minute timer covers it). */
const SCHEDULE_TIMEOUT_MS = 2000;

/**
 * Schedules the reminder a write left pending; nothing for a write that did not (re)set one. Never
 * throws: a reminder that cannot be scheduled is logged, and the minute timer sends it.
 */
export async function scheduleReminder(calls: DeferredCalls | undefined, todo: WrittenTodo, log: Log): Promise<void> {
  if (!calls || todo.done === true || todo.remindState !== 'pending' || !todo.remindNextAt) return;
  const at = new Date(todo.remindNextAt);
  const event = { task: 'reminder', todoId: todo._id, at: at.toISOString() };
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      defer(calls, REMIND_FUNCTION, event, at),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer in ${SCHEDULE_TIMEOUT_MS} ms`)), SCHEDULE_TIMEOUT_MS);
      }),
    ]);
  } catch (error) {
    log(
      `todo: the reminder of todos/${todo._id} at ${at.toISOString()} was not scheduled; the minute timer sends it`,
      error,
    );
  } finally {
    clearTimeout(timer);
  }
}
