import { update as mingoUpdate } from './mingo';
import { cloneDoc, encodeDoc } from './codec';
import { isPlainObject, mingoCall } from './engine';
import { StoreError, type Doc, type Query, type Update } from './types';

type Modifier = Record<string, Record<string, unknown>>;

export type PreparedUpdate =
  | { kind: 'replace'; replacement: Doc }
  | { kind: 'operators'; modifier: Modifier; setOnInsert: Record<string, unknown>; positional: boolean };

/** Operators that create the field (or its parents) when missing. */
const CREATING = new Set(['$set', '$inc', '$mul', '$min', '$max', '$push', '$addToSet', '$currentDate', '$bit']);
const NUMERIC = new Set(['$inc', '$mul']);
const ARRAY_ONLY = new Set(['$push', '$addToSet', '$pop', '$pull', '$pullAll']);
const KNOWN = new Set([...CREATING, '$unset', '$rename', '$pop', '$pull', '$pullAll', '$setOnInsert']);
const PUSH_MODIFIERS = new Set(['$each', '$position', '$slice', '$sort']);

function invalid(message: string): never {
  throw new StoreError('INVALID_PARAM', message);
}

function isPositional(segment: string): boolean {
  return segment === '$' || segment === '$[]' || /^\$\[[a-z]\w*\]$/.test(segment);
}

function checkPath(op: string, path: string): void {
  const segments = path.split('.');
  if (path === '' || segments.includes('')) invalid(`${op}: invalid field path '${path}'`);
  if (segments[0] === '_id') invalid(`${op}: _id cannot be updated`);
  segments.forEach((s, i) => {
    if (s.startsWith('$') && (i === 0 || !isPositional(s))) invalid(`${op}: invalid field name '${s}' in '${path}'`);
  });
}

function checkArgument(op: string, path: string, arg: unknown): void {
  const isInt = (n: unknown) => typeof n === 'number' && Number.isInteger(n);
  if (NUMERIC.has(op) && typeof arg !== 'number') invalid(`${op} needs a number for '${path}'`);
  if (op === '$pop' && arg !== 1 && arg !== -1) invalid(`$pop needs 1 or -1 for '${path}'`);
  if (op === '$pullAll' && !Array.isArray(arg)) invalid(`$pullAll needs an array for '${path}'`);
  if (op === '$rename') {
    if (typeof arg !== 'string') invalid(`$rename needs a string target for '${path}'`);
    checkPath(op, arg);
    if (arg === path) invalid(`$rename source and target are the same: '${path}'`);
  }
  if (
    op === '$currentDate' &&
    arg !== true &&
    !(isPlainObject(arg) && (arg.$type === 'date' || arg.$type === 'timestamp'))
  ) {
    invalid(`$currentDate needs true or {$type: 'date' | 'timestamp'} for '${path}'`);
  }
  if ((op === '$push' || op === '$addToSet') && isPlainObject(arg) && '$each' in arg) {
    if (!Array.isArray(arg.$each)) invalid(`${op}: $each needs an array for '${path}'`);
    for (const key of Object.keys(arg)) {
      const allowed = op === '$push' ? PUSH_MODIFIERS.has(key) : key === '$each';
      if (!allowed) invalid(`${op}: unknown modifier '${key}' for '${path}'`);
    }
    if ('$position' in arg && !isInt(arg.$position)) invalid(`$push: $position needs an integer`);
    if ('$slice' in arg && !isInt(arg.$slice)) invalid(`$push: $slice needs an integer`);
    if ('$sort' in arg) {
      const sort = arg.$sort;
      const direction = (d: unknown) => d === 1 || d === -1;
      if (!direction(sort) && !(isPlainObject(sort) && Object.values(sort).every(direction))) {
        invalid(`$push: $sort needs 1, -1 or {field: 1 | -1}`);
      }
    }
  }
}

/** Two paths conflict when one is the other or lies inside it ('a' and 'a.b'). */
function checkConflicts(paths: string[]): void {
  const sorted = [...paths].sort();
  for (let i = 1; i < sorted.length; i++) {
    const [a, b] = [sorted[i - 1], sorted[i]];
    if (a === b || b.startsWith(`${a}.`)) invalid(`updating the path '${b}' would create a conflict at '${a}'`);
  }
}

/** Validates everything that does not depend on a document, so a bad update fails before any read. */
export function prepareUpdate(update: Update, replace: boolean): PreparedUpdate {
  if (!isPlainObject(update)) invalid('update must be an object');
  const keys = Object.keys(update);
  if (replace) {
    const operator = keys.find((k) => k.startsWith('$'));
    if (operator) invalid(`a replacement document cannot contain update operators ('${operator}')`);
    return { kind: 'replace', replacement: update };
  }
  if (keys.length === 0) invalid('update must contain at least one operator');
  const plain = keys.find((k) => !k.startsWith('$'));
  if (plain) invalid(`update must use operators ($set, $inc...), found field '${plain}'; pass replace to replace`);
  const paths: string[] = [];
  const modifier: Modifier = {};
  let setOnInsert: Record<string, unknown> = {};
  for (const op of keys) {
    if (!KNOWN.has(op)) invalid(`unknown update operator '${op}'`);
    const spec = update[op];
    if (!isPlainObject(spec)) invalid(`${op} needs an object of field paths`);
    for (const [path, arg] of Object.entries(spec)) {
      checkPath(op, path);
      checkArgument(op, path, arg);
      paths.push(path);
      if (op === '$rename') paths.push(arg as string);
    }
    if (op === '$setOnInsert') setOnInsert = spec;
    else modifier[op] = spec;
  }
  checkConflicts(paths);
  const positional = paths.some((p) => p.split('.').some(isPositional));
  return { kind: 'operators', modifier, setOnInsert, positional };
}

/** MongoDB compares embedded documents field by field in order; mingo's isEqual ignores order. */
export function bsonEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (a instanceof Date || b instanceof Date) return a instanceof Date && b instanceof Date && +a === +b;
  if (a instanceof RegExp || b instanceof RegExp) {
    return a instanceof RegExp && b instanceof RegExp && a.source === b.source && a.flags === b.flags;
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => bsonEqual(v, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k, i) => k === kb[i] && bsonEqual(a[k], b[k]));
  }
  return false;
}

interface PathState {
  value: unknown;
  /** The first existing ancestor that cannot hold the next segment (a scalar, null, or an array + name). */
  blocked?: { at: string; value: unknown };
}

function inspectPath(doc: Doc, path: string): PathState {
  const segments = path.split('.');
  let current: unknown = doc;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i];
    const at = segments.slice(0, i).join('.');
    if (Array.isArray(current)) {
      if (!/^\d+$/.test(segment)) return { value: undefined, blocked: { at, value: current } };
      current = current[Number(segment)];
    } else if (isPlainObject(current)) {
      current = Object.prototype.hasOwnProperty.call(current, segment) ? current[segment] : undefined;
    } else if (current === undefined) {
      return { value: undefined };
    } else {
      return { value: undefined, blocked: { at, value: current } };
    }
  }
  return { value: current };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (value instanceof Date) return 'date';
  return typeof value;
}

/** MongoDB refuses these per document; mingo would silently skip them. */
function checkAgainstDoc(doc: Doc, modifier: Modifier): void {
  for (const [op, spec] of Object.entries(modifier)) {
    const targets = Object.keys(spec).map((path) => ({ path, creating: CREATING.has(op), op }));
    if (op === '$rename') targets.push(...Object.values(spec).map((t) => ({ path: t as string, creating: true, op })));
    for (const { path, creating } of targets) {
      if (path.split('.').some(isPositional)) continue;
      const state = inspectPath(doc, path);
      if (state.blocked && creating) {
        invalid(
          `${op}: cannot create field '${path}' because '${state.blocked.at}' is ${describe(state.blocked.value)}`,
        );
      }
      const value = state.value;
      if (value === undefined) continue;
      if (NUMERIC.has(op) && typeof value !== 'number') {
        invalid(`cannot apply ${op} to '${path}': it holds a ${describe(value)}, not a number`);
      }
      if (ARRAY_ONLY.has(op) && !Array.isArray(value)) {
        invalid(`cannot apply ${op} to '${path}': it holds a ${describe(value)}, not an array`);
      }
    }
  }
}

/**
 * mingo 7.2.6's $addToSet deduplicates the whole array with the new values (`unique(prev.concat(each))`)
 * and reports "unchanged" when the length does not grow: `{a: [1, 1]}` + `$addToSet {a: 2}` is
 * silently dropped, and `$each: [1, 1]` on a missing field stores both. So $addToSet is rewritten per
 * document into the $push/$set that MongoDB's semantics produce. Positional paths keep mingo's version.
 */
function rewriteAddToSet(doc: Doc, modifier: Modifier): Modifier {
  const spec = modifier.$addToSet;
  if (!spec) return modifier;
  const rest: Modifier = { ...modifier };
  delete rest.$addToSet;
  const kept: Record<string, unknown> = {};
  const push: Record<string, unknown> = { ...rest.$push };
  const set: Record<string, unknown> = { ...rest.$set };
  for (const [path, arg] of Object.entries(spec)) {
    if (path.split('.').some(isPositional)) {
      kept[path] = arg;
      continue;
    }
    const values = isPlainObject(arg) && '$each' in arg ? (arg.$each as unknown[]) : [arg];
    const current = inspectPath(doc, path).value;
    const existing = Array.isArray(current) ? current : [];
    const additions: unknown[] = [];
    for (const value of values) {
      if (![...existing, ...additions].some((e) => bsonEqual(e, value))) additions.push(value);
    }
    if (current === undefined) set[path] = additions;
    else if (additions.length) push[path] = { $each: additions };
  }
  if (Object.keys(kept).length) rest.$addToSet = kept;
  if (Object.keys(push).length) rest.$push = push;
  if (Object.keys(set).length) rest.$set = set;
  return rest;
}

/** Applies a prepared update to a copy of `doc`; `changed` compares the stored forms. */
export function applyUpdate(doc: Doc, prepared: PreparedUpdate, query: Query): { doc: Doc; changed: boolean } {
  const before = JSON.stringify(encodeDoc(doc));
  let next: Doc;
  if (prepared.kind === 'replace') {
    const { _id: newId, ...fields } = prepared.replacement;
    if (newId !== undefined && newId !== doc._id) invalid('a replacement cannot change _id');
    next = { _id: doc._id, ...cloneDoc(fields) };
  } else {
    next = cloneDoc(doc);
    checkAgainstDoc(next, prepared.modifier);
    const modifier = rewriteAddToSet(next, prepared.modifier);
    if (Object.keys(modifier).length) {
      // Only the positional `$` needs the query (to find the matched element); skip re-testing otherwise.
      const condition = prepared.positional ? query : {};
      mingoCall(() => mingoUpdate(next, modifier, condition));
    }
  }
  return { doc: next, changed: JSON.stringify(encodeDoc(next)) !== before };
}

/** The equality conditions of a query, as the fields an upsert starts from (MongoDB's rule). */
function seedFromQuery(query: Query, seed: Doc): void {
  for (const [key, condition] of Object.entries(query)) {
    if (key === '$and' && Array.isArray(condition)) {
      for (const part of condition) if (isPlainObject(part)) seedFromQuery(part, seed);
      continue;
    }
    if (key.startsWith('$')) continue;
    let value: unknown = condition;
    if (isPlainObject(condition) && Object.keys(condition).some((k) => k.startsWith('$'))) {
      if (!('$eq' in condition)) continue;
      value = condition.$eq;
    }
    if (value instanceof RegExp) continue;
    const segments = key.split('.');
    let target: Record<string, unknown> = seed;
    for (const segment of segments.slice(0, -1)) {
      if (!isPlainObject(target[segment])) target[segment] = {};
      target = target[segment] as Record<string, unknown>;
    }
    target[segments[segments.length - 1]] = cloneDoc(value);
  }
}

/** The document an upsert inserts when nothing matched; `_id` may still be missing. */
export function upsertDocument(query: Query, prepared: PreparedUpdate): Doc {
  const seed: Doc = {};
  seedFromQuery(query, seed);
  if (prepared.kind === 'replace') {
    const { _id: replacementId, ...fields } = prepared.replacement;
    const id = replacementId ?? seed._id;
    return id === undefined ? cloneDoc(fields) : { _id: id, ...cloneDoc(fields) };
  }
  const modifier: Modifier = { ...prepared.modifier };
  if (Object.keys(prepared.setOnInsert).length) modifier.$set = { ...modifier.$set, ...prepared.setOnInsert };
  const insertable: PreparedUpdate = { ...prepared, modifier, positional: false };
  return applyUpdate(seed, insertable, {}).doc;
}
