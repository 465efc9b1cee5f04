/**
 * The words WeChat itself draws around the app (dialog buttons, the subscription prompt, the
 * capsule's labels), in the language WeChat runs in: the browser's, as `wx.getAppBaseInfo()`
 * reports it to the app.
 */
const WORDS = {
  zh: {
    cancel: '取消',
    confirm: '确定',
    allow: '允许',
    ok: '好',
    subscribeDialog: '订阅消息',
    subscribeHeading: '允许发送以下消息？',
    copied: '内容已复制',
    unsupported: '{what} 预览中不可用',
    noShare: '当前页面未设置分享',
    shareTitle: '转发给朋友',
    back: '返回',
    home: '首页',
    more: '更多',
    close: '关闭',
    feedbackTitle: '意见反馈',
    feedbackBody: '在微信中，这里打开“意见反馈”页，反馈会出现在小程序管理后台。',
    privacyContractTitle: '隐私保护指引',
    privacyContractBody: '在微信中，这里打开你在小程序管理后台填写的《用户隐私保护指引》。',
  },
  en: {
    cancel: 'Cancel',
    confirm: 'OK',
    allow: 'Allow',
    ok: 'OK',
    subscribeDialog: 'Subscription messages',
    subscribeHeading: 'Allow these notifications?',
    copied: 'Copied',
    unsupported: '{what} is not available in the preview',
    noShare: 'This page sets no share card',
    shareTitle: 'Send to a friend',
    back: 'Back',
    home: 'Home',
    more: 'More',
    close: 'Close',
    feedbackTitle: 'Feedback',
    feedbackBody: 'In WeChat this opens the feedback page; what people send shows in the admin console.',
    privacyContractTitle: 'Privacy guide',
    privacyContractBody: 'In WeChat this opens the privacy guide filled in on the admin console.',
  },
};

export type ChromeWords = (typeof WORDS)['zh'];

/** WeChat's language code for the browser's language: `zh_CN`, `zh_TW`, or `en`. */
export function wechatLanguage(): string {
  const language = navigator.language || 'zh-CN';
  return /^zh/i.test(language) ? language.replace('-', '_') : 'en';
}

export function chromeWords(): ChromeWords {
  return wechatLanguage().startsWith('zh') ? WORDS.zh : WORDS.en;
}

export function fillWords(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
}
