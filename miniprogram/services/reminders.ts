/**
 * Turning reminders on: WeChat's subscription prompt for the reminder template, then the credit
 * recorded by the `todo` function. Shared by the todo editor and the chat's todo cards.
 */
import { config } from '../config';
import { strings } from '../i18n/index';
import { showError } from './errors';
import { todos } from './todos';

/**
 * Asks for one reminder and resolves true once the credit is recorded; false when the person
 * declined or it failed (they are told why). Call it synchronously inside the tap handler:
 * WeChat shows the prompt only there, never after an `await`.
 */
export function askForReminder(): Promise<boolean> {
  const templateId = config.remindTemplateId;
  const words = strings();
  const t = words.editor;
  return wx.requestSubscribeMessage({ tmplIds: [templateId] }).then(
    async (answer) => {
      const said = answer[templateId];
      if (said !== 'accept') {
        // 'reject' is this time only; 'ban' (or 'filter') means WeChat will not ask again.
        wx.showModal({
          title: t.noRemindTitle,
          content: said === 'reject' ? t.subscribeRejected : t.subscribeOff,
          showCancel: false,
          confirmText: words.common.confirm,
        });
        return false;
      }
      const result = await todos.subscribe(templateId);
      if (!result.ok) showError(result);
      return result.ok;
    },
    (error: { errCode?: number; errMsg?: string }) => {
      // 20004: the person switched off notifications for this mini-program altogether.
      if (error.errCode === 20004) {
        wx.showModal({ title: t.noRemindTitle, content: t.subscribeOff, showCancel: false });
      } else {
        wx.showToast({ title: t.subscribeUnavailable, icon: 'none', duration: 2500 });
      }
      return false;
    },
  );
}
