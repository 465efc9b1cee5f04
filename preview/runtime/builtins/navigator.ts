/** `<navigator>`: a link that navigates as its `open-type` says (named so as not to hide the global). */
import { builtin } from './define';

export const navigatorBuiltin = builtin('navigator', (host) => ({
  properties: {
    url: { type: String, value: '' },
    openType: { type: String, value: 'navigate' },
    delta: { type: Number, value: 1 },
    target: { type: String, value: 'self' },
    hoverClass: { type: String, value: 'navigator-hover' },
  },
  bind(ctx) {
    ctx.el.setAttribute('role', 'link');
    ctx.el.addEventListener('click', () =>
      host.navigate(String(ctx.data.openType), String(ctx.data.url), Number(ctx.data.delta) || 1),
    );
  },
}));
