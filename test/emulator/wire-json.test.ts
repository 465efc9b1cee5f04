import {
  assertJsonDepth,
  JsonDepthError,
  MAX_JSON_DEPTH,
  parseJson,
} from '../../packages/cloudbase-local/src/wire/json';

describe('JSON from the network', () => {
  const nested = (levels: number): string => '{"a":'.repeat(levels - 1) + '[]' + '}'.repeat(levels - 1);

  it('accepts nesting up to the limit and refuses one level more', () => {
    expect(() => assertJsonDepth(nested(MAX_JSON_DEPTH))).not.toThrow();
    expect(() => assertJsonDepth(nested(MAX_JSON_DEPTH + 1))).toThrow(JsonDepthError);
    expect(() => parseJson('[[[1]]]', 2)).toThrow('JSON is nested deeper than 2 levels');
    expect(parseJson('[[1]]', 2)).toEqual([[1]]);
  });

  it('counts only structure, not brackets inside strings or after escaped quotes', () => {
    const text = JSON.stringify({ s: '[[[[{{{{', t: 'say \\"[[[\\"', u: '\\\\' });
    expect(parseJson(text, 1)).toEqual(JSON.parse(text));
  });

  it('refuses 100,000 levels without building anything, and is a SyntaxError like JSON.parse', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    expect(() => parseJson(deep)).toThrow(SyntaxError);
  });

  it('leaves text that is not JSON for JSON.parse to refuse', () => {
    expect(() => parseJson('{"a":')).toThrow(SyntaxError);
    expect(() => parseJson('{"a":')).not.toThrow(JsonDepthError);
  });
});
