/** `<rich-text>`: the HTML-string form of `nodes`; the node-array form is not rendered. */
import { builtin } from './define';

export const richText = builtin('rich-text', () => ({
  properties: { nodes: { type: null, value: '' }, space: { type: String, value: '' } },
  changed(ctx, name, value) {
    if (name === 'nodes' && typeof value === 'string') ctx.el.innerHTML = value;
  },
}));
