/** What every tool of the assistant shares: whose they are, what they answer, and a todo as the model reads it. */
import { isoInZone } from '../../shared/time';
import type { ChatCard } from '../../typings/chat';
import type { Todo } from '../../typings/todo';

/** Whose tools run, when, and in which zone they read "today" and write times. */
export interface ToolUser {
  openid: string;
  now: Date;
  zone: string;
}

export interface ToolOutcome {
  /** What the model reads back (JSON text). */
  content: string;
  card?: ChatCard;
}

type Brief = Pick<Todo, 'id' | 'title' | 'quadrant' | 'dueAt' | 'remindAt'> & Partial<Pick<Todo, 'repeat' | 'steps'>>;

/** A todo as the model reads it: times as the user's wall time with its offset; its rule and checklist when it has them. */
export function brief(todo: Brief, zone: string) {
  const modelTime = (iso: string | null): string | null => (iso ? isoInZone(Date.parse(iso), zone) : null);
  return {
    id: todo.id,
    title: todo.title,
    quadrant: todo.quadrant,
    dueAt: modelTime(todo.dueAt),
    remindAt: modelTime(todo.remindAt),
    ...(todo.repeat ? { repeat: todo.repeat } : {}),
    ...(todo.steps?.length ? { steps: todo.steps.map((step) => ({ title: step.title, done: step.done })) } : {}),
  };
}

export const answer = (value: object): string => JSON.stringify(value);
