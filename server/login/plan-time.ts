/**
 * When a user's morning plan is due: the plan's wall-clock time ("07:30") on a day, in the user's
 * zone (shared/time.ts, never the process's), and the next such instant after a moment.
 */
import { addDays, instantOf, wallOf } from '../../shared/time';
import type { DailyPlan } from '../../typings/login';
import { boolean, object, string, type Schema } from '../schema';

/** What `updateProfile` accepts as a plan: on or off, at a time of day 00:00–23:59. */
export const dailyPlanSchema = (): Schema<DailyPlan> =>
  object({ enabled: boolean(), time: string({ min: 5, max: 5, pattern: /^([01]\d|2[0-3]):[0-5]\d$/ }) });

type Day = { year: number; month: number; day: number };

/** The plan's instant on `day` in `zone`. */
export function planInstant(day: Day, time: string, zone: string): number {
  const [hour, minute] = time.split(':').map(Number);
  return instantOf({ ...day, hour, minute }, zone);
}

/** Today's plan time while it is still ahead of `now`, else tomorrow's. */
export function nextPlanAt(time: string, now: Date, zone: string): Date {
  const today = wallOf(now, zone);
  const at = planInstant(today, time, zone);
  return new Date(at > now.getTime() ? at : planInstant(addDays(today, 1), time, zone));
}
