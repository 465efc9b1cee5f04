/**
 * A small typed schema checker for cloud function events. Each schema parses an unknown value
 * into a typed one or collects per-path reasons; nothing is coerced silently except trimming
 * strings that ask for it.
 */
export type Issues = Record<string, string>;

export interface Schema<T> {
  /** Returns the parsed value, or records issues under `path` and returns undefined. */
  parse(value: unknown, path: string, issues: Issues): T | undefined;
  readonly optional?: boolean;
}

export type Infer<S> = S extends Schema<infer T> ? T : never;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

const TAB = 0x09;
const LINE_FEED = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/** Unicode's control characters (category Cc): C0 (U+0000–U+001F), DEL and C1 (U+0080–U+009F). */
function isControl(code: number): boolean {
  return code <= 0x1f || (code >= 0x7f && code <= 0x9f);
}

const hex = (code: number): string => `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * Why `chars` (a string split into code points) is not text a person typed, or undefined.
 * Control characters are refused: invisible, they break rendering, logs and message templates, and
 * NUL ends a string in C code along the way. Multi-line fields (a note, a chat message) keep tab
 * and line feed, and carriage return only as half of CRLF. An unpaired surrogate is refused too:
 * it is half a character, has no UTF-8 form, and every encoder on the way would replace or reject it.
 */
function textProblem(chars: readonly string[], multiline: boolean): string | undefined {
  for (let i = 0; i < chars.length; i += 1) {
    const code = chars[i].codePointAt(0) as number;
    const at = `${hex(code)} at character ${i + 1}`;
    // Spreading a string keeps a lone surrogate as one element; a valid pair is one code point above 0xFFFF.
    if (code >= 0xd800 && code <= 0xdfff) return `must not contain an unpaired surrogate (${at})`;
    if (!isControl(code)) continue;
    const allowed =
      multiline && (code === TAB || code === LINE_FEED || (code === CARRIAGE_RETURN && chars[i + 1] === '\n'));
    if (!allowed) return `must not contain control characters (${at})`;
  }
  return undefined;
}

/**
 * A string. Control characters and unpaired surrogates are always refused; `multiline` lets tab and
 * line breaks through (see textProblem).
 */
export function string(
  opts: { min?: number; max?: number; trim?: boolean; pattern?: RegExp; multiline?: boolean } = {},
): Schema<string> {
  return {
    parse(value, path, issues) {
      if (typeof value !== 'string') {
        issues[path] = `must be a string, got ${describe(value)}`;
        return undefined;
      }
      const s = opts.trim ? value.trim() : value;
      // Length in code points, so an emoji counts as one character as a person would count it.
      const chars = [...s];
      const length = chars.length;
      const problem = textProblem(chars, opts.multiline === true);
      if (problem) {
        issues[path] = problem;
      } else if (opts.min !== undefined && length < opts.min) {
        issues[path] = opts.min === 1 ? 'must not be empty' : `must be at least ${opts.min} characters`;
      } else if (opts.max !== undefined && length > opts.max) {
        issues[path] = `must be at most ${opts.max} characters`;
      } else if (opts.pattern && !opts.pattern.test(s)) {
        issues[path] = 'has an invalid format';
      } else {
        return s;
      }
      return undefined;
    },
  };
}

/** A document id: ours (32 hex) or CloudBase's, and nothing that could be an operator. */
export function docId(): Schema<string> {
  return string({ min: 1, max: 64, pattern: /^[A-Za-z0-9_-]+$/ });
}

export function integer(opts: { min?: number; max?: number } = {}): Schema<number> {
  return {
    parse(value, path, issues) {
      if (typeof value !== 'number' || !Number.isInteger(value)) {
        issues[path] = `must be an integer, got ${describe(value)}`;
      } else if (opts.min !== undefined && value < opts.min) {
        issues[path] = `must be at least ${opts.min}`;
      } else if (opts.max !== undefined && value > opts.max) {
        issues[path] = `must be at most ${opts.max}`;
      } else {
        return value;
      }
      return undefined;
    },
  };
}

export function boolean(): Schema<boolean> {
  return {
    parse(value, path, issues) {
      if (typeof value === 'boolean') return value;
      issues[path] = `must be a boolean, got ${describe(value)}`;
      return undefined;
    },
  };
}

export function oneOf<const T extends string | number>(values: readonly T[]): Schema<T> {
  return {
    parse(value, path, issues) {
      if ((values as readonly unknown[]).includes(value)) return value as T;
      issues[path] = `must be one of ${values.map((v) => JSON.stringify(v)).join(', ')}`;
      return undefined;
    },
  };
}

const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?(?:Z|[+-](\d{2}):(\d{2}))$/;

/**
 * Whether the fields name a real wall-clock time. `new Date('2027-02-30T00:00:00Z')` is March 2nd,
 * not an error, so the calendar is checked here rather than trusted to Date.
 */
function isRealTime(m: RegExpExecArray): boolean {
  const [year, month, day, hour, minute, second = 0, zoneHour = 0, zoneMinute = 0] = m
    .slice(1)
    .map((part) => (part === undefined ? undefined : Number(part)));
  if (month === undefined || month < 1 || month > 12 || day === undefined || day < 1) return false;
  // Day 0 of the next month is the last day of this one.
  if (day > new Date(Date.UTC(year ?? 0, month, 0)).getUTCDate()) return false;
  return (hour ?? 0) <= 23 && (minute ?? 0) <= 59 && second <= 59 && zoneHour <= 14 && zoneMinute <= 59;
}

/**
 * A string of any content: for stored fields the functions fill themselves (an error message, a
 * claim id) or that arrive from elsewhere unchecked (a follower's text), where only the type matters.
 */
export function anyString(opts: { min?: number; max?: number } = {}): Schema<string> {
  return {
    parse(value, path, issues) {
      if (typeof value !== 'string') issues[path] = `must be a string, got ${describe(value)}`;
      else if (opts.min !== undefined && value.length < opts.min) issues[path] = `must be at least ${opts.min} long`;
      else if (opts.max !== undefined && value.length > opts.max) issues[path] = `must be at most ${opts.max} long`;
      else return value;
      return undefined;
    },
  };
}

/** A date as a stored document holds it: a Date naming a real instant (the SDK decodes `$date` to one). */
export function storedDate(): Schema<Date> {
  return {
    parse(value, path, issues) {
      if (value instanceof Date && !Number.isNaN(value.getTime())) return value;
      issues[path] = `must be a date, got ${value instanceof Date ? 'an invalid date' : describe(value)}`;
      return undefined;
    },
  };
}

/** An array whose every item `inner` accepts. */
export function array<T>(inner: Schema<T>, opts: { max?: number } = {}): Schema<T[]> {
  return {
    parse(value, path, issues) {
      if (!Array.isArray(value)) {
        issues[path] = `must be an array, got ${describe(value)}`;
        return undefined;
      }
      if (opts.max !== undefined && value.length > opts.max) {
        issues[path] = `must hold at most ${opts.max} items`;
        return undefined;
      }
      const before = Object.keys(issues).length;
      const out = value.map((item, i) => inner.parse(item, `${path}[${i}]`, issues));
      return Object.keys(issues).length === before ? (out as T[]) : undefined;
    },
  };
}

/** An ISO 8601 instant with an explicit zone ("Z" or "+08:00") naming a real time, parsed to a Date. */
export function isoDate(): Schema<Date> {
  return {
    parse(value, path, issues) {
      const m = typeof value === 'string' ? ISO_INSTANT.exec(value) : null;
      if (m && isRealTime(m)) {
        const date = new Date(value as string);
        if (!Number.isNaN(date.getTime())) return date;
      }
      issues[path] = 'must be an ISO 8601 date-time with a time zone, e.g. 2026-05-01T09:00:00+08:00';
      return undefined;
    },
  };
}

export function optional<T>(inner: Schema<T>): Schema<T | undefined> {
  return {
    optional: true,
    parse(value, path, issues) {
      return value === undefined ? undefined : inner.parse(value, path, issues);
    },
  };
}

export function nullable<T>(inner: Schema<T>): Schema<T | null> {
  return {
    parse(value, path, issues) {
      return value === null ? null : inner.parse(value, path, issues);
    },
  };
}

type Shape = Record<string, Schema<unknown>>;
type OptionalKeys<S extends Shape> = { [K in keyof S]: S[K] extends { optional: true } ? K : never }[keyof S];
type ObjectOf<S extends Shape> = { [K in Exclude<keyof S, OptionalKeys<S>>]: Infer<S[K]> } & {
  [K in OptionalKeys<S>]?: Infer<S[K]>;
};

/**
 * An object with exactly these keys: unknown keys are rejected so a typo in a client never
 * passes silently. `ignore` lists keys the platform adds to every event (e.g. `userInfo`).
 * `keepUnknown` is for stored documents: fields this version does not know are kept as they are
 * (a newer version's, a console edit's), and only the known ones are checked.
 */
export function object<S extends Shape>(
  shape: S,
  opts: { ignore?: readonly string[]; keepUnknown?: boolean } = {},
): Schema<ObjectOf<S>> {
  return {
    parse(value, path, issues) {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        issues[path || '(event)'] = `must be an object, got ${describe(value)}`;
        return undefined;
      }
      const input = value as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      const before = Object.keys(issues).length;
      for (const key of Object.keys(input)) {
        // Own keys only: `in` would take `constructor` or `toString` for fields every shape has.
        if (Object.hasOwn(shape, key) || opts.ignore?.includes(key)) continue;
        if (opts.keepUnknown) Object.defineProperty(out, key, { value: input[key], enumerable: true, writable: true });
        else issues[join(path, key)] = 'is not a known field';
      }
      for (const [key, schema] of Object.entries(shape)) {
        if (input[key] === undefined && !schema.optional) {
          issues[join(path, key)] = 'is required';
          continue;
        }
        const parsed = schema.parse(input[key], join(path, key), issues);
        if (parsed !== undefined) out[key] = parsed;
      }
      return Object.keys(issues).length === before ? (out as ObjectOf<S>) : undefined;
    },
  };
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

/** The issues in one sentence for an error's message: `title must not be empty; note ...`. */
export function describeIssues(issues: Issues): string {
  return Object.entries(issues)
    .map(([field, reason]) => `${field} ${reason}`)
    .join('; ');
}

/** Parses or returns the issues; the entry point handlers use. */
export function check<T>(schema: Schema<T>, value: unknown): { ok: true; value: T } | { ok: false; issues: Issues } {
  // No prototype: a field named `__proto__` is recorded like any other instead of vanishing into a setter.
  const issues: Issues = Object.create(null) as Issues;
  const parsed = schema.parse(value, '', issues);
  if (Object.keys(issues).length > 0 || parsed === undefined) return { ok: false, issues };
  return { ok: true, value: parsed };
}
