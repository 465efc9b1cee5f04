/**
 * What can be done to a user's todos, once: the `todo` function's actions and the assistant's
 * tools both call these, so a todo made, edited, completed or skipped by either follows the same
 * rules (rules.ts, series.ts, steps.ts) and is written the same way (store.ts).
 */
import { matrixSummary } from '../../shared/matrix';
import type { MatrixSummary, TodoDraft, TodoPatch } from '../../typings/todo';
import { AppError } from '../errors';
import { newTodo, nextTodo, patchFor, requireChange, skipPatch } from './rules';
import { followingOf, nextIdOf } from './series';
import { toTodo, type TodoDoc, type TodoStore } from './store';

/** Open todos the matrix reads at most, in one query: its counts are exact up to this many. */
export const OPEN_READ_MAX = 1000;

function notFound(): AppError {
  return new AppError('NOT_FOUND', 'No such todo.');
}

export class TodoService {
  constructor(readonly store: TodoStore) {}

  async owned(openid: string, id: string): Promise<TodoDoc> {
    const doc = await this.store.get(openid, id);
    if (!doc) throw notFound();
    return doc;
  }

  /** A new todo; with an `id` derived from a request, a retry answers with the one it made. */
  create(openid: string, draft: TodoDraft, now: Date, zone: string, id?: string): Promise<TodoDoc> {
    return this.store.insertOnce(newTodo(openid, draft, now, zone, id));
  }

  async update(openid: string, id: string, change: Omit<TodoPatch, 'id'>, now: Date, zone: string): Promise<TodoDoc> {
    requireChange(change);
    const doc = await this.owned(openid, id);
    const patch = patchFor(doc, change, now, zone);
    if (!(await this.store.patch(openid, id, patch))) throw notFound();
    return { ...doc, ...patch };
  }

  /**
   * Done; a repeating todo's next occurrence is made first, with an id derived from this one
   * (series.ts), so whoever completes it, however often and however many at once, there is one.
   * An invocation that dies between the two writes leaves this one open, and the retry finds its
   * next already made.
   */
  async complete(openid: string, id: string, now: Date): Promise<{ todo: TodoDoc; next: TodoDoc | null }> {
    const doc = await this.owned(openid, id);
    if (doc.done) {
      const next = doc.repeat ? await this.store.get(openid, nextIdOf(doc)) : undefined;
      return { todo: doc, next: next ?? null };
    }
    const following = followingOf(doc, now);
    const next = following ? await this.store.insertOnce(nextTodo(doc, following, now)) : null;
    const patch: Partial<TodoDoc> = { done: true, doneAt: now, updatedAt: now };
    if (await this.store.patch(openid, id, patch, { done: false })) return { todo: { ...doc, ...patch }, next };
    // Completed by another call meanwhile: its answer is this one's.
    return { todo: await this.owned(openid, id), next };
  }

  /** Moves a repeating todo to its next occurrence in place, without doing it. */
  async skip(openid: string, id: string, now: Date): Promise<TodoDoc> {
    const doc = await this.owned(openid, id);
    if (!doc.repeat) throw new AppError('CONFLICT', 'Only a repeating todo can be skipped.');
    if (doc.done) throw new AppError('CONFLICT', 'This occurrence is done already: there is nothing to skip.');
    const following = followingOf(doc, now);
    if (!following) {
      throw new AppError('CONFLICT', 'This is the last occurrence of its series: complete or delete it instead.');
    }
    const patch = skipPatch(following, now);
    // Two skips racing move it once: the second no longer finds the occurrence it read.
    if (await this.store.patch(openid, id, patch, { done: false, dueAt: doc.dueAt })) return { ...doc, ...patch };
    return this.owned(openid, id);
  }

  async toggleStep(openid: string, id: string, stepId: string, done: boolean, now: Date): Promise<TodoDoc> {
    // Twice at most: a checklist edited between the read and the write moves the step.
    for (let attempt = 0; attempt < 2; attempt++) {
      const doc = await this.owned(openid, id);
      const steps = doc.steps ?? [];
      const index = steps.findIndex((step) => step.id === stepId);
      if (index < 0) throw new AppError('NOT_FOUND', 'No such step in this todo.');
      if (steps[index].done === done) return doc;
      if (await this.store.setStep(openid, id, { index, stepId }, done, now)) {
        const ticked = steps.map((step, i) => (i === index ? { ...step, done } : step));
        return { ...doc, steps: ticked, updatedAt: now };
      }
    }
    throw new AppError('CONFLICT', 'The checklist changed meanwhile; try again.');
  }

  /** The user's open todos, most urgent by due time first, at most OPEN_READ_MAX. */
  async open(openid: string) {
    return (await this.store.open(openid, OPEN_READ_MAX)).map(toTodo);
  }

  async summary(openid: string, now: Date): Promise<MatrixSummary> {
    return matrixSummary(await this.open(openid), now.getTime());
  }
}
