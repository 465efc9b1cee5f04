/** WXML node queries (`wx.createSelectorQuery()`), run on the current page or a component's scope. */
import type { Router } from '../router';
import type { WxArea } from './context';

export const selectorQuery: WxArea = ({ router }) => ({
  createSelectorQuery: () => createSelectorQuery(router),
});

/** `wx.createSelectorQuery()`: `.in(component)` scopes it; without it, the current page. */
function createSelectorQuery(router: () => Router): WechatMiniprogram.SelectorQuery {
  let scoped: WechatMiniprogram.SelectorQuery | undefined;
  const calls: Array<(q: WechatMiniprogram.SelectorQuery) => unknown> = [];
  const base = (): WechatMiniprogram.SelectorQuery =>
    scoped ?? (router().current?.instance.createSelectorQuery() as WechatMiniprogram.SelectorQuery);
  const query = {
    in(component: { createSelectorQuery(): WechatMiniprogram.SelectorQuery }) {
      scoped = component.createSelectorQuery();
      return query;
    },
    select: (selector: string) => chain((q) => q.select(selector)),
    selectAll: (selector: string) => chain((q) => q.selectAll(selector)),
    selectViewport: () => chain((q) => q.selectViewport()),
    exec(callback?: (res: unknown[]) => void) {
      let q = base();
      for (const call of calls) q = call(q) as WechatMiniprogram.SelectorQuery;
      return q.exec(callback);
    },
  };
  /** Node-level calls (`boundingClientRect`, `fields`, ...) are replayed on the real query at exec. */
  const chain = (select: (q: WechatMiniprogram.SelectorQuery) => WechatMiniprogram.NodesRef) => {
    const ops: Array<[string, unknown[]]> = [];
    const nodes = new Proxy(
      {},
      {
        get:
          (_t, method: string) =>
          (...args: unknown[]) => {
            ops.push([method, args]);
            return query;
          },
      },
    );
    calls.push((q) => {
      const ref = select(q) as unknown as Record<string, (...a: unknown[]) => WechatMiniprogram.SelectorQuery>;
      let result: WechatMiniprogram.SelectorQuery = q;
      for (const [method, args] of ops) result = ref[method](...args);
      return result;
    });
    return nodes as WechatMiniprogram.NodesRef;
  };
  return query as unknown as WechatMiniprogram.SelectorQuery;
}
