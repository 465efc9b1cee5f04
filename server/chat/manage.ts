/** What a person does to a reply or a conversation besides writing: stop, undo a card, delete. */
import { AppError } from '../errors';
import type { TodoStore } from '../todo/store';
import type { ChatStore, MessageDoc } from './store';

export function createReplyActions(store: ChatStore, todos: TodoStore) {
  /**
   * Stops a streaming reply; the writing invocation notices within a second and settles its quota
   * hold (charged when text was shown, see `charged`), or, if it died, the hold's lapse does.
   */
  async function stop(openid: string, messageId: string, now: Date): Promise<MessageDoc> {
    const doc = await store.message(openid, messageId);
    if (!doc || doc.role !== 'assistant') throw new AppError('NOT_FOUND', 'No such reply.');
    if (doc.status === 'streaming') {
      await store.transition(doc._id, 'streaming', { status: 'stopped', updatedAt: now, expiresAt: null });
      const latest = await store.message(openid, messageId);
      if (latest) {
        await store.unlock(latest.conversationId, latest._id, latest.text, now);
        return latest;
      }
    }
    return doc;
  }

  /**
   * Undoes a reply's card: its todo is deleted, then the reply remembers it, so the card reads
   * "undone" after a reload too. Safe to repeat: a todo already gone is what undo wanted.
   */
  async function undoCard(openid: string, messageId: string, todoId: string): Promise<MessageDoc> {
    const doc = await store.message(openid, messageId);
    if (!doc || !(doc.cards ?? []).some((card) => card.todoId === todoId)) {
      throw new AppError('NOT_FOUND', 'No such card on this reply.');
    }
    // The todo first: a card never reads "undone" while its todo still exists.
    await todos.remove(openid, todoId);
    await store.markUndone(openid, messageId, todoId);
    return { ...doc, undone: [...new Set([...(doc.undone ?? []), todoId])] };
  }

  async function removeConversation(openid: string, conversationId: string, now: Date): Promise<void> {
    const conversation = await store.conversation(openid, conversationId);
    if (!conversation) throw new AppError('NOT_FOUND', 'No such conversation.');
    if (conversation.activeReplyId) await stop(openid, conversation.activeReplyId, now).catch(() => undefined);
    await store.removeConversation(openid, conversationId);
  }

  return { stop, undoCard, removeConversation };
}
