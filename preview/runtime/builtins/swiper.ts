/** `<swiper>`: a horizontal scroll-snap strip of `<swiper-item>`s, with change events and autoplay. */
import { builtin } from './define';

const autoplayTimers = new WeakMap<HTMLElement, ReturnType<typeof setInterval>>();

export const swiper = builtin('swiper', () => ({
  properties: {
    current: { type: Number, value: 0 },
    autoplay: { type: Boolean, value: false },
    interval: { type: Number, value: 5000 },
    duration: { type: Number, value: 500 },
    circular: { type: Boolean, value: false },
    vertical: { type: Boolean, value: false },
    indicatorDots: { type: Boolean, value: false },
  },
  changed(ctx, name, value) {
    if (name === 'current') {
      requestAnimationFrame(() => ctx.el.scrollTo({ left: Number(value) * ctx.el.clientWidth, behavior: 'smooth' }));
    }
  },
  bind(ctx) {
    const el = ctx.el;
    let current = Number(ctx.data.current) || 0;
    let settle: ReturnType<typeof setTimeout> | undefined;
    el.addEventListener('scroll', () => {
      if (settle) clearTimeout(settle);
      settle = setTimeout(() => {
        const index = Math.round(el.scrollLeft / Math.max(1, el.clientWidth));
        if (index !== current) {
          current = index;
          ctx.trigger('change', { current: index, source: 'touch' });
        }
        ctx.trigger('animationfinish', { current: index, source: 'touch' });
      }, 120);
    });
    autoplayTimers.set(
      el,
      setInterval(
        () => {
          if (!ctx.data.autoplay || el.children.length === 0) return;
          const next = (current + 1) % el.children.length;
          el.scrollTo({ left: next * el.clientWidth, behavior: 'smooth' });
        },
        Math.max(500, Number(ctx.data.interval) || 5000),
      ),
    );
  },
  detached(ctx) {
    clearInterval(autoplayTimers.get(ctx.el));
  },
}));
