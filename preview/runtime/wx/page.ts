/** The current page: pull-down refresh and scrolling. */
import { asyncApi } from './api';
import type { WxArea } from './context';

export const page: WxArea = ({ router }) => ({
  startPullDownRefresh: asyncApi('startPullDownRefresh', async () => (router().pullDownRefresh(), {})),
  stopPullDownRefresh: asyncApi('stopPullDownRefresh', async () => (router().stopPullDownRefresh(), {})),
  pageScrollTo: asyncApi('pageScrollTo', async (o) => {
    const current = router().current;
    current?.scroller.scrollTo({ top: o.scrollTop ?? 0, behavior: o.duration === 0 ? 'auto' : 'smooth' });
    return {};
  }),
});
