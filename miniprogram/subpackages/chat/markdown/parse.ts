/**
 * The subset of Markdown that chat models write, parsed into plain data that WXML renders as text
 * (components/markdown): paragraphs, headings, lists, quotes, fenced code, simple tables, rules,
 * and inline code, bold, italic, strikethrough and links. Nothing the model writes is ever markup:
 * HTML stays literal text, and a link is only a span whose address can be copied. A reply that is
 * still streaming parses as it stands (an open code fence runs to the end), so the same function
 * serves every update.
 */

export type SpanType = 'text' | 'strong' | 'em' | 'del' | 'code' | 'link';

export interface Span {
  type: SpanType;
  text: string;
  /** Links: the address, copied on tap; never opened. */
  href?: string;
}

export type Block =
  | { type: 'p' | 'quote'; spans: Span[] }
  | { type: 'h'; level: number; spans: Span[] }
  /** `depth` 0-3; `marker` is '•' or the number as written ("3."). */
  | { type: 'li'; depth: number; marker: string; spans: Span[] }
  | { type: 'code'; lang: string; text: string }
  | { type: 'table'; head: Span[][]; rows: Span[][][] }
  | { type: 'hr' };

const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([\w+#.-]*)/;
const HEADING = /^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
const RULE = /^ {0,3}([-*_])(\s*\1){2,}\s*$/;
const ITEM = /^(\s*)([-*+]|\d{1,9}[.)])\s+(.*)$/;
const QUOTE = /^ {0,3}>\s?(.*)$/;
const TABLE_SEPARATOR = /^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/;

/** The cells of a table row, without the outer pipes; `\|` stays a pipe inside a cell. */
function cells(line: string): string[] {
  // No look-behind in these expressions: older iOS JavaScript engines refuse to load them.
  const escaped = line.trim().replace(/\\\|/g, '\uE000');
  return escaped
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split('|')
    .map((cell) => cell.trim().replace(/\uE000/g, '|'));
}

const isTableRow = (line: string): boolean => line.includes('|');

/** Whether `line` starts a block of its own (and so ends the paragraph before it). */
function startsBlock(line: string): boolean {
  return FENCE.test(line) || HEADING.test(line) || RULE.test(line) || ITEM.test(line) || QUOTE.test(line);
}

export function parseMarkdown(source: string): Block[] {
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  const blocks: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (!line.trim()) {
      i++;
      continue;
    }
    const fence = FENCE.exec(line);
    if (fence) {
      const body: string[] = [];
      i++;
      // A fence still open (the reply is streaming) runs to the end of the text.
      while (i < lines.length && !lines[i].trim().startsWith(fence[1])) body.push(lines[i++]);
      i++;
      blocks.push({ type: 'code', lang: fence[2], text: body.join('\n') });
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      blocks.push({ type: 'h', level: heading[1].length, spans: parseInline(heading[2]) });
      i++;
      continue;
    }
    if (RULE.test(line)) {
      blocks.push({ type: 'hr' });
      i++;
      continue;
    }
    const item = ITEM.exec(line);
    if (item) {
      const text = [item[3]];
      i++;
      // Lines indented under the item, up to a blank line or the next block, continue it.
      while (i < lines.length && lines[i].trim() && !startsBlock(lines[i]) && /^\s/.test(lines[i])) {
        text.push(lines[i++].trim());
      }
      const marker = /\d/.test(item[2]) ? item[2].replace(')', '.') : '•';
      const depth = Math.min(3, Math.floor(item[1].replace(/\t/g, '    ').length / 2));
      blocks.push({ type: 'li', depth, marker, spans: parseInline(text.join('\n')) });
      continue;
    }
    if (QUOTE.test(line)) {
      const text: string[] = [];
      while (i < lines.length && QUOTE.test(lines[i])) text.push((QUOTE.exec(lines[i++]) as RegExpExecArray)[1]);
      blocks.push({ type: 'quote', spans: parseInline(text.join('\n')) });
      continue;
    }
    if (isTableRow(line) && i + 1 < lines.length && TABLE_SEPARATOR.test(lines[i + 1]) && lines[i + 1].includes('-')) {
      const head = cells(line).map(parseInline);
      const rows: Span[][][] = [];
      i += 2;
      while (i < lines.length && lines[i].trim() && isTableRow(lines[i])) rows.push(cells(lines[i++]).map(parseInline));
      blocks.push({ type: 'table', head, rows });
      continue;
    }
    const text = [line];
    i++;
    while (i < lines.length && lines[i].trim() && !startsBlock(lines[i])) text.push(lines[i++]);
    blocks.push({ type: 'p', spans: parseInline(text.join('\n')) });
  }
  return blocks;
}

/**
 * Inline syntax, in the order it binds: code, links and bare addresses, then emphasis; the rest is
 * text. Single underscores are left alone (snake_case is common in answers about code).
 */
const INLINE =
  /(`+)([\s\S]*?[^`])\1(?!`)|!?\[([^\]\n]*)\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)|(https?:\/\/[^\s<>()\u3000-\u303f\uff01-\uff5e]+)|\*\*([\s\S]+?)\*\*|__([\s\S]+?)__|~~([\s\S]+?)~~|\*(?!\s)([^*\n]+?)\*/g;

/** A bare address ends before the punctuation that closes its sentence. */
const TRAILING = /[.,;:!?'"]+$/;

function pushText(spans: Span[], text: string, type: SpanType = 'text'): void {
  if (!text) return;
  const unescaped = type === 'code' ? text : text.replace(/\\([\\`*_{}[\]()#+\-.!|~>])/g, '$1');
  const last = spans[spans.length - 1];
  if (last && last.type === type && type !== 'link') last.text += unescaped;
  else spans.push({ type, text: unescaped });
}

export function parseInline(source: string): Span[] {
  const spans: Span[] = [];
  const pattern = new RegExp(INLINE.source, 'g');
  let at = 0;
  for (let match = pattern.exec(source); match; match = pattern.exec(source)) {
    const index = match.index;
    if (index > 0 && source[index - 1] === '\\') continue;
    pushText(spans, source.slice(at, index));
    const [whole, , code, label, href, bare, strong1, strong2, del, em] = match;
    if (code !== undefined) {
      // Backticks around spaces pad the code; the padding is not part of it.
      pushText(spans, code.replace(/^ ([\s\S]*) $/, '$1'), 'code');
    } else if (href !== undefined) {
      spans.push({ type: 'link', text: label || href, href });
    } else if (bare !== undefined) {
      const address = bare.replace(TRAILING, '');
      spans.push({ type: 'link', text: address, href: address });
      pushText(spans, bare.slice(address.length));
    } else if (strong1 !== undefined || strong2 !== undefined) {
      pushText(spans, strong1 ?? strong2, 'strong');
    } else if (del !== undefined) {
      pushText(spans, del, 'del');
    } else {
      pushText(spans, em ?? whole, 'em');
    }
    at = index + whole.length;
  }
  pushText(spans, source.slice(at));
  return spans;
}

/** The reply as plain text, for copying: the Markdown marks a reader would not type. */
export function plainText(blocks: Block[]): string {
  const line = (spans: Span[]): string =>
    spans.map((s) => (s.type === 'link' && s.href !== s.text ? `${s.text} (${s.href})` : s.text)).join('');
  return blocks
    .map((block) => {
      switch (block.type) {
        case 'code':
          return block.text;
        case 'hr':
          return '———';
        case 'li':
          return `${'  '.repeat(block.depth)}${block.marker} ${line(block.spans)}`;
        case 'table':
          return [block.head, ...block.rows].map((row) => row.map(line).join('\t')).join('\n');
        default:
          return line(block.spans);
      }
    })
    .join('\n\n');
}
