/**
 * Geo queries as MongoDB answers them over a 2dsphere index (what CloudBase's db.Geo and
 * db.command.geoNear / geoWithin / geoIntersects send): GeoJSON geometries in [longitude, latitude],
 * distances in metres on a sphere of MongoDB's radius. Geometry tests come from Turf; they treat
 * polygon edges as straight lines in longitude/latitude where MongoDB follows great circles, which
 * differs only for edges hundreds of kilometres long.
 */
import { booleanIntersects } from '@turf/boolean-intersects';
import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon';
import { booleanWithin } from '@turf/boolean-within';
import { pointToLineDistance } from '@turf/point-to-line-distance';
import type { Geometry, LineString, MultiPolygon, Polygon, Position } from 'geojson';
import type { AnyObject } from 'mingo/types';
import { isArray, isObject, resolve } from 'mingo/util';
import { StoreError } from './types';

/** MongoDB's kRadiusOfEarthInMeters (6378.1 km), which $nearSphere and $geoNear distances use. */
export const EARTH_RADIUS_M = 6_378_100;

const GEOMETRY_TYPES = new Set(['Point', 'LineString', 'Polygon', 'MultiPoint', 'MultiLineString', 'MultiPolygon']);

function isPosition(value: unknown): value is Position {
  return (
    isArray(value) &&
    value.length >= 2 &&
    value.every((n) => typeof n === 'number' && Number.isFinite(n)) &&
    Math.abs(value[0] as number) <= 180 &&
    Math.abs(value[1] as number) <= 90
  );
}

/** A stored or queried value as GeoJSON; legacy `[lng, lat]` pairs are points, as a 2dsphere index reads them. */
export function asGeometry(value: unknown): Geometry | undefined {
  if (isPosition(value)) return { type: 'Point', coordinates: value };
  if (!isObject(value) || typeof value.type !== 'string' || !GEOMETRY_TYPES.has(value.type)) return undefined;
  if (!isArray(value.coordinates)) return undefined;
  return { type: value.type, coordinates: value.coordinates } as Geometry;
}

function invalid(message: string): never {
  throw new StoreError('INVALID_PARAM', message);
}

function requireGeometry(value: unknown, op: string): Geometry {
  const geometry = asGeometry(value);
  if (!geometry) invalid(`${op} needs a GeoJSON geometry`);
  return geometry;
}

/** Every value a path holds (a field may hold one geometry or an array of them). */
function geometriesAt(doc: unknown, path: string): Geometry[] {
  const value: unknown = resolve(doc as AnyObject, path);
  const single = asGeometry(value);
  if (single) return [single];
  return isArray(value) ? value.flatMap((v) => asGeometry(v) ?? []) : [];
}

/** A position as a unit vector, as S2's S2LatLng::ToPoint makes it (degrees times π/180). */
function unitVector([lng, lat]: Position): [number, number, number] {
  const phi = lat * (Math.PI / 180);
  const theta = lng * (Math.PI / 180);
  const cosPhi = Math.cos(phi);
  return [Math.cos(theta) * cosPhi, Math.sin(theta) * cosPhi, Math.sin(phi)];
}

/**
 * The angle between two positions as MongoDB's S2 measures it, atan2(|a×b|, a·b) of their unit
 * vectors: CloudBase's geoNear distances are this times the radius, to the last bit (haversine
 * differs in the last digits).
 */
export function radians(from: Position, to: Position): number {
  const [ax, ay, az] = unitVector(from);
  const [bx, by, bz] = unitVector(to);
  const [cx, cy, cz] = [ay * bz - az * by, az * bx - ax * bz, ax * by - ay * bx];
  return Math.atan2(Math.sqrt(cx * cx + cy * cy + cz * cz), ax * bx + ay * by + az * bz);
}

function lines(geometry: Geometry): LineString[] {
  switch (geometry.type) {
    case 'LineString':
      return [geometry];
    case 'MultiLineString':
    case 'Polygon':
      return geometry.coordinates.map((coordinates) => ({ type: 'LineString', coordinates }));
    case 'MultiPolygon':
      return geometry.coordinates.flat().map((coordinates) => ({ type: 'LineString', coordinates }));
    default:
      return [];
  }
}

/** The angle in radians from a point to the nearest part of a geometry (0 inside a polygon). */
function radiansTo(point: Position, geometry: Geometry): number {
  switch (geometry.type) {
    case 'Point':
      return radians(point, geometry.coordinates);
    case 'MultiPoint':
      return Math.min(...geometry.coordinates.map((p) => radians(point, p)));
    case 'Polygon':
    case 'MultiPolygon':
      if (booleanPointInPolygon(point, geometry)) return 0;
      break;
    default:
      break;
  }
  const edges = lines(geometry).map((line) => pointToLineDistance(point, line, { units: 'radians' }));
  return edges.length ? Math.min(...edges) : Infinity;
}

function vertices(geometry: Geometry): Position[] {
  if (geometry.type === 'Point') return [geometry.coordinates];
  if (geometry.type === 'MultiPoint') return geometry.coordinates;
  return lines(geometry).flatMap((line) => line.coordinates);
}

function within(geometry: Geometry, container: Polygon | MultiPolygon): boolean {
  if (geometry.type === 'Point') return booleanPointInPolygon(geometry.coordinates, container);
  const polygons: Polygon[] =
    container.type === 'Polygon'
      ? [container]
      : container.coordinates.map((coordinates) => ({ type: 'Polygon', coordinates }));
  return polygons.some((polygon) => booleanWithin(geometry, polygon));
}

function withinTest(spec: unknown): (geometry: Geometry) => boolean {
  if (!isObject(spec)) invalid('$geoWithin needs {$geometry} or {$centerSphere}');
  if ('$geometry' in spec) {
    const container = requireGeometry(spec.$geometry, '$geoWithin');
    if (container.type !== 'Polygon' && container.type !== 'MultiPolygon') {
      invalid('$geoWithin $geometry must be a Polygon or MultiPolygon');
    }
    return (geometry) => within(geometry, container);
  }
  if ('$centerSphere' in spec) {
    const arg = spec.$centerSphere;
    const [center, radius] = isArray(arg) ? arg : [];
    if (!isPosition(center) || typeof radius !== 'number' || radius < 0) {
      invalid('$centerSphere needs [[longitude, latitude], radius in radians]');
    }
    return (geometry) => vertices(geometry).every((p) => radians(center, p) <= radius);
  }
  throw new StoreError(
    'NOT_SUPPORTED',
    '$geoWithin supports $geometry and $centerSphere (legacy 2d shapes need a 2d index)',
  );
}

export interface NearSpec {
  path: string;
  point: Position;
  /** Metres from a GeoJSON point; radians from a legacy coordinate pair, as MongoDB measures each. */
  unit: 'metres' | 'radians';
  minDistance: number;
  maxDistance: number;
}

/**
 * A legacy coordinate pair as MongoDB reads one: `[x, y]`, or an embedded document whose first two
 * fields are x and y (@cloudbase/database 1.4.0 sends a db.Geo.Point as `{longitude, latitude}`).
 */
export function legacyPair(value: unknown): Position | undefined {
  if (isPosition(value)) return value;
  if (!isObject(value) || 'type' in value) return undefined;
  const pair = Object.values(value).slice(0, 2);
  return isPosition(pair) ? pair : undefined;
}

/** `{$nearSphere|$near: {$geometry: Point, $minDistance?, $maxDistance?}}` (metres), or a legacy pair with radians. */
export function parseNear(path: string, op: string, spec: unknown): NearSpec {
  const optional = (value: unknown, name: string): number | undefined => {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || value < 0) invalid(`${name} must be a non-negative number`);
    return value;
  };
  if (isObject(spec) && '$geometry' in spec) {
    const point = requireGeometry(spec.$geometry, op);
    if (point.type !== 'Point') invalid(`${op} $geometry must be a Point`);
    return {
      path,
      point: point.coordinates,
      unit: 'metres',
      minDistance: optional(spec.$minDistance, '$minDistance') ?? 0,
      maxDistance: optional(spec.$maxDistance, '$maxDistance') ?? Infinity,
    };
  }
  if (isPosition(spec)) return { path, point: spec, unit: 'radians', minDistance: 0, maxDistance: Infinity };
  return invalid(`${op} needs {$geometry: Point}`);
}

/** The distance, in the spec's unit, to the nearest of a document's geometries at `path`, or undefined when none is in range. */
export function nearDistance(doc: unknown, near: NearSpec): number | undefined {
  const angles = geometriesAt(doc, near.path).map((g) => radiansTo(near.point, g));
  if (angles.length === 0) return undefined;
  const angle = Math.min(...angles);
  const nearest = near.unit === 'metres' ? angle * EARTH_RADIUS_M : angle;
  return nearest >= near.minDistance && nearest <= near.maxDistance ? nearest : undefined;
}

type QueryOperator = (selector: string, value: unknown) => (doc: unknown) => boolean;

const near =
  (op: string): QueryOperator =>
  (selector, value) => {
    const spec = parseNear(selector, op, value);
    return (doc) => nearDistance(doc, spec) !== undefined;
  };

export const geoQueryOperators: Record<`$${string}`, QueryOperator> = {
  $geoWithin: (selector, value) => {
    const test = withinTest(value);
    return (doc) => geometriesAt(doc, selector).some(test);
  },
  $geoIntersects: (selector, value) => {
    if (!isObject(value)) invalid('$geoIntersects needs {$geometry}');
    const shape = requireGeometry(value.$geometry, '$geoIntersects');
    return (doc) => geometriesAt(doc, selector).some((g) => booleanIntersects(g, shape));
  },
  // Filters by distance; the store orders $near results nearest first (see findNear).
  $near: near('$near'),
  $nearSphere: near('$nearSphere'),
};

const NEAR = ['$near', '$nearSphere'];

/** The query's $near/$nearSphere condition (MongoDB allows one, at the top level or in a top-level $and). */
export function findNear(query: Record<string, unknown>): NearSpec | undefined {
  const found: NearSpec[] = [];
  const visit = (part: Record<string, unknown>) => {
    for (const [key, condition] of Object.entries(part)) {
      if (key === '$and' && isArray(condition)) {
        for (const sub of condition) if (isObject(sub)) visit(sub);
      } else if (key.startsWith('$')) {
        if (/"\$near(Sphere)?"/.test(JSON.stringify(condition ?? null))) {
          invalid(`$near and $nearSphere are not allowed inside ${key}`);
        }
      } else if (isObject(condition)) {
        for (const op of NEAR) if (op in condition) found.push(parseNear(key, op, condition[op]));
      }
    }
  };
  visit(query);
  if (found.length > 1) invalid('too many geoNear expressions');
  return found[0];
}

/** Nearest first (stable, so ties keep natural order). */
export function nearestFirst<T>(docs: T[], near: NearSpec): T[] {
  return docs
    .map((doc, i) => ({ doc, i, d: nearDistance(doc, near) ?? Infinity }))
    .sort((a, b) => a.d - b.d || a.i - b.i)
    .map((entry) => entry.doc);
}
