/**
 * The word list behind msgSecCheck: a text containing a `risky` word is risky, else one containing
 * a `review` word needs review, else it passes. Matching ignores case. The developer edits it
 * through the inspector's API (`/_/api/wechat/words`).
 */

export type Suggest = 'pass' | 'review' | 'risky';

export interface WordLists {
  risky: string[];
  review: string[];
}

export interface Verdict {
  suggest: Suggest;
  /** WeChat's label: 100 normal; a hit is reported as 20001 (risky) or 21000 (other, review). */
  label: number;
  keyword?: string;
}

/** Words that answer `risky` unless the local cloud is given its own list. */
export const DEFAULT_WORDS: Readonly<WordLists> = {
  risky: ['违禁词', 'blocked-word'],
  review: ['待审词', 'review-word'],
};

const clean = (words: readonly string[]): string[] => [
  ...new Set(words.map((word) => word.trim()).filter((word) => word !== '')),
];

export class WordList {
  private lists: WordLists;

  constructor(initial: Partial<WordLists> = DEFAULT_WORDS) {
    this.lists = { risky: clean(initial.risky ?? []), review: clean(initial.review ?? []) };
  }

  get(): WordLists {
    return { risky: [...this.lists.risky], review: [...this.lists.review] };
  }

  /** Replaces the lists given; a list left out stays as it is. */
  set(next: Partial<WordLists>): WordLists {
    this.lists = { risky: clean(next.risky ?? this.lists.risky), review: clean(next.review ?? this.lists.review) };
    return this.get();
  }

  /** Adds a word to one list (and takes it off the other). */
  add(word: string, suggest: Exclude<Suggest, 'pass'>): WordLists {
    this.remove(word);
    this.lists[suggest] = clean([...this.lists[suggest], word]);
    return this.get();
  }

  remove(word: string): WordLists {
    const target = word.trim();
    this.lists = {
      risky: this.lists.risky.filter((w) => w !== target),
      review: this.lists.review.filter((w) => w !== target),
    };
    return this.get();
  }

  verdict(text: string): Verdict {
    const folded = text.toLowerCase();
    const hit = (list: string[]): string | undefined => list.find((word) => folded.includes(word.toLowerCase()));
    const risky = hit(this.lists.risky);
    if (risky !== undefined) return { suggest: 'risky', label: 20001, keyword: risky };
    const review = hit(this.lists.review);
    if (review !== undefined) return { suggest: 'review', label: 21000, keyword: review };
    return { suggest: 'pass', label: 100 };
  }
}
