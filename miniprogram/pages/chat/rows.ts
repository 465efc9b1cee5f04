/**
 * The chat page's rows and how they change: a message becomes a row, and a changed message becomes
 * the setData paths of what changed in its row only (`rows[7].text` while a reply streams), so an
 * update costs that reply, not the conversation. A reply's Markdown is parsed by the chat
 * subpackage's markdown component, which sends on only the blocks that changed: the parser
 * weighs on that subpackage, not on the main package.
 */
import type { ChatCard, ChatMessage, MessageRole, MessageStatus } from '../../../typings/chat';
import { fill, strings } from '../../i18n/index';
import { replyErrorMessage } from '../../services/errors';
import type { MessageChanges } from '../../services/messages';

/** `sending`: on its way to the cloud; `unsent`: the cloud did not take it (nothing was stored). */
export type RowStatus = MessageStatus | 'sending' | 'unsent';

export interface Row {
  /** The message id, or `local-…` for a question not stored yet. */
  id: string;
  role: MessageRole;
  status: RowStatus;
  /** The message's text (a reply's Markdown; empty for a blocked one, whose notice the page words). */
  text: string;
  /** Why the reply failed or the question was not sent, in words; empty when nothing went wrong. */
  error: string;
  /** A reply the model stopped at its length limit: it says so, and offers to go on. */
  cut: boolean;
  cards: ChatCard[];
  /** createdAt in ms: the order rows are shown in. */
  at: number;
}

export function rowOf(message: ChatMessage): Row {
  const reply = message.role === 'assistant';
  return {
    id: message.id,
    role: message.role,
    status: message.status,
    // A blocked reply's stored text is a notice in one language; the page words it in the person's.
    text: reply && message.status === 'blocked' ? '' : message.text,
    error: message.status === 'failed' && message.error ? replyErrorMessage(message.error.code) : '',
    cut: reply && message.status === 'done' && message.finishReason === 'length',
    cards: message.cards,
    at: Date.parse(message.createdAt),
  };
}

/** A question the person just sent, shown before the cloud has it. */
export function localRow(id: string, text: string, now: number): Row {
  return {
    id,
    role: 'user',
    status: 'sending',
    text,
    error: '',
    cut: false,
    cards: [],
    at: now,
  };
}

export function unsentError(why: string): string {
  return fill(strings().chat.unsent, { why });
}

/** What is copied: a question as typed, a reply as written (its Markdown, which other apps read). */
export function copyableText(row: Row): string {
  return row.text;
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** The paths of `rows[index]` that differ between `before` and `after`; empty when nothing does. */
export function rowChanges(index: number, before: Row, after: Row): Record<string, unknown> {
  const base = `rows[${index}]`;
  const changes: Record<string, unknown> = {};
  for (const key of ['id', 'status', 'text', 'error', 'cut', 'at'] as const) {
    if (before[key] !== after[key]) changes[`${base}.${key}`] = after[key];
  }
  if (!same(before.cards, after.cards)) changes[`${base}.cards`] = after.cards;
  return changes;
}

/** Where a row goes so that rows stay in time order (ties by id, as the server sorts). */
export function insertionIndex(rows: Row[], row: Row): number {
  let i = rows.length;
  while (i > 0 && (rows[i - 1].at > row.at || (rows[i - 1].at === row.at && rows[i - 1].id > row.id))) i--;
  return i;
}

/** The newest reply: the only one that can be written again. */
export function newestReplyId(rows: Row[]): string {
  const last = rows[rows.length - 1];
  return last?.role === 'assistant' ? last.id : '';
}

/**
 * The rows after `changes`, and the setData that shows them: the changed rows' paths only, or
 * undefined when the list must go whole (a row removed, or one inserted before the end).
 */
export function applyChanges(
  current: Row[],
  changes: MessageChanges,
  hasOlder: boolean,
): { rows: Row[]; update: Record<string, unknown> | undefined } {
  const update: Record<string, unknown> = {};
  const removed = new Set(changes.removed);
  let rows = removed.size ? current.filter((row) => !removed.has(row.id)) : current;
  let whole = removed.size > 0;
  for (const message of changes.messages) {
    const next = rowOf(message);
    let at = rows.findIndex((row) => row.id === message.id);
    // The question the person sent, now stored: it takes the place of its local row.
    if (at < 0 && message.role === 'user') {
      at = rows.findIndex((row) => row.status === 'sending' && row.text === message.text);
    }
    if (at >= 0) {
      if (!whole) Object.assign(update, rowChanges(at, rows[at], next));
      rows = rows.map((row, i) => (i === at ? next : row));
      continue;
    }
    // A message older than those shown belongs to the pages `history` gives.
    if (rows.length && next.at < rows[0].at && hasOlder) continue;
    const index = insertionIndex(rows, next);
    rows = [...rows.slice(0, index), next, ...rows.slice(index)];
    if (index === rows.length - 1 && !whole) update[`rows[${index}]`] = next;
    else whole = true;
  }
  return { rows, update: whole ? undefined : update };
}

/** 32 characters like the ids the cloud makes; random enough that two devices never pick the same. */
export function newConversationId(): string {
  let id = Date.now().toString(16);
  while (id.length < 32) id += Math.floor(Math.random() * 16).toString(16);
  return id;
}
