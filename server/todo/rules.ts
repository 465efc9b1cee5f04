/**
 * What a todo may be: the schemas of a draft and a patch, the rules across fields (a reminder
 * needs a due time, is not after it, and is not set in the past), and what a reminder's fields are
 * when it is set. Pure: the `todo` function and the assistant's tools both build todos here and
 * store them through store.ts.
 */
import { randomBytes } from 'node:crypto';
import { NOTE_MAX, TITLE_MAX } from '../../shared/limits';
import { QUADRANT_KEYS } from '../../shared/quadrants';
import type { TodoDraft, TodoPatch } from '../../typings/todo';
import { AppError } from '../errors';
import { docId, isoDate, nullable, object, oneOf, optional, string, type Issues, type Schema } from '../schema';
import { nextIdOf, repeatSchema, seriesAfter, type Following } from './series';
import { draftStepsSchema, mergeSteps, newSteps, patchStepsSchema } from './steps';
import type { TodoDoc } from './store';

/**
 * Sort key for "by due time, none last": MongoDB sorts null first, so a todo without a due time
 * sorts on this far-future instant instead.
 */
export const NO_DUE = new Date(Date.UTC(9999, 11, 31));

export const title = () => string({ min: 1, max: TITLE_MAX, trim: true });
export const note = () => string({ max: NOTE_MAX, trim: true, multiline: true });
export const quadrant = () => oneOf(QUADRANT_KEYS);

/**
 * Times stay ISO strings in the request (the contract's type, what the client sends); isoDate()
 * checks them, and `toDate` converts once validation passed.
 */
function isoString(): Schema<string> {
  const date = isoDate();
  return {
    parse: (value, path, issues) => (date.parse(value, path, issues) === undefined ? undefined : (value as string)),
  };
}
const when = () => optional(nullable(isoString()));

function toDate(value: string | null | undefined): Date | null | undefined {
  return value === undefined || value === null ? value : new Date(value);
}

/** Latest due time accepted: far enough for any plan, and below the "no due time" sort key. */
const LATEST = Date.UTC(2100, 0, 1);
/** A reminder set a little in the past still counts (the picker and the phone's clock are not exact). */
const PAST_GRACE_MS = 60_000;

/** What `create` accepts; the assistant's add_todo tool checks its arguments with the same schema. */
export function todoDraftSchema(): Schema<TodoDraft> {
  return object({
    title: title(),
    note: optional(note()),
    quadrant: quadrant(),
    dueAt: when(),
    remindAt: when(),
    repeat: optional(nullable(repeatSchema())),
    repeatFrom: optional(repeatFrom()),
    steps: optional(draftStepsSchema()),
  });
}

const repeatFrom = () => oneOf(['due', 'completion'] as const);

/** What `update` accepts: the todo's id and any of the draft's fields (null clears a time). */
export function todoPatchSchema(): Schema<TodoPatch> {
  return object({
    id: docId(),
    title: optional(title()),
    note: optional(note()),
    quadrant: optional(quadrant()),
    dueAt: when(),
    remindAt: when(),
    repeat: optional(nullable(repeatSchema())),
    repeatFrom: optional(repeatFrom()),
    steps: optional(patchStepsSchema()),
    scope: optional(oneOf(['this', 'following'] as const)),
  });
}

/** The rules across fields, on the todo as it would be after the call. */
function checkTimes(
  dueAt: Date | null,
  remindAt: Date | null,
  remindChanged: boolean,
  now: Date,
  repeat: string | null = null,
): void {
  const issues: Issues = {};
  if (dueAt && dueAt.getTime() >= LATEST) issues.dueAt = 'must be before 2100';
  // The first occurrence is the todo's own due time: a rule without one has nowhere to start.
  if (repeat && !dueAt) issues.repeat = 'needs a dueAt';
  if (remindAt) {
    if (!dueAt) issues.remindAt = 'needs a dueAt';
    else if (remindAt.getTime() > dueAt.getTime()) issues.remindAt = 'must not be after dueAt';
    else if (remindChanged && remindAt.getTime() < now.getTime() - PAST_GRACE_MS) issues.remindAt = 'is in the past';
  }
  if (Object.keys(issues).length > 0) {
    const summary = Object.entries(issues)
      .map(([field, reason]) => `${field} ${reason}`)
      .join('; ');
    throw new AppError('INVALID_ARGUMENT', summary, issues);
  }
}

/** The reminder fields for a todo whose reminder is (re)set to `remindAt`: a new reminder, pending. */
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

/** 32 hex characters, the shape CloudBase gives `_id`s; chosen here so the reply needs no second read. */
export function newTodoId(): string {
  return randomBytes(16).toString('hex');
}

/**
 * The document for a new todo from a draft that passed todoDraftSchema(), after the rules across
 * fields: the one way a todo is made, by the `todo` function and by the assistant alike.
 */
export function newTodo(openid: string, draft: TodoDraft, now: Date, zone: string, id = newTodoId()): TodoDoc {
  const dueAt = toDate(draft.dueAt) ?? null;
  const remindAt = toDate(draft.remindAt) ?? null;
  const repeat = draft.repeat ?? null;
  checkTimes(dueAt, remindAt, true, now, repeat);
  return {
    _id: id,
    _openid: openid,
    title: draft.title,
    note: draft.note ?? '',
    quadrant: draft.quadrant,
    done: false,
    dueAt,
    sortDue: dueAt ?? NO_DUE,
    ...reminderFields(remindAt),
    zone,
    repeat,
    repeatFrom: draft.repeatFrom ?? 'due',
    steps: newSteps(draft.steps),
    createdAt: now,
    updatedAt: now,
    doneAt: null,
  };
}

/** The document of the occurrence after `doc` (see series.ts), its id derived from `doc`'s. */
export function nextTodo(doc: TodoDoc, following: Following, now: Date): TodoDoc {
  return {
    _id: nextIdOf(doc),
    _openid: doc._openid,
    title: following.title,
    note: following.note,
    quadrant: following.quadrant,
    done: false,
    dueAt: following.dueAt,
    sortDue: following.dueAt,
    ...reminderFields(following.remindAt),
    zone: doc.zone,
    repeat: following.repeat,
    repeatFrom: doc.repeatFrom ?? 'due',
    steps: following.steps,
    series: null,
    createdAt: now,
    updatedAt: now,
    doneAt: null,
  };
}

/** The fields that move `doc` to the occurrence after it in place (skip): a new reminder, steps to do again. */
export function skipPatch(following: Following, now: Date): Partial<TodoDoc> {
  return {
    title: following.title,
    note: following.note,
    quadrant: following.quadrant,
    steps: following.steps,
    dueAt: following.dueAt,
    sortDue: following.dueAt,
    ...reminderFields(following.remindAt),
    repeat: following.repeat,
    series: null,
    updatedAt: now,
  };
}

/** A patch must change something; checked before the todo is read. */
export function requireChange(change: Omit<TodoPatch, 'id'>): void {
  const { scope: _scope, ...fields } = change;
  if (Object.values(fields).every((value) => value === undefined)) {
    throw new AppError('INVALID_ARGUMENT', 'Nothing to update.', { title: 'or another field is required' });
  }
}

/** The fields to write for `change` on `doc`, after the rules across fields; `zone` is where the person set the times. */
export function patchFor(doc: TodoDoc, change: Omit<TodoPatch, 'id'>, now: Date, zone: string): Partial<TodoDoc> {
  const dueAt = change.dueAt === undefined ? doc.dueAt : (toDate(change.dueAt) ?? null);
  // Clearing the due time clears the reminder it anchored.
  const remindAt = change.remindAt === undefined ? (dueAt ? doc.remindAt : null) : (toDate(change.remindAt) ?? null);
  const remindChanged = (remindAt?.getTime() ?? null) !== (doc.remindAt ? new Date(doc.remindAt).getTime() : null);
  const repeat = change.repeat === undefined ? (doc.repeat ?? null) : change.repeat;
  checkTimes(dueAt, remindAt, remindChanged, now, repeat);
  if (change.scope === 'this' && (change.repeat !== undefined || change.repeatFrom !== undefined) && doc.repeat) {
    throw new AppError('INVALID_ARGUMENT', 'The rule belongs to the whole series: change it with scope "following".', {
      scope: 'must be following to change repeat or repeatFrom',
    });
  }
  const patch: Partial<TodoDoc> = { updatedAt: now };
  if (change.title !== undefined) patch.title = change.title;
  if (change.note !== undefined) patch.note = change.note;
  if (change.quadrant !== undefined) patch.quadrant = change.quadrant;
  if (change.dueAt !== undefined) {
    patch.dueAt = dueAt;
    patch.sortDue = dueAt ?? NO_DUE;
  }
  // The reminder's words are written in the zone its times were last set in.
  if (change.dueAt !== undefined || remindChanged) patch.zone = zone;
  // A new reminder time is a new reminder: pending again, whatever the last one did.
  if (remindChanged) Object.assign(patch, reminderFields(remindAt));
  if (change.repeat !== undefined) patch.repeat = change.repeat;
  if (change.repeatFrom !== undefined) patch.repeatFrom = change.repeatFrom;
  if (change.steps !== undefined) patch.steps = mergeSteps(doc.steps ?? [], change.steps);
  const series = seriesAfter(doc, patch, change.scope ?? 'following');
  if (series !== undefined) patch.series = series;
  return patch;
}
