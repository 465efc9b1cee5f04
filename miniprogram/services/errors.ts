/** The one place that turns contract error codes into words for people, in the app's language. */
import type { ReplyErrorCode } from '../../typings/chat';
import type { ApiError } from '../../typings/contract';
import { strings } from '../i18n/index';

export function userMessage(error: Pick<ApiError, 'code'>): string {
  const { errors } = strings();
  return errors[error.code] ?? errors.INTERNAL;
}

/** Shows the error as a toast; long enough to read a sentence. */
export function showError(error: Pick<ApiError, 'code'>): void {
  wx.showToast({ title: userMessage(error), icon: 'none', duration: 2500 });
}

/** Why an assistant reply ended as `failed`, in words. */
export function replyErrorMessage(code: ReplyErrorCode): string {
  const words = strings();
  return words.replyErrors[code] ?? words.errors.INTERNAL;
}
