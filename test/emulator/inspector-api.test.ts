/**
 * The inspector's JSON API beyond reading: documents filtered, added, edited and deleted (Extended
 * JSON dates kept, bad input refused with a 400 that changes nothing), stored files listed with
 * their uploader and deleted, invocations with their event, result and application errors and
 * filtered, the live event stream, clearing all data, and an export/import round trip.
 */
import type { LocalCloud } from '../../packages/cloudbase-local/src';
import { getJson, postJson, startTestCloud } from '../fixtures/emulator/harness';
import { openEvents } from './helpers/events';

jest.setTimeout(30_000);

let cloud: LocalCloud;

beforeAll(async () => {
  cloud = await startTestCloud({ databaseDir: false });
}, 120_000);

afterAll(async () => {
  await cloud?.close();
});

const api = (path: string): string => `${cloud.url}/_/api/${path}`;

async function send(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(api(path), {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const call = (name: string, event: unknown, openid = 'o-inspector'): ReturnType<typeof postJson> =>
  postJson(`${cloud.url}/functions/${name}`, event, { 'x-wx-openid': openid });

describe('documents', () => {
  beforeAll(async () => {
    await cloud.store.insert('notes', [
      { _id: 'n1', _openid: 'dev_alice', text: 'one', at: new Date('2024-05-01T00:00:00.000Z') },
      { _id: 'n2', _openid: 'dev_bob', text: 'two', at: new Date('2024-05-02T00:00:00.000Z') },
      { _id: 'n3', _openid: 'dev_alice', text: 'three', at: new Date('2024-05-03T00:00:00.000Z') },
    ]);
  });

  const ids = (body: Record<string, unknown>): unknown[] => (body.docs as Array<{ _id: string }>).map((d) => d._id);

  it('filters by a JSON where, newest first', async () => {
    const where = encodeURIComponent(JSON.stringify({ _openid: 'dev_alice' }));
    const { status, body } = await getJson(api(`collections/notes/docs?where=${where}`));
    expect(status).toBe(200);
    expect(body).toMatchObject({ collection: 'notes', total: 2, page: 0, pages: 1 });
    expect(ids(body)).toEqual(['n3', 'n1']);
  });

  it('takes Extended JSON in the where (a date range)', async () => {
    const where = encodeURIComponent(JSON.stringify({ at: { $gte: { $date: '2024-05-02T00:00:00.000Z' } } }));
    const { body } = await getJson(api(`collections/notes/docs?where=${where}`));
    expect(ids(body)).toEqual(['n3', 'n2']);
  });

  it.each([
    ['not JSON', '{"_openid":', /not valid JSON/],
    ['not an object', '["dev_alice"]', /where must be a JSON object/],
    ['an unknown operator', '{"text":{"$nope":1}}', /\$nope/],
  ])('refuses a where that is %s with a 400 saying why', async (_label, where, message) => {
    const { status, body } = await getJson(api(`collections/notes/docs?where=${encodeURIComponent(where)}`));
    expect(status).toBe(400);
    expect(body.code).toBe('INVALID_PARAM');
    expect(String(body.message)).toMatch(message);
  });

  it('adds a document, keeping an Extended JSON date a date, and generates its _id', async () => {
    const { status, body } = await send('POST', 'collections/notes/docs', {
      text: 'four',
      at: { $date: '2024-06-01T08:00:00.000Z' },
    });
    expect(status).toBe(201);
    const id = body.id as string;
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(body.doc).toEqual({ _id: id, text: 'four', at: { $date: '2024-06-01T08:00:00.000Z' } });
    const [stored] = await cloud.store.find('notes', { _id: id });
    expect(stored.at).toEqual(new Date('2024-06-01T08:00:00.000Z'));
  });

  it('reads one document, and answers 404 for a missing one', async () => {
    expect(await getJson(api('collections/notes/docs/n1'))).toEqual({
      status: 200,
      body: { doc: { _id: 'n1', _openid: 'dev_alice', text: 'one', at: { $date: '2024-05-01T00:00:00.000Z' } } },
    });
    expect((await getJson(api('collections/notes/docs/none'))).status).toBe(404);
    expect((await getJson(api('collections/absent/docs/n1'))).status).toBe(404);
  });

  it('replaces a document as edited, dates kept, _id from the URL', async () => {
    const { status, body } = await send('PUT', 'collections/notes/docs/n2', {
      _openid: 'dev_bob',
      text: 'two, edited',
      at: { $date: '2024-05-02T09:30:00.000Z' },
      tags: ['x'],
    });
    expect(status).toBe(200);
    expect(body.doc).toEqual({
      _id: 'n2',
      _openid: 'dev_bob',
      text: 'two, edited',
      at: { $date: '2024-05-02T09:30:00.000Z' },
      tags: ['x'],
    });
    const [stored] = await cloud.store.find('notes', { _id: 'n2' });
    expect(stored).toEqual({
      _id: 'n2',
      _openid: 'dev_bob',
      text: 'two, edited',
      at: new Date('2024-05-02T09:30:00.000Z'),
      tags: ['x'],
    });
  });

  it.each([
    ['PUT', 'collections/notes/docs/n1', '{"text":', /JSON/],
    ['PUT', 'collections/notes/docs/n1', ['text'], /JSON object/],
    ['PUT', 'collections/notes/docs/n1', { _id: 'other', text: 'x' }, /_id cannot change/],
    ['PUT', 'collections/notes/docs/n1', { $set: { text: 'x' } }, /cannot start with "\$"/],
    ['PUT', 'collections/notes/docs/n1', { at: { $date: 'yesterday' } }, /\$date is not a valid date/],
    ['POST', 'collections/notes/docs', { $inc: { n: 1 } }, /cannot start with "\$"/],
  ])('refuses %s %s with %j: a 400 that changes nothing', async (method, path, input, message) => {
    const before = await cloud.store.find('notes', {});
    const { status, body } = await send(method, path, input);
    expect(status).toBe(400);
    expect(body.code).toBe('INVALID_PARAM');
    expect(String(body.message)).toMatch(message);
    expect(await cloud.store.find('notes', {})).toEqual(before);
  });

  it('refuses a duplicate _id with a 409, and a missing document with a 404', async () => {
    expect((await send('POST', 'collections/notes/docs', { _id: 'n1', text: 'again' })).status).toBe(409);
    expect((await send('PUT', 'collections/notes/docs/none', { text: 'x' })).status).toBe(404);
    expect(await cloud.store.find('notes', { _id: 'none' })).toEqual([]);
  });

  it('deletes a document once', async () => {
    expect(await send('DELETE', 'collections/notes/docs/n3')).toEqual({ status: 200, body: { ok: true, removed: 1 } });
    expect((await send('DELETE', 'collections/notes/docs/n3')).status).toBe(404);
    expect(await cloud.store.find('notes', { _id: 'n3' })).toEqual([]);
  });

  it('creates a collection, refusing a bad or taken name', async () => {
    expect(await send('POST', 'collections', { name: 'fresh' })).toEqual({ status: 201, body: { name: 'fresh' } });
    expect(await cloud.store.listCollections()).toContain('fresh');
    expect((await send('POST', 'collections', { name: 'fresh' })).status).toBe(409);
    expect((await send('POST', 'collections', { name: 'no spaces' })).status).toBe(400);
  });
});

describe('invocations', () => {
  it('keep their event and result, and flag an {ok:false} answer as an application error', async () => {
    const refusal = { ok: false, code: 'INVALID_ARGUMENT', message: 'title is required' };
    const { body } = await call('reply', { reply: refusal });
    const { body: listed } = await getJson(api('invocations?function=reply&limit=1'));
    const [record] = listed.invocations as Array<Record<string, unknown>>;
    expect(record).toMatchObject({
      id: body.requestId,
      name: 'reply',
      outcome: 'ok',
      source: 'wx_client',
      openid: 'o-inspector',
      event: { reply: refusal },
      result: refusal,
      appError: { code: 'INVALID_ARGUMENT', message: 'title is required' },
    });
    expect((record.logs as Array<{ text: string }>)[0].text).toContain('replying with');
    expect(await getJson(api(`invocations/${String(body.requestId)}`))).toEqual({
      status: 200,
      body: { invocation: record },
    });
    expect((await getJson(api('invocations/unknown-id'))).status).toBe(404);
  });

  it('a successful answer has no application error; a large one is noted, not kept', async () => {
    await call('reply', { reply: { ok: true, data: 1 } });
    await call('reply', { reply: 'x'.repeat(40 * 1024) });
    const { body } = await getJson(api('invocations?function=reply&limit=2'));
    const [large, fine] = body.invocations as Array<Record<string, unknown>>;
    expect(fine).toMatchObject({ result: { ok: true, data: 1 } });
    expect(fine.appError).toBeUndefined();
    expect(large.result).toBeUndefined();
    expect(large.resultOmitted).toMatch(/KB of JSON/);
    expect(large.event).toBeUndefined();
    expect(large.eventOmitted).toMatch(/KB of JSON/);
  });

  it('filter by function, by source and by text in events, results and logs', async () => {
    await call('echo', { needle: 'haystack-42' }, 'o-needle');
    const fired = await fetch(api('triggers/reply/nightly'), { method: 'POST' });
    expect(fired.status).toBe(200);
    const names = async (search: string): Promise<string[]> =>
      ((await getJson(api(`invocations?${search}`))).body.invocations as Array<{ name: string }>).map((r) => r.name);
    expect(await names('q=HAYSTACK-42')).toEqual(['echo']);
    expect(await names('q=echo%20called%20by%20o-needle')).toEqual(['echo']);
    expect(await names('source=timer')).toEqual(['reply']);
    expect(new Set(await names('function=echo'))).toEqual(new Set(['echo']));
    expect(await names('function=echo&q=nothing-like-this')).toEqual([]);
  });
});

describe('storage', () => {
  it('lists files with size, type and uploader; serves and deletes them', async () => {
    const png = Buffer.from('89504e470d0a1a0a', 'hex');
    const put = await fetch(api('files?cloudPath=avatars/alice.png'), {
      method: 'PUT',
      headers: { 'content-type': 'image/png', 'x-wx-openid': 'dev_alice' },
      body: png,
    });
    const { fileID } = (await put.json()) as { fileID: string };
    const uploaded = await call('uploader', { cloudPath: 'notes/bob.txt', text: 'hello' }, 'dev_bob');
    expect(uploaded.status).toBe(200);

    const { body } = await getJson(api('storage'));
    const files = body.files as Array<Record<string, unknown>>;
    expect(files.find((f) => f.cloudPath === 'avatars/alice.png')).toMatchObject({
      fileID,
      size: png.length,
      contentType: 'image/png',
      uploader: { openid: 'dev_alice' },
    });
    expect(files.find((f) => f.cloudPath === 'notes/bob.txt')).toMatchObject({
      size: 5,
      contentType: 'text/plain; charset=utf-8',
      uploader: { openid: 'dev_bob', function: 'uploader' },
    });

    const served = await fetch(api(`files?fileID=${encodeURIComponent(fileID)}`));
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(served.headers.get('x-content-type-options')).toBe('nosniff');
    expect(served.headers.get('content-security-policy')).toContain('sandbox');
    expect(Buffer.from(await served.arrayBuffer()).equals(png)).toBe(true);

    expect(await send('DELETE', `files?fileID=${encodeURIComponent(fileID)}`)).toEqual({
      status: 200,
      body: { ok: true },
    });
    expect((await send('DELETE', `files?fileID=${encodeURIComponent(fileID)}`)).status).toBe(404);
    const after = (await getJson(api('storage'))).body.files as Array<{ cloudPath: string }>;
    expect(after.map((f) => f.cloudPath)).not.toContain('avatars/alice.png');
  });
});

describe('live events', () => {
  it('deliver a document change, an invocation, a stored file and an outbox call as they happen', async () => {
    const events = await openEvents(cloud.url);
    try {
      await events.next((e) => e.type === 'ready');
      await cloud.store.insert('live', [{ _id: 'l1', n: 1 }]);
      expect((await events.next((e) => e.type === 'change')).data).toEqual({
        collection: 'live',
        type: 'insert',
        id: 'l1',
      });
      const { body } = await call('writer', { text: 'from a function' });
      const written = body.result as { _id: string };
      await events.next((e) => e.type === 'change' && e.data.id === written._id);
      const invocation = await events.next((e) => e.type === 'invocation' && e.data.name === 'writer');
      expect(invocation.data).toMatchObject({ id: body.requestId, source: 'wx_client', outcome: 'ok' });
      await cloud.storage.put('live/file.txt', 'x');
      expect((await events.next((e) => e.type === 'storage')).data).toEqual({
        action: 'upload',
        cloudPath: 'live/file.txt',
      });
      await call('notify', { templateId: 't', title: 'hi' });
      expect((await events.next((e) => e.type === 'outbox')).data).toMatchObject({
        action: 'call',
        apiName: 'subscribeMessage.send',
      });
    } finally {
      events.close();
    }
  });
});

describe('clear all data', () => {
  it('needs its confirmation, then empties collections, storage and the outbox', async () => {
    await cloud.store.insert('kept', [{ _id: 'k1' }]);
    await cloud.storage.put('kept/file.txt', 'still here');
    const refused = await send('POST', 'clear', {});
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ code: 'CONFIRMATION_REQUIRED' });
    expect(String(refused.body.message)).toContain('"confirm":"clear all data"');
    expect(await cloud.store.count('kept', {})).toBe(1);
    expect((await cloud.storage.list()).length).toBeGreaterThan(0);

    const { status, body } = await send('POST', 'clear', { confirm: 'clear all data' });
    expect(status).toBe(200);
    expect(body).toMatchObject({ ok: true, cleared: { database: expect.any(String), storage: expect.any(String) } });
    expect(await cloud.store.listCollections()).toContain('kept');
    for (const name of await cloud.store.listCollections()) expect(await cloud.store.count(name, {})).toBe(0);
    expect(await cloud.storage.list()).toEqual([]);
    expect(cloud.outbox.list()).toEqual([]);
  });
});

describe('export and import', () => {
  it('round-trips documents (dates stay dates) and files (with their uploader)', async () => {
    await cloud.store.insert('trip', [
      { _id: 't1', at: new Date('2024-01-02T03:04:05.006Z'), n: 1.5, nested: { list: [1, 'two'] } },
      { _id: 't2', text: '你好' },
    ]);
    await cloud.storage.put('trip/photo.png', Buffer.from([1, 2, 3, 255]), { openid: 'dev_alice' });
    const exported = await getJson(api('export'));
    expect(exported.status).toBe(200);
    expect(exported.body).toMatchObject({ format: 'local-cloud-export', version: 1 });
    const services = exported.body.services as Record<string, Record<string, unknown>>;
    expect((services.database.collections as Record<string, unknown[]>).trip).toEqual([
      { _id: 't1', at: { $date: '2024-01-02T03:04:05.006Z' }, n: 1.5, nested: { list: [1, 'two'] } },
      { _id: 't2', text: '你好' },
    ]);

    await send('POST', 'clear', { confirm: 'clear all data' });
    expect(await cloud.store.count('trip', {})).toBe(0);

    const imported = await send('POST', 'import', exported.body);
    expect(imported.status).toBe(200);
    expect(imported.body.imported).toMatchObject({ database: expect.stringContaining('trip 2'), storage: '1 files' });
    expect(await cloud.store.find('trip', {})).toEqual([
      { _id: 't1', at: new Date('2024-01-02T03:04:05.006Z'), n: 1.5, nested: { list: [1, 'two'] } },
      { _id: 't2', text: '你好' },
    ]);
    const [file] = await cloud.storage.list();
    expect(file).toMatchObject({ cloudPath: 'trip/photo.png', uploader: { openid: 'dev_alice' } });
    expect(await cloud.storage.read(file.fileID)).toEqual(Buffer.from([1, 2, 3, 255]));
  });

  it.each([
    ['not an export', { collections: {} }, /not a local cloud export/],
    ['a part nothing takes', { format: 'local-cloud-export', services: { mystery: {} } }, /mystery/],
    [
      'a bad document after a good collection',
      {
        format: 'local-cloud-export',
        services: { database: { collections: { trip: [{ _id: 'new' }], other: [{ at: { $date: 'never' } }] } } },
      },
      /other\[0\]/,
    ],
    [
      'documents the store refuses (a repeated _id)',
      {
        format: 'local-cloud-export',
        services: { database: { collections: { trip: [{ _id: 'new' }], other: [{ _id: 'a' }, { _id: 'a' }] } } },
      },
      /duplicate key error collection: other/,
    ],
    [
      'a bad file path',
      { format: 'local-cloud-export', services: { storage: { files: [{ cloudPath: '../x', base64: '' }] } } },
      /cloudPath/,
    ],
  ])('refuses %s with a 400, changing nothing', async (_label, input, message) => {
    const before = await cloud.store.find('trip', {});
    const { status, body } = await send('POST', 'import', input);
    expect(status).toBe(400);
    expect(String(body.message)).toMatch(message);
    expect(await cloud.store.find('trip', {})).toEqual(before);
  });
});

describe('shutdown', () => {
  it('ends open event streams cleanly, rather than waiting for them and cutting them off', async () => {
    const events = await openEvents(cloud.url);
    await events.next((e) => e.type === 'ready');
    await cloud.close();
    expect(await events.ended).toBe('ended');
  });
});
