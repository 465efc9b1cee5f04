/**
 * One page on the phone: its frame (which fixed-position children are placed against), its scroller
 * with the pull-down indicator, the glass-easel root rendering the page component, and the gestures
 * on the scroller (scrolling, pull-down refresh by drag or wheel).
 */
import type { Root } from 'glass-easel-miniprogram-adapter';
import type { Env } from '../env';
import type { PageInstance, Query, WindowConfig } from '../types';

export interface PageRecord {
  id: number;
  route: string;
  query: Query;
  config: WindowConfig;
  root: Root;
  instance: PageInstance;
  /** Fixed-position children are placed against this (it has a transform), not the window. */
  frame: HTMLElement;
  scroller: HTMLElement;
  /** Whether onReachBottom has fired since the page last scrolled away from its bottom. */
  reachedBottom: boolean;
}

export interface PageGestures {
  onScroll(page: PageRecord): void;
  onPullDown(page: PageRecord): void;
}

/** Builds page `route` in `container`; the page stack adds WeChat's `route` and `options` to its instance. */
export function createPage(
  env: Env,
  container: HTMLElement,
  id: number,
  route: string,
  query: Query,
  config: WindowConfig,
  gestures: PageGestures,
): PageRecord {
  const frame = document.createElement('div');
  frame.className = 'pv-page';
  frame.dataset.route = route;
  const scroller = document.createElement('div');
  scroller.className = 'pv-scroll';
  const indicator = document.createElement('div');
  indicator.className = 'pv-refresh';
  indicator.innerHTML = '<i></i><i></i><i></i>';
  scroller.appendChild(indicator);
  const placeholder = document.createElement('span');
  scroller.appendChild(placeholder);
  frame.appendChild(scroller);
  container.appendChild(frame);
  const root = env.associated.createRoot('page', env.codeSpace, route);
  root.attach(scroller as never, placeholder as never);
  const instance = root.get() as unknown as PageInstance;
  (instance as unknown as { __route__: string }).__route__ = route;
  const page: PageRecord = {
    id,
    route,
    query,
    config,
    root,
    instance,
    frame,
    scroller,
    reachedBottom: false,
  };
  scroller.addEventListener('scroll', () => gestures.onScroll(page), { passive: true });
  bindPullDown(page, () => gestures.onPullDown(page));
  return page;
}

/** What tests and benchmarks wait for: the page's first frame has rendered and onReady ran. */
export function markReady(page: PageRecord): void {
  page.frame.dataset.ready = 'true';
}

/**
 * Dragging the page down from its top (mouse or touch), or a wheel pull at the top. As in WeChat,
 * the indicator follows the drag (`--pv-pull`, class pv-page--pulling) and a release past the
 * threshold starts the refresh; a shorter pull springs back.
 */
function bindPullDown(page: PageRecord, start: () => void): void {
  if (!page.config.enablePullDownRefresh) return;
  let startY: number | undefined;
  let pulled = 0;
  let wheel = 0;
  const PULL = 60;
  const pull = (px: number): void => {
    pulled = Math.max(0, Math.min(px, PULL * 2));
    page.frame.classList.toggle('pv-page--pulling', pulled > 0);
    page.frame.style.setProperty('--pv-pull', `${Math.round(pulled / 2)}px`);
  };
  page.scroller.addEventListener('pointerdown', (e) => {
    startY =
      page.scroller.scrollTop === 0 && !page.frame.classList.contains('pv-page--refreshing') ? e.clientY : undefined;
  });
  page.scroller.addEventListener('pointermove', (e) => {
    if (startY === undefined) return;
    if (!e.buttons) return release();
    pull(e.clientY - startY);
  });
  const release = (): void => {
    if (startY === undefined) return;
    startY = undefined;
    const far = pulled > PULL;
    pull(0);
    if (far) start();
  };
  page.scroller.addEventListener('pointerup', release);
  page.scroller.addEventListener('pointercancel', release);
  page.scroller.addEventListener('pointerleave', release);
  page.scroller.addEventListener(
    'wheel',
    (e) => {
      if (page.scroller.scrollTop > 0 || e.deltaY >= 0) {
        wheel = 0;
        return;
      }
      wheel -= e.deltaY;
      if (wheel > PULL * 3) {
        wheel = 0;
        start();
      }
    },
    { passive: true },
  );
}
