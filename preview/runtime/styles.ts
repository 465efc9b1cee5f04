/**
 * The preview's own stylesheet: the chrome's, the dialogs', then the built-ins' default look. First in
 * <head>, as the base library's styles come before the app's, so WXSS overrides them.
 */
import { BUILTINS_CSS } from './builtins/styles';
import { DIALOGS_CSS } from './chrome/dialogs/styles';
import { CHROME_CSS } from './chrome/styles';

export function installStyles(): void {
  const style = document.createElement('style');
  style.textContent = CHROME_CSS + DIALOGS_CSS + BUILTINS_CSS;
  document.head.prepend(style);
}
