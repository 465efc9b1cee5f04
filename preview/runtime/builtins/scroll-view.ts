/** `<scroll-view>`: a scrolling box with WeChat's scroll events and the scroll-top/left/into-view props. */
import { builtin, flag } from './define';

export const scrollView = builtin('scroll-view', () => ({
  properties: {
    scrollX: { type: Boolean, value: false },
    scrollY: { type: Boolean, value: false },
    upperThreshold: { type: Number, value: 50 },
    lowerThreshold: { type: Number, value: 50 },
    scrollTop: { type: null, value: 0 },
    scrollLeft: { type: null, value: 0 },
    scrollIntoView: { type: String, value: '' },
    scrollWithAnimation: { type: Boolean, value: false },
    enableBackToTop: { type: Boolean, value: false },
    enableFlex: { type: Boolean, value: false },
    showScrollbar: { type: Boolean, value: true },
    refresherEnabled: { type: Boolean, value: false },
    refresherTriggered: { type: Boolean, value: false },
    enhanced: { type: Boolean, value: false },
    bounces: { type: Boolean, value: true },
    pagingEnabled: { type: Boolean, value: false },
    fastDeceleration: { type: Boolean, value: false },
    type: { type: String, value: 'list' },
  },
  changed(ctx, name, value) {
    const el = ctx.el;
    const behavior: ScrollBehavior = ctx.data.scrollWithAnimation ? 'smooth' : 'auto';
    if (name === 'scrollX') flag(el, 'scrollX', value);
    else if (name === 'scrollY') flag(el, 'scrollY', value);
    else if (name === 'enableFlex') el.style.display = value ? 'flex' : '';
    else if (name === 'scrollTop' && value !== '' && value !== undefined && value !== null) {
      requestAnimationFrame(() => el.scrollTo({ top: Number(value), behavior }));
    } else if (name === 'scrollLeft' && value !== '' && value !== undefined && value !== null) {
      requestAnimationFrame(() => el.scrollTo({ left: Number(value), behavior }));
    } else if (name === 'scrollIntoView' && value) {
      requestAnimationFrame(() => {
        const target = el.querySelector(`#${CSS.escape(String(value))}`);
        target?.scrollIntoView({ behavior, block: 'start', inline: 'start' });
      });
    }
  },
  bind(ctx) {
    const el = ctx.el;
    let last = { top: el.scrollTop, left: el.scrollLeft };
    let atLower = false;
    let atUpper = true;
    el.addEventListener(
      'scroll',
      () => {
        const detail = {
          scrollLeft: el.scrollLeft,
          scrollTop: el.scrollTop,
          scrollHeight: el.scrollHeight,
          scrollWidth: el.scrollWidth,
          deltaX: el.scrollLeft - last.left,
          deltaY: el.scrollTop - last.top,
        };
        last = { top: el.scrollTop, left: el.scrollLeft };
        ctx.trigger('scroll', detail);
        const horizontal = ctx.data.scrollX === true && ctx.data.scrollY !== true;
        const lower = Number(ctx.data.lowerThreshold);
        const upper = Number(ctx.data.upperThreshold);
        const toEnd = horizontal
          ? el.scrollWidth - el.scrollLeft - el.clientWidth
          : el.scrollHeight - el.scrollTop - el.clientHeight;
        const fromStart = horizontal ? el.scrollLeft : el.scrollTop;
        if (toEnd <= lower && !atLower) ctx.trigger('scrolltolower', { direction: horizontal ? 'right' : 'bottom' });
        atLower = toEnd <= lower;
        if (fromStart <= upper && !atUpper) ctx.trigger('scrolltoupper', { direction: horizontal ? 'left' : 'top' });
        atUpper = fromStart <= upper;
      },
      { passive: true },
    );
  },
}));
