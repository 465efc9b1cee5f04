import { isPlainObject } from './engine';
import { encodeValue, wellFormed, type Json } from './codec';
import { sqlSortable, type FieldFacts } from './fieldkinds';
import { keysetBound } from './keyset';
import { fieldRange, idRange, isRangeOperator } from './ranges';
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
  /** Top-level fields every selected row holds with a value other than null (so no null/missing tie to order). */
  present: Set<string>;
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

/** `present`: a row the SQL selects holds the field, not as null. */
type Predicate = { sql?: string; exact: boolean; present?: boolean };

/** All of an operator object's predicates: what SQL decides joins with AND, the rest is left to the matcher. */
function allOf(parts: Predicate[]): Predicate {
  const sql = parts.flatMap((p) => (p.sql ? [p.sql] : []));
  return {
    sql: sql.length ? sql.join(' AND ') : undefined,
    exact: parts.every((p) => p.exact),
    present: parts.some((p) => p.present),
  };
}

function fieldPredicate(path: string, condition: unknown, params: SqlParams, facts: FieldFacts): Predicate {
  const segments = path.split('.');
  const pushable =
    segments.length <= MAX_PUSHED_DEPTH && segments.every((s) => s !== '' && !/^\d+$/.test(s) && !s.startsWith('$'));
  if (!pushable) return { exact: false };
  if (!isOperatorObject(condition)) return equality(segments, [condition], params, facts);
  return allOf(
    Object.entries(condition).map(([op, arg]): Predicate => {
      if (op === '$eq') return equality(segments, [arg], params, facts);
      if (op === '$in' && Array.isArray(arg)) {
        return arg.length > MAX_IN_VALUES ? { exact: false } : equality(segments, arg, params, facts);
      }
      if (isRangeOperator(op) && segments.length === 1) {
        const sql = fieldRange(path, op, arg, params, facts);
        return { sql, exact: sql !== undefined, present: sql !== undefined };
      }
      return { exact: false };
    }),
  );
}

/** MongoDB equality with any of `values` (one value, or $in's list). */
function equality(segments: string[], values: unknown[], params: SqlParams, facts: FieldFacts): Predicate {
  if (values.length === 0) return { sql: 'false', exact: true };
  const path = segments.join('.');
  const topLevel = segments.length === 1;
  const scalars = values.map(scalarJson);
  if (scalars.every((s): s is Json => s !== undefined)) {
    if (topLevel && !facts.kinds(path).has('array')) {
      // Never an array here, so MongoDB equality is jsonb equality: one btree-indexable expression.
      const field = `doc -> ${quoteLiteral(path)}`;
      const list = scalars.map((v) => `${params.add(JSON.stringify(v))}::jsonb`);
      const sql = list.length === 1 ? `${field} = ${list[0]}` : `${field} IN (${list.join(', ')})`;
      return { sql, exact: true, present: true };
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

function idPredicate(condition: unknown, params: SqlParams, facts: FieldFacts): Predicate {
  if (idValue(condition)) return { sql: `id = ${params.add(idKey(condition))}`, exact: true };
  if (!isOperatorObject(condition)) return { exact: false };
  return allOf(
    Object.entries(condition).map(([op, arg]): Predicate => {
      if (op === '$eq' && idValue(arg)) return { sql: `id = ${params.add(idKey(arg))}`, exact: true };
      if (op === '$in' && Array.isArray(arg) && arg.every(idValue)) {
        return { sql: `id = ANY(${params.add(arg.map(idKey))}::text[])`, exact: true };
      }
      if (isRangeOperator(op)) {
        const sql = idRange(op, arg, params, facts);
        return { sql, exact: sql !== undefined };
      }
      return { exact: false };
    }),
  );
}

/** The SQL of one query's conjuncts. */
function conjunction(narrowing: Narrowing): string | undefined {
  return narrowing.where.length ? narrowing.where.join(' AND ') : undefined;
}

export function narrow(query: Query, params: SqlParams, facts: FieldFacts): Narrowing {
  const where: string[] = [];
  const present = new Set<string>();
  let exact = true;
  for (const [key, condition] of Object.entries(query)) {
    const parts = Array.isArray(condition) && condition.length > 0 && condition.every(isPlainObject) ? condition : [];
    if (key === '$and' && parts.length) {
      for (const part of parts) {
        const sub = narrow(part, params, facts);
        where.push(...sub.where);
        sub.present.forEach((field) => present.add(field));
        exact &&= sub.exact;
      }
      continue;
    }
    if (key === '$or' && parts.length) {
      // Each branch narrows on its own; one branch SQL cannot narrow leaves the whole $or to the matcher.
      const mark = params.values.length;
      const branches = parts.map((part) => narrow(part, params, facts));
      const terms = branches.map(conjunction);
      if (terms.every((t): t is string => t !== undefined)) {
        where.push(`((${terms.join(') OR (')}))`);
        const bound = keysetBound(parts, params, facts);
        if (bound) where.push(bound);
        for (const field of branches[0].present) if (branches.every((b) => b.present.has(field))) present.add(field);
      } else {
        params.values.length = mark;
      }
      exact &&= branches.every((b) => b.exact);
      continue;
    }
    if (key.startsWith('$')) {
      exact = false;
      continue;
    }
    const predicate =
      key === '_id' ? idPredicate(condition, params, facts) : fieldPredicate(key, condition, params, facts);
    if (predicate.sql) where.push(predicate.sql);
    if (predicate.present) present.add(key);
    exact &&= predicate.exact;
  }
  return { where, exact, present };
}

/**
 * ORDER BY reproducing MongoDB's sort, or undefined when jsonb would order some held value
 * differently (see sqlSortable). Missing comes first ascending, as in MongoDB; `seq` breaks ties in
 * natural order. MongoDB sorts null and missing as equals, which SQL (NULL apart from jsonb null)
 * cannot, so a field that has held null sorts in SQL only where the query selects it `present`.
 * Field names are inlined so the planner can match ensureIndex's expressions.
 */
export function orderBy(sort: SortSpec, facts: FieldFacts, present: ReadonlySet<string>): string | undefined {
  const { kinds, bytewise } = facts;
  const terms: string[] = [];
  for (const [path, direction] of sort) {
    const order = direction === 1 ? 'ASC NULLS FIRST' : 'DESC NULLS LAST';
    if (path === '_id') {
      // Row keys order like the `_id`s only while every `_id` is a string.
      if (!bytewise || [...kinds('_id')].some((k) => k !== 'string')) return undefined;
      terms.push(`id ${direction === 1 ? 'ASC' : 'DESC'}`);
    } else if (
      !path.includes('.') &&
      !path.startsWith('$') &&
      sqlSortable(kinds(path), bytewise) &&
      (!kinds(path).has('null') || present.has(path))
    ) {
      terms.push(`doc -> ${quoteLiteral(path)} ${order}`);
    } else {
      return undefined;
    }
  }
  return [...terms, 'seq'].join(', ');
}
