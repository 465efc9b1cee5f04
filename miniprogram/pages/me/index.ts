import type { UserProfile } from '../../../typings/login';
import { auth, AuthError, type Session } from '../../services/auth';
import { userMessage } from '../../services/errors';
import { definePage } from '../../utils/define';

interface Data {
  loading: boolean;
  error: string;
  user: UserProfile | null;
}

definePage<{ unsubscribe?: () => void }>()({
  data: { loading: true, error: '', user: null } as Data,

  methods: {
    onLoad() {
      // The profile can change from elsewhere (a refresh on app show); follow it while open.
      this.unsubscribe = auth.onChange((session: Session) => this.setData({ user: session.profile }));
      void this.load(false);
    },
    onUnload() {
      this.unsubscribe?.();
    },
    async onPullDownRefresh() {
      await this.load(true);
      wx.stopPullDownRefresh();
    },
    onRetry() {
      void this.load(true);
    },
    async load(force: boolean) {
      if (!this.data.user) this.setData({ loading: true, error: '' });
      try {
        const session = await (force ? auth.refresh() : auth.ensure());
        this.setData({ loading: false, error: '', user: session.profile });
      } catch (error) {
        const text = error instanceof AuthError ? userMessage(error.error) : userMessage({ code: 'INTERNAL' });
        // Keep showing a profile we already have; a failed refresh only needs a toast.
        if (this.data.user) wx.showToast({ title: text, icon: 'none' });
        else this.setData({ loading: false, error: text });
      }
    },
  },
});
