/**
 * A todo's checklist: what a draft and a patch may say of it, and the steps stored. Step ids are
 * made here, never by the client, so a patch can only keep an id the todo already has.
 */
import { randomBytes } from 'node:crypto';
import { STEP_TITLE_MAX, STEPS_MAX } from '../../shared/limits';
import type { TodoPatch, TodoStep } from '../../typings/todo';
import { anyString, array, boolean, docId, object, optional, string, type Schema } from '../schema';

const stepTitle = () => string({ min: 1, max: STEP_TITLE_MAX, trim: true });

/** A draft's checklist: step titles in order. */
export const draftStepsSchema = (): Schema<string[]> => array(stepTitle(), { max: STEPS_MAX });

/** A patch's checklist: the whole list as it should be. */
export const patchStepsSchema = (): Schema<NonNullable<TodoPatch['steps']>> =>
  array(object({ id: optional(docId()), title: stepTitle(), done: optional(boolean()) }), { max: STEPS_MAX });

/** A stored step, as todoDocSchema checks it. */
export const storedStepSchema = (): Schema<TodoStep> =>
  object({ id: anyString({ min: 1, max: 64 }), title: anyString({ min: 1 }), done: boolean() }, { keepUnknown: true });

/** 12 hex characters: unique within a todo's 30 steps many times over. */
export function newStepId(): string {
  return randomBytes(6).toString('hex');
}

export function newSteps(titles: readonly string[] | undefined): TodoStep[] {
  return (titles ?? []).map((title) => ({ id: newStepId(), title, done: false }));
}

/**
 * The checklist a patch asks for, over the one stored: a step naming an id the todo has keeps it
 * (and its state unless `done` is given); any other step is new, with an id made here (an id the
 * todo does not have, e.g. from a list edited elsewhere meanwhile, or given twice, is not trusted).
 */
export function mergeSteps(current: readonly TodoStep[], wanted: NonNullable<TodoPatch['steps']>): TodoStep[] {
  const known = new Map(current.map((step) => [step.id, step]));
  const used = new Set<string>();
  return wanted.map((step) => {
    const kept = step.id !== undefined && !used.has(step.id) ? known.get(step.id) : undefined;
    if (kept) used.add(kept.id);
    return { id: kept?.id ?? newStepId(), title: step.title, done: step.done ?? kept?.done ?? false };
  });
}

/** The same checklist for a new occurrence: every step still to do. */
export const resetSteps = (steps: readonly TodoStep[]): TodoStep[] => steps.map((step) => ({ ...step, done: false }));
