import { isObject, resolve, setValue } from 'mingo/util';
import { legacyPair, nearestFirst, nearDistance, parseNear, type NearSpec } from './geo';
import { Query } from './mingo';
import { StoreError, type Doc } from './types';

function invalid(message: string): never {
  throw new StoreError('INVALID_PARAM', message);
}

function optionalNumber(options: Record<string, unknown>, name: string): number | undefined {
  const value = options[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    invalid(`$geoNear ${name} must be a non-negative number`);
  }
  return value;
}

function optionalPath(options: Record<string, unknown>, name: string): string | undefined {
  const value = options[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value === '' || value.startsWith('$'))
    invalid(`$geoNear ${name} must be a field path`);
  return value;
}

/**
 * The `$geoNear` stage (always the first stage): documents matching `query` whose geometry at
 * `key` lies within [minDistance, maxDistance] metres of `near`, nearest first, each with its
 * distance (times distanceMultiplier) at `distanceField` and, with includeLocs, the location used.
 * `geoFields` are the collection's 2dsphere index fields, which choose `key` when it is omitted.
 */
export function geoNearStage(docs: Doc[], spec: unknown, geoFields: readonly string[]): Doc[] {
  if (!isObject(spec)) invalid('$geoNear needs an options object');
  const distanceField = optionalPath(spec, 'distanceField');
  if (!distanceField) invalid('$geoNear requires a distanceField');
  let key = optionalPath(spec, 'key');
  if (key === undefined) {
    if (geoFields.length === 0) invalid('$geoNear requires a 2dsphere index, but none were found');
    if (geoFields.length > 1) invalid('there is more than one 2dsphere index; name the one to use with key');
    key = geoFields[0];
  } else if (!geoFields.includes(key)) {
    invalid(`$geoNear found no 2dsphere index for key '${key}'`);
  }
  const pair = legacyPair(spec.near);
  // A legacy pair measures in radians (a caller multiplies by the radius); GeoJSON in metres.
  const base = pair ? parseNear(key, '$geoNear', pair) : parseNear(key, '$geoNear', { $geometry: spec.near });
  const near: NearSpec = {
    ...base,
    minDistance: optionalNumber(spec, 'minDistance') ?? 0,
    maxDistance: optionalNumber(spec, 'maxDistance') ?? Infinity,
  };
  const multiplier = optionalNumber(spec, 'distanceMultiplier') ?? 1;
  const includeLocs = optionalPath(spec, 'includeLocs');
  const limit = optionalNumber(spec, 'limit');
  const query = spec.query === undefined ? undefined : isObject(spec.query) ? new Query(spec.query) : undefined;
  if (spec.query !== undefined && !query) invalid('$geoNear query must be an object');

  const matching = docs.filter((doc) => (!query || query.test(doc)) && nearDistance(doc, near) !== undefined);
  const ordered = nearestFirst(matching, near);
  return (limit === undefined ? ordered : ordered.slice(0, limit)).map((doc) => {
    const out: Doc = { ...doc };
    setValue(out, distanceField, (nearDistance(doc, near) ?? 0) * multiplier);
    if (includeLocs) setValue(out, includeLocs, structuredClone(resolve(doc, key)));
    return out;
  });
}
