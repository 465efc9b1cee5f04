/** The Todos page's bookkeeping for rows still being saved (miniprogram/pages/todos/saving.ts). */
import { changedSince, Saving } from '../../miniprogram/pages/todos/saving';

const now = new Date('2026-05-01T01:00:00Z');

describe('rows being saved', () => {
  it('gives every placeholder its own id, even within one millisecond, and a row shaped like a saved todo', () => {
    const saving = new Saving();
    const a = saving.placeholder({ title: 'A', quadrant: 'q2' }, now);
    const b = saving.placeholder(
      { title: 'B', quadrant: 'q2', dueAt: '2026-05-02T01:00:00.000Z', remindAt: '2026-05-02T00:50:00.000Z' },
      now,
    );
    expect(a.id).not.toBe(b.id);
    expect(a).toMatchObject({
      title: 'A',
      note: '',
      done: false,
      dueAt: null,
      reminder: { state: 'none' },
      createdAt: now.toISOString(),
    });
    expect(b.reminder.state).toBe('pending');
  });

  it('answers a row that is not being saved with its own id at once', async () => {
    await expect(new Saving().savedId('t1')).resolves.toBe('t1');
  });

  it('makes an action on a row being saved wait for the saved id, and later ones get it at once', async () => {
    const saving = new Saving();
    const row = saving.placeholder({ title: 'A', quadrant: 'q1' }, now);
    const done = saving.begin(row.id);
    const waiting = saving.savedId(row.id);
    let answered: string | null | undefined;
    void waiting.then((id) => (answered = id));
    await Promise.resolve();
    expect(answered).toBeUndefined();
    done('saved-1');
    await expect(waiting).resolves.toBe('saved-1');
    // Once saved, the placeholder is no longer tracked: the page has moved the row to its saved id.
    await expect(saving.savedId(row.id)).resolves.toBe(row.id);
  });

  it('answers null to every waiting action when saving failed', async () => {
    const saving = new Saving();
    const row = saving.placeholder({ title: 'A', quadrant: 'q1' }, now);
    const done = saving.begin(row.id);
    const first = saving.savedId(row.id);
    const second = saving.savedId(row.id);
    done(null);
    await expect(Promise.all([first, second])).resolves.toEqual([null, null]);
  });

  it('finds what the person changed on a row while it was saving, and nothing else', () => {
    const saving = new Saving();
    const row = saving.placeholder({ title: 'A', quadrant: 'q1' }, now);
    expect(changedSince(row, { ...row })).toEqual({});
    expect(changedSince(row, { ...row, done: true, removed: true })).toEqual({ done: true, removed: true });
    expect(changedSince(row, { ...row, reminder: { ...row.reminder, state: 'pending' } })).toEqual({
      reminder: { ...row.reminder, state: 'pending' },
    });
  });
});
