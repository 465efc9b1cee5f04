/**
 * Malformed events for every action of every cloud function, as fast-check arbitraries. Each case
 * knows the one contract code it must be answered with: the functions check the action, then the
 * event's schema, then the caller, so a broken action is UNKNOWN_ACTION, any broken field
 * INVALID_ARGUMENT, a well-formed event without a WeChat user UNAUTHENTICATED, and `remind` (run by
 * its timer only) PERMISSION_DENIED for any user and INVALID_ARGUMENT for anything but a timer event.
 * A case never holds a well-formed event from a signed-in user, so no case may write anything.
 */
import fc from 'fast-check';
import { QUADRANT_KEYS } from '../../shared/quadrants';
import type { ServerErrorCode } from '../../typings/contract';
import type { ActionName, FunctionName, RequestOf } from '../../typings/functions';

/** How one request field is checked, and so what a valid and a broken value of it look like. */
export type Field =
  | { kind: 'text'; min: number; max: number; trim?: boolean; multiline?: boolean; optional?: boolean }
  /** Letters, digits, `_` and `-`, 1 to `max` (default 64). */
  | { kind: 'id'; max?: number; optional?: boolean }
  /** An idempotent call's requestId: letters, digits, `_` and `-`, 8 to 64, always optional. */
  | { kind: 'key'; optional: true }
  | { kind: 'opaque'; max: number; optional?: boolean }
  | { kind: 'fileId'; optional?: boolean }
  | { kind: 'oneOf'; values: readonly string[]; optional?: boolean }
  | { kind: 'date'; nullable?: boolean; optional?: boolean }
  | { kind: 'flag'; optional?: boolean }
  /** A repeat rule (shared/repeat-rule.ts). */
  | { kind: 'rule'; nullable?: boolean; optional?: boolean }
  /** A wall-clock time "HH:MM". */
  | { kind: 'clock'; optional?: boolean }
  /** An array of at most `max` items of one kind. */
  | { kind: 'list'; item: Field; max: number; optional?: boolean }
  /** An object with exactly these fields. */
  | { kind: 'record'; fields: Record<string, Field>; optional?: boolean }
  /** The caller's zone, read by the handler for every call: any value is taken (unknown ones as Asia/Shanghai), none refused. */
  | { kind: 'zone'; optional: true };

type Fields<F extends FunctionName, A extends ActionName<F>> = { [K in keyof Required<RequestOf<F, A>>]: Field };

/** Every action of every function in typings/: a new action or field fails to compile until described here. */
type Specs = { [F in FunctionName]: { [A in ActionName<F>]: Fields<F, A> } };

const ID: Field = { kind: 'id' };
const CURSOR: Field = { kind: 'opaque', max: 256, optional: true };
const WHEN: Field = { kind: 'date', nullable: true, optional: true };
const QUADRANT: Field = { kind: 'oneOf', values: QUADRANT_KEYS };
const REQUEST_ID: Field = { kind: 'key', optional: true };
const RULE: Field = { kind: 'rule', nullable: true, optional: true };
const REPEAT_FROM: Field = { kind: 'oneOf', values: ['due', 'completion'], optional: true };

export const SPECS: Specs = {
  login: {
    login: { code: { kind: 'opaque', max: 128, optional: true } },
    updateProfile: {
      nickname: { kind: 'text', min: 1, max: 32, trim: true, optional: true },
      avatarFileId: { kind: 'fileId', optional: true },
      dailyPlan: {
        kind: 'record',
        fields: { enabled: { kind: 'flag' }, time: { kind: 'clock' } },
        optional: true,
      },
    },
  },
  todo: {
    list: {
      quadrant: { ...QUADRANT, optional: true },
      status: { kind: 'oneOf', values: ['open', 'done', 'all'], optional: true },
      cursor: CURSOR,
    },
    get: { id: ID },
    create: {
      title: { kind: 'text', min: 1, max: 100, trim: true },
      note: { kind: 'text', min: 0, max: 1000, trim: true, multiline: true, optional: true },
      quadrant: QUADRANT,
      dueAt: WHEN,
      remindAt: WHEN,
      repeat: RULE,
      repeatFrom: REPEAT_FROM,
      steps: { kind: 'list', item: { kind: 'text', min: 1, max: 100, trim: true }, max: 30, optional: true },
      requestId: REQUEST_ID,
    },
    update: {
      id: ID,
      title: { kind: 'text', min: 1, max: 100, trim: true, optional: true },
      note: { kind: 'text', min: 0, max: 1000, trim: true, multiline: true, optional: true },
      quadrant: { ...QUADRANT, optional: true },
      dueAt: WHEN,
      remindAt: WHEN,
      repeat: RULE,
      repeatFrom: REPEAT_FROM,
      steps: {
        kind: 'list',
        item: {
          kind: 'record',
          fields: {
            id: { ...ID, optional: true },
            title: { kind: 'text', min: 1, max: 100, trim: true },
            done: { kind: 'flag', optional: true },
          },
        },
        max: 30,
        optional: true,
      },
      scope: { kind: 'oneOf', values: ['this', 'following'], optional: true },
      requestId: REQUEST_ID,
    },
    complete: { id: ID, requestId: REQUEST_ID },
    skip: { id: ID, requestId: REQUEST_ID },
    toggleStep: { id: ID, stepId: ID, done: { kind: 'flag' }, requestId: REQUEST_ID },
    parse: {
      // Not trimmed: the chips' offsets are into the text as typed.
      text: { kind: 'text', min: 1, max: 200 },
      without: { kind: 'list', item: { kind: 'oneOf', values: ['due', 'repeat', 'remind'] }, max: 3, optional: true },
      tz: { kind: 'zone', optional: true },
    },
    summary: {},
    reopen: { id: ID },
    remove: { id: ID, requestId: REQUEST_ID },
    subscribe: { templateId: { kind: 'id', max: 128 } },
  },
  chat: {
    send: {
      text: { kind: 'text', min: 1, max: 2000, trim: true, multiline: true },
      conversationId: { ...ID, optional: true },
      create: { kind: 'flag', optional: true },
      requestId: REQUEST_ID,
    },
    stop: { messageId: ID },
    regenerate: { messageId: ID, requestId: REQUEST_ID },
    undo: { messageId: ID, todoId: ID },
    conversations: { cursor: CURSOR },
    history: { conversationId: ID, before: CURSOR },
    rename: { conversationId: ID, title: { kind: 'text', min: 1, max: 50, trim: true } },
    remove: { conversationId: ID },
    quota: {},
  },
};

/** The timer trigger's event, the only thing `remind` accepts. */
export const TIMER_FIELDS: Record<string, Field> = {
  Type: { kind: 'oneOf', values: ['Timer'] },
  TriggerName: { kind: 'text', min: 1, max: 100 },
  Time: { kind: 'date' },
  Message: { kind: 'text', min: 0, max: 4096, multiline: true, optional: true },
};

export interface FuzzCase {
  fn: FunctionName | 'remind';
  event: Record<string, unknown>;
  openid?: string;
  expected: ServerErrorCode;
  /** What was done to the event, for a failure's report. */
  how: string[];
}

/** Ids that exist (the seeded users' todos, conversations and messages) and a few that do not. */
export interface FuzzPools {
  ids: readonly string[];
  openids: readonly string[];
}

const HOUR = 3_600_000;
const NOT_STRINGS: ReadonlySet<Field['kind']> = new Set(['date', 'flag', 'list', 'record', 'zone']);
const isString = (field: Field): boolean => !NOT_STRINGS.has(field.kind);
const isNullable = (field: Field): boolean => 'nullable' in field && field.nullable === true;

/** Control characters each kind of field refuses, and unpaired surrogates. */
function refusedChar(field: Field): fc.Arbitrary<string> {
  const multiline = field.kind === 'text' && field.multiline === true;
  const controls = fc
    .oneof(fc.integer({ min: 0, max: 0x1f }), fc.integer({ min: 0x7f, max: 0x9f }))
    .filter((code) => !multiline || (code !== 0x09 && code !== 0x0a))
    .map((code) => String.fromCharCode(code));
  const surrogates = fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code));
  return fc.oneof(controls, surrogates);
}

const letters = (max: number, multiline = false): fc.Arbitrary<string> =>
  fc
    .array(fc.constantFrom('a', 'Z', '7', '写', '字', '🍎', 'é', ' ', '-', ...(multiline ? ['\n', '\t'] : [])), {
      maxLength: Math.min(max - 1, 24),
    })
    .map((chars) => `x${chars.join('')}`);

function validValue(field: Field, pools: FuzzPools): fc.Arbitrary<unknown> {
  switch (field.kind) {
    case 'text':
      return letters(field.max, field.multiline);
    case 'id':
      return fc.constantFrom(...pools.ids);
    case 'key':
      return fc.stringMatching(/^[A-Za-z0-9_-]{8,64}$/);
    case 'opaque':
      return fc.string({ minLength: 1, maxLength: 40 }).filter((s) => /^[\x20-\x7e]+$/.test(s));
    case 'fileId':
      return fc.constantFrom('cloud://local.bucket/avatars/a.png', 'cloud://env-1.7465-env/x/y.jpg');
    case 'oneOf':
      return fc.constantFrom(...field.values);
    case 'flag':
      return fc.boolean();
    case 'date': {
      const future = fc.integer({ min: 1, max: 24 * 365 }).map((h) => new Date(Date.now() + h * HOUR).toISOString());
      return field.nullable ? fc.oneof(future, fc.constant(null)) : future;
    }
    case 'rule': {
      const rules = fc.constantFrom(
        'FREQ=DAILY',
        'FREQ=WEEKLY;BYDAY=MO,WE',
        'RRULE:FREQ=MONTHLY;BYMONTHDAY=1;COUNT=5',
        'freq=yearly;until=20301231',
      );
      return field.nullable ? fc.oneof(rules, fc.constant(null)) : rules;
    }
    case 'clock':
      return fc
        .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
        .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
    case 'list':
      return fc.array(validValue(field.item, pools), { maxLength: Math.min(field.max, 3) });
    case 'record':
      return eventOf(field.fields, pools);
    case 'zone':
      return fc.oneof(
        fc.constantFrom('Asia/Shanghai', 'America/Los_Angeles', '+05:30', 'Not/AZone', ''),
        fc.jsonValue({ maxDepth: 1 }),
      );
  }
}

/** Any JSON value a field of this kind can never accept. */
function wrongType(field: Field): fc.Arbitrary<unknown> {
  const accepted = (value: unknown): boolean => {
    if (value === null) return isNullable(field);
    switch (field.kind) {
      case 'flag':
        return typeof value === 'boolean';
      case 'list':
        return Array.isArray(value);
      case 'record':
        return typeof value === 'object' && !Array.isArray(value);
      default:
        return typeof value === 'string';
    }
  };
  return fc.jsonValue({ maxDepth: 3 }).filter((value) => !accepted(value));
}

/** Something done to one field that the function's schema must refuse. */
interface Mutation {
  how: string;
  apply(event: Record<string, unknown>): void;
}

const setField = (key: string, value: unknown, how: string): Mutation => ({
  how,
  apply: (event) => Object.defineProperty(event, key, { value, enumerable: true, writable: true, configurable: true }),
});

function fieldMutations(key: string, field: Field, pools: FuzzPools): Array<fc.Arbitrary<Mutation>> {
  // The handler reads the zone itself and refuses none: nothing to break.
  if (field.kind === 'zone') return [];
  const out: Array<fc.Arbitrary<Mutation>> = [wrongType(field).map((v) => setField(key, v, `${key}: wrong type`))];
  if (!field.optional) out.push(fc.constant({ how: `${key}: missing`, apply: (event) => delete event[key] }));
  if (isString(field) || field.kind === 'date') {
    out.push(
      fc
        .tuple(refusedChar(field), fc.nat(3))
        .map(([bad, at]) => setField(key, `ab${'c'.repeat(at)}`.replace('b', `${bad}b`), `${key}: ${escape(bad)}`)),
    );
  }
  if (field.kind === 'text' || field.kind === 'opaque') {
    out.push(fc.nat(40).map((extra) => setField(key, 'a'.repeat(field.max + 1 + extra), `${key}: too long`)));
  }
  // Only a trimmed field refuses spaces alone; the others take them as text.
  const blanks =
    field.kind === 'id' || (field.kind === 'text' && field.min > 0 && field.trim)
      ? ['', '   ']
      : (field.kind === 'text' && field.min > 0) || field.kind === 'opaque'
        ? ['']
        : [];
  if (blanks.length > 0) out.push(fc.constantFrom(...blanks).map((blank) => setField(key, blank, `${key}: blank`)));
  if (field.kind === 'key') {
    out.push(
      fc.stringMatching(/^[A-Za-z0-9_-]{0,7}$/).map((v) => setField(key, v, `${key}: too short`)),
      fc.stringMatching(/^[A-Za-z0-9_-]{65,80}$/).map((v) => setField(key, v, `${key}: too long`)),
      fc
        .tuple(fc.stringMatching(/^[a-z0-9]{8}$/), fc.constantFrom('/', '.', ' ', '$', ':', '写', '\\', '*'))
        .map(([s, c]) => setField(key, `${s}${c}`, `${key}: pattern`)),
    );
  }
  if (field.kind === 'id') {
    const outside = fc.constantFrom('/', '.', ' ', '$', '{', '"', '写', '\\', '*', '?', '%', '#');
    out.push(
      fc.tuple(fc.string({ maxLength: 8 }), outside).map(([s, c]) => setField(key, `${s}${c}${s}`, `${key}: pattern`)),
      fc.nat(20).map((extra) => setField(key, 'a'.repeat((field.max ?? 64) + 1 + extra), `${key}: too long`)),
      fc.constantFrom({ $ne: null }, { $gt: '' }, ['a']).map((v) => setField(key, v, `${key}: operator`)),
    );
  }
  if (field.kind === 'fileId') {
    out.push(fc.constantFrom('http://x/a.png', 'cloud://', 'a.png').map((v) => setField(key, v, `${key}: pattern`)));
  }
  if (field.kind === 'oneOf') {
    const known = new Set(field.values);
    out.push(
      fc
        .oneof(fc.string({ maxLength: 6 }), fc.constantFrom(...field.values.map((v) => v.toUpperCase()), ' q1', ''))
        .filter((v) => !known.has(v))
        .map((v) => setField(key, v, `${key}: not one of`)),
    );
  }
  if (field.kind === 'date') {
    out.push(
      fc
        .constantFrom('2030-05-01T09:00:00', 'tomorrow', '2030-13-01T00:00:00Z', '', '1714550400000', '2030-05-01')
        .map((v) => setField(key, v, `${key}: not an instant`)),
    );
  }
  if (field.kind === 'rule') {
    const refused = ['', 'FREQ=HOURLY', 'BYDAY=MO', 'FREQ=DAILY;COUNT=0', 'FREQ=WEEKLY;BYMONTHDAY=1', 'FREQ=DAILY;X=1'];
    out.push(
      fc
        .constantFrom(...refused, `FREQ=DAILY;${'INTERVAL=2;'.repeat(20)}`)
        .map((v) => setField(key, v, `${key}: ${v}`)),
    );
  }
  if (field.kind === 'clock') {
    out.push(
      fc
        .constantFrom('24:00', '7:30', '07:60', '0730', '07:30:00', ' 07:30', '', '７:30')
        .map((v) => setField(key, v, `${key}: not HH:MM`)),
    );
  }
  if (field.kind === 'list') {
    out.push(
      fc
        .array(validValue(field.item, pools), { minLength: field.max + 1, maxLength: field.max + 3 })
        .map((items) => setField(key, items, `${key}: too many`)),
      // One item broken, as a field of its own is: the list holds the broken one.
      fc.tuple(validValue(field.item, pools), fc.oneof(...fieldMutations('0', field.item, pools))).map(([item, m]) => ({
        how: `${key}[0]: ${m.how}`,
        apply(event: Record<string, unknown>) {
          const items: unknown[] = [item];
          m.apply(items as unknown as Record<string, unknown>);
          setField(key, items, '').apply(event);
        },
      })),
    );
  }
  if (field.kind === 'record') {
    const inner = [
      unknownKey(Object.keys(field.fields)),
      ...Object.entries(field.fields).flatMap(([k, f]) => fieldMutations(k, f, pools)),
    ];
    out.push(
      fc.tuple(eventOf(field.fields, pools), fc.oneof(...inner)).map(([record, m]) => ({
        how: `${key}.${m.how}`,
        apply(event: Record<string, unknown>) {
          m.apply(record);
          setField(key, record, '').apply(event);
        },
      })),
    );
  }
  return out;
}

const escape = (text: string): string => JSON.stringify(text).slice(1, -1);

/** Keys the schemas never accept: operators, prototype names, our own fields, anything. */
function unknownKey(known: readonly string[]): fc.Arbitrary<Mutation> {
  const taken = new Set([...known, 'action', 'userInfo']);
  const key = fc
    .oneof(
      fc.constantFrom('__proto__', 'constructor', 'prototype', '$where', '_openid', '_id', 'openid', 'owner', ''),
      fc.string({ maxLength: 10 }),
    )
    .filter((k) => !taken.has(k));
  return fc
    .tuple(key, fc.jsonValue({ maxDepth: 2 }))
    .map(([k, value]) => setField(k, value, `unknown field ${JSON.stringify(k)}`));
}

function eventOf(fields: Record<string, Field>, pools: FuzzPools): fc.Arbitrary<Record<string, unknown>> {
  const entries = Object.entries(fields).map(([key, field]) =>
    (field.optional ? fc.option(validValue(field, pools), { nil: undefined }) : validValue(field, pools)).map(
      (value) => [key, value] as const,
    ),
  );
  return fc.tuple(...entries).map((pairs) => {
    const event: Record<string, unknown> = {};
    for (const [key, value] of pairs) if (value !== undefined) event[key] = value;
    return event;
  });
}

function broken(fields: Record<string, Field>, pools: FuzzPools) {
  const mutations = [
    unknownKey(Object.keys(fields)),
    ...Object.entries(fields).flatMap(([key, field]) => fieldMutations(key, field, pools)),
  ];
  return fc
    .tuple(eventOf(fields, pools), fc.array(fc.oneof(...mutations), { minLength: 1, maxLength: 3 }))
    .map(([event, applied]) => {
      for (const mutation of applied) mutation.apply(event);
      return { event, how: applied.map((m) => m.how) };
    });
}

const platformNoise = fc.option(fc.jsonValue({ maxDepth: 2 }), { nil: undefined });

function actionCases(fn: FunctionName, action: string, fields: Record<string, Field>, pools: FuzzPools) {
  const actions = Object.keys(SPECS[fn]);
  const caller = fc.option(fc.constantFrom(...pools.openids), { nil: undefined });
  // fromEntries defines own properties, so a `__proto__` field stays a field (Object.assign would
  // set the prototype instead and quietly drop the broken part of the event).
  const withAction = (event: Record<string, unknown>, userInfo: unknown, value: unknown, hasAction = true) =>
    Object.fromEntries([
      ...(hasAction ? [['action', value]] : []),
      // CloudBase adds userInfo to client events; the functions ignore it, whatever it holds.
      ...(userInfo === undefined ? [] : [['userInfo', userInfo]]),
      ...Object.entries(event),
    ]) as Record<string, unknown>;
  const badField = fc
    .tuple(broken(fields, pools), caller, platformNoise)
    .map(([{ event, how }, openid, userInfo]): FuzzCase => ({
      fn,
      event: withAction(event, userInfo, action),
      ...(openid ? { openid } : {}),
      expected: 'INVALID_ARGUMENT',
      how,
    }));
  const badAction = fc
    .tuple(
      eventOf(fields, pools),
      fc
        .oneof(
          fc.constantFrom(
            '',
            'constructor',
            '__proto__',
            'toString',
            'hasOwnProperty',
            'valueOf',
            action.toUpperCase(),
          ),
          fc.string({ maxLength: 12 }),
          fc.jsonValue({ maxDepth: 2 }).filter((v) => typeof v !== 'string'),
          fc.constant(undefined),
        )
        .filter((v) => typeof v !== 'string' || !actions.includes(v)),
      caller,
    )
    .map(([event, value, openid]): FuzzCase => ({
      fn,
      event: withAction(event, undefined, value, value !== undefined),
      ...(openid ? { openid } : {}),
      expected: 'UNKNOWN_ACTION',
      how: [`action ${value === undefined ? 'missing' : JSON.stringify(value)}`],
    }));
  const anonymous = fc.tuple(eventOf(fields, pools), platformNoise).map(([event, userInfo]): FuzzCase => ({
    fn,
    event: withAction(event, userInfo, action),
    expected: 'UNAUTHENTICATED',
    how: ['no WeChat user'],
  }));
  return fc.oneof(
    { arbitrary: badField, weight: 8 },
    { arbitrary: badAction, weight: 1 },
    { arbitrary: anonymous, weight: 1 },
  );
}

function remindCases(pools: FuzzPools): fc.Arbitrary<FuzzCase> {
  const byUser = fc
    .tuple(
      fc.oneof(
        eventOf(TIMER_FIELDS, pools),
        broken(TIMER_FIELDS, pools).map((b) => b.event),
      ),
      fc.constantFrom(...pools.openids),
    )
    .map(([event, openid]): FuzzCase => ({
      fn: 'remind',
      event,
      openid,
      expected: 'PERMISSION_DENIED',
      how: ['a user'],
    }));
  const notTimer = broken(TIMER_FIELDS, pools).map(({ event, how }): FuzzCase => ({
    fn: 'remind',
    event,
    expected: 'INVALID_ARGUMENT',
    how,
  }));
  return fc.oneof(byUser, notTimer);
}

/** One malformed call to any action of any function (remind weighted as one action among the rest). */
export function fuzzCases(pools: FuzzPools): fc.Arbitrary<FuzzCase> {
  const perAction = (Object.keys(SPECS) as FunctionName[]).flatMap((fn) =>
    Object.entries(SPECS[fn] as Record<string, Record<string, Field>>).map(([action, fields]) =>
      actionCases(fn, action, fields, pools),
    ),
  );
  return fc.oneof(...perAction, remindCases(pools));
}

/** One write a modified mini-program could send through the client database (`/web`). */
export interface ClientWrite {
  collection: string;
  op: 'add' | 'update' | 'set' | 'remove' | 'where.update' | 'where.remove';
  /** The document an op by id names: one of the caller's own, someone else's, or none. */
  id: string;
  data: Record<string, unknown>;
  /** Signed in (the rules' auth.openid) or not. */
  openid?: string;
}

/** Field names the app's documents have, so a write looks like one that could matter. */
const FIELD_NAMES = ['title', 'quadrant', 'done', 'remindState', 'remindNextAt', 'text', 'status', 'taken', 'holds'];

/** Client-database writes to any collection: every one must be refused by the rules, whatever it holds. */
export function clientWrites(collections: readonly string[], openids: readonly string[]): fc.Arbitrary<ClientWrite> {
  const field = fc.oneof(fc.constantFrom(...FIELD_NAMES), fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9]{0,8}$/));
  return fc.record(
    {
      collection: fc.constantFrom(...collections),
      op: fc.constantFrom('add', 'update', 'set', 'remove', 'where.update', 'where.remove'),
      id: fc.oneof(fc.constantFrom(...openids.map((o) => `own-${o}`)), fc.stringMatching(/^[a-z0-9]{1,12}$/)),
      // Through JSON, as a request carries it: plain objects, never null-prototype ones.
      data: fc
        .dictionary(field, fc.jsonValue({ maxDepth: 2 }), { minKeys: 1, maxKeys: 4 })
        .map((value) => JSON.parse(JSON.stringify(value)) as Record<string, unknown>),
      openid: fc.constantFrom(...openids),
    },
    { requiredKeys: ['collection', 'op', 'id', 'data'] },
  );
}
