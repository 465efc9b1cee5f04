/**
 * The privacy agreement WeChat requires before the avatar picker, the nickname field and the
 * clipboard (base library 2.32.3+). When one of those needs an agreement the person has not given,
 * WeChat holds it and calls `onNeedPrivacyAuthorization`; this popup then asks, and tells WeChat
 * the answer, which lets the held call go on (agree) or fail (disagree). The listener is one per
 * app, so the popup of the page being shown registers itself each time that page shows.
 */
import { strings, type Catalogue } from '../../i18n/index';
import { defineComponent } from '../../utils/define';

const AGREE_BUTTON = 'privacy-agree';

type Resolve = (option: WechatMiniprogram.PrivacyResolveOption) => void;

defineComponent<{ pending: Resolve | undefined }>()<
  { t: Catalogue['privacy']; show: boolean; contract: string },
  Record<string, never>,
  {
    listen(): void;
    answer(option: WechatMiniprogram.PrivacyResolveOption): void;
    onAgree(): void;
    onDisagree(): void;
    onOpenContract(): void;
  }
>({
  data: { t: strings().privacy, show: false, contract: '' },
  lifetimes: {
    attached() {
      const t = strings().privacy;
      this.pending = undefined;
      this.setData({ t, contract: t.contract });
      this.listen();
      if (!wx.canIUse('getPrivacySetting')) return;
      // The guide's own name, as registered in the WeChat admin console.
      wx.getPrivacySetting()
        .then(({ privacyContractName }) => privacyContractName && this.setData({ contract: privacyContractName }))
        .catch(() => undefined);
    },
    detached() {
      // A held call must not wait for a popup that is gone.
      if (this.pending) this.answer({ event: 'disagree' });
    },
  },
  pageLifetimes: {
    show() {
      this.listen();
    },
  },
  methods: {
    listen() {
      if (!wx.canIUse('onNeedPrivacyAuthorization')) return;
      wx.onNeedPrivacyAuthorization((resolve: Resolve) => {
        // A second request while one is open shares the answer.
        const earlier = this.pending;
        this.pending = earlier
          ? (option) => {
              earlier(option);
              resolve(option);
            }
          : resolve;
        this.setData({ show: true });
      });
    },
    answer(option) {
      const resolve = this.pending;
      this.pending = undefined;
      this.setData({ show: false });
      resolve?.(option);
    },
    onAgree() {
      this.answer({ event: 'agree', buttonId: AGREE_BUTTON });
    },
    onDisagree() {
      this.answer({ event: 'disagree' });
      wx.showToast({ title: this.data.t.refused, icon: 'none' });
    },
    onOpenContract() {
      wx.openPrivacyContract().catch(() => undefined);
    },
  },
});
