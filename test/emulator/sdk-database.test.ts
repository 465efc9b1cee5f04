/**
 * Every database action wx-server-sdk 4.0.2 sends, driven through the real SDK against the real
 * server and an in-memory store; then CloudBase's behaviour as the SDK sees it: write counts, error
 * codes, geo values and commands, custom `_id`s, and strings holding NUL or lone surrogates.
 */
import type { DB } from 'wx-server-sdk';
import type { LocalCloud } from '../../packages/cloudbase-local/src';
import { handleDatabaseAction } from '../../packages/cloudbase-local/src/database/actions';
import { loadSdk, sdkError, settle, startTestCloud, type WxCloud } from '../fixtures/emulator/harness';

jest.setTimeout(30_000);

let cloud: LocalCloud;
let sdk: WxCloud;
let db: DB.Database;

/** Collections the tests write through the SDK; CloudBase writes only to collections that were created. */
const CREATED = ['typed', 'batch', 'counts', 'dups', 'errs', 'errs2', 'many', 'numbered', 'shops', 'texts', 'todos'];

beforeAll(async () => {
  cloud = await startTestCloud();
  sdk = loadSdk(cloud);
  db = sdk.database();
  for (const name of CREATED) if (!(await cloud.store.hasCollection(name))) await cloud.store.createCollection(name);
}, 120_000);

afterAll(async () => {
  await cloud?.close();
});

interface Tx {
  collection(name: string): DB.CollectionReference;
  commit(): Promise<unknown>;
  rollback(reason?: unknown): Promise<unknown>;
}

async function seed(name: string, docs: Array<Record<string, unknown>>): Promise<void> {
  await cloud.store.insert(name, docs);
}

describe('add and get', () => {
  it('add() returns the new _id and doc().get() reads the document back with its types', async () => {
    const before = Date.now();
    const when = new Date('2024-05-01T02:00:00.000Z');
    const { _id } = await settle(
      db.collection('typed').add({
        data: {
          title: 'a',
          int: 7,
          double: 1.5,
          big: 2 ** 40,
          when,
          at: db.serverDate(),
          tags: ['x'],
          nested: { n: null },
        },
      }),
    );
    expect(typeof _id).toBe('string');

    const { data } = await settle(db.collection('typed').doc(_id).get());
    expect(data).toMatchObject({
      _id,
      title: 'a',
      int: 7,
      double: 1.5,
      big: 2 ** 40,
      tags: ['x'],
      nested: { n: null },
    });
    expect(data.when).toEqual(when);
    // db.serverDate() is the server's clock at write time.
    expect(data.at).toBeInstanceOf(Date);
    expect((data.at as Date).getTime()).toBeGreaterThanOrEqual(before);
    expect((data.at as Date).getTime()).toBeLessThanOrEqual(Date.now());
  });

  it('serverDate({offset}) is the server time plus the offset', async () => {
    // The typings omit serverDate's options argument, which the SDK supports.
    const serverDate = db.serverDate as unknown as (options: { offset: number }) => unknown;
    const before = Date.now();
    const { _id } = await settle(db.collection('typed').add({ data: { later: serverDate({ offset: 60_000 }) } }));
    const [stored] = await cloud.store.find('typed', { _id });
    expect((stored.later as Date).getTime()).toBeGreaterThanOrEqual(before + 60_000);
    expect((stored.later as Date).getTime()).toBeLessThanOrEqual(Date.now() + 60_000);
  });

  it('add() with an array inserts every document', async () => {
    const call = db.collection('batch').add({ data: [{ n: 1 }, { n: 2 }] }) as unknown as Promise<{ _ids: string[] }>;
    const { _ids } = await call;
    expect(_ids).toHaveLength(2);
    expect(await cloud.store.count('batch', {})).toBe(2);
  });

  it('a duplicate _id fails with -502001 naming DATABASE_DUPLICATE_WRITE and changes nothing', async () => {
    await settle(db.collection('dups').add({ data: { _id: 'same', v: 1 } }));
    const error = await sdkError(db.collection('dups').add({ data: { _id: 'same', v: 2 } }));
    expect(error.errCode).toBe(-502001);
    expect(error.errMsg).toContain('DATABASE_DUPLICATE_WRITE');
    // MongoDB's own words, which CloudBase passes on.
    expect(error.errMsg).toContain('E11000 duplicate key error collection: dups index: _id_');
    expect(await cloud.store.find('dups', {})).toEqual([{ _id: 'same', v: 1 }]);
  });

  it('doc().get() of a missing document rejects as the SDK does', async () => {
    await seed('lonely', [{ _id: 'here' }]);
    const error = await sdkError(db.collection('lonely').doc('not-here').get());
    expect(error.errMsg).toContain('does not exist');
  });

  it('reading a collection that does not exist fails with -502005', async () => {
    const error = await sdkError(db.collection('never_created').get());
    expect(error.errCode).toBe(-502005);
  });

  it('writing to a collection never created fails with -502005 and creates nothing, in a transaction too', async () => {
    const missing = db.collection('never_created');
    for (const call of [
      missing.add({ data: { a: 1 } }),
      missing.doc('x').set({ data: { a: 1 } }),
      missing.where({ a: 1 }).update({ data: { a: 2 } }),
    ]) {
      const error = await sdkError(call);
      expect(error.errCode).toBe(-502005);
      expect(error.errMsg).toContain('[ResourceNotFound] Db or Table not exist.');
    }
    const tx = (await db.startTransaction()) as Tx;
    expect((await sdkError(tx.collection('never_created').add({ data: { a: 1 } }))).errCode).toBe(-502005);
    await settle(tx.rollback());
    expect(await cloud.store.listCollections()).not.toContain('never_created');
  });
});

describe('queries', () => {
  beforeAll(async () => {
    await seed(
      'todos',
      [1, 2, 3, 4, 5].map((n) => ({
        _id: `t${n}`,
        n,
        title: n % 2 ? `Odd ${n}` : `even ${n}`,
        owner: n <= 3 ? 'alice' : 'bob',
        tags: n === 1 ? ['a', 'b'] : ['b'],
        due: new Date(Date.UTC(2024, 0, n)),
      })),
    );
  });

  it('where / orderBy / skip / limit / field select exactly', async () => {
    const _ = db.command;
    const { data } = await settle(
      db
        .collection('todos')
        .where({ n: _.gt(1) })
        .orderBy('n', 'desc')
        .skip(1)
        .limit(2)
        .field({ n: true })
        .get(),
    );
    expect(data).toEqual([
      { _id: 't4', n: 4 },
      { _id: 't3', n: 3 },
    ]);
  });

  it('orders by several fields in the order given', async () => {
    const { data } = await settle(
      db.collection('todos').orderBy('owner', 'desc').orderBy('n', 'asc').field({ n: true }).get(),
    );
    expect(data.map((d) => d._id)).toEqual(['t4', 't5', 't1', 't2', 't3']);
  });

  it('command operators: in, nin, neq, exists, and/or, Date comparisons', async () => {
    const _ = db.command;
    const ids = async (query: DB.IQueryCondition): Promise<string[]> =>
      (await settle(db.collection('todos').where(query).orderBy('n', 'asc').get())).data.map((d) => String(d._id));
    expect(await ids({ n: _.in([2, 5]) })).toEqual(['t2', 't5']);
    expect(await ids({ n: _.nin([1, 2, 3]) })).toEqual(['t4', 't5']);
    expect(await ids({ owner: _.neq('alice') })).toEqual(['t4', 't5']);
    expect(await ids({ missing: _.exists(false), n: _.lte(1) })).toEqual(['t1']);
    expect(await ids({ n: _.gt(1).and(_.lt(4)) })).toEqual(['t2', 't3']);
    expect(await ids(_.or([{ n: 1 }, { owner: 'bob', n: _.gte(5) }]))).toEqual(['t1', 't5']);
    expect(await ids({ due: _.gte(new Date(Date.UTC(2024, 0, 4))) })).toEqual(['t4', 't5']);
    expect(await ids({ tags: 'a' })).toEqual(['t1']);
  });

  it('db.RegExp and RegExp literals match as MongoDB does', async () => {
    const ids = async (query: DB.IQueryCondition): Promise<string[]> =>
      (await settle(db.collection('todos').where(query).orderBy('n', 'asc').get())).data.map((d) => String(d._id));
    expect(await ids({ title: db.RegExp({ regexp: '^odd', options: 'i' }) })).toEqual(['t1', 't3', 't5']);
    expect(await ids({ title: /^even/ })).toEqual(['t2', 't4']);
  });

  it('count() honours where()', async () => {
    expect((await settle(db.collection('todos').where({ owner: 'alice' }).count())).total).toBe(3);
    expect((await settle(db.collection('todos').count())).total).toBe(5);
  });

  it('aggregate() runs the pipeline', async () => {
    const $ = db.command.aggregate;
    const result = await settle(
      db
        .collection('todos')
        .aggregate()
        .match({ n: db.command.gte(2) })
        .group({ _id: '$owner', total: $.sum('$n'), count: $.sum(1) })
        .sort({ _id: 1 })
        .end(),
    );
    expect(result.list).toEqual([
      { _id: 'alice', total: 5, count: 2 },
      { _id: 'bob', total: 9, count: 2 },
    ]);
  });
});

describe('limits', () => {
  beforeAll(async () => {
    await seed(
      'many',
      Array.from({ length: 120 }, (_, i) => ({ i })),
    );
  });

  it('get() without limit returns the SDK default of 100; an explicit limit goes higher', async () => {
    expect((await settle(db.collection('many').get())).data).toHaveLength(100);
    expect((await settle(db.collection('many').limit(500).get())).data).toHaveLength(120);
  });

  it('the server clamps any limit to maxLimit', async () => {
    const body = await handleDatabaseAction(
      cloud.store,
      'database.getDocument',
      { collectionName: 'many', limit: 100 },
      { maxLimit: 7 },
    );
    expect((body.data as { list: string[] }).list).toHaveLength(7);
  });
});

describe('writes', () => {
  beforeEach(async () => {
    await cloud.store.remove('items', {}).catch(() => 0);
    await seed('items', [
      { _id: 'i1', n: 1, group: 'g', tags: ['a'], nested: { keep: true, x: 1 }, gone: 'yes' },
      { _id: 'i2', n: 2, group: 'g', tags: [] },
      { _id: 'i3', n: 3, group: 'h', tags: [] },
    ]);
  });

  it('doc().update() applies operators to that document only', async () => {
    const _ = db.command;
    const res = await settle(
      db
        .collection('items')
        .doc('i1')
        .update({
          data: {
            n: _.inc(10),
            tags: _.push(['b']),
            nested: { x: _.mul(5) },
            gone: _.remove(),
            at: db.serverDate(),
            plain: 'set',
          },
        }),
    );
    expect(res.stats.updated).toBe(1);
    const [doc] = await cloud.store.find('items', { _id: 'i1' });
    expect(doc).toMatchObject({ _id: 'i1', n: 11, tags: ['a', 'b'], nested: { keep: true, x: 5 }, plain: 'set' });
    expect(doc).not.toHaveProperty('gone');
    expect(doc.at).toBeInstanceOf(Date);
  });

  it('addToSet adds only what is missing', async () => {
    const _ = db.command;
    await settle(
      db
        .collection('items')
        .doc('i1')
        .update({ data: { tags: _.addToSet('a') } }),
    );
    await settle(
      db
        .collection('items')
        .doc('i1')
        .update({ data: { tags: _.addToSet('c') } }),
    );
    const [doc] = await cloud.store.find('items', { _id: 'i1' });
    expect(doc.tags).toEqual(['a', 'c']);
  });

  it('where().update() updates every match and reports the count', async () => {
    const res = await settle(
      db
        .collection('items')
        .where({ group: 'g' })
        .update({ data: { flagged: true } }),
    );
    expect(res.stats.updated).toBe(2);
    expect(await cloud.store.count('items', { flagged: true })).toBe(2);
  });

  it('doc().set() replaces the document and keeps its _id', async () => {
    const res = await settle(
      db
        .collection('items')
        .doc('i1')
        .set({ data: { only: 'this' } }),
    );
    expect(res.stats).toEqual({ updated: 1, created: 0 });
    expect(await cloud.store.find('items', { _id: 'i1' })).toEqual([{ _id: 'i1', only: 'this' }]);
  });

  it('doc().set() on a missing _id creates the document', async () => {
    const res = await settle(
      db
        .collection('items')
        .doc('fresh')
        .set({ data: { v: 1 } }),
    );
    expect(res.stats).toEqual({ updated: 0, created: 1 });
    expect(await cloud.store.find('items', { _id: 'fresh' })).toEqual([{ _id: 'fresh', v: 1 }]);
  });

  it('doc().remove() and where().remove() delete what they name', async () => {
    expect((await settle(db.collection('items').doc('i1').remove())).stats.removed).toBe(1);
    expect((await settle(db.collection('items').where({ group: 'g' }).remove())).stats.removed).toBe(1);
    expect((await cloud.store.find('items', {})).map((d) => d._id)).toEqual(['i3']);
  });

  it('createCollection() creates once, then fails because it exists', async () => {
    await settle(db.createCollection('made_here'));
    expect(await cloud.store.listCollections()).toContain('made_here');
    const error = await sdkError(db.createCollection('made_here'));
    expect(error.errMsg).toMatch(/exist/);
  });
});

describe('transactions', () => {
  beforeEach(async () => {
    await cloud.store.remove('accounts', {}).catch(() => 0);
    await seed('accounts', [
      { _id: 'alice', balance: 100 },
      { _id: 'bob', balance: 0 },
    ]);
  });

  it('startTransaction(): reads, writes and commit()', async () => {
    const tx = (await db.startTransaction()) as Tx;
    const { data } = await settle(tx.collection('accounts').doc('alice').get());
    expect(data.balance).toBe(100);
    await settle(
      tx
        .collection('accounts')
        .doc('alice')
        .update({ data: { balance: db.command.inc(-30) } }),
    );
    await settle(
      tx
        .collection('accounts')
        .doc('bob')
        .update({ data: { balance: db.command.inc(30) } }),
    );
    await settle(tx.collection('accounts').add({ data: { _id: 'log1', amount: 30 } }));
    // Nothing is visible outside the transaction before commit.
    expect(await cloud.store.find('accounts', { _id: 'alice' })).toEqual([{ _id: 'alice', balance: 100 }]);
    await tx.commit();
    expect(await cloud.store.find('accounts', {}, { sort: [['_id', 1]] })).toEqual([
      { _id: 'alice', balance: 70 },
      { _id: 'bob', balance: 30 },
      { _id: 'log1', amount: 30 },
    ]);
  });

  it('startTransaction(): rollback() discards every write', async () => {
    const tx = (await db.startTransaction()) as Tx;
    await settle(
      tx
        .collection('accounts')
        .doc('alice')
        .set({ data: { balance: 0 } }),
    );
    await settle(tx.collection('accounts').doc('bob').remove());
    await tx.rollback();
    expect(await cloud.store.find('accounts', {}, { sort: [['_id', 1]] })).toEqual([
      { _id: 'alice', balance: 100 },
      { _id: 'bob', balance: 0 },
    ]);
  });

  it('runTransaction() commits and returns the callback value', async () => {
    const result: unknown = await db.runTransaction(async (tx: Tx) => {
      const { data } = await settle(tx.collection('accounts').doc('alice').get());
      await settle(
        tx
          .collection('accounts')
          .doc('alice')
          .update({ data: { balance: Number(data.balance) - 10 } }),
      );
      return { before: data.balance };
    });
    expect(result).toEqual({ before: 100 });
    expect(await cloud.store.find('accounts', { _id: 'alice' })).toEqual([{ _id: 'alice', balance: 90 }]);
  });

  it('runTransaction() retries after a commit fails with DATABASE_TRANSACTION_CONFLICT and then succeeds', async () => {
    let attempts = 0;
    const result: unknown = await db.runTransaction(async (tx: Tx) => {
      attempts += 1;
      const { data } = await settle(tx.collection('accounts').doc('alice').get());
      await settle(
        tx
          .collection('accounts')
          .doc('alice')
          .update({ data: { balance: Number(data.balance) * 2 } }),
      );
      if (attempts === 1) {
        // A plain write to the same document lands before the commit, which then conflicts.
        await settle(
          db
            .collection('accounts')
            .doc('alice')
            .update({ data: { balance: db.command.inc(1) } }),
        );
      }
      return data.balance;
    });
    expect(attempts).toBe(2);
    expect(result).toBe(101);
    expect(await cloud.store.find('accounts', { _id: 'alice' })).toEqual([{ _id: 'alice', balance: 202 }]);
  });

  it('a transaction reads its snapshot; a write conflicting with another transaction fails at once', async () => {
    await seed('snap', [{ _id: 'k', n: 1 }]);
    const first = (await db.startTransaction()) as Tx;
    const second = (await db.startTransaction()) as Tx;
    expect((await settle(second.collection('snap').doc('k').get())).data).toEqual({ _id: 'k', n: 1 });
    await settle(
      first
        .collection('snap')
        .doc('k')
        .update({ data: { n: 2 } }),
    );
    await first.commit();
    // Committed since the second transaction began: it still reads the old state.
    expect((await settle(second.collection('snap').doc('k').get())).data).toEqual({ _id: 'k', n: 1 });
    const conflict = await sdkError(
      second
        .collection('snap')
        .doc('k')
        .update({ data: { n: 3 } }),
    );
    // wx-server-sdk maps the code it does not know to -501001 and keeps CloudBase's message.
    expect(conflict.errCode).toBe(-501001);
    expect(conflict.errMsg).toContain('[ResourceUnavailable.TransactionConflict]');
    expect(await cloud.store.find('snap', {})).toEqual([{ _id: 'k', n: 2 }]);
  });

  it('runTransaction() rolls back when the callback throws, and rethrows', async () => {
    await expect(
      db.runTransaction(async (tx: Tx) => {
        await settle(
          tx
            .collection('accounts')
            .doc('bob')
            .update({ data: { balance: 999 } }),
        );
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(await cloud.store.find('accounts', { _id: 'bob' })).toEqual([{ _id: 'bob', balance: 0 }]);
  });

  it("any operation after commit or rollback fails with CloudBase's TransactionNotExist", async () => {
    const notExist = {
      code: 'DATABASE_TRANSACTION_FAIL',
      message: expect.stringMatching(/^\[ResourceUnavailable\.TransactionNotExist\] Transaction does not exist/),
    };
    const tx = (await db.startTransaction()) as Tx;
    await tx.commit();
    await expect(tx.commit()).rejects.toMatchObject(notExist);
    const rolledBack = (await db.startTransaction()) as Tx;
    await rolledBack.rollback();
    await expect(rolledBack.rollback()).rejects.toMatchObject(notExist);
    const read = await sdkError(rolledBack.collection('accounts').doc('alice').get());
    expect(read.errCode).toBe(-501001);
    expect(read.errMsg).toContain('[ResourceUnavailable.TransactionNotExist]');
  });
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
    expect(await cloud.store.find('errs', {})).toEqual([]);
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
    const tx = (await db.startTransaction()) as Tx;
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
