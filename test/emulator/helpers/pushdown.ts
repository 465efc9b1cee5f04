/**
 * The SQL pushdown against the matcher: whatever part of a query SQL decides, the store must return
 * exactly what mingo alone returns over every stored document. Random queries (fast-check, seeded)
 * mix equality, $in, the range operators and $or over fields whose held types differ (one type
 * only, several scalar types, arrays and tagged values), values across every type, and the keyset
 * `$or` a cursor page sends.
 */
import fc from 'fast-check';
import type {
  Doc,
  DocumentStore,
  FindOptions,
  Query,
  SortSpec,
} from '../../../packages/cloudbase-local/src/database/store';
import { compileQuery, runCursor } from '../../../packages/cloudbase-local/src/database/store/engine';
import { plan } from '../../../packages/cloudbase-local/src/database/store/rows';
import { PostgresDocumentStore } from '../../../packages/cloudbase-local/src/database/store/store';
import { OPEN_TIMEOUT_MS, errorCode, freshName } from './db';

const NUMBERS = [-1e21, -2.5, -1, -0, 0, 0.1, 0.30000000000000004, 1, 2, 2.5, 10, 2 ** 53, 1e21, 5e-324];
// Code units above U+D800 order differently in UTF-16 (JavaScript) and UTF-8 (SQL): such operands stay with the matcher.
const SAFE_STRINGS = ['', 'a', 'A', 'ab', 'b', 'ba', 'z', '0', '10', '9', '中', '中文', 'é', 'a b', '~'];
const STRINGS = [...SAFE_STRINGS, '，', '😀', '\ue000', '\uffff'];
const DATES = [-86_400_000, 0, 1, Date.UTC(2026, 0, 1), Date.UTC(2026, 0, 1) + 1, Date.UTC(9999, 11, 31)].map(
  (ms) => new Date(ms),
);
const BOOLEANS = [false, true];
/** Values jsonb holds as arrays or tagged objects: the cases where SQL comparison would disagree. */
const ODD: unknown[] = [NaN, Infinity, -Infinity, 'x\0y', [], [1, 'a'], [2, 3], [DATES[3]], { a: 1 }, /a/];
const SCALARS: unknown[] = [...NUMBERS, ...STRINGS, ...DATES, ...BOOLEANS, null];
const OPERANDS: unknown[] = [...SCALARS, ...ODD];

const MISSING = Symbol('missing');
const pick = <T>(values: readonly T[]) => fc.constantFrom(...values);
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.oneof(arb, fc.constant(MISSING));

/** Each field holds its own mix of types, which decides what SQL may answer exactly. */
const HELD = {
  n: [...NUMBERS, null],
  s: STRINGS,
  t: [...DATES, null],
  b: BOOLEANS,
  m: SCALARS,
  v: OPERANDS,
};
const FIELDS = {
  n: maybe(pick(HELD.n)),
  s: maybe(pick(HELD.s)),
  t: maybe(pick(HELD.t)),
  b: maybe(pick(HELD.b)),
  m: maybe(pick(HELD.m)),
  v: maybe(pick(HELD.v)),
};
type Field = keyof typeof FIELDS | '_id';
const NAMES = Object.keys(FIELDS) as Array<keyof typeof FIELDS>;

function documents(seed: number, ids: (i: number) => unknown): Doc[] {
  const rows = fc.sample(fc.record(FIELDS), { numRuns: 160, seed });
  return rows.map((row, i) => {
    const doc: Doc = { _id: ids(i) };
    for (const name of NAMES) if (row[name] !== MISSING) doc[name] = row[name];
    return doc;
  });
}

const RANGES = ['$gt', '$gte', '$lt', '$lte'] as const;

/** Mostly values of the field's own types, sometimes any value at all. */
function condition(own: readonly unknown[]): fc.Arbitrary<unknown> {
  const value = fc.oneof({ weight: 3, arbitrary: pick(own) }, { weight: 1, arbitrary: pick(OPERANDS) });
  return fc.oneof(
    value,
    fc.record({ op: pick([...RANGES, '$eq', '$ne']), value }).map(({ op, value: v }) => ({ [op]: v })),
    fc.array(value, { maxLength: 4 }).map((list) => ({ $in: list })),
    fc
      .record({ low: value, high: value, lowOp: pick(['$gt', '$gte']), highOp: pick(['$lt', '$lte']) })
      .map(({ low, high, lowOp, highOp }) => ({ [lowOp]: low, [highOp]: high })),
  );
}

function leaf(idValues: readonly unknown[]): fc.Arbitrary<Query> {
  const byField = (field: Field) => condition(field === '_id' ? idValues : HELD[field]);
  return fc
    .uniqueArray(pick<Field>([...NAMES, '_id']), { minLength: 1, maxLength: 3 })
    .chain((fields) => fc.tuple(...fields.map((f) => byField(f).map((c) => [f, c] as const))))
    .map((entries) => Object.fromEntries(entries));
}

/** What a page cursor sends: after `doc` in the order of `fields`, ascending or descending. */
function keyset(docs: Doc[]): fc.Arbitrary<Query> {
  return fc
    .record({
      doc: pick(docs),
      fields: fc.uniqueArray(pick<Field>(['b', 't', 'n', 'm', 's']), { minLength: 1, maxLength: 3 }),
      after: fc.boolean(),
      inclusive: fc.boolean(),
    })
    .map(({ doc, fields, after, inclusive }) => {
      const keys: Field[] = [...fields, '_id'];
      const value = (f: Field) => (doc[f] === undefined ? null : doc[f]);
      return {
        $or: keys.map((field, i) => {
          const op = after ? (inclusive && i === keys.length - 1 ? '$gte' : '$gt') : '$lt';
          const branch: Query = Object.fromEntries(keys.slice(0, i).map((f) => [f, value(f)]));
          branch[field] = { [op]: value(field) };
          return branch;
        }),
      };
    });
}

function query(docs: Doc[]): fc.Arbitrary<Query> {
  const ids = docs.map((d) => d._id);
  const simple = leaf(ids);
  const or = fc.array(simple, { minLength: 1, maxLength: 4 }).map((parts) => ({ $or: parts }));
  return fc.oneof(
    simple,
    or,
    keyset(docs),
    fc.tuple(simple, fc.oneof(or, keyset(docs))).map(([base, rest]) => ({ $and: [base, rest] })),
  );
}

const SORTS: SortSpec[] = [
  [['_id', 1]],
  [
    ['t', 1],
    ['n', -1],
    ['_id', 1],
  ],
  [
    ['b', -1],
    ['t', 1],
    ['_id', -1],
  ],
  [
    ['m', 1],
    ['_id', 1],
  ],
];

const ids = (docs: Doc[]) => docs.map((d) => d._id);

export function definePushdownAgreement(label: string, open: () => Promise<DocumentStore>): void {
  describe(`SQL pushdown agrees with the matcher (${label})`, () => {
    let store: PostgresDocumentStore;
    beforeAll(async () => {
      const opened = await open();
      if (!(opened instanceof PostgresDocumentStore)) throw new Error('the store is not the PostgreSQL one');
      store = opened;
    }, OPEN_TIMEOUT_MS);
    afterAll(() => store?.close());

    const collections: Array<[string, (i: number) => unknown, number]> = [
      // String _ids that order alike in UTF-16 and UTF-8, so `_id` ranges and sorts go to SQL.
      ['string _ids', (i) => `${SAFE_STRINGS[i % SAFE_STRINGS.length]}${String(i).padStart(3, '0')}`, 11],
      // Numbers among the _ids: `_id` ranges stay with the matcher.
      ['mixed _ids', (i) => (i % 3 === 0 ? i : `k${i}`), 12],
    ];

    test.each(collections)(
      'find, count, sorted pages and transactions (%s)',
      async (_name, idOf, seed) => {
        const name = freshName('agree');
        await store.insert(name, documents(seed, idOf));
        const all = await store.find(name, {});
        const kinds = { exact: 0, narrowed: 0 };
        await fc.assert(
          fc.asyncProperty(
            query(all),
            pick(SORTS),
            fc.nat({ max: 3 }),
            fc.integer({ min: 1, max: 12 }),
            async (q, sort, skip, limit) => {
              let compiled: ReturnType<typeof compileQuery>;
              try {
                compiled = compileQuery(q);
              } catch {
                // A query the matcher refuses, the store refuses the same way.
                expect(await errorCode(store.find(name, q))).toBe('INVALID_PARAM');
                return;
              }
              kinds[plan(name, q, store.kinds.of(name)).exact ? 'exact' : 'narrowed']++;
              const expected = all.filter((doc) => compiled.test(doc));
              expect(ids(await store.find(name, q))).toEqual(ids(expected));
              expect(await store.count(name, q)).toBe(expected.length);
              const options: FindOptions = { sort, skip, limit };
              expect(ids(await store.find(name, q, options))).toEqual(ids(runCursor(all, compiled, options)));
              const tx = await store.startTransaction();
              try {
                expect(ids(await tx.find(name, q))).toEqual(ids(expected));
              } finally {
                await tx.abort();
              }
            },
          ),
          { seed, numRuns: 400 },
        );
        // Both paths ran: queries SQL answered alone, and queries it only narrowed for the matcher.
        expect(kinds.exact).toBeGreaterThan(50);
        expect(kinds.narrowed).toBeGreaterThan(50);
      },
      300_000,
    );
  });
}

const D = new Date(Date.UTC(2026, 0, 1));

/** [case, query, SQL decides it alone, a fragment the WHERE clause holds (or must not, with '!')] */
const PLANS: Array<[string, Query, boolean, string?]> = [
  ['a range on a one-type field', { n: { $gt: 1 } }, true, `doc -> 'n' > `],
  ['a range whose operand is of another type (matches nothing, still exact)', { n: { $gt: 'a' } }, true],
  ['a range on dates', { t: { $gte: D, $lt: new Date(D.getTime() + 1) } }, true, `'{"$date": 1e400}'::jsonb`],
  ['a range on a field that held arrays', { v: { $gt: 1 } }, false, `!doc -> 'v'`],
  ['a number range on a field that held NaN', { w: { $lt: 5 } }, false],
  ['a date range on a field that held NaN', { w: { $lt: D } }, true],
  ['a string operand from U+E000 up', { s: { $gt: '，' } }, false],
  ['an $or of ranges and equalities', { $or: [{ n: { $gt: 1 } }, { t: { $lt: D }, b: true }] }, true, ' OR '],
  ['an $or with a branch SQL cannot narrow', { $or: [{ n: { $gt: 1 } }, { v: { $gt: 1 } }] }, false, '! OR '],
  [
    'a keyset cursor',
    { $or: [{ b: { $gt: false } }, { b: false, t: { $gt: D } }, { b: false, t: D, _id: { $gt: 'k' } }] },
    true,
    `(doc -> 'b', doc -> 't', id) > (`,
  ],
  [
    'a keyset cursor ending inclusive',
    { $or: [{ n: { $lt: 3 } }, { n: 3, _id: { $lte: 'k' } }] },
    true,
    `(doc -> 'n', id) <= (`,
  ],
  [
    'no keyset bound when an inner branch is inclusive',
    { $or: [{ n: { $gte: 3 } }, { n: 3, _id: { $gt: 'k' } }] },
    true,
    `!(doc -> 'n', id)`,
  ],
  ['a range with an operator SQL leaves to the matcher', { n: { $gt: 1, $ne: 5 } }, false, `doc -> 'n' > `],
];

export function definePushdownPlans(label: string, open: () => Promise<DocumentStore>): void {
  describe(`what the SQL pushdown decides (${label})`, () => {
    let store: PostgresDocumentStore;
    const name = freshName('plans');
    beforeAll(async () => {
      const opened = await open();
      if (!(opened instanceof PostgresDocumentStore)) throw new Error('the store is not the PostgreSQL one');
      store = opened;
      await store.insert(name, [
        { _id: 'k', n: 1, s: 'a', t: D, b: false, v: [1, 2], w: NaN },
        { _id: 'l', n: 3, s: 'b', t: null, b: true, v: 4, w: D },
      ]);
    }, OPEN_TIMEOUT_MS);
    afterAll(() => store?.close());

    // Objects, not rows: a row without a fragment would make Jest read the 4th parameter as `done`.
    const cases = PLANS.map(([label, query, exact, fragment]) => ({ label, query, exact, fragment }));
    test.each(cases)('$label', async ({ query, exact, fragment }) => {
      const selection = plan(name, query, store.kinds.of(name));
      expect(selection.exact).toBe(exact);
      if (fragment?.startsWith('!')) expect(selection.where).not.toContain(fragment.slice(1));
      else if (fragment) expect(selection.where).toContain(fragment);
      // And whatever SQL decided, the answer is the matcher's.
      const all = await store.find(name, {});
      const compiled = compileQuery(query);
      expect(ids(await store.find(name, query))).toEqual(ids(all.filter((doc) => compiled.test(doc))));
    });
  });
}
