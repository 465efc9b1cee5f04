import type { ApiError } from '../../../typings/contract';
import type { DailyPlan, UserProfile } from '../../../typings/login';
import {
  fill,
  languageChoice,
  setLanguage,
  strings,
  titlePage,
  type Catalogue,
  type LanguageChoice,
} from '../../i18n/index';
import { auth, isAuthError, type Session } from '../../services/auth';
import { showError, userMessage } from '../../services/errors';
import { askForReminder } from '../../services/reminders';
import { saveAvatar, saveDailyPlan, saveNickname } from '../../services/user';
import type { AppGlobalData, AppOption } from '../../types';
import { definePage } from '../../utils/define';

interface Data {
  t: Catalogue['me'];
  common: Catalogue['common'];
  loading: boolean;
  error: string;
  user: UserProfile | null;
  /** The picked picture, shown while it uploads. */
  avatarPreview: string;
  saving: '' | 'avatar' | 'nickname';
  languageText: string;
  theme: AppGlobalData['theme'];
  version: string;
}

/** The morning plan's time until the person picks one. */
const DEFAULT_PLAN_TIME = '07:30';

/** The choices the language sheet offers, in its order. */
const LANGUAGE_CHOICES: LanguageChoice[] = ['system', 'zh', 'en'];

function languageText(words: Catalogue['me'], choice: LanguageChoice): string {
  return choice === 'system' ? words.languageSystem : words.languages[choice];
}

/** The released version, or which build this is (develop and trial builds have no version). */
function versionText(words: Catalogue['me']): string {
  const { version, envVersion } = wx.getAccountInfoSync().miniProgram;
  if (version) return fill(words.version, { version });
  return envVersion === 'trial' ? words.trialVersion : words.developVersion;
}

definePage<{ unsubscribe?: () => void; unfollowTheme?: () => void }>()({
  data: {
    t: strings().me,
    common: strings().common,
    loading: true,
    error: '',
    user: null,
    avatarPreview: '',
    saving: '',
    languageText: '',
    theme: 'light',
    version: '',
  } as Data,

  methods: {
    onLoad() {
      const words = strings();
      const app = getApp<AppOption>();
      this.setData({
        t: words.me,
        common: words.common,
        languageText: languageText(words.me, languageChoice()),
        theme: app.globalData.theme,
        version: versionText(words.me),
      });
      // The profile can change from elsewhere (a refresh on app show); follow it while open.
      this.unsubscribe = auth.onChange((session: Session) => this.setData({ user: session.profile }));
      this.unfollowTheme = app.onThemeChanged((theme) => this.setData({ theme }));
      void this.load(false);
    },
    onShow() {
      titlePage(strings().me.title);
      // Following the Official Account happens outside the app: read it again whenever the page shows.
      if (this.data.user) void this.load(true);
    },
    onUnload() {
      this.unsubscribe?.();
      this.unfollowTheme?.();
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
        const text = isAuthError(error) ? userMessage(error.error) : userMessage({ code: 'INTERNAL' });
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
      if (result.ok) wx.showToast({ title: this.data.t.avatarSaved, icon: 'success' });
      else if (result.fields?.avatarFileId) this.avatarRefused(result.fields.avatarFileId);
      else showError(result);
    },

    /** Why the cloud refused the picked file, in words: it is no picture, or too large a one. */
    avatarRefused(reason: string) {
      const { t } = this.data;
      const title = /larger/.test(reason) ? t.avatarTooLarge : /image/.test(reason) ? t.avatarNotImage : '';
      if (title) wx.showToast({ title, icon: 'none', duration: 3000 });
      else showError({ code: 'INVALID_ARGUMENT' });
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
      if (result.ok) wx.showToast({ title: this.data.t.nicknameSaved, icon: 'success' });
      else this.rollbackNickname(user.nickname, result);
    },

    rollbackNickname(saved: string, error: ApiError) {
      this.setData({ 'user.nickname': saved });
      showError(error);
    },

    /** The language sheet; a new choice is kept and the app starts again in it, on this page. */
    async onLanguage() {
      const words = this.data.t;
      const current = languageChoice();
      const itemList = LANGUAGE_CHOICES.map((choice) =>
        choice === current
          ? fill(words.languageCurrent, { name: languageText(words, choice) })
          : languageText(words, choice),
      );
      const sheet = await wx.showActionSheet({ itemList }).catch(() => undefined);
      const choice = sheet ? LANGUAGE_CHOICES[sheet.tapIndex] : undefined;
      if (!choice || choice === current) return;
      setLanguage(choice);
      wx.reLaunch({ url: '/pages/me/index' });
    },

    /**
     * The morning plan switched on or off. Without the Official Account each push spends one
     * accepted one-time subscription, so switching it on asks for one (inside the tap, as WeChat requires).
     */
    onDailyPlan(event: { detail: { value: boolean } }) {
      const enabled = event.detail.value;
      const user = this.data.user;
      if (!user) return;
      if (enabled && !user.followsOfficialAccount) void askForReminder();
      void this.savePlan({ enabled, time: user.dailyPlan?.time ?? DEFAULT_PLAN_TIME });
    },
    onDailyTime(event: { detail: { value: string } }) {
      void this.savePlan({ enabled: true, time: event.detail.value });
    },
    /** Shows the plan at once; a refused save puts the saved one back. */
    async savePlan(plan: DailyPlan) {
      const before = this.data.user?.dailyPlan ?? null;
      this.setData({ 'user.dailyPlan': plan });
      const result = await saveDailyPlan(plan);
      if (result.ok) return;
      this.setData({ 'user.dailyPlan': before });
      showError(result);
    },
    onFollow() {
      const { t, common } = this.data;
      wx.showModal({ title: t.followTitle, content: t.followHow, showCancel: false, confirmText: common.confirm });
    },

    onPrivacy() {
      wx.openPrivacyContract().catch(() => undefined);
    },
  },
});
