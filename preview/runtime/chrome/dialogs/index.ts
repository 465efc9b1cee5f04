/**
 * The dialogs `wx.*` and the built-ins open, one module each, on the phone's overlay: toast and
 * loading, modal, action sheet, the subscription prompt, the picker sheet, the share card; and the
 * file chooser. A new dialog is a module here and a method below.
 */
import { actionSheet } from './action-sheet';
import { chooseFiles } from './file-chooser';
import { modal, type ModalAnswer, type ModalOptions } from './modal';
import { pickerSheet } from './picker-sheet';
import { subscribeDialog, type SubscribeAnswer } from './subscribe';
import { Toast } from './toast';

export class Dialogs {
  private readonly toast: Toast;

  constructor(private readonly overlay: HTMLElement) {
    this.toast = new Toast(overlay);
  }

  showToast(title: string, icon: string, duration: number, mask: boolean, image?: string): void {
    this.toast.show(title, icon, duration, mask, image);
  }

  hideToast(): void {
    this.toast.hide();
  }

  modal(options: ModalOptions): Promise<ModalAnswer> {
    return modal(this.overlay, options);
  }

  actionSheet(items: string[], alertText?: string, itemColor?: string): Promise<number | undefined> {
    return actionSheet(this.overlay, items, alertText, itemColor);
  }

  subscribe(tmplIds: string[]): Promise<SubscribeAnswer> {
    return subscribeDialog(this.overlay, tmplIds);
  }

  pickerSheet(label: string, field: HTMLElement): Promise<boolean> {
    return pickerSheet(this.overlay, label, field);
  }

  chooseFiles(accept: string, multiple: boolean): Promise<File[]> {
    return chooseFiles(accept, multiple);
  }

  /** What 转发 would send (the page's onShareAppMessage), or a toast when the page sets none. */
  shareCard(card: { title: string; path: string } | undefined): void {
    if (!card) {
      this.showToast('当前页面未设置分享', 'none', 1500, false);
      return;
    }
    void this.modal({
      title: '转发给朋友',
      content: `${card.title}\n${card.path}`,
      showCancel: false,
      cancelText: '',
      confirmText: '好',
    });
  }
}
