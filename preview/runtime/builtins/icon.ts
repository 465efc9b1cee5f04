/** `<icon>`: WeChat's icon types as text glyphs (the base library's icon font is not available). */
import { builtin } from './define';

const GLYPHS: Record<string, string> = {
  success: '"✔"',
  success_no_circle: '"✓"',
  info: '"ℹ"',
  warn: '"!"',
  waiting: '"◷"',
  cancel: '"✕"',
  download: '"↓"',
  search: '"⌕"',
  clear: '"⊗"',
};

export const icon = builtin('icon', () => ({
  properties: {
    type: { type: String, value: '' },
    size: { type: null, value: 23 },
    color: { type: String, value: '' },
  },
  changed(ctx) {
    const size = typeof ctx.data.size === 'number' ? `${ctx.data.size}px` : String(ctx.data.size);
    const color = ctx.data.color ? `color:${String(ctx.data.color)};` : '';
    ctx.setStyle(`--pv-icon:${GLYPHS[String(ctx.data.type)] ?? '""'};font-size:${size};${color}`);
  },
}));
