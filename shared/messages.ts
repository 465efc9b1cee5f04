/**
 * A stored message in the contract's shape: the one mapping from what the chat function writes to
 * what the Chat page shows, used by the function's answers and by the page's watch alike. Dates
 * arrive as a function reads them (Date) or as the realtime client delivers them ({ $date: ms }).
 */
import type { ChatMessage, MessageDoc } from '../typings/chat';
import type { StoredDate } from '../typings/contract';

/** A stored date as ISO 8601 (UTC), however it arrived. */
export function isoOf(value: StoredDate | null | undefined): string {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object' && value !== null) return new Date(value.$date).toISOString();
  if (typeof value === 'string' || typeof value === 'number') return new Date(value).toISOString();
  return new Date(0).toISOString();
}

export function messageOf(doc: MessageDoc<StoredDate>): ChatMessage {
  // A card reads `undone` once its todo was deleted from it: recorded beside the cards, which the
  // streaming writes replace whole.
  // Arrays checked, not trusted: a watched document is whatever the database holds.
  const undone = new Set(Array.isArray(doc.undone) ? doc.undone : []);
  return {
    id: doc._id,
    conversationId: doc.conversationId,
    role: doc.role,
    text: typeof doc.text === 'string' ? doc.text : '',
    status: doc.status,
    createdAt: isoOf(doc.createdAt),
    updatedAt: isoOf(doc.updatedAt),
    finishReason: typeof doc.finishReason === 'string' ? doc.finishReason : null,
    usage: doc.usage ?? null,
    error: doc.error ?? null,
    cards: (Array.isArray(doc.cards) ? doc.cards : []).map((card) =>
      undone.has(card.todoId) ? { ...card, undone: true } : card,
    ),
    moderation: doc.moderation ?? 'unchecked',
  };
}
