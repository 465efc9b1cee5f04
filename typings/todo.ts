import type { QUADRANT_KEYS } from '../shared/quadrants';
import type { StoredDate } from './chat';
import type { Idempotent } from './contract';
import type { Action } from './functions';

/** The four Eisenhower quadrants: q1 important+urgent, q2 important, q3 urgent, q4 neither. */
export type Quadrant = (typeof QUADRANT_KEYS)[number];

/**
 * Where a todo's reminder stands. `pending`: waiting for its time (or for a retry after a
 * transient error); `sending`: claimed by a remind run; `sent`: delivered to WeChat;
 * `no_credit`: the user has no subscription credit left (or WeChat said 43101);
 * `failed`: WeChat refused it for good (40003, 40037 a template that no longer exists, and the
 * like) or retries ran out; `unfollowed`: no subscription credit, and the Official Account that
 * would have carried it says the user no longer follows it (43004).
 */
export type ReminderState = 'none' | 'pending' | 'sending' | 'sent' | 'no_credit' | 'failed' | 'unfollowed';

/**
 * Our own reason for a failed reminder, beside WeChat's errcode: the todo could not be read as a
 * todo (INVALID_DOCUMENT: written by something other than the app), or the run sending it died
 * before it knew whether WeChat had it (INTERRUPTED).
 */
export type ReminderErrorCode = 'INVALID_DOCUMENT' | 'INTERRUPTED';

/** What carried a sent reminder: a subscription message, or a template message from the Official Account. */
export type ReminderChannel = 'subscription' | 'oa';

/**
 * How a todo repeats: an RFC 5545 RRULE without the `RRULE:` prefix (FREQ=DAILY|WEEKLY|MONTHLY|
 * YEARLY, INTERVAL, BYDAY, BYMONTHDAY, BYMONTH for yearly, COUNT or UNTIL), in the normal form
 * shared/repeat-rule.ts reads and writes. Each occurrence is its own todo carrying the rule; its
 * COUNT is the occurrences left, this one included.
 */
export type RepeatRule = string;

/** Whether the next occurrence is counted from this one's due time, or from when it was completed. */
export type RepeatFrom = 'due' | 'completion';

/** One step of a todo's checklist (at most STEPS_MAX, shared/limits.ts). */
export interface TodoStep {
  id: string;
  /** 1–100 characters, trimmed. */
  title: string;
  done: boolean;
}

/** A todo as the client sees it. Dates travel as ISO 8601 strings (UTC). */
export interface Todo {
  id: string;
  /** 1–100 characters, trimmed. */
  title: string;
  /** At most 1000 characters; empty when none. */
  note: string;
  quadrant: Quadrant;
  done: boolean;
  dueAt: string | null;
  /** Never after `dueAt`; needs a `dueAt`. */
  remindAt: string | null;
  reminder: {
    state: ReminderState;
    /** Send attempts so far (transient failures are retried a few times). */
    attempts: number;
    /** WeChat's errcode and text of the last failure (and our own code, when it was ours), for the app to explain. */
    error: ReminderError | null;
    sentAt: string | null;
    /** What carried it, once sent. */
    via?: ReminderChannel;
  };
  /** null: a one-off todo. */
  repeat: RepeatRule | null;
  repeatFrom: RepeatFrom;
  steps: TodoStep[];
  createdAt: string;
  updatedAt: string;
  doneAt: string | null;
}

export interface ReminderError {
  errcode: number;
  errmsg: string;
  /** Set when the failure was not WeChat's: a document the timer could not use, or a send cut short. */
  code?: ReminderErrorCode;
}

/**
 * A todo as stored in the `todos` collection: what the todo function and the remind timer write,
 * and what the Todos page watches (the read rule lets only its owner). `D` is how its dates arrive.
 */
export interface TodoDoc<D extends StoredDate = Date> {
  _id: string;
  /** The owner, as CloudBase stamps client-created documents, so the security rule applies. */
  _openid: string;
  title: string;
  note: string;
  quadrant: Quadrant;
  done: boolean;
  dueAt: D | null;
  remindAt: D | null;
  sortDue: D;
  remindState: ReminderState;
  /** When the remind function should next try: `remindAt`, later after a transient error. */
  remindNextAt: D | null;
  remindAttempts: number;
  remindError: ReminderError | null;
  remindSentAt: D | null;
  /** How a sent reminder went: a subscription message, or an Official Account template message. */
  remindVia?: ReminderChannel | null;
  /** The remind run holding the reminder while it sends; outcomes are written only by that run. */
  remindClaim: string | null;
  remindClaimedAt: D | null;
  /** The owner's zone when the times were set: the reminder's text is written in it (absent: Asia/Shanghai). */
  zone?: string;
  /** Absent on todos written before repeats: a one-off. */
  repeat?: RepeatRule | null;
  repeatFrom?: RepeatFrom;
  /** Absent on todos written before steps: none. */
  steps?: TodoStep[];
  /**
   * A repeating todo edited for this occurrence only (`scope: 'this'`): the series' own values of
   * the fields that edit changed, from which the next occurrence is made. Absent or null: none.
   */
  series?: TodoSeries<D> | null;
  createdAt: D;
  updatedAt: D;
  doneAt: D | null;
}

/** What a `this`-only edit must not carry forward: the series' values of the fields it changed. */
export interface TodoSeries<D extends StoredDate = Date> {
  title?: string;
  note?: string;
  quadrant?: Quadrant;
  dueAt?: D;
  remindAt?: D | null;
  steps?: TodoStep[];
}

/** Which todos a list shows: open ones, done ones, or both (open first). */
export type TodoStatus = 'open' | 'done' | 'all';

export interface TodoListRequest {
  quadrant?: Quadrant;
  /** Default `all`. */
  status?: TodoStatus;
  /** `nextCursor` of the previous page; absent for the first page. */
  cursor?: string;
}

export interface TodoListResult {
  /** At most 20, ordered undone first, then by due time (none last), then by creation. */
  items: Todo[];
  /** Pass back to get the next page; null on the last page. */
  nextCursor: string | null;
  /** Open todos per quadrant, for the tab badges. */
  counts: Record<Quadrant, number>;
}

export interface TodoDraft {
  title: string;
  note?: string;
  quadrant: Quadrant;
  dueAt?: string | null;
  remindAt?: string | null;
  /** Needs a dueAt: the first occurrence is the todo's own due time. */
  repeat?: RepeatRule | null;
  /** Default `due`. */
  repeatFrom?: RepeatFrom;
  /** The checklist's step titles, in order, none done. */
  steps?: string[];
}

export interface TodoPatch {
  id: string;
  title?: string;
  note?: string;
  quadrant?: Quadrant;
  /** null clears it (and the reminder with it). */
  dueAt?: string | null;
  /** null clears it. */
  remindAt?: string | null;
  /** null stops repeating: this todo stays, no next one is made. */
  repeat?: RepeatRule | null;
  repeatFrom?: RepeatFrom;
  /** The whole checklist as it should be: a step with an `id` keeps it, one without is new. */
  steps?: Array<{ id?: string; title: string; done?: boolean }>;
  /**
   * For a repeating todo: `following` (the default) changes this occurrence and the ones after
   * it; `this` changes this occurrence only, and the next ones are made as before.
   */
  scope?: 'this' | 'following';
}

/** What the quick-add field understood: one chip per kind, removable. */
export type QuickAddKind = 'due' | 'repeat' | 'remind';

export interface QuickAddSpan {
  kind: QuickAddKind;
  /** UTF-16 offsets into the text given, end exclusive. */
  start: number;
  end: number;
  text: string;
}

export interface QuickAddRequest {
  /** What the person typed, 1–200 characters. */
  text: string;
  /** Kinds to leave unread (a chip the person removed): their words stay in the title. */
  without?: QuickAddKind[];
  /**
   * The user's IANA zone (or ISO offset); like every call's, read by the handler (Asia/Shanghai
   * when absent), whatever zone the function's machine is in.
   */
  tz?: string;
}

export interface QuickAddResult {
  /** The text without the words understood (may be empty). */
  title: string;
  dueAt: string | null;
  repeat: RepeatRule | null;
  remindAt: string | null;
  /** The words understood, in text order. */
  spans: QuickAddSpan[];
}

/** One quadrant of the 2×2 matrix. */
export interface QuadrantSummary {
  open: number;
  /** Open and past their due time. */
  overdue: number;
  /** The most urgent open todos (overdue first, then soonest due, none last), at most 3. */
  top: Todo[];
}

export interface MatrixSummary {
  quadrants: Record<Quadrant, QuadrantSummary>;
}

export interface SubscriptionCredit {
  templateId: string;
  /** Sends the user has allowed and not yet used. */
  credits: number;
}

export interface TodoActions {
  list: Action<TodoListRequest, TodoListResult>;
  get: Action<{ id: string }, { todo: Todo }>;
  create: Action<TodoDraft & Idempotent, { todo: Todo }>;
  update: Action<TodoPatch & Idempotent, { todo: Todo }>;
  /** A repeating todo's next occurrence is made once (also when two completes race): `next`, or null. */
  complete: Action<{ id: string } & Idempotent, { todo: Todo; next: Todo | null }>;
  /** A repeating todo moves to its next occurrence without being done (CONFLICT when the series has ended). */
  skip: Action<{ id: string } & Idempotent, { todo: Todo }>;
  /** Ticks or unticks one step of the checklist. */
  toggleStep: Action<{ id: string; stepId: string; done: boolean } & Idempotent, { todo: Todo }>;
  reopen: Action<{ id: string }, { todo: Todo }>;
  remove: Action<{ id: string } & Idempotent, { id: string }>;
  /** The user accepted `wx.requestSubscribeMessage` for this template: one more send allowed. */
  subscribe: Action<{ templateId: string }, SubscriptionCredit>;
  /** Quick add: a title, due time, repeat and reminder read from one line, without the model. */
  parse: Action<QuickAddRequest, QuickAddResult>;
  /** The 2×2 matrix: each quadrant's open and overdue counts and its most urgent todos. */
  summary: Action<Record<string, never>, MatrixSummary>;
}

/**
 * What one run of the timer-triggered `remind` function did. `remind` is not callable by users
 * (it refuses any caller with an openid), so it has no entry in `CloudFunctions`.
 */
export interface RemindRunSummary {
  /** Due reminders seen by the scan. */
  due: number;
  /** Claimed by this run (others were taken by an overlapping run). */
  claimed: number;
  sent: number;
  /** Of `sent`, those sent as Official Account template messages (no subscription credit, but a follower). */
  sentByOfficialAccount: number;
  noCredit: number;
  failed: number;
  /** Transient errors left `pending` for a later run. */
  retrying: number;
  /** No credit, and the Official Account said they no longer follow it. */
  unfollowed: number;
  /** Claimed, but not a todo the app wrote (see INVALID_DOCUMENT): failed, logged, skipped. */
  invalid: number;
  /** Due reminders left for the next run because this one ran out of time. */
  deferred: number;
  /** The morning plans the same run sent. */
  plans: PlanRunSummary;
}

/** The morning plans one run of `remind` sent: at most one per user per day. */
export interface PlanRunSummary {
  /** Plans claimed by this run. */
  due: number;
  sent: number;
  sentByOfficialAccount: number;
  /** Claimed, but neither channel carried it (no credit and not a follower, or an error). */
  unsent: number;
}
