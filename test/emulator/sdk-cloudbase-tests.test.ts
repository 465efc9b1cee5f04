/**
 * What Tencent's own @cloudbase/node-sdk tests check of CloudBase, driven through the real
 * node-sdk: $geoNear distances to the last bit (S2's angle times 6,378,100 m), a transaction's
 * snapshot taken at its first read or write, CloudBase's exact conflict message, and storage and
 * function calls answered per file and with the codes the SDK expects.
 */
import type { LocalCloud } from '../../packages/cloudbase-local/src';
import { startTestCloud } from '../fixtures/emulator/harness';

jest.setTimeout(60_000);

type Tcb = typeof import('@cloudbase/node-sdk');
type App = ReturnType<Tcb['init']>;
type Transaction = Awaited<ReturnType<ReturnType<App['database']>['startTransaction']>>;

let cloud: LocalCloud;
let app: App;

const CONFLICT =
  '[ResourceUnavailable.TransactionConflict] Transaction is conflict, maybe resource operated by others. Please check your request, but if the problem persists, contact us.';

beforeAll(async () => {
  cloud = await startTestCloud({ databaseDir: false });
  // As inside a function: no probe of Tencent's metadata server, and the region and env it would give.
  Object.assign(process.env, { TENCENTCLOUD_RUNENV: 'SCF', TENCENTCLOUD_REGION: 'ap-shanghai', SCF_NAMESPACE: 'test' });
  const tcb = require('@cloudbase/node-sdk') as Tcb;
  app = tcb.init({ env: 'test', secretId: 'test-id', secretKey: 'test-key', serviceUrl: cloud.adminUrl });
}, 120_000);

afterAll(() => cloud?.close());

/** The rejection of `call`, as node-sdk throws it. */
async function failure(call: Promise<unknown>): Promise<{ code?: string; message?: string }> {
  try {
    await call;
  } catch (error) {
    return error as { code?: string; message?: string };
  }
  throw new Error('expected the call to fail');
}

describe('database', () => {
  it('measures $geoNear as MongoDB does: Canton Tower to Baiyun Mountain is 6643.521654040738 m', async () => {
    const now = new Date();
    await cloud.store.ensureIndex?.('attractions', { location: '2dsphere' });
    await cloud.store.insert('attractions', [
      { _id: 'tower', city: 'Guangzhou', date: now, location: { type: 'Point', coordinates: [113.30593, 23.1361155] } },
      {
        _id: 'mountain',
        city: 'Hangzhou',
        date: new Date(now.getTime() - 1000),
        location: { type: 'Point', coordinates: [113.306789, 23.1564721] },
      },
      { _id: 'palace', city: 'Beijing', location: { type: 'Point', coordinates: [116.3949659, 39.9163447] } },
    ]);
    const db = app.database();
    const res = await db
      .collection('attractions')
      .aggregate()
      .geoNear({
        distanceField: 'distance',
        spherical: true,
        near: new db.Geo.Point(113.3089506, 23.0968251),
        query: { city: /zhou/, date: db.command.lt(now) },
        key: 'location',
        includeLocs: 'location',
      })
      .end();
    expect(res.data).toHaveLength(1);
    expect(res.data[0]).toMatchObject({ _id: 'mountain', distance: 6643.521654040738 });

    // node-sdk 2.x (@cloudbase/database 1.4.0) sends the point as a legacy pair {longitude, latitude},
    // measured in radians, with the radius as distanceMultiplier: the same metres, to the last bit.
    const [legacy] = await cloud.store.aggregate('attractions', [
      {
        $geoNear: {
          near: { longitude: 113.3089506, latitude: 23.0968251 },
          spherical: true,
          distanceMultiplier: 6378100,
          distanceField: 'distance',
          key: 'location',
          query: { _id: 'mountain' },
        },
      },
    ]);
    expect(legacy.distance).toBe(6643.521654040738);
  });

  describe('transactions', () => {
    const name = 'tx_docs';
    beforeEach(async () => {
      if (await cloud.store.hasCollection(name)) await cloud.store.dropCollection(name);
      await cloud.store.insert(name, [
        { _id: '1', category: 'Web' },
        { _id: '2', category: 'Life' },
      ]);
    });

    it('sees a document added outside it before its first read or write', async () => {
      const db = app.database();
      await db.runTransaction(async (transaction: Transaction) => {
        await db.collection(name).add({ _id: 'early', key: 'a' });
        const seen = await transaction.collection(name).where({ key: 'a' }).get();
        expect(seen.data.map((doc: { _id: string }) => doc._id)).toEqual(['early']);
        const updated = await transaction.collection(name).doc('early').update({ key: 'b' });
        expect(updated.updated).toBe(1);
      });
      expect((await db.collection(name).doc('early').get()).data[0]).toMatchObject({ key: 'b' });
    });

    it('reads its snapshot after that, and a write over a newer version fails with CloudBase words only', async () => {
      const db = app.database();
      const transaction = await db.startTransaction();
      await transaction.collection(name).doc('1').get();
      await db.collection(name).doc('1').set({ category: 'changed outside' });
      await db.collection(name).doc('2').set({ category: 'changed outside' });
      expect((await transaction.collection(name).doc('1').get()).data).toEqual({ _id: '1', category: 'Web' });
      expect((await transaction.collection(name).doc('2').get()).data).toEqual({ _id: '2', category: 'Life' });
      const error = await failure(transaction.collection(name).doc('1').update({ category: 'in transaction' }));
      expect(error).toMatchObject({ code: 'DATABASE_TRANSACTION_CONFLICT', message: CONFLICT });
    });

    it('fails the later of two transactions writing one document with the same code and message', async () => {
      const db = app.database();
      const first = await db.startTransaction();
      const second = await db.startTransaction();
      const read = await first.collection(name).doc('1').get();
      await second.collection(name).doc('1').update({ category: 'second' });
      const error = await failure(
        first
          .collection(name)
          .doc('1')
          .update({ category: `${read.data.category}!` }),
      );
      expect(error).toMatchObject({ code: 'DATABASE_TRANSACTION_CONFLICT', message: CONFLICT });
      await second.commit();
      expect((await db.collection(name).doc('1').get()).data[0]).toMatchObject({ category: 'second' });
    });
  });
});

describe('storage', () => {
  let fileID: string;
  beforeAll(async () => {
    ({ fileID } = await app.uploadFile({ cloudPath: 'a|b测试.txt', fileContent: Buffer.from('hello') }));
  });

  it('downloads a stored file, and rejects a missing one with STORAGE_FILE_NONEXIST', async () => {
    expect((await app.downloadFile({ fileID })).fileContent?.toString()).toBe('hello');
    expect(await failure(app.downloadFile({ fileID: 'unexistFileID' }))).toMatchObject({
      code: 'STORAGE_FILE_NONEXIST',
    });
  });

  it('answers getTempFileURL and deleteFile file by file', async () => {
    const missing = 'cloud://test.tcbenv-mPIgjhnq/1535367916760.jpg';
    const urls = await app.getTempFileURL({ fileList: [fileID, missing] });
    expect(urls.fileList.map((file) => file.code)).toEqual(['SUCCESS', 'STORAGE_FILE_NONEXIST']);
    expect(await (await fetch(urls.fileList[0].tempFileURL)).text()).toBe('hello');
    const deleted = await app.deleteFile({ fileList: [fileID, missing] });
    expect(deleted.fileList.map((file) => file.code)).toEqual(['SUCCESS', 'STORAGE_FILE_NONEXIST']);
  });

  it("answers a user's authority per file: everyone reads, only the uploader writes", async () => {
    const { fileID: own } = await app.uploadFile({ cloudPath: 'owned.txt', fileContent: Buffer.from('x') });
    const answer = await cloud.storage.handleAction('storage.getFileAuthority', {
      openId: 'o-reader',
      fileList: [
        { path: own, type: 'READ' },
        { path: 'cloud://test.x/missing.txt', type: 'READ' },
      ],
    });
    expect(answer).toMatchObject({
      data: [
        { path: own, cosFileId: expect.any(String), read: true, write: false },
        { path: 'cloud://test.x/missing.txt', code: 'STORAGE_FILE_NONEXIST' },
      ],
    });
  });

  it('gives upload metadata with the URL, signature, token and file ids', async () => {
    const { data } = await app.getUploadMetadata({ cloudPath: 'later/x.png' });
    expect(data).toMatchObject({
      url: expect.stringContaining('/later/x.png'),
      authorization: expect.stringContaining('q-signature='),
      token: expect.any(String),
      fileId: expect.stringMatching(/^cloud:\/\/.+\/later\/x\.png$/),
      cosFileId: expect.any(String),
    });
  });
});

describe('functions', () => {
  it('rejects a call to a missing function with FUNCTION_NOT_FOUND', async () => {
    expect(await failure(app.callFunction({ name: 'unexistFunction', data: { a: 1 } }))).toMatchObject({
      code: 'FUNCTION_NOT_FOUND',
    });
  });

  it('honours a custom call timeout: the SDK gives up, the function still finishes', async () => {
    const finished = new Promise<string>((resolve) => {
      const stop = cloud.functions.onInvocation((record) => {
        if (record.name !== 'wait' || (record.event as { ms?: number }).ms !== 1500) return;
        stop();
        resolve(record.outcome);
      });
    });
    expect(await failure(app.callFunction({ name: 'wait', data: { ms: 1500 } }, { timeout: 200 }))).toMatchObject({
      code: 'ESOCKETTIMEDOUT',
    });
    expect(await finished).toBe('ok');
    const done = await app.callFunction({ name: 'wait', data: { ms: 10 } }, { timeout: 20_000 });
    expect(done.result).toMatchObject({ waited: expect.any(Number) });
  });
});
