/** `<button>`: the classic look (styles.ts) and the open-types the preview can act out. */
import { builtin, flag } from './define';

export const button = builtin<HTMLButtonElement>('button', (host) => ({
  properties: {
    type: { type: String, value: 'default' },
    size: { type: String, value: 'default' },
    plain: { type: Boolean, value: false },
    disabled: { type: Boolean, value: false },
    loading: { type: Boolean, value: false },
    formType: { type: String, value: '' },
    openType: { type: String, value: '' },
    hoverClass: { type: String, value: 'button-hover' },
    hoverStopPropagation: { type: Boolean, value: false },
    hoverStartTime: { type: Number, value: 20 },
    hoverStayTime: { type: Number, value: 70 },
    lang: { type: String, value: 'en' },
    sessionFrom: { type: String, value: '' },
    sendMessageTitle: { type: String, value: '' },
    sendMessagePath: { type: String, value: '' },
    sendMessageImg: { type: String, value: '' },
    appParameter: { type: String, value: '' },
    showMessageCard: { type: Boolean, value: false },
    phoneNumberNoQuotaToast: { type: Boolean, value: true },
  },
  changed(ctx, name, value) {
    const el = ctx.el;
    el.type = 'button';
    if (name === 'type') el.dataset.type = String(value);
    else if (name === 'size') el.dataset.size = String(value);
    else if (name === 'plain') flag(el, 'plain', value);
    else if (name === 'loading') flag(el, 'loading', value);
    else if (name === 'disabled') el.disabled = value === true;
  },
  bind(ctx) {
    const el = ctx.el;
    el.addEventListener('click', () => {
      if (el.disabled) return;
      const openType = String(ctx.data.openType ?? '');
      if (openType === 'chooseAvatar')
        void host.chooseFiles('image/*', false).then(([file]) => {
          if (!file) return;
          const ext = (file.type.split('/')[1] ?? 'png').replace('jpeg', 'jpg');
          ctx.trigger('chooseavatar', { avatarUrl: host.tempFile(file, `avatar.${ext}`) });
        });
      else if (openType === 'share') host.share(ctx.comp);
      else if (openType === 'getPhoneNumber' || openType === 'getRealtimePhoneNumber') {
        host.unsupported(`<button open-type="${openType}">`);
        ctx.trigger(openType.toLowerCase(), { errMsg: `${openType}:fail not available in the browser preview` });
      } else if (openType === 'getUserInfo') {
        ctx.trigger('getuserinfo', { errMsg: 'getUserInfo:fail not available in the browser preview' });
      } else if (openType === 'openSetting') ctx.trigger('opensetting', { authSetting: {}, errMsg: 'openSetting:ok' });
      else if (openType) host.unsupported(`<button open-type="${openType}">`);
    });
  },
}));
