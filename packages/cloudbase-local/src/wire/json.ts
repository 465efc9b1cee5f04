/**
 * JSON from the network, with a nesting limit. V8's JSON.parse is iterative and reads a body nested
 * 100,000 levels deep without complaint, but everything after it recurses: JSON.stringify (the
 * fork IPC that carries an event to a function worker overflows its stack at a few thousand
 * levels), Extended JSON decoding, the query engine, the inspector's answers. So depth is refused
 * where text enters, before anything is built from it.
 */

/**
 * Deepest nesting of arrays and objects accepted: above MongoDB's 100 levels per document (plus
 * Extended JSON's wrappers and an update's operator level), so every storable document passes,
 * and far below where recursive code runs out of stack.
 */
export const MAX_JSON_DEPTH = 128;

export class JsonDepthError extends SyntaxError {
  constructor(readonly limit: number) {
    super(`JSON is nested deeper than ${limit} levels`);
    this.name = 'JsonDepthError';
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;

/**
 * Throws JsonDepthError when `text` opens more than `limit` arrays/objects at once. One linear
 * pass that skips strings; text that is not JSON at all is left for JSON.parse to refuse.
 */
export function assertJsonDepth(text: string, limit = MAX_JSON_DEPTH): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === BACKSLASH) i += 1;
      else if (code === QUOTE) inString = false;
    } else if (code === QUOTE) {
      inString = true;
    } else if (code === OPEN_ARRAY || code === OPEN_OBJECT) {
      depth += 1;
      if (depth > limit) throw new JsonDepthError(limit);
    } else if (code === CLOSE_ARRAY || code === CLOSE_OBJECT) {
      depth -= 1;
    }
  }
}

/** JSON.parse for text from a request: refuses nesting deeper than `limit` first. */
export function parseJson(text: string, limit = MAX_JSON_DEPTH): unknown {
  assertJsonDepth(text, limit);
  return JSON.parse(text) as unknown;
}
