/**
 * Reminders on the second, through the local cloud and the real `todo` and `remind` functions, with
 * the minute timer on as deployed:
 * - lateness (send time minus reminder time) over 200 reminders created through `todo.create`,
 *   each sent by its deferred task (goal: p99 <= 2 s);
 * - 10,000 reminders due within one minute (their tasks added as the open API adds them): when the
 *   last is sent after the minute ends (goal <= 30 s), lateness, and duplicate sends (must be 0).
 */
import type { LocalCloud } from 'cloudbase-local';
import type { DeferredCalls } from '../server/deferred';
import { ReminderScheduler, slotOf } from '../server/todo/schedule';
import { loadSdk } from '../test/fixtures/emulator/harness';
import type { Database } from '../server/db';
import type { TodoDoc } from '../server/todo/store';
import { sampleTodo } from '../test/helpers/todos';
import type { ApiResult } from '../typings/contract';
import type { RemindRunSummary, Todo } from '../typings/todo';
import { percentile, type Reporter } from './report';
import { startBenchCloud } from './todos';

const TEMPLATE = 'bench-template';

/** Send times by todo id, as the calls arrive (the outbox keeps only its latest 1000 entries). */
function recordSends(cloud: LocalCloud): { times: Map<string, number[]>; stop(): void } {
  const times = new Map<string, number[]>();
  const call = cloud.outbox.call.bind(cloud.outbox);
  cloud.outbox.call = (apiName, payload) => {
    if (apiName === 'subscribeMessage.send') {
      const id = String(payload.page).split('id=')[1];
      times.set(id, [...(times.get(id) ?? []), Date.now()]);
    }
    return call(apiName, payload);
  };
  return { times, stop: () => (cloud.outbox.call = call) };
}

/** Reminders sent by the tasks and by the timer, from the runs' summaries. */
function countSenders(cloud: LocalCloud): { byTask: number; byTimer: number; stop(): void } {
  const counts = { byTask: 0, byTimer: 0, stop: () => undefined as void };
  counts.stop = cloud.functions.onInvocation((record) => {
    const result = record.result as ApiResult<RemindRunSummary> | undefined;
    if (record.name !== 'remind' || !result?.ok) return;
    if (record.source === 'delayed') counts.byTask += result.data.sent;
    else counts.byTimer += result.data.sent;
  });
  return counts;
}

async function until(cloud: LocalCloud, check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) {
      const states: Record<string, number> = {};
      for (const doc of await cloud.store.find('todos', {})) {
        const key = `${String(doc.remindState)} ${JSON.stringify(doc.remindError ?? null)}`;
        states[key] = (states[key] ?? 0) + 1;
      }
      throw new Error(`gave up waiting for ${what}: reminders by state ${JSON.stringify(states)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function callTodo(cloud: LocalCloud, openid: string, event: object): Promise<Todo> {
  const response = await fetch(`${cloud.url}/functions/todo`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-wx-openid': openid, 'x-wx-appid': 'wx-bench' },
    body: JSON.stringify(event),
  });
  const body = (await response.json()) as { result?: ApiResult<{ todo: Todo }> };
  if (!body.result?.ok) throw new Error(`todo failed: ${JSON.stringify(body)}`);
  return body.result.data.todo;
}

function credits(users: number, each: number, prefix: string, now: number): Array<Record<string, unknown>> {
  return Array.from({ length: users }, (_, u) => ({
    _id: `${prefix}${u}:${TEMPLATE}`,
    _openid: `${prefix}${u}`,
    templateId: TEMPLATE,
    credits: each,
    acceptedAt: new Date(now),
    updatedAt: new Date(now),
  }));
}

interface Session {
  cloud: LocalCloud;
  sends: ReturnType<typeof recordSends>;
  senders: ReturnType<typeof countSenders>;
}

/**
 * A fresh local cloud with the minute timer on, as on CloudBase (the tasks race it), `users` users
 * with `credits` each, warm functions (a cold start belongs to a deployment's first call, not to
 * a reminder), and every send recorded.
 */
async function session(
  prefix: string,
  users: number,
  each: number,
  work: (s: Session) => Promise<void>,
): Promise<void> {
  const cloud = await startBenchCloud({ schedule: true });
  const sends = recordSends(cloud);
  const senders = countSenders(cloud);
  try {
    await cloud.store.insert('subscriptions', credits(users, each, prefix, Date.now()));
    await callTodo(cloud, `${prefix}warm`, { action: 'create', title: 'warm', quadrant: 'q1' });
    await work({ cloud, sends, senders });
  } finally {
    sends.stop();
    senders.stop();
    await cloud.close();
  }
}

async function lateness(report: Reporter): Promise<void> {
  const n = 200;
  const users = 20;
  await session('o-late-', users, n / users, async ({ cloud, sends, senders }) => {
    const base = Date.now() + 25_000;
    const remindAt = new Map<string, number>();
    const next = { i: 0 };
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next.i < n) {
          const i = next.i++;
          const at = base + i * 150;
          const todo = await callTodo(cloud, `o-late-${i % users}`, {
            action: 'create',
            title: `lateness ${i}`,
            quadrant: 'q1',
            dueAt: new Date(at + 3600_000).toISOString(),
            remindAt: new Date(at).toISOString(),
          });
          remindAt.set(todo.id, at);
        }
      }),
    );
    report.figure('reminders created through todo.create', n, 'todos');
    if (Date.now() > base) report.note(`creating them ran ${Date.now() - base} ms past the first reminder time`);
    await until(cloud, () => sends.times.size >= n, base + n * 150 + 120_000 - Date.now(), 'every reminder');
    const samples = [...remindAt].map(([id, at]) => (sends.times.get(id)?.[0] ?? NaN) - at);
    report.latencies('reminder lateness: send time - reminder time', samples);
    report.figure(
      'reminder lateness p99 (goal <= 2000)',
      percentile(
        [...samples].sort((a, b) => a - b),
        99,
      ),
      'ms',
    );
    report.figure('sent by deferred tasks (runs that answered)', senders.byTask, 'reminders');
    report.figure('sent by the minute timer (runs that answered)', senders.byTimer, 'reminders');
    report.figure('duplicate sends', [...sends.times.values()].filter((t) => t.length > 1).length, 'todos');
  });
}

async function aMinuteOf10k(report: Reporter): Promise<void> {
  const n = 10_000;
  const users = 500;
  await session('o-10k-', users, n / users, async ({ cloud, sends, senders }) => {
    const now = Date.now();
    // The minute starts once everything is in place; reminders every 6 ms through it.
    const start = Date.now() + 30_000;
    const end = start + 60_000;
    const at = (i: number) => start + i * 6;
    const docs = Array.from({ length: n }, (_, i) =>
      sampleTodo(i, `o-10k-${i % users}`, now, {
        _id: `r10k${String(i).padStart(5, '0')}`,
        done: false,
        dueAt: new Date(at(i) + 3600_000),
        sortDue: new Date(at(i) + 3600_000),
        remindAt: new Date(at(i)),
        remindState: 'pending',
        remindNextAt: new Date(at(i)),
      }),
    );
    for (let i = 0; i < n; i += 2000) await cloud.store.insert('todos', docs.slice(i, i + 2000));
    // The scheduling todo.create does (the same code), its open-API call straight to the local cloud's door.
    const calls: DeferredCalls = {
      env: () => 'local',
      add: async (task) =>
        cloud.delayed.add({
          env: task.env,
          function_name: task.functionName,
          delay_time: task.delayTime,
          data: task.data,
        }),
    };
    const scheduler = new ReminderScheduler(loadSdk(cloud).database() as Database, calls, (line, error) =>
      report.note(`${line}: ${String(error)}`),
    );
    // The first reminder of each second asks for its task; the others' writes find the second's mark
    // (a failed insert each, on the write path, not measured here).
    const firstOfSecond = new Map<number, TodoDoc>();
    for (const doc of docs as unknown as TodoDoc[]) {
      const second = slotOf(doc.remindNextAt as Date).getTime();
      if (!firstOfSecond.has(second)) firstOfSecond.set(second, doc);
    }
    for (const doc of firstOfSecond.values()) await scheduler.schedule(doc);
    report.figure('10k: deferred tasks asked for', cloud.delayed.list().length, 'tasks');
    if (Date.now() > start) report.note('setup ran past the start of the minute: the first reminders start late');
    // Until every reminder has an outcome (under load a few may end otherwise than sent).
    let open = n;
    while (sends.times.size < n && open > 0) {
      if (Date.now() > end + 180_000) throw new Error(`${open} reminders still open 3 minutes after the minute`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      open = Date.now() < end ? n : await cloud.store.count('todos', { remindState: { $in: ['pending', 'sending'] } });
    }
    const last = Math.max(...[...sends.times.values()].map((t) => t[0]));
    const samples = docs.flatMap((doc) => {
      const sent = sends.times.get(String(doc._id));
      return sent ? [sent[0] - (doc.remindAt as Date).getTime()] : [];
    });
    const states: Record<string, number> = {};
    for (const doc of await cloud.store.find('todos', { _id: { $regex: '^r10k' } })) {
      const key = `${String(doc.remindState)}${doc.remindError ? ` (${JSON.stringify(doc.remindError)})` : ''}`;
      states[key] = (states[key] ?? 0) + 1;
    }
    report.figure('10k due in one minute: reminders', n, 'todos');
    report.figure('10k: messages sent', sends.times.size, 'todos');
    report.note(`10k: outcomes ${JSON.stringify(states)}`);
    report.figure('10k: last send after the minute ends (goal <= 30000)', last - end, 'ms');
    report.latencies('10k: lateness', samples);
    report.figure('10k: sent by deferred tasks (runs that answered)', senders.byTask, 'reminders');
    report.figure('10k: sent by the minute timer (runs that answered)', senders.byTimer, 'reminders');
    report.figure(
      '10k: duplicate sends (must be 0)',
      [...sends.times.values()].filter((t) => t.length > 1).length,
      'todos',
    );
  });
}

export async function run(report: Reporter): Promise<void> {
  await lateness(report);
  await aMinuteOf10k(report);
}
