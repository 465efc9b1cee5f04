/**
 * The assistant's tools as the model is offered them (OpenAI `tools`). Each runs the `todo`
 * function's own code (server/todo/service.ts) for the user the conversation belongs to.
 */
import { QUADRANT_KEYS } from '../../shared/quadrants';
import type { ToolSpec } from './model';

const tool = (name: string, description: string, properties: Record<string, unknown>, required: string[] = []) =>
  ({
    type: 'function',
    function: {
      name,
      description,
      parameters: { type: 'object', properties, ...(required.length ? { required } : {}) },
    },
  }) satisfies ToolSpec;

const ISO = "ISO 8601 with the offset of the user's time now (the system prompt's), e.g. 2026-05-01T09:00:00+08:00";
const ID = { type: 'string', description: 'The todo id, as list_todos or plan_today gave it.' };
const QUADRANT = {
  type: 'string',
  enum: QUADRANT_KEYS,
  description: 'q1 important and urgent; q2 important, not urgent; q3 urgent, not important; q4 neither.',
};

export const TOOL_SPECS: ToolSpec[] = [
  tool(
    'add_todo',
    'Create a todo for the user, optionally with a due time, a reminder (a WeChat message at remindAt), a repeat rule and a checklist of steps. Date words left in the title (明天下午3点, every Monday) are read by the app.',
    {
      title: { type: 'string', description: 'What to do, at most 100 characters.' },
      quadrant: QUADRANT,
      dueAt: { type: 'string', description: `Due time, ${ISO}. For a repeating todo, its first occurrence.` },
      remindAt: { type: 'string', description: 'When to remind, ISO 8601 with offset; needs dueAt, not after it.' },
      note: { type: 'string', description: 'Optional details, at most 1000 characters.' },
      repeat: {
        type: 'string',
        description:
          'RFC 5545 RRULE without "RRULE:", e.g. FREQ=WEEKLY;BYDAY=MO (every Monday), FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR (weekdays), FREQ=MONTHLY;BYMONTHDAY=1, FREQ=WEEKLY;INTERVAL=2;BYDAY=FR.',
      },
      repeatFrom: {
        type: 'string',
        enum: ['due', 'completion'],
        description: 'Count the next from the due time (default) or from completion.',
      },
      steps: { type: 'array', items: { type: 'string' }, description: 'Checklist step titles, in order, at most 30.' },
    },
    ['title', 'quadrant'],
  ),
  tool(
    'add_steps',
    "Add checklist steps to one of the user's todos (breaking it down into smaller steps), after the steps it has.",
    { id: ID, steps: { type: 'array', items: { type: 'string' }, description: 'Step titles, in order.' } },
    ['id', 'steps'],
  ),
  tool('move_todo', 'Move a todo to another quadrant of the Eisenhower matrix.', { id: ID, quadrant: QUADRANT }, [
    'id',
    'quadrant',
  ]),
  tool(
    'reschedule_todo',
    'Change when a todo is due and when it reminds; null clears. For a repeating todo, scope "this" moves this occurrence only.',
    {
      id: ID,
      dueAt: { type: ['string', 'null'], description: `New due time, ${ISO}.` },
      remindAt: { type: ['string', 'null'], description: 'New reminder time, ISO 8601 with offset.' },
      scope: { type: 'string', enum: ['this', 'following'] },
    },
    ['id'],
  ),
  tool('complete_todo', 'Mark a todo done. A repeating todo answers with its next occurrence.', { id: ID }, ['id']),
  tool('list_todos', "List the user's open todos, soonest due first.", {
    scope: {
      type: 'string',
      enum: ['open', 'today', 'week', 'overdue'],
      description: 'open: all open todos; today / week: due by the end of today / of the next 7 days; overdue.',
    },
  }),
  tool(
    'plan_today',
    'What to do first today: the app orders the user\'s open todos by the Eisenhower matrix (due today or overdue first, important before urgent). Use it for "今天先做什么" and answer from its order.',
    {},
  ),
];
