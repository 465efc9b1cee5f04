/**
 * The privacy-authorisation APIs as the base library (2.32.3+) has them. miniprogram-api-typings
 * 5.2.3 gives `onNeedPrivacyAuthorization`'s listener no `resolve` and `getPrivacySetting` no
 * promise, so the app would have to cast; these overloads say what WeChat passes.
 */
declare namespace WechatMiniprogram {
  /** What the privacy popup answers; `buttonId` names the agree button the person tapped. */
  type PrivacyResolveOption = { event: 'agree'; buttonId: string } | { event: 'disagree' };

  interface NeedPrivacyAuthorizationInfo {
    /** The API or component that asked, e.g. "chooseAvatar", "getClipboardData". */
    referrer: string;
  }

  interface Wx {
    onNeedPrivacyAuthorization(
      listener: (resolve: (option: PrivacyResolveOption) => void, eventInfo: NeedPrivacyAuthorizationInfo) => void,
    ): void;
    getPrivacySetting(): Promise<{ needAuthorization: boolean; privacyContractName: string; errMsg: string }>;
    requirePrivacyAuthorize(): Promise<{ errMsg: string }>;
    openPrivacyContract(): Promise<{ errMsg: string }>;
  }
}
