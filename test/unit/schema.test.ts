import { boolean, check, integer, isoDate, nullable, object, oneOf, optional, string } from '../../server/schema';

describe('schema', () => {
  const todo = object({
    title: string({ min: 1, max: 5, trim: true }),
    note: optional(string({ max: 3 })),
    quadrant: oneOf(['q1', 'q2'] as const),
    dueAt: nullable(isoDate()),
    priority: optional(integer({ min: 0, max: 9 })),
    done: optional(boolean()),
  });

  it('parses a valid object, trimming where asked', () => {
    expect(check(todo, { title: '  buy ', quadrant: 'q2', dueAt: '2026-05-01T09:00:00+08:00' })).toEqual({
      ok: true,
      value: { title: 'buy', quadrant: 'q2', dueAt: new Date('2026-05-01T01:00:00Z') },
    });
  });

  it('counts characters as people do (an emoji is one)', () => {
    expect(check(todo, { title: '🍎🍎🍎🍎🍎', quadrant: 'q1', dueAt: null })).toMatchObject({ ok: true });
    expect(check(todo, { title: '🍎🍎🍎🍎🍎🍎', quadrant: 'q1', dueAt: null })).toEqual({
      ok: false,
      issues: { title: 'must be at most 5 characters' },
    });
  });

  it('reports every bad field at once, with its path and a reason', () => {
    const result = check(todo, {
      title: '   ',
      note: 'long note',
      quadrant: 'q9',
      dueAt: '2026-05-01 09:00',
      priority: 1.5,
      done: 'yes',
      owner: 'someone-else',
    });
    expect(result).toEqual({
      ok: false,
      issues: {
        title: 'must not be empty',
        note: 'must be at most 3 characters',
        quadrant: 'must be one of "q1", "q2"',
        dueAt: 'must be an ISO 8601 date-time with a time zone, e.g. 2026-05-01T09:00:00+08:00',
        priority: 'must be an integer, got a number',
        done: 'must be a boolean, got a string',
        owner: 'is not a known field',
      },
    });
  });

  it('names missing required fields and wrong top-level types', () => {
    expect(check(todo, {})).toEqual({
      ok: false,
      issues: { title: 'is required', quadrant: 'is required', dueAt: 'is required' },
    });
    expect(check(todo, ['x'])).toEqual({ ok: false, issues: { '(event)': 'must be an object, got an array' } });
  });

  it('rejects dates without a zone and impossible dates', () => {
    const date = object({ at: isoDate() });
    expect(check(date, { at: '2026-05-01T09:00:00' })).toMatchObject({ ok: false });
    expect(check(date, { at: '2026-13-01T09:00:00Z' })).toMatchObject({ ok: false });
    // Date would roll these over into the next day or month instead of refusing them.
    for (const impossible of [
      '2027-02-30T00:00:00Z',
      '2027-02-29T00:00:00Z',
      '2026-04-31T09:00:00+08:00',
      '2026-05-00T09:00:00Z',
      '2026-05-01T24:00:00Z',
      '2026-05-01T09:60:00Z',
      '2026-05-01T09:00:60Z',
      '2026-05-01T09:00:00+08:60',
    ]) {
      expect(check(date, { at: impossible })).toMatchObject({ ok: false, issues: { at: expect.any(String) } });
    }
    expect(check(date, { at: '2028-02-29T23:59:59.999+08:00' })).toMatchObject({ ok: true });
    expect(check(date, { at: '2026-12-31T00:00Z' })).toMatchObject({ ok: true });
  });

  it('refuses fields named like Object.prototype members', () => {
    const empty = object({});
    const event = JSON.parse('{"constructor":{},"toString":1,"__proto__":{"x":1},"hasOwnProperty":"y"}') as unknown;
    expect(check(empty, event)).toEqual({
      ok: false,
      issues: {
        constructor: 'is not a known field',
        toString: 'is not a known field',
        ['__proto__']: 'is not a known field',
        hasOwnProperty: 'is not a known field',
      },
    });
  });

  it('refuses a lone __proto__ field, which an ordinary object would swallow', () => {
    expect(check(object({}), JSON.parse('{"__proto__":{"admin":true}}'))).toEqual({
      ok: false,
      issues: { ['__proto__']: 'is not a known field' },
    });
  });

  it('checks nested objects by path', () => {
    const nested = object({ range: object({ from: integer({ min: 0 }) }) });
    expect(check(nested, { range: { from: -1 } })).toEqual({
      ok: false,
      issues: { 'range.from': 'must be at least 0' },
    });
  });

  describe('text a person typed', () => {
    const form = object({
      title: string({ min: 1, max: 10, trim: true }),
      note: optional(string({ max: 50, trim: true, multiline: true })),
    });

    it.each([
      ['NUL', 'a\u0000b', 'must not contain control characters (U+0000 at character 2)'],
      ['a bell', '\u0007ring', 'must not contain control characters (U+0007 at character 1)'],
      ['DEL', 'x\u007f', 'must not contain control characters (U+007F at character 2)'],
      ['a C1 control', 'x\u0085y', 'must not contain control characters (U+0085 at character 2)'],
      ['a line feed', 'two\nlines', 'must not contain control characters (U+000A at character 4)'],
      ['a tab', 'a\tb', 'must not contain control characters (U+0009 at character 2)'],
      ['a lone high surrogate', 'a\ud800b', 'must not contain an unpaired surrogate (U+D800 at character 2)'],
      ['a lone low surrogate', '\udc00', 'must not contain an unpaired surrogate (U+DC00 at character 1)'],
      ['a reversed pair', '\ude00\ud83d', 'must not contain an unpaired surrogate (U+DE00 at character 1)'],
    ])('refuses %s in a single-line field, naming it and where', (_label, title, reason) => {
      expect(check(form, { title })).toEqual({ ok: false, issues: { title: reason } });
    });

    it('lets a multi-line field keep tabs, line feeds and CRLF, but not a lone CR or NUL', () => {
      expect(check(form, { title: 'x', note: 'line 1\n\tline 2\r\nline 3' })).toEqual({
        ok: true,
        value: { title: 'x', note: 'line 1\n\tline 2\r\nline 3' },
      });
      expect(check(form, { title: 'x', note: 'a\rb' })).toEqual({
        ok: false,
        issues: { note: 'must not contain control characters (U+000D at character 2)' },
      });
      expect(check(form, { title: 'x', note: 'a\n\u0000' })).toEqual({
        ok: false,
        issues: { note: 'must not contain control characters (U+0000 at character 3)' },
      });
    });

    it('accepts emoji (valid pairs), joiners, CJK and whitespace trimmed from the ends', () => {
      const title = ' 👩‍💻 写代码\n';
      expect(check(form, { title, note: '🍎' })).toEqual({ ok: true, value: { title: '👩‍💻 写代码', note: '🍎' } });
    });

    it('reports each bad field at once', () => {
      expect(check(form, { title: '\u0000', note: '\ud800' })).toEqual({
        ok: false,
        issues: {
          title: 'must not contain control characters (U+0000 at character 1)',
          note: 'must not contain an unpaired surrogate (U+D800 at character 1)',
        },
      });
    });
  });
});
