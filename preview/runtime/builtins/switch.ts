/** `<switch>`: an ARIA switch drawn in CSS (styles.ts), toggled by a tap. */
import { builtin } from './define';

export const switchBuiltin = builtin('switch', () => ({
  properties: {
    checked: { type: Boolean, value: false },
    disabled: { type: Boolean, value: false },
    type: { type: String, value: 'switch' },
    color: { type: String, value: '#04BE02' },
  },
  changed(ctx, name, value) {
    if (name === 'checked') ctx.el.setAttribute('aria-checked', String(value === true));
    if (name === 'disabled') ctx.el.setAttribute('aria-disabled', String(value === true));
    if (name === 'color' && value) ctx.setStyle(`--pv-switch-color:${String(value)}`);
  },
  bind(ctx) {
    ctx.el.setAttribute('role', 'switch');
    ctx.el.addEventListener('click', () => {
      if (ctx.data.disabled) return;
      const next = ctx.el.getAttribute('aria-checked') !== 'true';
      ctx.el.setAttribute('aria-checked', String(next));
      ctx.trigger('change', { value: next });
    });
  },
}));
