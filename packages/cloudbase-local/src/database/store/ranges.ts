import { encodeValue, type Json } from './codec';
import type { FieldFacts, Kind } from './fieldkinds';
import { quoteLiteral, type SqlParams } from './sql';

/** MongoDB's range operators and their SQL twins. */
const RANGE_OPERATORS = { $gt: '>', $gte: '>=', $lt: '<', $lte: '<=' } as const;
export type RangeOperator = keyof typeof RANGE_OPERATORS;

export function isRangeOperator(op: string): op is RangeOperator {
  return Object.hasOwn(RANGE_OPERATORS, op);
}

type Comparable = 'string' | 'number' | 'boolean' | 'date';

/**
 * jsonb's btree orders null < strings < numbers < booleans < arrays < objects, and one-pair objects
 * by key, then value, so `{"$date": ms}` values sit together ordered by ms. Each pair of bounds holds
 * one type's values and no other (±1e400 lies beyond every double), which gives MongoDB's rule that
 * a range operator matches values of its operand's type only, and keeps the range one index scan.
 */
const TYPE_BOUNDS: Record<Comparable, { low: string; high: string }> = {
  string: { low: `>= '""'::jsonb`, high: `< '-1e400'::jsonb` },
  number: { low: `> '-1e400'::jsonb`, high: `< 'false'::jsonb` },
  boolean: { low: `>= 'false'::jsonb`, high: `<= 'true'::jsonb` },
  date: { low: `> '{"$date": -1e400}'::jsonb`, high: `< '{"$date": 1e400}'::jsonb` },
};

/**
 * A string operand compares the same way in UTF-16 code units (JavaScript, hence the matcher) and in
 * UTF-8 bytes (a C collation, and MongoDB) unless it holds a surrogate or a character from U+E000
 * up: below those, every code unit order agrees with code point order. NUL strings are stored tagged.
 */
const ORDER_SAFE_STRING = /^[^\0\ud800-\uffff]*$/;

function comparable(value: unknown, bytewise: boolean): { type: Comparable; json: Json } | undefined {
  if (typeof value === 'string')
    return bytewise && ORDER_SAFE_STRING.test(value) ? { type: 'string', json: value } : undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? { type: 'number', json: value } : undefined;
  if (typeof value === 'boolean') return { type: 'boolean', json: value };
  if (value instanceof Date && !Number.isNaN(value.getTime())) return { type: 'date', json: encodeValue(value) };
  return undefined;
}

/**
 * Held kinds that would make jsonb disagree: an array matches by any element, and tagged objects
 * hold numbers (NaN, ±Infinity) and strings (with NUL) that jsonb orders as objects.
 */
const SPOILERS: Record<Comparable, Kind[]> = {
  string: ['array', 'object'],
  number: ['array', 'object'],
  boolean: ['array'],
  date: ['array'],
};

/** v as jsonb when `{field: {$gt: v}}` is exact in SQL (the field never held a spoiling kind). */
export function fieldOperand(
  field: string,
  value: unknown,
  facts: FieldFacts,
): { type: Comparable; json: Json } | undefined {
  const operand = comparable(value, facts.bytewise);
  if (!operand) return undefined;
  const held = facts.kinds(field);
  return SPOILERS[operand.type].some((kind) => held.has(kind)) ? undefined : operand;
}

/**
 * `{field: {$gt: v}}` on a top-level field as an exact, btree-indexable SQL condition, or undefined
 * when SQL cannot decide it exactly (the caller then leaves it to the matcher).
 */
export function fieldRange(
  field: string,
  op: RangeOperator,
  value: unknown,
  params: SqlParams,
  facts: FieldFacts,
): string | undefined {
  const operand = fieldOperand(field, value, facts);
  if (!operand) return undefined;
  const expression = `doc -> ${quoteLiteral(field)}`;
  const bounds = TYPE_BOUNDS[operand.type];
  const bound = op === '$gt' || op === '$gte' ? bounds.high : bounds.low;
  const compared = `${expression} ${RANGE_OPERATORS[op]} ${params.add(JSON.stringify(operand.json))}::jsonb`;
  return `${compared} AND ${expression} ${bound}`;
}

/**
 * True when `{_id: {$gt: v}}` is exact on the row key: every `_id` held is a string, so the keys
 * are the `_id`s themselves, and the only encoded ones (strings opening with U+0001) order below
 * any operand that opens above U+0001, as their `_id`s do.
 */
export function idOperand(value: unknown, facts: FieldFacts): value is string {
  return (
    typeof value === 'string' &&
    facts.bytewise &&
    ORDER_SAFE_STRING.test(value) &&
    !value.startsWith('\u0001') &&
    [...facts.kinds('_id')].every((kind) => kind === 'string')
  );
}

export function idRange(op: RangeOperator, value: unknown, params: SqlParams, facts: FieldFacts): string | undefined {
  return idOperand(value, facts) ? `id ${RANGE_OPERATORS[op]} ${params.add(value)}` : undefined;
}
