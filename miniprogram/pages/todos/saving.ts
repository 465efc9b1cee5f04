/**
 * Rows still being saved. A new todo shows at once as a row with a placeholder id; a tick, an edit
 * or a delete made on it before its save returns shows at once too, and its call waits here for
 * the saved id (null when saving failed and the row is gone). The saved row keeps what the person
 * changed meanwhile (`changedSince`).
 */
import type { Todo, TodoDraft } from '../../../typings/todo';

/** A row: the todo, and whether it is hidden while its delete can still be undone (or moved away). */
export type Row = Todo & { removed?: boolean };

export class Saving {
  private readonly pending = new Map<string, Promise<string | null>>();
  private count = 0;
  private calls = 0;

  /**
   * A row for `draft` while it is saved, under a placeholder id from a counter: two added within
   * one millisecond still differ.
   */
  placeholder(draft: TodoDraft, now: Date): Row {
    const at = now.toISOString();
    return {
      id: `local-${++this.count}`,
      title: draft.title,
      note: draft.note ?? '',
      quadrant: draft.quadrant,
      done: false,
      dueAt: draft.dueAt ?? null,
      remindAt: draft.remindAt ?? null,
      reminder: { state: draft.remindAt ? 'pending' : 'none', attempts: 0, error: null, sentAt: null },
      repeat: draft.repeat ?? null,
      repeatFrom: draft.repeatFrom ?? 'due',
      steps: (draft.steps ?? []).map((title, index) => ({ id: `local-step-${index}`, title, done: false })),
      createdAt: at,
      updatedAt: at,
      doneAt: null,
    };
  }

  /**
   * Starts waiting on the save of row `id`. The returned function ends it with the saved id (or
   * null): call it once the row carries that id, so that every call waiting in `savedId` resumes
   * on a row that is already saved.
   */
  begin(id: string): (saved: string | null) => void {
    let settle: (saved: string | null) => void = () => undefined;
    this.pending.set(id, new Promise((resolve) => (settle = resolve)));
    return (saved) => {
      this.pending.delete(id);
      settle(saved);
    };
  }

  /** A new todo is being saved: a change the watch reports now may be for a row still under its placeholder id. */
  get busy(): boolean {
    return this.pending.size > 0 || this.calls > 0;
  }

  /**
   * A call whose change already shows: while it is on its way, what the watch reports may be older
   * than what the row shows, and waits (the watch's news is applied once the call's answer is).
   */
  track<T>(call: Promise<T>): Promise<T> {
    this.calls++;
    return call.finally(() => this.calls--);
  }

  /** The id to send for row `id`: its own, or, while it is being saved, the saved id once known. */
  savedId(id: string): Promise<string | null> {
    return this.pending.get(id) ?? Promise.resolve(id);
  }
}

/** The fields of `row` that differ from `from`: what the person changed on a row while it was saving. */
export function changedSince(from: Row, row: Row): Partial<Row> {
  const changed: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row))
    if (JSON.stringify(value) !== JSON.stringify(from[key as keyof Row])) changed[key] = value;
  return changed as Partial<Row>;
}
