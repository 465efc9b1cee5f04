/**
 * A stored todo, checked on every read (server/documents.ts): what newTodo(), patchFor() and the
 * remind run write, so one written by anything else is skipped instead of breaking a list or a run.
 */
import type { ReminderErrorCode, ReminderState, TodoSeries } from '../../typings/todo';
import {
  anyString,
  array,
  boolean,
  docId,
  integer,
  nullable,
  object,
  oneOf,
  optional,
  storedDate,
  string,
  type Schema,
} from '../schema';
import { note, quadrant, title } from './rules';
import { repeatSchema } from './series';
import { storedStepSchema } from './steps';
import type { TodoDoc } from './store';

const REMINDER_STATES = [
  'none',
  'pending',
  'sending',
  'sent',
  'no_credit',
  'failed',
  'unfollowed',
] as const satisfies readonly ReminderState[];
const REMINDER_ERROR_CODES = ['INVALID_DOCUMENT', 'INTERRUPTED'] as const satisfies readonly ReminderErrorCode[];

/**
 * A stored todo: what newTodo() and patchFor() write, with the same title, note and quadrant rules,
 * checked on every todo the store reads (remind, list, get), so one written by anything else is
 * skipped instead of breaking the run or the list. `remindVia` came later, so it may be absent.
 */
export function todoDocSchema(): Schema<TodoDoc> {
  const when = () => nullable(storedDate());
  return object(
    {
      _id: docId(),
      _openid: string({ min: 1, max: 128 }),
      title: title(),
      note: note(),
      quadrant: quadrant(),
      done: boolean(),
      dueAt: when(),
      remindAt: when(),
      sortDue: storedDate(),
      remindState: oneOf(REMINDER_STATES),
      remindNextAt: when(),
      remindAttempts: integer({ min: 0 }),
      remindError: nullable(
        object(
          { errcode: integer(), errmsg: anyString(), code: optional(oneOf(REMINDER_ERROR_CODES)) },
          { keepUnknown: true },
        ),
      ),
      remindSentAt: when(),
      remindVia: optional(nullable(oneOf(['subscription', 'oa'] as const))),
      remindClaim: nullable(anyString()),
      remindClaimedAt: when(),
      createdAt: storedDate(),
      updatedAt: storedDate(),
      doneAt: when(),
      zone: optional(anyString()),
      repeat: optional(nullable(repeatSchema())),
      repeatFrom: optional(oneOf(['due', 'completion'] as const)),
      steps: optional(array(storedStepSchema())),
      series: optional(nullable(seriesSchema())),
    },
    { keepUnknown: true },
  );
}

/** What a this-only edit kept of the series (see series.ts). */
function seriesSchema(): Schema<TodoSeries> {
  return object(
    {
      title: optional(title()),
      note: optional(note()),
      quadrant: optional(quadrant()),
      dueAt: optional(storedDate()),
      remindAt: optional(nullable(storedDate())),
      steps: optional(array(storedStepSchema())),
    },
    { keepUnknown: true },
  );
}
