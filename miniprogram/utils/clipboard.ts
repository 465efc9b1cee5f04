/** Copies `data` and says so in the app's words (WeChat's own "内容已复制" toast is replaced). */
export function copyText(data: string, done: string): void {
  wx.setClipboardData({ data })
    .then(() => wx.showToast({ title: done, icon: 'none' }))
    .catch(() => undefined);
}
