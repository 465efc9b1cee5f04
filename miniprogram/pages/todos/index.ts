import { auth, AuthError } from '../../services/auth';
import { userMessage } from '../../services/errors';
import { definePage } from '../../utils/define';
import { QUADRANTS } from '../../utils/quadrants';

const ACTIVE_TAB_KEY = 'todos.activeTab';

definePage()({
  data: {
    loading: true,
    error: '',
    active: 0,
    quadrants: QUADRANTS.map((q) => ({ ...q, count: 0 })),
    /** Todos shown in the active quadrant. */
    count: 0,
    hasMore: false,
  },

  methods: {
    onLoad() {
      // Reopen on the quadrant the person was last looking at.
      const saved = Number(wx.getStorageSync(ACTIVE_TAB_KEY));
      if (Number.isInteger(saved) && saved >= 0 && saved < QUADRANTS.length) this.setData({ active: saved });
      void this.load();
    },
    onShow() {
      // Coming back from another tab: a failed first load gets a second chance.
      if (this.data.error) void this.load();
    },
    async onPullDownRefresh() {
      await this.load();
      wx.stopPullDownRefresh();
    },
    onReachBottom() {
      if (this.data.loading || !this.data.hasMore) return;
      void this.load();
    },
    onShareAppMessage() {
      return { title: '用四象限安排你的待办', path: '/pages/todos/index' };
    },
    onTabChange(event: WechatMiniprogram.CustomEvent<{ name: number }>) {
      this.setData({ active: event.detail.name });
      wx.setStorageSync(ACTIVE_TAB_KEY, event.detail.name);
    },
    onRetry() {
      void this.load();
    },
    async load() {
      this.setData({ loading: true, error: '' });
      try {
        await auth.ensure();
        this.setData({ loading: false });
      } catch (error) {
        this.setData({
          loading: false,
          error: userMessage(error instanceof AuthError ? error.error : { code: 'INTERNAL' }),
        });
      }
    },
  },
});
