import type { ApiError } from '../../../typings/contract';
import type { UserProfile } from '../../../typings/login';
import { auth, AuthError, type Session } from '../../services/auth';
import { showError, userMessage } from '../../services/errors';
import { saveAvatar, saveNickname } from '../../services/user';
import { definePage } from '../../utils/define';

interface Data {
  loading: boolean;
  error: string;
  user: UserProfile | null;
  /** The picked picture, shown while it uploads. */
  avatarPreview: string;
  saving: '' | 'avatar' | 'nickname';
}

definePage<{ unsubscribe?: () => void }>()({
  data: { loading: true, error: '', user: null, avatarPreview: '', saving: '' } as Data,

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

    async onChooseAvatar(event: { detail: { avatarUrl?: string } }) {
      const path = event.detail.avatarUrl;
      const user = this.data.user;
      if (!path || !user || this.data.saving) return;
      this.setData({ avatarPreview: path, saving: 'avatar' });
      const result = await saveAvatar(path, user.openid);
      // On success the session update has already put the new fileID in `user`.
      this.setData({ avatarPreview: '', saving: '' });
      if (!result.ok) showError(result);
    },

    async onNicknameDone(event: { detail: { value?: string } }) {
      const user = this.data.user;
      const nickname = (event.detail.value ?? '').trim();
      if (!user || this.data.saving || nickname === user.nickname) return;
      if (!nickname) {
        // An emptied field goes back to the saved name rather than saving nothing.
        this.setData({ 'user.nickname': user.nickname });
        return;
      }
      this.setData({ saving: 'nickname' });
      const result = await saveNickname(nickname);
      this.setData({ saving: '' });
      if (!result.ok) this.rollbackNickname(user.nickname, result);
    },

    rollbackNickname(saved: string, error: ApiError) {
      this.setData({ 'user.nickname': saved });
      showError(error);
    },
  },
});
