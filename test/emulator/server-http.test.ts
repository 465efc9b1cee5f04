/**
 * The HTTP surface with raw fetch: health, CORS, /functions errors, body limits, malformed admin
 * requests (answered in CloudBase's error shape, nothing changed), the raw protocol actions the
 * SDK cannot reach, the inspector API and shutdown.
 */
import type { LocalCloud } from '../../packages/cloudbase-local/src';
import { getJson, postJson, startTestCloud } from '../fixtures/emulator/harness';

jest.setTimeout(30_000);

let cloud: LocalCloud;
const LIMIT = 64 * 1024;

beforeAll(async () => {
  cloud = await startTestCloud({ bodyLimitBytes: LIMIT });
  await cloud.store.insert('things', [
    { _id: 'a', n: 1 },
    { _id: 'b', n: 2 },
    { _id: 'c', n: 3 },
  ]);
}, 120_000);

afterAll(async () => {
  await cloud?.close();
});

const admin = (body: unknown): ReturnType<typeof postJson> => postJson(`${cloud.adminUrl}?env=test`, body);
const ejson = (value: unknown): string => JSON.stringify(value);

describe('health and CORS', () => {
  it('GET /healthz answers {ok:true}', async () => {
    expect(await getJson(`${cloud.url}/healthz`)).toEqual({ status: 200, body: { ok: true } });
  });

  it('answers a preflight from another origin and marks responses for it', async () => {
    const preflight = await fetch(`${cloud.url}/functions/echo`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://127.0.0.1:5173',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,x-wx-openid',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:5173');
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('x-wx-openid');

    const res = await postJson(`${cloud.url}/healthz`, {}, { origin: 'http://127.0.0.1:5173' });
    expect(res.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:5173');
  });

  it('/ redirects to the inspector, which is a page', async () => {
    const res = await fetch(`${cloud.url}/`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/_/');
    const page = await fetch(`${cloud.url}/_/`);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('<title>Local cloud</title>');
  });

  it('an unknown route is a JSON 404', async () => {
    const { status, body } = await getJson(`${cloud.url}/nowhere`);
    expect(status).toBe(404);
    expect(body.code).toBe('NOT_FOUND');
  });
});

describe('POST /functions/<name>', () => {
  it('answers {result, requestId} with the caller identity from x-wx-* headers', async () => {
    const { status, body } = await postJson(
      `${cloud.url}/functions/echo`,
      { hello: 'world' },
      {
        'x-wx-openid': 'o-alice',
        'x-wx-appid': 'wx-app',
        'x-wx-unionid': 'u-alice',
      },
    );
    expect(status).toBe(200);
    expect(body).toEqual({
      result: { event: { hello: 'world' }, openid: 'o-alice', appid: 'wx-app', unionid: 'u-alice' },
      requestId: expect.any(String),
    });
  });

  it.each([
    ['missing', 'nope', 404, -501000],
    ['throwing', 'boom', 500, -504002],
    ['timed out', 'slow', 504, -504003],
  ])('a %s function (%s) answers HTTP %i with errCode %i', async (_label, name, status, errCode) => {
    const res = await postJson(`${cloud.url}/functions/${name}`, {});
    expect(res.status).toBe(status);
    expect(res.body).toEqual({ errCode, errMsg: expect.any(String), requestId: expect.any(String) });
  });

  it('malformed JSON is a 400 with errCode -501007', async () => {
    const res = await postJson(`${cloud.url}/functions/echo`, '{"oops":');
    expect(res.status).toBe(400);
    expect(res.body.errCode).toBe(-501007);
  });

  it('only POST is accepted', async () => {
    expect((await fetch(`${cloud.url}/functions/echo`)).status).toBe(405);
  });

  it('the invocation shows up with its logs in the inspector API', async () => {
    await postJson(`${cloud.url}/functions/echo`, { logged: true }, { 'x-wx-openid': 'o-logger' });
    const { body } = await getJson(`${cloud.url}/_/api/invocations?limit=5`);
    const invocations = body.invocations as Array<{ name: string; openid?: string; logs: Array<{ text: string }> }>;
    const mine = invocations.find((inv) => inv.openid === 'o-logger');
    expect(mine?.name).toBe('echo');
    expect(mine?.logs.map((l) => l.text).join('\n')).toContain('echo called by o-logger');
  });
});

describe('request limits and malformed admin requests', () => {
  const bigDoc = {
    collectionName: 'things',
    data: [ejson({ blob: 'x'.repeat(LIMIT) })],
    action: 'database.insertDocument',
  };

  it('a body over the limit is a 413 with a clear message, and the server keeps serving', async () => {
    const res = await admin(bigDoc);
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ code: 'INVALID_PARAM', message: expect.stringContaining('64 KB limit') });
    const fn = await postJson(`${cloud.url}/functions/echo`, { blob: 'x'.repeat(LIMIT) });
    expect(fn.status).toBe(413);
    expect(fn.body.errCode).toBe(-501007);
    expect(await cloud.store.count('things', {})).toBe(3);
    expect((await getJson(`${cloud.url}/healthz`)).status).toBe(200);
  });

  it('malformed JSON is a 400 in the SDK error shape', async () => {
    const res = await admin('{"action": "database.insertDocument", ');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      code: 'INVALID_PARAM',
      message: expect.stringContaining('malformed'),
      requestId: expect.any(String),
    });
  });

  it('an unknown action is INVALID_ACTION', async () => {
    const res = await admin({ action: 'database.dropEverything', collectionName: 'things' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      code: 'INVALID_ACTION',
      message: expect.stringContaining('database.dropEverything'),
    });
  });

  it.each([
    ['a missing action', {}],
    ['a numeric collectionName', { action: 'database.getDocument', collectionName: 42 }],
    ['a bad collection name', { action: 'database.getDocument', collectionName: '../etc' }],
    [
      'a query that is not Extended JSON',
      { action: 'database.removeDocument', collectionName: 'things', query: '{nope' },
    ],
    ['a negative limit', { action: 'database.getDocument', collectionName: 'things', limit: -1 }],
    [
      'insert data that is not an array',
      { action: 'database.insertDocument', collectionName: 'things', data: ejson({ n: 9 }) },
    ],
    [
      'one bad document in a batch',
      { action: 'database.insertDocument', collectionName: 'things', data: [ejson({ n: 9 }), 7] },
    ],
    [
      'a bad $date',
      { action: 'database.insertDocument', collectionName: 'things', data: [ejson({ d: { $date: 'soon' } })] },
    ],
    [
      'update data that is not an object',
      { action: 'database.modifyDocument', collectionName: 'things', data: '[1]', multi: true },
    ],
    [
      'a replacement with operators',
      { action: 'database.modifyDocument', collectionName: 'things', data: ejson({ $set: { n: 0 } }), merge: false },
    ],
    ['a non-boolean multi', { action: 'database.removeDocument', collectionName: 'things', query: '{}', multi: 'yes' }],
  ])('%s is INVALID_PARAM and changes nothing', async (_label, body) => {
    const before = await cloud.store.find('things', {}, { sort: [['_id', 1]] });
    const res = await admin(body);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      code: 'INVALID_PARAM',
      message: expect.any(String),
      requestId: expect.any(String),
    });
    expect(await cloud.store.find('things', {}, { sort: [['_id', 1]] })).toEqual(before);
  });
});

describe('protocol actions the SDK does not expose', () => {
  it('database.modifyAndReturnDoc updates the first match and returns it', async () => {
    const res = await admin({
      action: 'database.modifyAndReturnDoc',
      collectionName: 'things',
      query: ejson({ n: { $gte: { $numberInt: '3' } } }),
      data: ejson({ $inc: { n: { $numberInt: '10' } } }),
    });
    expect(res.body).toMatchObject({ data: { updated: 1 } });
    expect(JSON.parse((res.body.data as { doc: string }).doc)).toEqual({ _id: 'c', n: 13 });
    await cloud.store.update('things', { _id: 'c' }, { $set: { n: 3 } });
  });

  it('the legacy transaction actions read, write and delete by _id', async () => {
    const started = await admin({ action: 'database.startTransaction' });
    const transactionId = started.body.transactionId as string;
    expect(typeof transactionId).toBe('string');
    const got = await admin({ action: 'database.getInTransaction', transactionId, collectionName: 'things', _id: 'a' });
    expect(JSON.parse(got.body.data as string)).toEqual({ _id: 'a', n: 1 });
    const updated = await admin({
      action: 'database.updateDocInTransaction',
      transactionId,
      collectionName: 'things',
      _id: 'a',
      data: ejson({ $set: { n: { $numberInt: '100' } } }),
    });
    expect(JSON.parse(updated.body.updated as string)).toBe(1);
    const deleted = await admin({
      action: 'database.deleteDocInTransaction',
      transactionId,
      collectionName: 'things',
      _id: 'b',
    });
    expect(JSON.parse(deleted.body.deleted as string)).toBe(1);
    await admin({ action: 'database.abortTransaction', transactionId });
    expect(await cloud.store.find('things', {}, { sort: [['_id', 1]] })).toEqual([
      { _id: 'a', n: 1 },
      { _id: 'b', n: 2 },
      { _id: 'c', n: 3 },
    ]);
  });

  it('database.deleteCollection drops a collection', async () => {
    await cloud.store.insert('scratch', [{ n: 1 }]);
    const res = await admin({ action: 'database.deleteCollection', collectionName: 'scratch' });
    expect(res.body).toEqual({ requestId: expect.any(String) });
    expect(await cloud.store.listCollections()).not.toContain('scratch');
  });

  it('Extended JSON answers: Dates as $date, non-finite numbers as $numberDouble', async () => {
    await cloud.store.insert('typed', [{ _id: 'x', at: new Date(0), inf: Infinity, re: /a.b/i }]);
    const res = await admin({
      action: 'database.getDocument',
      collectionName: 'typed',
      query: ejson({ _id: 'x' }),
      limit: 1,
    });
    expect(JSON.parse((res.body.data as { list: string[] }).list[0])).toEqual({
      _id: 'x',
      at: { $date: { $numberLong: '0' } },
      inf: { $numberDouble: 'Infinity' },
      re: { $regularExpression: { pattern: 'a.b', options: 'i' } },
    });
  });
});

describe('inspector API', () => {
  it('lists collections with counts', async () => {
    const { body } = await getJson(`${cloud.url}/_/api/collections`);
    expect(body.collections).toEqual(expect.arrayContaining([{ name: 'things', count: 3 }]));
  });

  it('pages documents newest first', async () => {
    await cloud.store.insert(
      'paged',
      [1, 2, 3, 4, 5].map((n) => ({ _id: `p${n}`, n, at: new Date(Date.UTC(2024, 0, n)) })),
    );
    const first = await getJson(`${cloud.url}/_/api/collections/paged/docs?size=2`);
    expect(first.body).toMatchObject({ total: 5, page: 0, pages: 3 });
    expect(first.body.docs).toEqual([
      { _id: 'p5', n: 5, at: { $date: '2024-01-05T00:00:00.000Z' } },
      { _id: 'p4', n: 4, at: { $date: '2024-01-04T00:00:00.000Z' } },
    ]);
    const last = await getJson(`${cloud.url}/_/api/collections/paged/docs?size=2&page=2`);
    expect((last.body.docs as Array<{ _id: string }>).map((d) => d._id)).toEqual(['p1']);
    expect((await getJson(`${cloud.url}/_/api/collections/absent/docs`)).status).toBe(404);
  });

  it('lists functions', async () => {
    const { body } = await getJson(`${cloud.url}/_/api/functions`);
    const names = (body.functions as Array<{ name: string }>).map((f) => f.name);
    expect(names).toEqual(expect.arrayContaining(['echo', 'notify', 'slow']));
  });
});

describe('shutdown', () => {
  it('close() stops serving, and is safe to call twice', async () => {
    const url = `${cloud.url}/healthz`;
    await Promise.all([cloud.close(), cloud.close()]);
    await expect(fetch(url)).rejects.toThrow();
  });
});
