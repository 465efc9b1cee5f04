/**
 * The Todos page's live view of the user's todos (services/todo-watch): what every todo's quadrant
 * and state is (for the matrix and the switcher's badges), and how a change becomes the page's setData, by path: a
 * changed row sends only its changed fields (`items[3].reminder`), a new one is appended
 * (`items[12]`), a deleted or moved one is hidden (`items[5].removed`).
 */
import type { Quadrant, Todo } from '../../../typings/todo';
import { watchTodos, type TodoChanges, type TodoWatch } from '../../services/todo-watch';
import { summarize } from '../../shared/matrix';
import { matrixPaths, type Cell } from './matrix';
import type { Row } from './saving';

/** What the page shows that a change is applied to. */
export interface View {
  items: Row[];
  active: Quadrant;
  /** The matrix cells shown (counts, overdue, most urgent), in QUADRANT_KEYS order. */
  cells: Cell[];
  /** Rows whose list is still coming (a load in flight): nothing is added to it meanwhile. */
  loading: boolean;
  /** More pages to come: a todo not shown may be on one, so it is not appended. */
  hasMore: boolean;
  /** Todos hidden while their delete can be undone: not counted, though they still exist. */
  hidden: ReadonlySet<string>;
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
const RETRY_MS = 3000;

/** The page's data as a View; `hiddenId`: the todo whose delete can still be undone. */
export function liveView(
  data: {
    items: Row[];
    active: number;
    quadrants: Cell[];
    loading: boolean;
    hasMore: boolean;
  },
  hiddenId: string | undefined,
): View {
  const { items, active, quadrants, loading, hasMore } = data;
  const hidden = new Set(hiddenId ? [hiddenId] : []);
  return { items, active: quadrants[active].key, cells: quadrants, loading, hasMore, hidden };
}

/** What the page gives the live view: what it shows, how to show a change, and whether its own save is in flight. */
export interface LivePage {
  view(): View;
  show(update: Record<string, unknown>): void;
  /** A new todo is being saved under a placeholder id: the watch's news for it waits until it has its own. */
  busy(): boolean;
}

export class Live {
  /** Every todo of the user as the watch last said it. */
  private readonly known = new Map<string, Todo>();
  private started = false;
  private waiting: TodoChanges[] = [];
  private watch: TodoWatch | undefined;
  private retry: ReturnType<typeof setTimeout> | undefined;
  private closed = false;

  constructor(private readonly page: LivePage) {}

  /** Starts watching (once signed in); a watch that failed (offline, the phone slept) starts again. */
  follow(): void {
    if (this.watch || this.closed) return;
    try {
      this.watch = watchTodos({
        onChange: (changes) => this.receive(changes),
        // A dropped watch (network, the phone slept) starts again a moment later; its first snapshot
        // brings every row up to date.
        onError: () => {
          this.watch = undefined;
          if (this.retry) clearTimeout(this.retry);
          this.retry = setTimeout(() => this.follow(), RETRY_MS);
        },
      });
    } catch {
      // No realtime here (an old base library): the list still works, refreshed by pulling down.
      this.watch = undefined;
    }
  }

  get following(): boolean {
    return this.watch !== undefined;
  }

  close(): void {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    this.watch?.close();
    this.watch = undefined;
  }

  /** Shows what the watch said, or keeps it while the page's own save is in flight; `flush` shows it after. */
  receive(changes: TodoChanges): void {
    this.waiting.push(changes);
    this.flush();
  }

  /**
   * After the page read a list: the watch is the truth, and a change it sent while the list was on
   * its way (a row added, a state changed) would otherwise be lost under the list's older answer.
   */
  reconcile(): void {
    if (!this.started || this.page.busy()) return;
    const update = this.apply({ todos: [...this.known.values()], removed: [], init: false }, this.page.view());
    if (update) this.page.show(update);
  }

  flush(): void {
    if (this.page.busy()) return;
    const held = this.waiting;
    this.waiting = [];
    for (const changes of held) {
      const update = this.apply(changes, this.page.view());
      if (update) this.page.show(update);
    }
  }

  /** The setData for `changes` on `view`, or undefined when nothing on screen changes. */
  apply(changes: TodoChanges, view: View): Record<string, unknown> | undefined {
    const update: Record<string, unknown> = {};
    let length = view.items.length;
    for (const id of changes.removed) {
      this.known.delete(id);
      const at = view.items.findIndex((row) => row.id === id);
      if (at >= 0 && !view.items[at].removed) update[`items[${at}].removed`] = true;
    }
    if (changes.init) this.started = true;
    for (const todo of changes.todos) {
      this.known.set(todo.id, todo);
      const at = view.items.findIndex((row) => row.id === todo.id);
      if (at >= 0) Object.assign(update, rowChanges(at, view.items[at], todo, view.active));
      else if (!changes.init && !view.loading && !view.hasMore && todo.quadrant === view.active) {
        update[`items[${length++}]`] = todo;
      }
    }
    Object.assign(update, this.matrix(view));
    return Object.keys(update).length > 0 ? update : undefined;
  }

  /**
   * The matrix over every todo known, those hidden while their delete can be undone left out;
   * undefined before the watch's first snapshot (nothing known yet).
   */
  matrix(view: Pick<View, 'cells' | 'hidden'>, now = Date.now()): Record<string, unknown> | undefined {
    if (!this.started) return undefined;
    const todos = [...this.known.values()].filter((todo) => !view.hidden.has(todo.id));
    return matrixPaths(summarize(todos, now), view.cells);
  }
}

/** The paths of row `at` that differ from `todo`; a row moved to another quadrant leaves the list. */
function rowChanges(at: number, row: Row, todo: Todo, active: Quadrant): Record<string, unknown> {
  const changes: Record<string, unknown> = {};
  // Older than what the row shows (the page's own answer came first): nothing to learn from it.
  if (Date.parse(todo.updatedAt) < Date.parse(row.updatedAt)) return changes;
  for (const key of Object.keys(todo) as Array<keyof Todo>) {
    if (!same(row[key], todo[key])) changes[`items[${at}].${key}`] = todo[key];
  }
  if (todo.quadrant !== active && !row.removed) changes[`items[${at}].removed`] = true;
  return changes;
}
