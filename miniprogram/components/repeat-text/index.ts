/**
 * A repeating todo's rule in words (每个工作日, every 2 weeks on Friday), in the app's language: one
 * component for the todo row and the chat's todo card, over the one rule (shared/repeat-words.ts).
 */
import { defineComponent } from '../../utils/define';
import { repeatText } from '../../utils/repeat';

defineComponent()<{ text: string }, { rule: StringConstructor }, Record<string, never>>({
  properties: {
    /** An RRULE as a todo carries it; empty renders nothing. */
    rule: String,
  },
  data: { text: '' },
  observers: {
    rule(rule: string) {
      this.setData({ text: rule ? repeatText(rule) : '' });
    },
  },
  lifetimes: {
    attached() {
      if (this.data.rule) this.setData({ text: repeatText(this.data.rule) });
    },
  },
});
