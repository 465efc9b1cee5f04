/**
 * Content safety: the sensitive-word list (data in `chat_words`, matched with an Aho–Corasick
 * automaton from modern-ahocorasick) applied first, then WeChat's `security.msgSecCheck` v2.
 * A listed word either blocks the text or, with `mask: true`, is masked with ＊ and let through.
 */
import TextMatcher from 'modern-ahocorasick/text';
import { settle, type Database } from '../db';

export const WORDS = 'chat_words';
const MASK = '＊';
/** msgSecCheck v2 reads at most 2500 characters per call. */
const CHECK_CHARS = 2500;
/** get() returns at most this many documents per call in a cloud function. */
const PAGE = 1000;

export interface WordEntry {
  word: string;
  mask?: boolean;
}

export interface WordVerdict {
  /** The first blocking word found, when there is one. */
  blocked?: string;
  /** The text with masking words masked (unchanged when none matched). */
  text: string;
  masked: number;
}

/**
 * Matches see through case and width ("ＨＥＬＬＯ" is "hello"): the matcher folds words and text
 * alike (NFKC, full case folding) and reports ranges in the original text, so a mask covers
 * exactly the characters that matched.
 */
export class WordFilter {
  private readonly matcher: TextMatcher<{ mask: boolean }> | undefined;

  constructor(entries: readonly WordEntry[]) {
    const patterns = entries
      .filter((e) => e.word.trim() !== '')
      .map((e) => ({ pattern: e.word.trim(), data: { mask: e.mask === true } }));
    this.matcher = patterns.length ? new TextMatcher(patterns, { normalization: 'NFKC', caseFold: true }) : undefined;
  }

  get size(): number {
    return this.matcher?.getStats().patternCount ?? 0;
  }

  apply(text: string): WordVerdict {
    if (!this.matcher) return { text, masked: 0 };
    const matches = this.matcher.search(text, { strategy: 'leftmost-longest' });
    const blocking = matches.find((m) => !m.data?.mask);
    if (blocking) return { blocked: blocking.pattern, text, masked: 0 };
    if (matches.length === 0) return { text, masked: 0 };
    const masked = this.matcher.replace(text, (match) => MASK.repeat([...text.slice(match.start, match.end)].length), {
      strategy: 'leftmost-longest',
    });
    return { text: masked, masked: matches.length };
  }
}

/** The word list, read from the database and reused for `ttlMs` by this instance. */
export class WordList {
  private cached: { filter: WordFilter; at: number } | undefined;

  constructor(
    private readonly db: Database,
    private readonly ttlMs: number,
  ) {}

  async filter(): Promise<WordFilter> {
    if (this.cached && Date.now() - this.cached.at < this.ttlMs) return this.cached.filter;
    const entries: WordEntry[] = [];
    for (let skip = 0; ; skip += PAGE) {
      const { data } = await settle(this.db.collection(WORDS).skip(skip).limit(PAGE).get());
      for (const doc of data as Array<Partial<WordEntry>>) {
        if (typeof doc.word === 'string') entries.push({ word: doc.word, mask: doc.mask === true });
      }
      if (data.length < PAGE) break;
    }
    const filter = new WordFilter(entries);
    this.cached = { filter, at: Date.now() };
    return filter;
  }
}

export type Suggest = 'pass' | 'review' | 'risky';

export interface CheckResult {
  suggest: Suggest;
  label?: number;
  traceId?: string;
}

/** `cloud.openapi.security.msgSecCheck` as the SDK exposes it (it rejects when errcode is not 0). */
export type MsgSecCheck = (request: {
  openid: string;
  scene: number;
  version: number;
  content: string;
}) => Promise<unknown>;

/**
 * Scene 2 (comment) fits a chat message: short text a user wrote or is about to read. Both sides
 * use the caller's openid, which WeChat requires to have used the mini-program in the last 2 hours.
 */
export const CHAT_SCENE = 2;

const RANK: Record<Suggest, number> = { pass: 0, review: 1, risky: 2 };

function readAnswer(answer: unknown): CheckResult {
  const a = (answer ?? {}) as {
    result?: { suggest?: unknown; label?: unknown };
    traceId?: unknown;
    trace_id?: unknown;
  };
  const suggest = a.result?.suggest;
  if (suggest !== 'pass' && suggest !== 'review' && suggest !== 'risky') {
    throw new Error(`msgSecCheck answered without a verdict: ${JSON.stringify(answer).slice(0, 200)}`);
  }
  const traceId = a.traceId ?? a.trace_id;
  return {
    suggest,
    ...(typeof a.result?.label === 'number' ? { label: a.result.label } : {}),
    ...(typeof traceId === 'string' ? { traceId } : {}),
  };
}

/** Checks `text` in 2500-character parts; the worst verdict wins. Throws when WeChat could not check. */
export async function checkWithWeChat(check: MsgSecCheck, openid: string, text: string): Promise<CheckResult> {
  const chars = [...text];
  let worst: CheckResult = { suggest: 'pass' };
  for (let i = 0; i < Math.max(chars.length, 1); i += CHECK_CHARS) {
    const content = chars.slice(i, i + CHECK_CHARS).join('');
    const result = readAnswer(await check({ openid, scene: CHAT_SCENE, version: 2, content }));
    if (RANK[result.suggest] > RANK[worst.suggest]) worst = result;
    if (worst.suggest === 'risky') break;
  }
  return worst;
}
