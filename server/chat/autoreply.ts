/**
 * Keyword auto-replies, answered without the model: documents in `autoreplies` with a `keyword`,
 * a `match` of `exact` or `prefix`, a `reply`, and `enabled` (absent counts as on). Read on every
 * message, so an edit in the console (or the local inspector) applies to the next one.
 */
import { settle, type Database } from '../db';

export const AUTOREPLIES = 'autoreplies';

export interface AutoReplyDoc {
  _id: string;
  keyword: string;
  match: 'exact' | 'prefix';
  reply: string;
  enabled?: boolean;
}

/** Case, width and surrounding space do not matter: "ＨＥＬＰ " matches "help". */
function normalize(text: string): string {
  return text.normalize('NFKC').toLowerCase().trim();
}

/** The rule that answers `text`: an exact match first, else the longest matching prefix. */
export function pickAutoReply(rules: readonly AutoReplyDoc[], text: string): AutoReplyDoc | undefined {
  const said = normalize(text);
  let best: AutoReplyDoc | undefined;
  for (const rule of rules) {
    if (rule.enabled === false || typeof rule.keyword !== 'string' || typeof rule.reply !== 'string') continue;
    const keyword = normalize(rule.keyword);
    if (!keyword) continue;
    if (rule.match === 'exact' && said === keyword) return rule;
    if (rule.match === 'prefix' && said.startsWith(keyword)) {
      if (!best || normalize(best.keyword).length < keyword.length) best = rule;
    }
  }
  return best;
}

export async function findAutoReply(db: Database, text: string): Promise<AutoReplyDoc | undefined> {
  const { data } = await settle(db.collection(AUTOREPLIES).limit(1000).get());
  return pickAutoReply(data as AutoReplyDoc[], text);
}
