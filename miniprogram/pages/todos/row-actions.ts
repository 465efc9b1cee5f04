/**
 * A row's tick (a repeating todo's next occurrence shows at once) and its menu (move to another
 * quadrant, skip this occurrence, stop repeating). Each shows at once and is rolled back if the
 * cloud refuses.
 */
import type { CallResult } from '../../../typings/contract';
import type { Quadrant, Todo, TodoPatch } from '../../../typings/todo';
import { todos } from '../../services/todos';
import type { Live } from './live';
import { showRollback } from './rollback';
import { rowMenu } from './row-menu';
import type { Row, Saving } from './saving';

/** What of the Todos page these actions use. */
export interface RowHost {
  data: { items: Row[] };
  setData(update: Record<string, unknown>): void;
  indexOf(id: string): number;
  countPath(quadrant: Quadrant, delta: number): Record<string, number>;
  activeQuadrant(): Quadrant;
  saving: Saving;
  live: Live;
  update(patch: TodoPatch): Promise<void>;
  setDone(index: number, done: boolean): Promise<void>;
}

/** Ticks or unticks row `index`; a repeating todo's next occurrence shows at once, above it. */
export async function setDone(page: RowHost, index: number, done: boolean): Promise<void> {
  const row = page.data.items[index] as Row | undefined;
  if (!row || row.done === done) return;
  page.setData({ [`items[${index}].done`]: done, ...page.countPath(row.quadrant, done ? -1 : 1) });
  const saved = await page.saving.savedId(row.id);
  if (!saved) return;
  const call: Promise<CallResult<{ todo: Todo; next?: Todo | null }>> = done
    ? todos.complete(saved)
    : todos.reopen(saved);
  const result = await page.saving.track(call);
  const at = page.indexOf(saved);
  if (result.ok) {
    const { doneAt, updatedAt } = result.data.todo;
    if (at >= 0) page.setData({ [`items[${at}].doneAt`]: doneAt, [`items[${at}].updatedAt`]: updatedAt });
    const { next } = result.data;
    // The watch brings it too, and finds it shown by its id: one row, never two.
    if (next && next.quadrant === page.activeQuadrant() && page.indexOf(next.id) < 0)
      page.setData({ items: [next, ...page.data.items], ...page.countPath(next.quadrant, 1) });
    return page.live.flush();
  }
  page.live.flush();
  if (at >= 0) page.setData({ [`items[${at}].done`]: !done, ...page.countPath(row.quadrant, done ? 1 : -1) });
  showRollback(result, done ? 'complete' : 'reopen');
}

export async function menuOn(page: RowHost, row: Row): Promise<void> {
  const chosen = await rowMenu(row);
  if (!chosen) return;
  if ('move' in chosen) return page.update({ id: row.id, quadrant: chosen.move });
  if ('stop' in chosen) return page.update({ id: row.id, repeat: null });
  const id = await page.saving.savedId(row.id);
  if (!id) return;
  const result = await page.saving.track(todos.skip(id));
  const at = page.indexOf(id);
  // The same todo, now due at its next occurrence.
  if (result.ok && at >= 0) page.setData({ [`items[${at}]`]: result.data.todo });
  else if (!result.ok) showRollback(result, 'skip');
  page.live.flush();
}
