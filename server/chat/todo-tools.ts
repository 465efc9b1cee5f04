/**
 * The assistant's tools on todos that exist: add steps, move, reschedule, complete, list and plan
 * today. Each checks its arguments with the `todo` function's schemas and runs the same service
 * (server/todo/service.ts); a refusal goes back to the model to fix or to explain.
 */
import { addDays, instantOf, isoInZone, nextMidnight, wallOf } from '../../shared/time';
import { AppError } from '../errors';
import { check, docId, isoDate, nullable, object, oneOf, optional, type Schema } from '../schema';
import { todayPlan } from '../todo/plan';
import { quadrant } from '../todo/rules';
import type { TodoService } from '../todo/service';
import { draftStepsSchema } from '../todo/steps';
import { toTodo } from '../todo/store';
import { answer, brief, type ToolOutcome, type ToolUser } from './tool-brief';

type Tool = (args: Record<string, unknown>, todos: TodoService, user: ToolUser) => Promise<ToolOutcome>;

/** A tool whose arguments `schema` checks, and whose AppErrors the model reads as refusals. */
function tool<A>(schema: Schema<A>, run: (args: A, todos: TodoService, user: ToolUser) => Promise<object>): Tool {
  return async (raw, todos, user) => {
    const parsed = check(schema, raw);
    if (!parsed.ok) return { content: answer({ ok: false, error: 'invalid arguments', fields: parsed.issues }) };
    try {
      return { content: answer({ ok: true, ...(await run(parsed.value, todos, user)) }) };
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      return { content: answer({ ok: false, code: error.code, error: error.message, fields: error.fields }) };
    }
  };
}

// Times stay ISO text for the service's own schema; isoDate() only checks them here.
const when = (): Schema<string | null | undefined> => {
  const date = isoDate();
  return optional(
    nullable({
      parse: (value, path, issues) => (date.parse(value, path, issues) === undefined ? undefined : (value as string)),
    }),
  );
};

export const editTools: Record<string, Tool> = {
  add_steps: tool(object({ id: docId(), steps: draftStepsSchema() }), async ({ id, steps }, todos, user) => {
    const doc = await todos.owned(user.openid, id);
    const kept = (doc.steps ?? []).map(({ id: stepId, title, done }) => ({ id: stepId, title, done }));
    const todo = await todos.update(
      user.openid,
      id,
      { steps: [...kept, ...steps.map((title) => ({ title }))] },
      user.now,
      user.zone,
    );
    return { todo: brief(toTodo(todo), user.zone) };
  }),

  move_todo: tool(object({ id: docId(), quadrant: quadrant() }), async ({ id, quadrant: to }, todos, user) => {
    const todo = await todos.update(user.openid, id, { quadrant: to }, user.now, user.zone);
    return { todo: brief(toTodo(todo), user.zone) };
  }),

  reschedule_todo: tool(
    object({ id: docId(), dueAt: when(), remindAt: when(), scope: optional(oneOf(['this', 'following'] as const)) }),
    async ({ id, ...change }, todos, user) => {
      const todo = await todos.update(user.openid, id, change, user.now, user.zone);
      return { todo: brief(toTodo(todo), user.zone) };
    },
  ),

  complete_todo: tool(object({ id: docId() }), async ({ id }, todos, user) => {
    const { todo, next } = await todos.complete(user.openid, id, user.now);
    return { todo: brief(toTodo(todo), user.zone), next: next ? brief(toTodo(next), user.zone) : null };
  }),

  list_todos: tool(
    object({ scope: optional(oneOf(['open', 'today', 'week', 'overdue'] as const)) }),
    async ({ scope = 'open' }, todos, { openid, now, zone }) => {
      const endOfToday = nextMidnight(now, zone);
      const limit: Record<typeof scope, number> = {
        open: Number.POSITIVE_INFINITY,
        today: endOfToday,
        // Six more calendar days in the user's zone, however long a DST change makes one of them.
        week: instantOf(addDays(wallOf(endOfToday, zone), 6), zone),
        overdue: now.getTime(),
      };
      const open = await todos.open(openid);
      const due = open.filter((t) => scope === 'open' || (t.dueAt !== null && Date.parse(t.dueAt) <= limit[scope]));
      return { now: isoInZone(now.getTime(), zone), scope, todos: due.slice(0, 50).map((todo) => brief(todo, zone)) };
    },
  ),

  plan_today: tool(object({}), async (_args, todos, { openid, now, zone }) => {
    const plan = todayPlan(await todos.open(openid), now, zone);
    return {
      now: isoInZone(now.getTime(), zone),
      dueToday: plan.dueToday,
      overdue: plan.overdue,
      open: plan.open,
      plan: plan.order.map((todo) => ({ ...brief(todo, zone), why: todo.why })),
    };
  }),
};
