/**
 * Delayed tasks: the deferred invocations (`cloudbase.addDelayedFunctionTask`) still waiting, soonest
 * first, each with its function, due time, time left and event, and "Run now" to run it early.
 */
import type { DelayedTask } from '../../../delayed/types';
import type { InvokeOutcome } from '../../../functions/types';
import { api, enc, type Json } from '../api';
import { badge, dataTable, empty, formatDateTime, h, panel } from '../dom';
import { failed, toast } from '../ui';
import type { View } from './view';

type Task = Json<DelayedTask>;

/** "in 9 s", "in 3 min", "in 2 h", "due" */
function timeLeft(dueAt: string, now: number): string {
  const ms = Date.parse(dueAt) - now;
  if (ms <= 0) return 'due';
  if (ms < 60_000) return `in ${Math.ceil(ms / 1000)} s`;
  if (ms < 3600_000) return `in ${Math.round(ms / 60_000)} min`;
  if (ms < 2 * 86_400_000) return `in ${Math.round(ms / 3600_000)} h`;
  return `in ${Math.round(ms / 86_400_000)} d`;
}

export function delayedView(): View {
  const box = h('div');
  const running = new Set<string>();

  function run(task: Task): void {
    running.add(task.id);
    void view.update();
    api<Json<InvokeOutcome>>(`delayed-tasks/${enc(task.id)}/run`, { method: 'POST' })
      .then((outcome) =>
        toast(
          outcome.ok ? `${task.functionName} ran` : `${task.functionName} failed: ${outcome.errMsg}`,
          outcome.ok ? 'ok' : 'bad',
        ),
      )
      .catch(failed(`Run ${task.functionName}`))
      .finally(() => {
        running.delete(task.id);
        void view.update();
      });
  }

  function render(tasks: Task[]): void {
    const now = Date.now();
    const rows = tasks.map((task) =>
      h(
        'tr',
        { attrs: { 'data-id': task.id } },
        h('td', { textContent: formatDateTime(task.dueAt), title: task.dueAt }),
        h('td', {}, badge(timeLeft(task.dueAt, now), Date.parse(task.dueAt) <= now ? 'warn' : 'info')),
        h('td', { textContent: task.functionName }),
        h('td', { className: 'mono', textContent: task.data, title: task.data }),
        h('td', { textContent: formatDateTime(task.createdAt) }),
        h(
          'td',
          {},
          h('button', {
            type: 'button',
            textContent: running.has(task.id) ? 'Running…' : 'Run now',
            disabled: running.has(task.id),
            onclick: () => run(task),
          }),
        ),
      ),
    );
    box.replaceChildren(
      panel(
        'Delayed tasks',
        [h('span', { className: 'muted', textContent: `${tasks.length} pending, soonest first` })],
        tasks.length
          ? dataTable(['due', '', 'function', 'event', 'asked at', ''], rows)
          : empty('No delayed task is waiting. cloud.openapi.cloudbase.addDelayedFunctionTask adds one.'),
      ),
    );
  }

  const view: View = {
    id: 'delayed',
    title: 'Delayed tasks',
    mount(root) {
      root.replaceChildren(box);
    },
    async update() {
      render((await api<{ tasks: Task[] }>('delayed-tasks')).tasks);
    },
    // A task is added through the outbox's open-API call and leaves when it runs.
    wants: (message) => message.type === 'delayed',
  };
  return view;
}
