import { isPlainObject } from '../../wire/objects';
import { findNear, nearestFirst, type NearSpec } from './geo';
import { geoNearStage } from './geonear';
import { Aggregator, Query as MingoQuery } from './mingo';
import { bucketAsGroup } from './stages';
import { StoreError, type Doc, type FindOptions, type Query, type SortSpec } from './types';

/** The MongoDB semantics are mingo's (see ./mingo for the operators it gets wrong and their fixes). */
const REGEX_FLAGS = /^[imsu]*$/;

/** Runs a mingo call, reporting its complaints (unknown operator, bad argument) as INVALID_PARAM. */
export function mingoCall<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof StoreError) throw error;
    throw new StoreError('INVALID_PARAM', error instanceof Error ? error.message : String(error));
  }
}

export { isPlainObject };

function invalid(message: string): never {
  throw new StoreError('INVALID_PARAM', message);
}

/** The argument checks mingo skips or reports with an unhelpful message. */
function validateOperator(path: string, op: string, arg: unknown, all: Record<string, unknown>): void {
  switch (op) {
    case '$in':
    case '$nin':
    case '$all':
      if (!Array.isArray(arg)) invalid(`${op} needs an array (field '${path}')`);
      break;
    case '$size':
      if (typeof arg !== 'number' || !Number.isInteger(arg) || arg < 0) {
        invalid(`$size needs a non-negative integer (field '${path}')`);
      }
      break;
    case '$mod':
      if (!Array.isArray(arg) || arg.length !== 2 || !arg.every((n) => typeof n === 'number')) {
        invalid(`$mod needs [divisor, remainder] (field '${path}')`);
      }
      if (arg[0] === 0) invalid(`$mod divisor must not be 0 (field '${path}')`);
      break;
    case '$regex':
      if (typeof arg !== 'string' && !(arg instanceof RegExp)) invalid(`$regex needs a string (field '${path}')`);
      if (typeof arg === 'string') {
        try {
          new RegExp(arg);
        } catch {
          invalid(`invalid regular expression /${arg}/ (field '${path}')`);
        }
      }
      break;
    case '$options':
      if (typeof arg !== 'string' || !REGEX_FLAGS.test(arg)) invalid(`$options supports the flags i, m, s, u only`);
      if (!('$regex' in all)) invalid(`$options needs a $regex (field '${path}')`);
      break;
    case '$elemMatch':
      if (!isPlainObject(arg)) invalid(`$elemMatch needs an object (field '${path}')`);
      break;
    case '$not':
      if (!isPlainObject(arg) && !(arg instanceof RegExp)) invalid(`$not needs an operator object or a regex`);
      break;
    case '$exists':
    case '$eq':
    case '$ne':
    case '$gt':
    case '$gte':
    case '$lt':
    case '$lte':
    case '$type':
      break;
    default:
      // mingo knows the rest ($bitsAllSet, $expr...) and rejects what it does not know.
      break;
  }
}

export function validateQuery(query: unknown, where = 'query'): asserts query is Query {
  if (!isPlainObject(query)) invalid(`${where} must be an object`);
  for (const [key, value] of Object.entries(query)) {
    if (key === '$and' || key === '$or' || key === '$nor') {
      if (!Array.isArray(value) || value.length === 0) invalid(`${key} needs a non-empty array`);
      value.forEach((part, i) => validateQuery(part, `${key}[${i}]`));
    } else if (key === '$where') {
      invalid('$where is not allowed: the local cloud does not run query scripts');
    } else if (key === '$text') {
      throw new StoreError('NOT_SUPPORTED', '$text needs a text index, which the local cloud does not build');
    } else if (!key.startsWith('$')) {
      if (key === '' || key.split('.').includes('')) invalid(`invalid field path '${key}'`);
      if (isPlainObject(value) && Object.keys(value).some((k) => k.startsWith('$'))) {
        for (const [op, arg] of Object.entries(value)) validateOperator(key, op, arg, value);
      }
    }
  }
}

/** A compiled query: its test, and the $near condition whose distance orders the results. */
export interface CompiledQuery {
  test(doc: Doc): boolean;
  near?: NearSpec;
  /** The mingo query itself, whose lazy cursor stops at the limit. */
  query: MingoQuery;
}

/** Validates a query and compiles it once; mingo reports unknown operators at this point. */
export function compileQuery(query: Query): CompiledQuery {
  validateQuery(query);
  return mingoCall(() => {
    const compiled = new MingoQuery(query);
    const near = findNear(query);
    return { test: (doc: Doc) => compiled.test(doc), near, query: compiled };
  });
}

export function sortObject(sort: SortSpec): Record<string, 1 | -1> {
  const spec: Record<string, 1 | -1> = {};
  for (const entry of sort) {
    if (!Array.isArray(entry) || typeof entry[0] !== 'string' || (entry[1] !== 1 && entry[1] !== -1)) {
      invalid('sort must be a list of [field, 1 | -1]');
    }
    spec[entry[0]] = entry[1];
  }
  return spec;
}

export function validateFindOptions(options: FindOptions): void {
  for (const key of ['skip', 'limit'] as const) {
    const n = options[key];
    if (n !== undefined && (typeof n !== 'number' || !Number.isInteger(n) || n < 0)) {
      invalid(`${key} must be a non-negative integer`);
    }
  }
  if (options.sort) sortObject(options.sort);
  if (options.projection !== undefined && !isPlainObject(options.projection)) invalid('projection must be an object');
}

const EVERYTHING = new MingoQuery({});

/**
 * Filters (when `compiled` is given), sorts, skips, limits and projects like a MongoDB cursor. A
 * $near query orders its matches nearest first; an explicit sort then reorders them, as in MongoDB.
 */
export function runCursor(
  docs: Doc[],
  compiled: CompiledQuery | undefined,
  options: FindOptions,
  near = compiled?.near,
): Doc[] {
  return mingoCall(() => {
    let cursor = near
      ? EVERYTHING.find<Doc>(nearestFirst(compiled ? docs.filter((doc) => compiled.test(doc)) : docs, near))
      : (compiled?.query ?? EVERYTHING).find<Doc>(docs);
    if (options.sort?.length) cursor = cursor.sort(sortObject(options.sort));
    if (options.skip) cursor = cursor.skip(options.skip);
    // MongoDB treats limit 0 as "no limit".
    if (options.limit) cursor = cursor.limit(options.limit);
    const page = cursor.all();
    if (!options.projection) return page;
    // Projected after the page is cut, so a sort may use a field the projection leaves out.
    const projected = EVERYTHING.find<Doc>(page, options.projection).all();
    return projected.map((doc, i) => inDocumentOrder(doc, page[i]));
  });
}

/** MongoDB keeps the stored field order (so `_id` first) in a projection; mingo puts `_id` last. */
function inDocumentOrder(projected: Doc, source: Doc): Doc {
  const out: Doc = {};
  for (const key of Object.keys(source)) if (projected[key] !== undefined) out[key] = projected[key];
  for (const [key, value] of Object.entries(projected)) if (!(key in out) && value !== undefined) out[key] = value;
  return out;
}

/** Collections a pipeline reads besides its input ($lookup, $graphLookup, $unionWith, nested). */
export function referencedCollections(pipeline: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(pipeline)) {
    for (const item of pipeline) referencedCollections(item, found);
  } else if (isPlainObject(pipeline)) {
    for (const [key, value] of Object.entries(pipeline)) {
      if ((key === '$lookup' || key === '$graphLookup') && isPlainObject(value) && typeof value.from === 'string') {
        found.add(value.from);
      }
      if (key === '$unionWith') {
        if (typeof value === 'string') found.add(value);
        else if (isPlainObject(value) && typeof value.coll === 'string') found.add(value.coll);
      }
      referencedCollections(value, found);
    }
  }
  return found;
}

const WRITING_STAGES = new Set(['$out', '$merge']);

export function validatePipeline(pipeline: unknown): asserts pipeline is Record<string, unknown>[] {
  if (!Array.isArray(pipeline)) invalid('aggregate needs a pipeline array');
  pipeline.forEach((stage, i) => {
    if (!isPlainObject(stage) || Object.keys(stage).length !== 1) invalid(`pipeline stage ${i} must have one operator`);
    const [name] = Object.keys(stage);
    if (WRITING_STAGES.has(name)) throw new StoreError('NOT_SUPPORTED', `${name} is not supported by the local cloud`);
    if (name === '$geoNear' && i > 0) invalid('$geoNear is only valid as the first stage in a pipeline');
    if (name === '$match') {
      validateQuery(stage.$match, `stage ${i} $match`);
      if (/"\$near(Sphere)?"/.test(JSON.stringify(stage.$match))) {
        invalid('$near and $nearSphere are not allowed in $match: use the $geoNear stage');
      }
    }
  });
}

const SAMPLE_KEY = '__localCloudSampleKey';

/**
 * mingo's $sample draws with replacement, so `{$sample: {size: 2}}` over three documents can return
 * one twice; MongoDB (outside its random-cursor path for huge collections) shuffles and takes the
 * first N, which never repeats. Rewritten here to that shuffle.
 */
function withoutReplacement(pipeline: Record<string, unknown>[]): Record<string, unknown>[] {
  return pipeline.flatMap((stage) => {
    const sample = stage.$sample;
    if (!isPlainObject(sample) || typeof sample.size !== 'number') return [stage];
    return [
      { $addFields: { [SAMPLE_KEY]: { $rand: {} } } },
      { $sort: { [SAMPLE_KEY]: 1 } },
      { $limit: Math.max(1, Math.floor(sample.size)) },
      { $unset: SAMPLE_KEY },
    ];
  });
}

export function runPipeline(
  docs: Doc[],
  pipeline: Record<string, unknown>[],
  collections: ReadonlyMap<string, Doc[]>,
  geoFields: readonly string[] = [],
): Doc[] {
  return mingoCall(() => {
    let input = docs;
    let stages = pipeline;
    if (stages[0] && '$geoNear' in stages[0]) {
      input = geoNearStage(docs, stages[0].$geoNear, geoFields);
      stages = stages.slice(1);
    }
    return new Aggregator(withoutReplacement(stages).flatMap(bucketAsGroup), {
      // A collection that does not exist joins as empty, as in MongoDB.
      collectionResolver: (name: string) => collections.get(name) ?? [],
    }).run(input) as Doc[];
  });
}
