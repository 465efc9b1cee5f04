import type { ApiError } from '../../../typings/contract';
import { fill, strings } from '../../i18n/index';
import { userMessage } from '../../services/errors';

/** The rollback message after a change the cloud refused: what did not happen, and why. */
export function showRollback(error: ApiError, what: keyof ReturnType<typeof strings>['todos']['failed']): void {
  const words = strings().todos;
  const title = fill(words.failedWhy, { what: words.failed[what], why: userMessage(error) });
  wx.showToast({ title, icon: 'none', duration: 3000 });
}
