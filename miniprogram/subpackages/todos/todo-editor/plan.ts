/**
 * The editor's repeat choices and checklist: the presets a person picks from (none, daily,
 * weekdays, weekly on the due day, every two weeks, monthly on the due date, yearly), written as
 * rules in the normal form (shared/repeat-rule.ts), and what a checklist edit sends.
 */
import type { TodoPatch, TodoStep } from '../../../../typings/todo';
import { localWall } from '../../../shared/time';
import { readRepeat, WEEKDAY_CODES } from '../shared/repeat-rule';

/** The presets in the catalogue's `editor.repeats` order; 0 is none. */
export const REPEAT_PRESETS = 7;

/** A step as the editor holds it: `id` absent until the cloud has it. */
export type DraftStep = { id?: string; title: string; done: boolean };

/** The rule of preset `index` for a todo due at `dueAt` (ms), or null for none. */
export function presetRule(index: number, dueAt: number): string | null {
  const due = localWall(dueAt);
  const day = WEEKDAY_CODES[(due.weekday + 6) % 7];
  const rules = [
    null,
    'FREQ=DAILY',
    'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR',
    `FREQ=WEEKLY;BYDAY=${day}`,
    `FREQ=WEEKLY;INTERVAL=2;BYDAY=${day}`,
    `FREQ=MONTHLY;BYMONTHDAY=${due.day}`,
    `FREQ=YEARLY;BYMONTH=${due.month};BYMONTHDAY=${due.day}`,
  ];
  return rules[index] ?? null;
}

/** Which preset a rule is (for a todo due at `dueAt`); -1 for a rule of its own (say, made by the assistant). */
export function presetOf(rule: string | null, dueAt: number): number {
  if (!rule) return 0;
  const read = readRepeat(rule);
  if (!read.ok || !dueAt) return -1;
  for (let i = 1; i < REPEAT_PRESETS; i++) if (presetRule(i, dueAt) === read.rule) return i;
  return -1;
}

/** The checklist to send when it changed (titles trimmed, empty ones dropped), else undefined. */
export function stepsPatch(before: TodoStep[], steps: DraftStep[]): TodoPatch['steps'] {
  const next = steps.map((s) => ({ ...s, title: s.title.trim() })).filter((s) => s.title);
  const same =
    next.length === before.length &&
    next.every((s, i) => s.id === before[i].id && s.title === before[i].title && s.done === before[i].done);
  return same ? undefined : next.map((s) => (s.id ? s : { title: s.title, done: s.done }));
}
