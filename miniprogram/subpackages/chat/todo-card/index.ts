/**
 * The card under a reply whose tool call created a todo: what was added, a way to open it on the
 * Todos tab, undo (the todo is deleted and the reply remembers it), and, when it has a reminder,
 * the subscription tap WeChat requires before any reminder can be sent.
 */
import type { TodoCard } from '../../../../typings/chat';
import { fill, strings, type Catalogue } from '../../../i18n/index';
import { showError } from '../../../services/errors';
import { chat } from '../../../services/chat';
import { askForReminder } from '../../../services/reminders';
import { todoToOpen } from '../../../utils/handoff';
import { formatDateTime } from '../../../utils/time';
import { defineComponent } from '../../../utils/define';

type State = 'shown' | 'undoing' | 'undone';

defineComponent()<
  {
    t: Catalogue['chat']['card'];
    quadrant: string;
    reminding: string;
    stepsText: string;
    state: State;
    subscribed: boolean;
  },
  { card: ObjectConstructor; messageId: StringConstructor },
  { onOpen(): void; onUndo(): Promise<void>; onRemind(): void }
>({
  properties: {
    /** The reply's TodoCard. */
    card: Object,
    /** The reply it belongs to, which remembers an undo. */
    messageId: String,
  },
  data: { t: strings().chat.card, quadrant: '', reminding: '', stepsText: '', state: 'shown', subscribed: false },
  observers: {
    card(card: TodoCard | null) {
      const words = strings();
      this.setData({
        t: words.chat.card,
        quadrant: card ? words.quadrants[card.quadrant].short : '',
        // Steps as the card knows them: titles, none done yet.
        stepsText: card?.steps?.length ? fill(words.chat.card.steps, { done: 0, total: card.steps.length }) : '',
        reminding: card?.remindAt
          ? fill(words.chat.card.reminding, {
              time: formatDateTime(Date.parse(card.remindAt), Date.now(), words.time),
            })
          : '',
        ...(card?.undone ? { state: 'undone' } : {}),
      });
    },
  },
  methods: {
    onOpen() {
      const card = this.data.card as TodoCard | null;
      if (!card || this.data.state !== 'shown') return;
      todoToOpen.give(card.todoId);
      wx.switchTab({ url: '/pages/todos/index' }).catch(() => undefined);
    },
    async onUndo() {
      const card = this.data.card as TodoCard | null;
      if (!card || this.data.state !== 'shown') return;
      this.setData({ state: 'undoing' });
      const result = await chat.undo(this.data.messageId as string, card.todoId);
      if (result.ok) this.setData({ state: 'undone' });
      else {
        this.setData({ state: 'shown' });
        showError(result);
      }
    },
    onRemind() {
      if (this.data.state !== 'shown' || this.data.subscribed) return;
      void askForReminder().then((on) => on && this.setData({ subscribed: true }));
    },
  },
});
