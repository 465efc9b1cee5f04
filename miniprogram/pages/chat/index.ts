import { strings, titlePage } from '../../i18n';
import { auth } from '../../services/auth';
import { definePage } from '../../utils/define';

const DRAFT_KEY = 'chat.draft';

definePage()({
  data: {
    t: strings().chat,
    connecting: true,
    /** The assistant is switched on with the AI chat feature; until then the composer is read-only. */
    available: false,
    draft: '',
    maxLength: 2000,
  },

  methods: {
    onLoad() {
      this.setData({ t: strings().chat, draft: String(wx.getStorageSync(DRAFT_KEY) || '') });
    },
    onShow() {
      titlePage(strings().chat.title);
    },
    async onReady() {
      // The page renders first; the composer waits for the user it will speak for.
      // A failed login is shown by the pages that need the profile; here it only ends "connecting".
      await auth.ensure().catch(() => undefined);
      this.setData({ connecting: false });
    },
    onHide() {
      // Leaving the tab keeps what was typed; WeChat may drop the page while it is hidden.
      wx.setStorageSync(DRAFT_KEY, this.data.draft);
    },
    onDraftChange(event: { detail: string }) {
      this.setData({ draft: event.detail });
    },
  },
});
