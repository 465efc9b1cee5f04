/**
 * A repeating todo's rule in words (每个工作日, every 2 weeks on Friday), in the app's language: one
 * component for the todo row, the quick-add chip and the chat's todo card, over the one rule
 * (shared/repeat-words.ts). It lives in the todos subpackage with its rule and its word sets
 * (rather than in the catalogues), so they weigh on the subpackage and not on the main package;
 * pages use it as an async component with a placeholder.
 */
import { language } from '../../../i18n/index';
import { localWall } from '../../../shared/time';
import { defineComponent } from '../../../utils/define';
import { EN_REPEAT_WORDS, repeatInWords, ZH_REPEAT_WORDS } from '../shared/repeat-words';

const words = () => (language() === 'zh' ? ZH_REPEAT_WORDS : EN_REPEAT_WORDS);
const inWords = (rule: string): string => (rule ? repeatInWords(rule, words(), localWall) : '');

defineComponent()<{ text: string }, { rule: StringConstructor }, Record<string, never>>({
  properties: {
    /** An RRULE as a todo carries it; empty renders nothing. */
    rule: String,
  },
  data: { text: '' },
  observers: {
    rule(rule: string) {
      this.setData({ text: inWords(rule) });
    },
  },
  lifetimes: {
    attached() {
      this.setData({ text: inWords(this.data.rule) });
    },
  },
});
