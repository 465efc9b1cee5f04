/**
 * Deferred invocations (延时调用云函数, `cloud.openapi.cloudbase.addDelayedFunctionTask`): tasks
 * kept in the data folder and run on their second, shown in the inspector and run early from it.
 * The open-API service hands this service the calls (after the outbox records them).
 *
 * Its part of the inspector's JSON API:
 *   GET  /_/api/delayed-tasks              pending tasks, soonest first: {tasks: [{id, functionName, dueAt, ...}]}
 *   POST /_/api/delayed-tasks/<id>/run     runs that task now: {ok, result | errCode, errMsg}
 */
import * as path from 'node:path';
import type { InspectorRequest, Service } from '../service';
import { DelayedTasks, UnknownTaskError, type DelayedTasksOptions } from './tasks';

export { ADD_DELAYED_TASK, DelayedTasks, INVALID_ARGUMENT, MAX_DELAY_S, MIN_DELAY_S, UnknownTaskError } from './tasks';
export type { DelayedChange, DelayedTask } from './types';

export const DELAYED_TASKS_FILE = 'delayed-tasks.jsonl';

export interface DelayedService extends Service {
  readonly tasks: DelayedTasks;
}

async function delayedRoute(tasks: DelayedTasks, { method, route, json }: InspectorRequest): Promise<boolean> {
  if (method === 'GET' && route.length === 1) {
    json(200, { tasks: tasks.list() });
    return true;
  }
  if (method !== 'POST' || route.length !== 3 || route[2] !== 'run') return false;
  try {
    const outcome = await tasks.fire(route[1]);
    json(outcome.ok ? 200 : 500, outcome);
  } catch (error) {
    if (!(error instanceof UnknownTaskError)) throw error;
    json(404, { code: 'NOT_FOUND', message: error.message });
  }
  return true;
}

export function createDelayedService(
  options: Omit<DelayedTasksOptions, 'file'> & { dataDir?: string },
): DelayedService {
  const { dataDir, ...rest } = options;
  const tasks = new DelayedTasks({ ...rest, ...(dataDir ? { file: path.join(dataDir, DELAYED_TASKS_FILE) } : {}) });
  return {
    name: 'delayed',
    tasks,
    inspector: { 'delayed-tasks': (request) => delayedRoute(tasks, request) },
    start: () => tasks.start(),
    async clear() {
      return `${tasks.clear()} delayed tasks forgotten`;
    },
    watch: (emit) => tasks.onChange((change) => emit({ type: 'delayed', data: { ...change } })),
    quiesce: () => tasks.close(),
  };
}
