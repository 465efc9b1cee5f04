/** Interaction feedback: toast, loading, modal and action sheet, shown as the chrome's dialogs. */
import { asyncApi, WxError } from './api';
import type { WxArea } from './context';

export const feedback: WxArea = ({ chrome: { dialogs } }) => ({
  showToast: asyncApi('showToast', async (o) => {
    dialogs.showToast(o.title, o.icon ?? 'success', o.duration ?? 1500, o.mask ?? false, o.image);
    return {};
  }),
  hideToast: asyncApi('hideToast', async () => (dialogs.hideToast(), {})),
  showLoading: asyncApi('showLoading', async (o) => (dialogs.showToast(o.title, 'loading', 0, o.mask ?? false), {})),
  hideLoading: asyncApi('hideLoading', async () => (dialogs.hideToast(), {})),
  showModal: asyncApi('showModal', async (o) => {
    const result = await dialogs.modal({
      title: o.title ?? '',
      content: o.content ?? '',
      showCancel: o.showCancel ?? true,
      cancelText: o.cancelText ?? '取消',
      confirmText: o.confirmText ?? '确定',
      ...(o.cancelColor ? { cancelColor: o.cancelColor } : {}),
      ...(o.confirmColor ? { confirmColor: o.confirmColor } : {}),
      ...(o.editable ? { editable: true } : {}),
      ...(o.placeholderText ? { placeholderText: o.placeholderText } : {}),
    });
    return { ...result, content: result.content ?? '' };
  }),
  showActionSheet: asyncApi('showActionSheet', async (o) => {
    const index = await dialogs.actionSheet(o.itemList, o.alertText, o.itemColor);
    if (index === undefined) throw new WxError('showActionSheet:fail cancel');
    return { tapIndex: index };
  }),
});
