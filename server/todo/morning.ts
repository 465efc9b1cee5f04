/**
 * The morning plan, sent by the minute timer (`remind`) beside the reminders: each user whose plan
 * time has come today in their own zone, and who has not had today's plan, gets one push listing
 * today's due and overdue counts and what to do first (plan.ts), opening the app on the matrix.
 * Exactly once per user per day: the run claims the user's local date on the user document
 * (Users.claimPlan) before sending, so overlapping runs, or a zone change, never send it twice.
 * A push that fails is not retried: tomorrow's comes at its time.
 */
import { addDays, dateKey, wallOf, zoneOrDefault } from '../../shared/time';
import type { PlanRunSummary } from '../../typings/todo';
import type { Database } from '../db';
import type { Log } from '../documents';
import { planInstant } from '../login/plan-time';
import { Users, type PlanOutcome, type UserDoc } from '../login/store';
import type { Deliver, SubscribeMessage } from './channel';
import { todayPlan, type TodayPlan } from './plan';
import { cut, formatIn, THING_MAX, type RemindConfig } from './remind-text';
import { TodoService } from './service';
import { TodoStore } from './store';

const BATCH = 50;

/** The push: the counts in the title field, the first todo in the note field (or the title, without one). */
export function planMessage(
  openid: string,
  plan: TodayPlan,
  config: RemindConfig,
  now: Date,
  zone: string,
): SubscribeMessage {
  const counts = `今日到期${plan.dueToday}项，逾期${plan.overdue}项`;
  const first = plan.order[0]?.title;
  const lead = first ? `先做：${first}` : '今天没有待办';
  const data: SubscribeMessage['data'] = {
    [config.titleField]: { value: cut(config.noteField ? counts : `${counts}｜${lead}`, THING_MAX) },
    [config.timeField]: { value: formatIn(now, zone) },
  };
  if (config.noteField) data[config.noteField] = { value: cut(lead, THING_MAX) };
  return {
    touser: openid,
    templateId: config.templateId,
    page: `${config.page}?view=matrix`,
    data,
    miniprogramState: config.miniprogramState,
    lang: 'zh_CN',
  };
}

export function createMorning(deps: { db: Database; deliver: Deliver; log: Log }) {
  const users = new Users(deps.db, deps.log);
  const todos = new TodoService(new TodoStore(deps.db, deps.log));

  async function one(user: UserDoc, config: RemindConfig, now: Date, summary: PlanRunSummary): Promise<void> {
    const plan = user.dailyPlan;
    if (!plan?.enabled) return;
    const zone = zoneOrDefault(user.zone);
    const today = wallOf(now, zone);
    const due = planInstant(today, plan.time, zone);
    // Not yet today where the user is now (their zone moved since the time was set).
    if (due > now.getTime()) return users.setPlanNext(user._id, new Date(due));
    const day = dateKey(now.getTime(), zone);
    const next = new Date(planInstant(addDays(today, 1), plan.time, zone));
    if (!(await users.claimPlan(user._id, day, next))) return users.setPlanNext(user._id, next);
    summary.due++;
    let outcome: PlanOutcome;
    try {
      const message = planMessage(user._id, todayPlan(await todos.open(user._id), now, zone), config, now, zone);
      const sent = await deps.deliver({ message, attempts: 0, prefer: 'oa' }, now);
      outcome =
        sent.kind === 'sent'
          ? { day, state: 'sent', via: sent.via, error: null, at: now }
          : { day, state: sent.kind === 'retry' ? 'failed' : sent.kind, error: sent.error, at: now };
    } catch (thrown) {
      deps.log(`remind: the morning plan of ${user._id} broke`, thrown);
      outcome = { day, state: 'failed', error: { errcode: -1, errmsg: String(thrown).slice(0, 200) }, at: now };
    }
    if (outcome.state === 'sent') {
      summary.sent++;
      if (outcome.via === 'oa') summary.sentByOfficialAccount++;
    } else summary.unsent++;
    await users.recordPlan(user._id, outcome);
  }

  /** Sends the plans due at `now`, until `until` (epoch ms); what is left goes to the next run. */
  return async function sendPlans(config: RemindConfig, now: Date, until: number): Promise<PlanRunSummary> {
    const summary: PlanRunSummary = { due: 0, sent: 0, sentByOfficialAccount: 0, unsent: 0 };
    while (Date.now() <= until) {
      const batch = await users.duePlans(now, BATCH);
      if (batch.length === 0) break;
      // Every user of a batch leaves it (sent, claimed elsewhere, or moved on): the loop ends.
      for (const user of batch) await one(user, config, now, summary);
    }
    return summary;
  };
}
