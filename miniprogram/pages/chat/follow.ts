/** Following the newest text: the message list stays at its end while the person is there. */

/** Within this many px of the end, the view counts as at the end and follows new text. */
const END_SLACK_PX = 40;
const END = 1_000_000;

/** The scroll to the end; a new value each time, because scroll-view only scrolls when the property changes. */
export function toEnd(scrollTop: number): { scrollTop: number; scrollIntoView: string } {
  return { scrollTop: scrollTop === END ? END + 1 : END, scrollIntoView: '' };
}

/** Whether a view scrolled to `scrollTop` of `scrollHeight`, `viewHeight` tall, is at the end. */
export function atEnd(scrollTop: number, scrollHeight: number, viewHeight: number): boolean {
  return scrollHeight - scrollTop - viewHeight <= END_SLACK_PX;
}
