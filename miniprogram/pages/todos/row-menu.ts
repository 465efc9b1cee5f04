/**
 * A row's menu (a long press, or "More" behind the swipe): move the todo to one of the other three
 * quadrants and, on an open repeating todo, skip this occurrence or stop repeating. WeChat's
 * action sheet holds at most six items; this one has at most five.
 */
import type { Quadrant, Todo } from '../../../typings/todo';
import { fill, strings } from '../../i18n/index';
import { quadrants } from '../../utils/quadrants';

export type RowAction = { move: Quadrant } | { skip: true } | { stop: true };

/** What the person chose; undefined when they cancelled. */
export async function rowMenu(row: Todo): Promise<RowAction | undefined> {
  const words = strings().todos;
  const actions: RowAction[] = quadrants()
    .filter((q) => q.key !== row.quadrant)
    .map((q) => ({ move: q.key }));
  const items = quadrants()
    .filter((q) => q.key !== row.quadrant)
    .map((q) => fill(words.moveTo, { quadrant: q.short }));
  if (row.repeat && !row.done) {
    actions.push({ skip: true }, { stop: true });
    items.push(words.skip, words.stopRepeat);
  }
  try {
    const { tapIndex } = await wx.showActionSheet({ itemList: items });
    return actions[tapIndex];
  } catch {
    return undefined; // cancelled
  }
}
