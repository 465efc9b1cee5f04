/**
 * Touches for mini-program code: a real touch's lists copied onto the event, and a mouse drag
 * delivered as the touches a finger would make, for a desktop browser.
 */
import { glassEasel } from 'glass-easel-miniprogram-adapter';

interface TouchPoint {
  identifier: number;
  clientX: number;
  clientY: number;
  pageX: number;
  pageY: number;
  force: number;
}

const point = (p: { clientX: number; clientY: number; pageX: number; pageY: number }, identifier = 0): TouchPoint => ({
  identifier,
  clientX: p.clientX,
  clientY: p.clientY,
  pageX: p.pageX,
  pageY: p.pageY,
  force: 1,
});

const points = (list: TouchList): TouchPoint[] => Array.from(list, (t) => point(t, t.identifier));

let lastRealTouch = 0;

/**
 * A desktop has a mouse, and mini-programs listen for touches (swipe cells, sliders, pickers): a
 * left-button drag is delivered as touchstart / touchmove / touchend on the element pressed, as a
 * finger would be. Skipped right after a real touch, whose compatibility mouse events would double it.
 */
export function emulateTouchWithMouse(): void {
  let target: glassEasel.Element | null = null;
  const owner = (node: EventTarget | null): glassEasel.Element | null => {
    let n = node as (Node & { __wxElement?: glassEasel.Element }) | null;
    while (n && !n.__wxElement) n = n.parentNode as (Node & { __wxElement?: glassEasel.Element }) | null;
    return n?.__wxElement ?? null;
  };
  const fire = (type: string, e: MouseEvent, ended = false): void => {
    if (!target) return;
    const p = point(e);
    glassEasel.Event.triggerEvent(
      target,
      type,
      {},
      {
        originalEvent: e,
        bubbles: true,
        composed: true,
        capturePhase: true,
        extraFields: { touches: ended ? [] : [p], changedTouches: [p] },
      },
    );
  };
  const fresh = (): boolean => Date.now() - lastRealTouch > 1000;
  document.addEventListener(
    'mousedown',
    (e) => {
      if (e.button !== 0 || !fresh()) return;
      target = owner(e.target);
      fire('touchstart', e);
    },
    true,
  );
  document.addEventListener('mousemove', (e) => (e.buttons & 1 ? fire('touchmove', e) : undefined), true);
  document.addEventListener(
    'mouseup',
    (e) => {
      fire('touchend', e, true);
      target = null;
    },
    true,
  );
}

/**
 * The touch lists of a real touch event, for the mini-program event made from it. The backend copies
 * only an event's own fields, and `touches` is a getter: without this, Vant's touch mixin reads
 * event.touches[0] of undefined (repro: swipe a <van-swipe-cell>).
 */
export function touchFields(original: unknown): { touches: TouchPoint[]; changedTouches: TouchPoint[] } | undefined {
  if (typeof TouchEvent === 'undefined' || !(original instanceof TouchEvent)) return undefined;
  lastRealTouch = Date.now();
  return { touches: points(original.touches), changedTouches: points(original.changedTouches) };
}
