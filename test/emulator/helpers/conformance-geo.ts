import type { Doc, DocumentStore, Query } from '../../../packages/cloudbase-local/src/database/store';
import { applyDatabaseConfig } from '../../../packages/cloudbase-local/src/database/config';
import { errorCode, freshName } from './db';

/**
 * Geo behaviour of CloudBase (db.Geo values, db.command.geoNear / geoWithin / geoIntersects, the
 * aggregate geoNear stage) with MongoDB's results. The places are those of CloudBase's geoNear
 * example; `here` is the point that example measures from.
 */
const point = (lng: number, lat: number) => ({ type: 'Point', coordinates: [lng, lat] });
const box = (w: number, s: number, e: number, n: number) => ({
  type: 'Polygon',
  coordinates: [
    [
      [w, s],
      [e, s],
      [e, n],
      [w, n],
      [w, s],
    ],
  ],
});

export const PLACES: Doc[] = [
  { _id: 'geoNear.0', city: 'Guangzhou', name: 'Canton Tower', location: point(113.30593, 23.1361155) },
  { _id: 'geoNear.1', city: 'Guangzhou', name: 'Baiyun Mountain', location: point(113.306789, 23.1564721) },
  { _id: 'geoNear.2', city: 'Beijing', name: 'The Palace Museum', location: point(116.3949659, 39.9163447) },
  { _id: 'geoNear.3', city: 'Beijing', name: 'Great Wall', location: point(116.2328567, 40.242373) },
  {
    _id: 'road',
    city: 'Guangzhou',
    location: {
      type: 'LineString',
      coordinates: [
        [113.05, 23.0],
        [113.5, 23.3],
      ],
    },
  },
  { _id: 'park', city: 'Guangzhou', location: box(113.2, 23.05, 113.25, 23.1) },
  { _id: 'nowhere', city: 'none' },
];

const here: [number, number] = [113.3089506, 23.0968251];
const GUANGZHOU = box(113.0, 22.9, 113.6, 23.4);
const BEIJING = box(116.0, 39.8, 116.6, 40.4);

/** Great-circle metres on MongoDB's sphere (radius 6378.1 km), computed here independently of the store. */
export function haversineMetres([lng1, lat1]: number[], [lng2, lat2]: number[]): number {
  const rad = (x: number) => (x * Math.PI) / 180;
  const a =
    Math.sin(rad(lat2 - lat1) / 2) ** 2 +
    Math.cos(rad(lat1)) * Math.cos(rad(lat2)) * Math.sin(rad(lng2 - lng1) / 2) ** 2;
  return 2 * 6_378_100 * Math.asin(Math.sqrt(a));
}

const near = (extra: Record<string, number> = {}): Query => ({
  location: { $nearSphere: { $geometry: point(...here), ...extra } },
});

export const GEO_QUERY_CASES: Array<[name: string, query: Query, expectedIds: string[]]> = [
  ['geoNear: nearest first, within $maxDistance metres', near({ $maxDistance: 5000 }), ['geoNear.0']],
  ['geoNear: a wider radius, still nearest first', near({ $maxDistance: 6700 }), ['geoNear.0', 'park', 'geoNear.1']],
  [
    'geoNear measures to the nearest point of a line or polygon',
    near({ $maxDistance: 7000 }),
    ['geoNear.0', 'park', 'geoNear.1', 'road'],
  ],
  ['geoNear: $minDistance leaves out the near ones', near({ $minDistance: 1_000_000 }), ['geoNear.2', 'geoNear.3']],
  ['geoNear with another condition', { ...near(), city: 'Beijing' }, ['geoNear.2', 'geoNear.3']],
  [
    'geoWithin a Polygon (whole geometries only)',
    { location: { $geoWithin: { $geometry: GUANGZHOU } } },
    ['geoNear.0', 'geoNear.1', 'road', 'park'],
  ],
  [
    'geoWithin a MultiPolygon',
    {
      location: {
        $geoWithin: {
          $geometry: {
            type: 'MultiPolygon',
            coordinates: [BEIJING.coordinates, box(113.3, 23.1, 113.32, 23.2).coordinates],
          },
        },
      },
    },
    ['geoNear.0', 'geoNear.1', 'geoNear.2', 'geoNear.3'],
  ],
  [
    'geoWithin centerSphere (radians)',
    { location: { $geoWithin: { $centerSphere: [[116.3, 40.0], 20_000 / 6_378_100] } } },
    ['geoNear.2'],
  ],
  [
    'geoWithin a wider centerSphere',
    { location: { $geoWithin: { $centerSphere: [[116.3, 40.0], 50_000 / 6_378_100] } } },
    ['geoNear.2', 'geoNear.3'],
  ],
  [
    'geoIntersects a Polygon: points inside, the crossing line, the overlapping polygon',
    { location: { $geoIntersects: { $geometry: box(113.22, 23.0, 113.4, 23.2) } } },
    ['geoNear.0', 'geoNear.1', 'road', 'park'],
  ],
  [
    'geoIntersects a LineString',
    {
      location: {
        $geoIntersects: {
          $geometry: {
            type: 'LineString',
            coordinates: [
              [113.0, 23.3],
              [113.5, 23.0],
            ],
          },
        },
      },
    },
    ['road'],
  ],
  [
    'geoIntersects a Point inside a polygon',
    { location: { $geoIntersects: { $geometry: point(113.22, 23.07) } } },
    ['park'],
  ],
];

export function defineGeoCases(getStore: () => DocumentStore): void {
  describe('geo', () => {
    let places: string;
    let store: DocumentStore;
    beforeAll(async () => {
      store = getStore();
      places = freshName('places');
      await store.insert(places, PLACES);
      // Declared as collections.json declares it.
      await applyDatabaseConfig(store, {
        collections: {
          [places]: {
            rules: { read: true, write: false },
            indexes: [{ name: 'by_place', keys: { location: '2dsphere' } }],
          },
        },
      });
    });

    test.each(GEO_QUERY_CASES)('%s', async (_name, query, expectedIds) => {
      expect((await store.find(places, query)).map((doc) => doc._id)).toEqual(expectedIds);
    });

    test('geo values round-trip as GeoJSON, every db.Geo type', async () => {
      const name = freshName('shapes');
      const shapes: Doc[] = [
        { _id: 'p', g: point(1, 2) },
        {
          _id: 'mp',
          g: {
            type: 'MultiPoint',
            coordinates: [
              [1, 2],
              [3, 4],
            ],
          },
        },
        {
          _id: 'ml',
          g: {
            type: 'MultiLineString',
            coordinates: [
              [
                [1, 2],
                [3, 4],
              ],
            ],
          },
        },
        { _id: 'mpg', g: { type: 'MultiPolygon', coordinates: [box(0, 0, 1, 1).coordinates] } },
      ];
      await store.insert(name, shapes);
      expect(await store.find(name, {})).toEqual(shapes);
    });

    test('the geoNear stage: nearest first, distance in metres at a dotted field, the location used, a query', async () => {
      const result = await store.aggregate(places, [
        {
          $geoNear: {
            near: point(...here),
            spherical: true,
            query: { city: 'Beijing' },
            distanceField: 'dist.m',
            includeLocs: 'loc',
            key: 'location',
          },
        },
        { $project: { name: 1, dist: 1, loc: 1 } },
      ]);
      expect(result.map((doc) => doc._id)).toEqual(['geoNear.2', 'geoNear.3']);
      for (const doc of result) {
        const place = PLACES.find((p) => p._id === doc._id)!;
        const coordinates = (place.location as { coordinates: number[] }).coordinates;
        expect((doc.dist as { m: number }).m).toBeCloseTo(haversineMetres(here, coordinates), 0);
        expect(doc.loc).toEqual(place.location);
      }
    });

    test('the geoNear stage takes the only 2dsphere index as its key, with maxDistance and distanceMultiplier', async () => {
      const result = await store.aggregate(places, [
        {
          $geoNear: {
            near: point(...here),
            spherical: true,
            distanceField: 'km',
            maxDistance: 5000,
            distanceMultiplier: 0.001,
          },
        },
        { $project: { km: 1 } },
      ]);
      expect(result).toEqual([
        { _id: 'geoNear.0', km: expect.closeTo(haversineMetres(here, [113.30593, 23.1361155]) / 1000, 3) },
      ]);
    });

    test('geoNear without a 2dsphere index fails as MongoDB does; geoWithin needs none', async () => {
      const name = freshName('unindexed');
      await store.insert(name, PLACES);
      expect(await errorCode(store.find(name, near()))).toBe('INVALID_PARAM');
      expect(await errorCode(store.aggregate(name, [{ $geoNear: { near: point(...here), distanceField: 'd' } }]))).toBe(
        'INVALID_PARAM',
      );
      expect(await store.count(name, { location: { $geoWithin: { $geometry: BEIJING } } })).toBe(2);
    });

    test('the geoNear stage must come first and needs a distanceField', async () => {
      expect(
        await errorCode(
          store.aggregate(places, [{ $match: {} }, { $geoNear: { near: point(...here), distanceField: 'd' } }]),
        ),
      ).toBe('INVALID_PARAM');
      expect(await errorCode(store.aggregate(places, [{ $geoNear: { near: point(...here) } }]))).toBe('INVALID_PARAM');
      expect(await errorCode(store.aggregate(places, [{ $match: near() }]))).toBe('INVALID_PARAM');
    });
  });
}
