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
import { chromeWords } from '../words';
import { Toast } from './toast';

export class Dialogs {
  private readonly toast: Toast;

  constructor(
    private readonly overlay: HTMLElement,
    /** Template titles by id, as WeChat's prompt names them. */
    private readonly templates: Record<string, string>,
  ) {
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
    return subscribeDialog(this.overlay, tmplIds, this.templates);
  }

  pickerSheet(label: string, field: HTMLElement): Promise<boolean> {
    return pickerSheet(this.overlay, label, field);
  }

  chooseFiles(accept: string, multiple: boolean): Promise<File[]> {
    return chooseFiles(accept, multiple);
  }

  /** A message with one OK button, for what WeChat would show on its own pages. */
  notice(title: string, content: string): Promise<ModalAnswer> {
    return this.modal({ title, content, showCancel: false, cancelText: '', confirmText: chromeWords().ok });
  }

  /** What 转发 would send (the page's onShareAppMessage), or a toast when the page sets none. */
  shareCard(card: { title: string; path: string } | undefined): void {
    const words = chromeWords();
    if (!card) {
      this.showToast(words.noShare, 'none', 1500, false);
      return;
    }
    void this.notice(words.shareTitle, `${card.title}\n${card.path}`);
  }
}
