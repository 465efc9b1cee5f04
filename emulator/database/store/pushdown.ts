import { isPlainObject } from './engine';
import { encodeValue, wellFormed, type Json } from './codec';
import { sqlSortable, type KindsOf } from './fieldkinds';
import { idKey } from './ids';
import { quoteLiteral, type SqlParams } from './sql';
import type { Query, SortSpec } from './types';

/**
 * SQL that narrows a collection's rows before mingo decides. `where` always selects a superset of
 * the MongoDB matches; `exact` says it selects exactly them, so SQL may also count, skip and limit.
 */
export interface Narrowing {
  where: string[];
  exact: boolean;
}

/** Beyond this many path segments the 2^n containment variants cost more than they save. */
const MAX_PUSHED_DEPTH = 3;
const MAX_IN_VALUES = 50;

function isOperatorObject(value: unknown): value is Record<string, unknown> {
  return isPlainObject(value) && Object.keys(value).length > 0 && Object.keys(value).every((k) => k.startsWith('$'));
}

/** Values whose MongoDB equality jsonb containment reproduces exactly (besides array membership). */
function scalarJson(value: unknown): Json | undefined {
  // A string holding NUL is stored as a tagged object (see codec), which containment cannot match exactly.
  if (typeof value === 'string') return value.includes('\0') ? undefined : wellFormed(value);
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (value instanceof Date && !Number.isNaN(value.getTime())) return encodeValue(value);
  return undefined;
}

/**
 * `{a: {b: v}}` in MongoDB also matches when `a` is an array of objects or `b` an array holding v,
 * so every segment may be an object or an array: one containment pattern per combination.
 */
function containmentVariants(segments: string[], value: Json): Json[] {
  const [head, ...rest] = segments;
  const inner = rest.length ? containmentVariants(rest, value) : [value];
  return inner.flatMap((v) => [{ [head]: v }, { [head]: [v] }]);
}

function fieldPredicate(
  path: string,
  condition: unknown,
  params: SqlParams,
  kinds: KindsOf,
): { sql?: string; exact: boolean } {
  const segments = path.split('.');
  const pushable =
    segments.length <= MAX_PUSHED_DEPTH && segments.every((s) => s !== '' && !/^\d+$/.test(s) && !s.startsWith('$'));
  if (!pushable) return { exact: false };
  const topLevel = segments.length === 1;

  let values: unknown[];
  if (isOperatorObject(condition)) {
    const ops = Object.keys(condition);
    if (ops.length === 1 && ops[0] === '$eq') values = [condition.$eq];
    else if (ops.length === 1 && ops[0] === '$in' && Array.isArray(condition.$in)) values = condition.$in;
    else return { exact: false };
    if (values.length > MAX_IN_VALUES) return { exact: false };
    if (values.length === 0) return { sql: 'false', exact: true };
  } else {
    values = [condition];
  }

  const scalars = values.map(scalarJson);
  if (scalars.every((s): s is Json => s !== undefined)) {
    if (topLevel && !kinds(path).has('array')) {
      // Never an array here, so MongoDB equality is jsonb equality: one btree-indexable expression.
      const field = `doc -> ${quoteLiteral(path)}`;
      const list = scalars.map((v) => `${params.add(JSON.stringify(v))}::jsonb`);
      return { sql: list.length === 1 ? `${field} = ${list[0]}` : `${field} IN (${list.join(', ')})`, exact: true };
    }
    const patterns = scalars.flatMap((s) => containmentVariants(segments, s));
    return { sql: containmentSql(patterns, params), exact: topLevel };
  }
  // Whole sub-documents and arrays: containment is still a superset of MongoDB equality.
  if (values.length === 1 && (isPlainObject(values[0]) || Array.isArray(values[0]))) {
    const nonEmpty = Array.isArray(values[0]) ? values[0].length > 0 : Object.keys(values[0] as object).length > 0;
    if (!nonEmpty) return { exact: false };
    try {
      return { sql: containmentSql(containmentVariants(segments, encodeValue(values[0])), params), exact: false };
    } catch {
      return { exact: false };
    }
  }
  return { exact: false };
}

function containmentSql(patterns: Json[], params: SqlParams): string {
  const terms = patterns.map((p) => `doc @> ${params.add(JSON.stringify(p))}::jsonb`);
  return terms.length === 1 ? terms[0] : `(${terms.join(' OR ')})`;
}

/** A value an `_id` equality can be turned into a row key for (operator objects, regexes and arrays cannot). */
function idValue(value: unknown): boolean {
  return value !== undefined && !Array.isArray(value) && !(value instanceof RegExp) && !isOperatorObject(value);
}

function idPredicate(condition: unknown, params: SqlParams): { sql?: string; exact: boolean } {
  if (idValue(condition)) return { sql: `id = ${params.add(idKey(condition))}`, exact: true };
  if (isOperatorObject(condition) && Object.keys(condition).length === 1) {
    if (idValue(condition.$eq)) return { sql: `id = ${params.add(idKey(condition.$eq))}`, exact: true };
    const list = condition.$in;
    if (Array.isArray(list) && list.every(idValue)) {
      return { sql: `id = ANY(${params.add(list.map(idKey))}::text[])`, exact: true };
    }
  }
  return { exact: false };
}

export function narrow(query: Query, params: SqlParams, kinds: KindsOf): Narrowing {
  const where: string[] = [];
  let exact = true;
  for (const [key, condition] of Object.entries(query)) {
    if (key === '$and' && Array.isArray(condition) && condition.length > 0 && condition.every(isPlainObject)) {
      for (const part of condition) {
        const sub = narrow(part, params, kinds);
        where.push(...sub.where);
        exact &&= sub.exact;
      }
      continue;
    }
    if (key.startsWith('$')) {
      exact = false;
      continue;
    }
    const predicate = key === '_id' ? idPredicate(condition, params) : fieldPredicate(key, condition, params, kinds);
    if (predicate.sql) where.push(predicate.sql);
    exact &&= predicate.exact;
  }
  return { where, exact };
}

/**
 * ORDER BY reproducing MongoDB's sort, or undefined when jsonb would order some held value
 * differently (see sqlSortable). Missing and null come first ascending, as in MongoDB; `seq` breaks
 * ties in natural order. Field names are inlined so the planner can match ensureIndex's expressions.
 */
export function orderBy(sort: SortSpec, kinds: KindsOf, stringsInByteOrder: boolean): string | undefined {
  const terms: string[] = [];
  for (const [path, direction] of sort) {
    const order = direction === 1 ? 'ASC NULLS FIRST' : 'DESC NULLS LAST';
    if (path === '_id') {
      // Row keys order like the `_id`s only while every `_id` is a string.
      if (!stringsInByteOrder || [...kinds('_id')].some((k) => k !== 'string')) return undefined;
      terms.push(`id ${direction === 1 ? 'ASC' : 'DESC'}`);
    } else if (!path.includes('.') && !path.startsWith('$') && sqlSortable(kinds(path), stringsInByteOrder)) {
      terms.push(`doc -> ${quoteLiteral(path)} ${order}`);
    } else {
      return undefined;
    }
  }
  return [...terms, 'seq'].join(', ');
}
