/**
 * Deleting a row with undo: the row hides at once and the undo bar shows; the todo is removed for
 * good when the undo time runs out, another row is deleted or the page is left. A refused remove
 * brings the row back with a message.
 */
import { config } from '../../config';
import { todos } from '../../services/todos';
import { showRollback } from './rollback';
import type { RowHost } from './row-actions';
import type { Row } from './saving';

export interface PendingDelete {
  id: string;
  timer: ReturnType<typeof setTimeout>;
}

/** What of the Todos page deleting uses. */
export interface DeleteHost extends Pick<RowHost, 'data' | 'setData' | 'indexOf' | 'countPath' | 'saving'> {
  commitDelete(): void;
  pendingDelete: PendingDelete | undefined;
}

const NO_UNDO = { undo: { show: false, title: '' } };

/** Hides row `index` and offers undo. */
export function hideRow(page: DeleteHost, index: number): void {
  const row = page.data.items[index];
  if (!row || row.removed) return;
  page.commitDelete();
  const timer = setTimeout(() => page.commitDelete(), config.undoMs);
  page.pendingDelete = { id: row.id, timer };
  page.setData({
    [`items[${index}].removed`]: true,
    undo: { show: true, title: row.title },
    ...(row.done ? {} : page.countPath(row.quadrant, -1)),
  });
}

/** Shows the row again (its open count too), if it is still there. */
function restore(page: DeleteHost, id: string, extra: Record<string, unknown> = {}): void {
  const at = page.indexOf(id);
  const row = page.data.items[at] as Row | undefined;
  page.setData({
    ...extra,
    ...(row ? { [`items[${at}].removed`]: false, ...(row.done ? {} : page.countPath(row.quadrant, 1)) } : {}),
  });
}

export function undoDelete(page: DeleteHost): void {
  const pending = page.pendingDelete;
  if (!pending) return;
  clearTimeout(pending.timer);
  page.pendingDelete = undefined;
  restore(page, pending.id, NO_UNDO);
}

/** Sends the pending delete now. */
export function commitDelete(page: DeleteHost): void {
  const pending = page.pendingDelete;
  if (!pending) return;
  clearTimeout(pending.timer);
  page.pendingDelete = undefined;
  page.setData(NO_UNDO);
  void (async () => {
    const id = await page.saving.savedId(pending.id);
    if (!id) return;
    const result = await todos.remove(id);
    // Already gone (removed elsewhere) is what the person wanted.
    if (result.ok || result.code === 'NOT_FOUND') return;
    if (page.indexOf(id) >= 0) restore(page, id);
    showRollback(result, 'remove');
  })();
}
