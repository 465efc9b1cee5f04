/**
 * CloudBase database behaviour as the real wx-server-sdk sees it: write counts, error codes, geo
 * values and commands, custom `_id`s, and strings holding NUL or lone surrogates.
 */
import type { DB } from 'wx-server-sdk';
import type { LocalCloud } from '../../emulator/server';
import { loadSdk, sdkError, settle, startTestCloud, type WxCloud } from '../fixtures/emulator/harness';

jest.setTimeout(30_000);

let cloud: LocalCloud;
let sdk: WxCloud;
let db: DB.Database;

beforeAll(async () => {
  cloud = await startTestCloud();
  sdk = loadSdk(cloud);
  db = sdk.database();
}, 120_000);

afterAll(async () => {
  await cloud?.close();
});

describe('write counts: updated is the number of documents matched', () => {
  beforeAll(async () => {
    await cloud.store.insert('counts', [
      { _id: 'c1', g: 1, v: 'same' },
      { _id: 'c2', g: 1, v: 'same' },
    ]);
  });

  it('doc().set() with identical content reports 1', async () => {
    const res = await settle(
      db
        .collection('counts')
        .doc('c1')
        .set({ data: { g: 1, v: 'same' } }),
    );
    expect(res.stats).toEqual({ updated: 1, created: 0 });
  });

  it('doc().update() with identical content reports 1', async () => {
    const res = await settle(
      db
        .collection('counts')
        .doc('c1')
        .update({ data: { v: 'same' } }),
    );
    expect(res.stats.updated).toBe(1);
  });

  it('where().update() reports every match, changed or not', async () => {
    await cloud.store.update('counts', { _id: 'c2' }, { $set: { v: 'new' } });
    const res = await settle(
      db
        .collection('counts')
        .where({ g: 1 })
        .update({ data: { v: 'new' } }),
    );
    expect(res.stats.updated).toBe(2);
  });

  it('an update matching nothing reports 0', async () => {
    const res = await settle(
      db
        .collection('counts')
        .where({ g: 99 })
        .update({ data: { v: 'x' } }),
    );
    expect(res.stats.updated).toBe(0);
  });
});

describe('errors as CloudBase answers them', () => {
  it("a field name starting with '$' is DATABASE_REQUEST_FAILED (-502001) and writes nothing", async () => {
    const error = await sdkError(db.collection('errs').add({ data: { $bad: 1 } }));
    expect(error.errCode).toBe(-502001);
    expect(await cloud.store.listCollections()).not.toContain('errs');
  });

  it('an update MongoDB refuses is DATABASE_REQUEST_FAILED (-502001)', async () => {
    await cloud.store.insert('errs2', [{ _id: 'e', s: 'text' }]);
    const error = await sdkError(
      db
        .collection('errs2')
        .doc('e')
        .update({ data: { s: db.command.inc(1) } }),
    );
    expect(error.errCode).toBe(-502001);
    expect(await cloud.store.find('errs2', {})).toEqual([{ _id: 'e', s: 'text' }]);
  });

  it('geoNear without a 2dsphere index is DATABASE_REQUEST_FAILED (-502001)', async () => {
    await cloud.store.insert('unindexed', [{ _id: 'u', at: { type: 'Point', coordinates: [1, 1] } }]);
    const error = await sdkError(
      db
        .collection('unindexed')
        .where({ at: db.command.geoNear({ geometry: db.Geo.Point(1, 1) }) })
        .get(),
    );
    expect(error.errCode).toBe(-502001);
  });
});

describe('geo', () => {
  beforeAll(async () => {
    await cloud.store.ensureIndex!('shops', { location: '2dsphere' });
  });

  it('db.Geo values are stored as GeoJSON and read back as db.Geo objects', async () => {
    const { Geo } = db;
    const { _id } = await settle(
      db.collection('shops').add({
        data: {
          name: 'tower',
          location: Geo.Point(113.30593, 23.1361155),
          route: Geo.LineString([Geo.Point(113.3, 23.1), Geo.Point(113.31, 23.14)]),
        },
      }),
    );
    await settle(
      db.collection('shops').add({ data: { name: 'palace', location: Geo.Point(116.3949659, 39.9163447) } }),
    );
    const [stored] = await cloud.store.find('shops', { _id });
    expect(stored.location).toEqual({ type: 'Point', coordinates: [113.30593, 23.1361155] });
    expect(stored.route).toEqual({
      type: 'LineString',
      coordinates: [
        [113.3, 23.1],
        [113.31, 23.14],
      ],
    });
    const { data } = await settle(db.collection('shops').doc(_id).get());
    // The SDK turns stored GeoJSON back into its Point class.
    expect((Object.getPrototypeOf(data.location) as { constructor: { name: string } }).constructor.name).toBe('Point');
    expect(data.location).toMatchObject({ longitude: 113.30593, latitude: 23.1361155 });
  });

  it('geoNear, geoWithin (geometry and centerSphere) and geoIntersects', async () => {
    const { Geo, command: _ } = db;
    // The typings omit geoWithin's centerSphere option, which the SDK supports.
    type WithinOptions = Parameters<typeof _.geoWithin>[0];
    const centerSphere = (value: [unknown, number]) => ({ centerSphere: value }) as unknown as WithinOptions;
    const names = async (where: Record<string, unknown>) =>
      (await settle(db.collection('shops').where(where).get())).data.map((d) => d.name);
    expect(
      await names({ location: _.geoNear({ geometry: Geo.Point(113.3089506, 23.0968251), maxDistance: 5000 }) }),
    ).toEqual(['tower']);
    expect(await names({ location: _.geoNear({ geometry: Geo.Point(113.3089506, 23.0968251) }) })).toEqual([
      'tower',
      'palace',
    ]);
    const square = Geo.Polygon([
      Geo.LineString([
        Geo.Point(116, 39),
        Geo.Point(117, 39),
        Geo.Point(117, 40),
        Geo.Point(116, 40),
        Geo.Point(116, 39),
      ]),
    ]);
    expect(await names({ location: _.geoWithin({ geometry: square }) })).toEqual(['palace']);
    expect(await names({ location: _.geoWithin(centerSphere([Geo.Point(116.4, 39.9), 10 / 6378.1])) })).toEqual([
      'palace',
    ]);
    expect(await names({ route: _.geoIntersects({ geometry: Geo.Point(113.3, 23.1) }) })).toEqual(['tower']);
  });

  it('the aggregate geoNear stage', async () => {
    const $ = db.command.aggregate;
    const res = await settle(
      db
        .collection('shops')
        .aggregate()
        .geoNear({
          near: db.Geo.Point(116.3949659, 39.9163447),
          spherical: true,
          distanceField: 'distance',
          key: 'location',
        })
        .project({ _id: 0, name: 1, km: $.divide(['$distance', 1000]) })
        .end(),
    );
    const list = res.list as Array<{ name: string; km: number }>;
    expect(list.map((d) => d.name)).toEqual(['palace', 'tower']);
    expect(list[0].km).toBe(0);
    expect(list[1].km).toBeGreaterThan(1800);
  });
});

describe('custom _id and stored strings', () => {
  it('add() with a numeric _id returns it, and doc(id) reads, updates and removes it', async () => {
    const { _id } = await settle(db.collection('numbered').add({ data: { _id: 7, v: 'seven' } }));
    expect(_id).toBe(7);
    expect((await settle(db.collection('numbered').doc(7).get())).data).toEqual({ _id: 7, v: 'seven' });
    expect(
      (
        await settle(
          db
            .collection('numbered')
            .doc(7)
            .update({ data: { v: 'sept' } }),
        )
      ).stats.updated,
    ).toBe(1);
    expect(await cloud.store.find('numbered', { _id: 7 })).toEqual([{ _id: 7, v: 'sept' }]);
    expect((await settle(db.collection('numbered').doc(7).remove())).stats.removed).toBe(1);
  });

  it('a numeric _id inside a transaction', async () => {
    const tx = (await db.startTransaction()) as {
      collection(name: string): DB.CollectionReference;
      commit(): Promise<unknown>;
    };
    await settle(tx.collection('numbered').add({ data: { _id: 8, v: 'eight' } }));
    expect((await settle(tx.collection('numbered').doc(8).get())).data).toEqual({ _id: 8, v: 'eight' });
    await tx.commit();
    expect(await cloud.store.find('numbered', { _id: 8 })).toEqual([{ _id: 8, v: 'eight' }]);
  });

  it('NUL is stored and read back; a lone surrogate is stored as U+FFFD, as MongoDB stores it', async () => {
    const { _id } = await settle(db.collection('texts').add({ data: { title: 'a\u0000b', note: 'x\ud800y' } }));
    const { data } = await settle(db.collection('texts').doc(_id).get());
    expect(data).toEqual({ _id, title: 'a\u0000b', note: 'x\ufffdy' });
    const found = await settle(db.collection('texts').where({ title: 'a\u0000b' }).get());
    expect(found.data.map((d) => d._id)).toEqual([_id]);
  });
});
