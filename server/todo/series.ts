/**
 * Repeating todos. Each occurrence is its own todo carrying the rule (COUNT as the occurrences
 * left, server/todo/repeat.ts); completing one makes the next, skipping one moves it to the next
 * in place.
 *
 * "This one" vs "this and the following": an edit with `scope: 'this'` changes the todo, and keeps
 * on it (`series`) the values the edit replaced, so the next occurrence is made from the series'
 * values, not from this one's; an edit for the following ones changes the todo and drops those
 * fields from `series`, since the todo's values are the series' again. The due time is one of
 * them: moving one occurrence to another day does not move the series.
 */
import { readRepeat } from '../../shared/repeat-rule';
import { zoneOrDefault } from '../../shared/time';
import type { TodoDoc, TodoSeries, TodoStep } from '../../typings/todo';
import { keyedId } from '../requests';
import type { Schema } from '../schema';
import { nextOccurrence } from './repeat';
import { resetSteps } from './steps';

/** A rule as shared/repeat-rule.ts reads it, in its normal form; its reason when refused. */
export function repeatSchema(): Schema<string> {
  return {
    parse(value, path, issues) {
      const read = readRepeat(value);
      if (read.ok) return read.rule;
      issues[path] = read.reason;
      return undefined;
    },
  };
}

const SERIES_FIELDS = ['title', 'note', 'quadrant', 'dueAt', 'remindAt', 'steps'] as const;
type SeriesField = (typeof SERIES_FIELDS)[number];

/** The series' values: the todo's own, except those a this-only edit replaced. */
export function seriesValues(doc: TodoDoc): {
  title: string;
  note: string;
  quadrant: TodoDoc['quadrant'];
  dueAt: Date | null;
  remindAt: Date | null;
  steps: TodoStep[];
} {
  const series: TodoSeries = doc.series ?? {};
  return {
    title: series.title ?? doc.title,
    note: series.note ?? doc.note,
    quadrant: series.quadrant ?? doc.quadrant,
    dueAt: series.dueAt ?? doc.dueAt,
    remindAt: series.remindAt !== undefined ? series.remindAt : doc.remindAt,
    steps: series.steps ?? doc.steps ?? [],
  };
}

/**
 * What `series` becomes after `patch` (already checked) is written with `scope`: undefined when
 * it stays as it is. A todo that does not repeat (any more) keeps none.
 */
export function seriesAfter(
  doc: TodoDoc,
  patch: Partial<TodoDoc>,
  scope: 'this' | 'following',
): TodoSeries | null | undefined {
  const repeats = patch.repeat !== undefined ? patch.repeat !== null : Boolean(doc.repeat);
  if (!repeats) return doc.series ? null : undefined;
  const series: Record<string, unknown> = { ...(doc.series ?? {}) };
  let changed = false;
  for (const key of SERIES_FIELDS) {
    if (patch[key] === undefined) continue;
    if (scope === 'following') {
      if (Object.hasOwn(series, key)) changed = delete series[key];
    } else if (!Object.hasOwn(series, key)) {
      series[key] = doc[key as SeriesField] ?? (key === 'steps' ? [] : null);
      changed = true;
    }
  }
  if (!changed) return undefined;
  return Object.keys(series).length > 0 ? (series as TodoSeries) : null;
}

/**
 * The id of the occurrence that follows this one: derived from this occurrence (its todo and its
 * due time), so two completes racing in two instances, or a retry after an invocation died, all
 * insert the same document and the second insert is refused as a duplicate: exactly one next.
 */
export function nextIdOf(doc: Pick<TodoDoc, '_id' | 'dueAt'>): string {
  return keyedId(doc._id, `next@${doc.dueAt ? new Date(doc.dueAt).toISOString() : '-'}`);
}

/** The fields of the occurrence after this one, or null when the series has ended. */
export interface Following {
  title: string;
  note: string;
  quadrant: TodoDoc['quadrant'];
  steps: TodoStep[];
  dueAt: Date;
  /** null also when the same lead before the new due time is already past. */
  remindAt: Date | null;
  repeat: string;
}

/**
 * The occurrence after `doc`, done or skipped at `now`: from its due time (or from `now`, for
 * repeatFrom 'completion', in the todo's zone), past occurrences passed over (they use up COUNT)
 * so the next one is ahead of the person, as planners do for a task done late.
 */
export function followingOf(doc: TodoDoc, now: Date): Following | null {
  const base = seriesValues(doc);
  if (!doc.repeat || !base.dueAt) return null;
  const occurrence = nextOccurrence({
    rule: doc.repeat,
    repeatFrom: doc.repeatFrom ?? 'due',
    dueAt: new Date(base.dueAt),
    completedAt: now,
    remindAt: base.remindAt ? new Date(base.remindAt) : null,
    zone: zoneOrDefault(doc.zone),
    after: now,
  });
  if (!occurrence) return null;
  const remindAt = occurrence.remindAt && occurrence.remindAt.getTime() >= now.getTime() ? occurrence.remindAt : null;
  return {
    title: base.title,
    note: base.note,
    quadrant: base.quadrant,
    steps: resetSteps(base.steps),
    dueAt: occurrence.dueAt,
    remindAt,
    repeat: occurrence.rule,
  };
}
