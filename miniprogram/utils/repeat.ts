import { strings } from '../i18n/index';
import { repeatInWords } from '../shared/repeat-words';
import { localWall } from '../shared/time';

/** A repeat rule in words on the phone's calendar, in the app's language; empty for a rule outside the accepted subset. */
export function repeatText(rule: string): string {
  return repeatInWords(rule, strings().repeat, localWall);
}
