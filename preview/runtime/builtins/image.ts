/** `<image>`: a background painted on the host, as WeChat's own image does; `mode` is CSS (styles.ts). */
import { builtin } from './define';

export const image = builtin('image', (host) => ({
  properties: {
    src: { type: String, value: '' },
    mode: { type: String, value: 'scaleToFill' },
    lazyLoad: { type: Boolean, value: false },
    webp: { type: Boolean, value: false },
    showMenuByLongpress: { type: Boolean, value: false },
  },
  changed(ctx, name, value) {
    if (name === 'mode') ctx.el.dataset.mode = String(value || 'scaleToFill');
    if (name !== 'src') return;
    const src = String(value ?? '');
    ctx.el.setAttribute('role', 'img');
    if (!src) {
      ctx.el.removeAttribute('data-src');
      ctx.setStyle('');
      return;
    }
    const url = host.resolveSrc(src, ctx.comp);
    ctx.el.dataset.src = url;
    const probe = new Image();
    probe.onload = () => {
      if (ctx.el.dataset.src !== url) return;
      const ratio = `${probe.naturalWidth} / ${probe.naturalHeight}`;
      ctx.setStyle(`background-image:url("${url}");aspect-ratio:${ratio}`);
      ctx.trigger('load', { width: probe.naturalWidth, height: probe.naturalHeight });
    };
    probe.onerror = () => {
      if (ctx.el.dataset.src !== url) return;
      ctx.trigger('error', { errMsg: `GET ${src} failed` });
    };
    ctx.setStyle(`background-image:url("${url}")`);
    probe.src = url;
  },
}));
