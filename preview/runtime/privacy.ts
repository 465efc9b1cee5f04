/**
 * WeChat's privacy agreement, as the base library enforces it: the avatar picker, the nickname
 * field and the clipboard wait until the person has agreed. Without an agreement WeChat calls the
 * app's `onNeedPrivacyAuthorization` listener with a `resolve`; the held call goes on when the app
 * resolves `agree` with the id of an `agreePrivacyAuthorization` button that was really tapped, and
 * fails on `disagree`. The agreement is kept per dev user, as WeChat keeps it per WeChat user.
 */
type Resolve = (option: WechatMiniprogram.PrivacyResolveOption) => void;
type Listener = (resolve: Resolve, info: WechatMiniprogram.NeedPrivacyAuthorizationInfo) => void;

export class Privacy {
  private listener: Listener | undefined;
  private readonly tapped = new Set<string>();
  private pending: Promise<boolean> | undefined;

  constructor(private readonly openid: () => string) {}

  private get key(): string {
    return `mp-preview:privacy:${this.openid()}`;
  }

  agreed(): boolean {
    return localStorage.getItem(this.key) === 'agreed';
  }

  /** `wx.onNeedPrivacyAuthorization`: the last listener registered is the one called. */
  listen(listener: Listener): void {
    this.listener = listener;
  }

  /** An `open-type="agreePrivacyAuthorization"` button was tapped. */
  agreeTapped(buttonId: string): void {
    this.tapped.add(buttonId);
  }

  /** Whether `referrer` may go on: at once when agreed before, else when the app's popup is answered. */
  require(referrer: string): Promise<boolean> {
    if (this.agreed()) return Promise.resolve(true);
    const listener = this.listener;
    if (!listener) {
      console.error(
        `[preview] ${referrer} needs the privacy agreement, and no onNeedPrivacyAuthorization listener asks`,
      );
      return Promise.resolve(false);
    }
    // Calls made while the popup is open share its answer.
    this.pending ??= new Promise<boolean>((done) => {
      listener(
        (option) => {
          this.pending = undefined;
          if (option.event === 'agree' && this.tapped.has(option.buttonId)) {
            localStorage.setItem(this.key, 'agreed');
            done(true);
            return;
          }
          if (option.event === 'agree')
            console.error(`[preview] resolve() named ${option.buttonId}, a button never tapped`);
          done(false);
        },
        { referrer },
      );
    });
    return this.pending;
  }
}
