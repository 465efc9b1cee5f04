/**
 * CloudBase timer triggers (定时触发器): each function's config.json `triggers`, 7-field crons
 * evaluated in China Standard Time, fired on schedule or on demand.
 */
import type { InspectorRequest, Service } from '../service';
import { createScheduler, UnknownTriggerError, type Scheduler, type SchedulerOptions } from './scheduler';

export * from './cron';
export * from './scheduler';

export interface TimersService extends Service {
  readonly scheduler: Scheduler;
}

/**
 * The timers' part of the inspector's JSON API:
 *   GET  /_/api/triggers                  timer triggers of every function, with next run
 *   POST /_/api/triggers/<fn>/<trigger>   runs that timer trigger now: {ok, result | errCode, errMsg}
 */
async function triggersRoute(scheduler: Scheduler, { method, route, json }: InspectorRequest): Promise<boolean> {
  if (method === 'GET' && route.length === 1) {
    json(200, { triggers: scheduler.list() });
    return true;
  }
  if (method !== 'POST' || route.length !== 3) return false;
  try {
    const outcome = await scheduler.fire(route[1], route[2]);
    json(outcome.ok ? 200 : 500, outcome);
  } catch (error) {
    if (!(error instanceof UnknownTriggerError)) throw error;
    json(404, { code: 'NOT_FOUND', message: error.message });
  }
  return true;
}

export function createTimersService(options: SchedulerOptions): TimersService {
  const scheduler = createScheduler(options);
  return {
    name: 'timers',
    scheduler,
    inspector: { triggers: (request) => triggersRoute(scheduler, request) },
    quiesce: () => scheduler.close(),
  };
}
