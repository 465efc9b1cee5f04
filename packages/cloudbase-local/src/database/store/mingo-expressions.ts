/**
 * Aggregation expression operators where mingo 7.2.x differs from MongoDB (or lacks one), written
 * to MongoDB's reference pages. Registered over mingo's by ./mingo.
 */
import { evalExpr } from 'mingo/core';
import { $dayOfWeek, $dayOfYear, $isoDayOfWeek, $trunc as mingoTrunc, $year } from 'mingo/operators/expression';
import type { AnyObject, Options } from 'mingo/types';
import { MingoError } from 'mingo/util';
import { StoreError } from './types';

type ExpressionOperator = (obj: AnyObject, expr: unknown, options: Options) => unknown;

function args(op: string, obj: unknown, expr: unknown, options: Options, min: number, max: number): unknown[] {
  if (!Array.isArray(expr) || expr.length < min || expr.length > max) {
    throw new MingoError(`${op} expects an array of ${min === max ? min : `${min} to ${max}`} arguments`);
  }
  return evalExpr(obj, expr, options) as unknown[];
}

function nonNegativeInteger(op: string, what: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new MingoError(`${op}: ${what} must be a non-negative integer`);
  }
  return value;
}

/**
 * MongoDB's weeks begin on Sunday and the days before the year's first Sunday are week 0; mingo
 * counted from January 1st (2019-12-31 gave 1 where MongoDB gives 52). The day of the year and of
 * the week come from mingo, so the timezone forms stay its own.
 */
const $week: ExpressionOperator = (obj, expr, options) => {
  const dayOfYear = $dayOfYear(obj, expr, options) as unknown;
  const dayOfWeek = $dayOfWeek(obj, expr, options) as unknown;
  if (typeof dayOfYear !== 'number' || typeof dayOfWeek !== 'number') return null;
  return Math.floor((dayOfYear - dayOfWeek + 7) / 7);
};

/**
 * The ISO week-numbering year is the year of the week's Thursday; mingo only moved January 1st
 * (2019-12-31, in ISO week 1 of 2020, gave 2019).
 */
const $isoWeekYear: ExpressionOperator = (obj, expr, options) => {
  const year = $year(obj, expr, options) as unknown;
  const dayOfYear = $dayOfYear(obj, expr, options) as unknown;
  const weekday = $isoDayOfWeek(obj, expr, options) as unknown;
  if (typeof year !== 'number' || typeof dayOfYear !== 'number' || typeof weekday !== 'number') return null;
  const thursday = dayOfYear + 4 - weekday;
  const daysInYear = (y: number) => (new Date(Date.UTC(y, 1, 29)).getUTCDate() === 29 ? 366 : 365);
  if (thursday < 1) return year - 1;
  return thursday > daysInYear(year) ? year + 1 : year;
};

/** `{$trunc: <number>}` is MongoDB's short form of `{$trunc: [<number>]}`; mingo accepted the array only. */
const $trunc: ExpressionOperator = (obj, expr, options) =>
  mingoTrunc(obj, Array.isArray(expr) ? expr : [expr], options);

function searchIn(op: string, values: unknown[], units: (s: string) => string[]): number | null {
  const [text, search, start, end] = values;
  if (text === null || text === undefined) return null;
  if (typeof text !== 'string') throw new MingoError(`${op} requires a string as the first argument`);
  if (typeof search !== 'string') throw new MingoError(`${op} requires a string as the second argument`);
  const haystack = units(text);
  const needle = units(search);
  const from = start === undefined ? 0 : nonNegativeInteger(op, 'the starting index', start);
  const to = end === undefined ? haystack.length : nonNegativeInteger(op, 'the ending index', end);
  for (let i = from; i + needle.length <= Math.min(to, haystack.length); i++) {
    if (needle.every((unit, j) => haystack[i + j] === unit)) return i;
  }
  return -1;
}

const codePoints = (s: string): string[] => Array.from(s);
/** One entry per UTF-8 byte (as its hex), so byte offsets index the array. */
const utf8Bytes = (s: string): string[] => Array.from(Buffer.from(s, 'utf8'), (b) => b.toString(16));

/** Not registered in mingo 7.2.x. Indexes count code points. */
const $indexOfCP: ExpressionOperator = (obj, expr, options) =>
  searchIn('$indexOfCP', args('$indexOfCP', obj, expr, options, 2, 4), codePoints);

/** mingo counted UTF-16 units; MongoDB counts UTF-8 bytes. */
const $indexOfBytes: ExpressionOperator = (obj, expr, options) =>
  searchIn('$indexOfBytes', args('$indexOfBytes', obj, expr, options, 2, 4), utf8Bytes);

/**
 * MongoDB: a negative index gives "", a negative count means "to the end of the string", a range
 * past the end is cut at the end, and a range edge inside a multi-byte character is an error.
 * mingo refused negative counts.
 */
function substrBytes(op: string): ExpressionOperator {
  return (obj, expr, options) => {
    const [text, index, count] = args(op, obj, expr, options, 3, 3);
    if (text === null || text === undefined) return '';
    if (typeof index !== 'number' || typeof count !== 'number') {
      throw new MingoError(`${op}: starting index and length must be numbers`);
    }
    const bytes = Buffer.from(typeof text === 'string' ? text : String(text), 'utf8');
    const start = Math.trunc(index);
    if (start < 0 || start >= bytes.length) return '';
    const end = count < 0 ? bytes.length : Math.min(bytes.length, start + Math.trunc(count));
    const continuation = (at: number) => at < bytes.length && (bytes[at] & 0xc0) === 0x80;
    if (continuation(start)) throw new MingoError(`${op}: invalid range, starting index is a UTF-8 continuation byte`);
    if (continuation(end))
      throw new MingoError(`${op}: invalid range, ending index is in the middle of a UTF-8 character`);
    return bytes.subarray(start, end).toString('utf8');
  };
}

/** Text search scores need a text index, which the local cloud does not build. */
const $meta: ExpressionOperator = () => {
  throw new StoreError('NOT_SUPPORTED', '$meta (text search) is not supported by the local cloud');
};

export const expressionFixes: Record<`$${string}`, ExpressionOperator> = {
  $meta,
  $week,
  $isoWeekYear,
  $trunc,
  $indexOfCP,
  $indexOfBytes,
  $substr: substrBytes('$substr'),
  $substrBytes: substrBytes('$substrBytes'),
};
