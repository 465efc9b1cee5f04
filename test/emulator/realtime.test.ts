/**
 * watch() over the local cloud's WebSocket, driven by the real @cloudbase/realtime 3.3.3 client:
 * its auth.wsWebSign request is answered by /web with this server's socket URL, and every event
 * it turns into a snapshot came from a committed write.
 */
import * as path from 'node:path';
import type { LocalCloud } from '../../emulator';
import { startTestCloud } from '../fixtures/emulator/harness';
import { waitFor } from './helpers/db';
import { quietClientLogs, realtimeClient, record, type Recording } from './helpers/realtime';

jest.setTimeout(60_000);

const DATABASE = path.join(__dirname, '../fixtures/emulator/database');
const ALICE = 'dev_alice';
const BOB = 'dev_bob';

let cloud: LocalCloud;
const open: Recording[] = [];

beforeAll(async () => {
  cloud = await startTestCloud({ databaseDir: DATABASE, functionsPrewarm: false });
}, 120_000);

beforeEach(() => quietClientLogs());

afterEach(async () => {
  for (const recording of open.splice(0)) recording.close();
  await waitFor(() => cloud.realtime.stats().watches === 0);
  await cloud.store.remove('messages', {});
  jest.restoreAllMocks();
});

afterAll(async () => {
  await cloud?.close();
});

function watch(openid: string, options: Parameters<typeof record>[1]): Recording {
  const recording = record(realtimeClient(cloud, openid), options);
  open.push(recording);
  return recording;
}

const mine = (conversationId: string): string => JSON.stringify({ _openid: '{openid}', conversationId });

describe('init', () => {
  it('sends the matching documents of the caller as the first snapshot, in order, typed init', async () => {
    await cloud.store.insert('messages', [
      { _id: 'm2', _openid: ALICE, conversationId: 'c1', text: 'second', createdAt: new Date(2000) },
      { _id: 'm1', _openid: ALICE, conversationId: 'c1', text: 'first', createdAt: new Date(1000) },
      { _id: 'b1', _openid: BOB, conversationId: 'c1', text: 'not yours', createdAt: new Date(1500) },
      { _id: 'm3', _openid: ALICE, conversationId: 'c2', text: 'other chat', createdAt: new Date(1200) },
    ]);
    const feed = watch(ALICE, { collectionName: 'messages', query: mine('c1'), orderBy: { createdAt: 'asc' } });

    await waitFor(() => feed.snapshots.length === 1);
    const [init] = feed.snapshots;
    expect(init.docs.map((doc) => doc.text)).toEqual(['first', 'second']);
    expect(init.docChanges.map((change) => [change.dataType, change.queueType, change.docId])).toEqual([
      ['init', 'init', 'm1'],
      ['init', 'init', 'm2'],
    ]);
    // Dates travel as the client protocol writes them.
    expect(init.docs[0].createdAt).toEqual({ $date: 1000 });
    expect(feed.errors).toEqual([]);
  });

  it('an empty result still gives one init snapshot', async () => {
    const feed = watch(ALICE, { collectionName: 'messages', query: mine('none') });
    await waitFor(() => feed.snapshots.length === 1);
    expect(feed.snapshots[0]).toMatchObject({ type: 'init', docs: [], docChanges: [] });
  });
});

describe('changes', () => {
  it('add, update, replace and remove arrive as consecutive events with the documented types', async () => {
    const feed = watch(ALICE, { collectionName: 'messages', query: mine('c1'), orderBy: { createdAt: 'asc' } });
    await waitFor(() => feed.snapshots.length === 1);

    await cloud.store.insert('messages', [{ _id: 'r1', _openid: ALICE, conversationId: 'c1', text: 'h', n: 1 }]);
    await waitFor(() => feed.snapshots.length === 2);
    await cloud.store.update(
      'messages',
      { _id: 'r1' },
      { $set: { text: 'hello', 'meta.done': true }, $unset: { n: '' } },
    );
    await waitFor(() => feed.snapshots.length === 3);
    await cloud.store.update(
      'messages',
      { _id: 'r1' },
      { _openid: ALICE, conversationId: 'c1', text: 'new' },
      { replace: true },
    );
    await waitFor(() => feed.snapshots.length === 4);
    await cloud.store.remove('messages', { _id: 'r1' });
    await waitFor(() => feed.snapshots.length === 5);

    const [init, added, updated, replaced, removed] = feed.snapshots;
    expect([added.id, updated.id, replaced.id, removed.id]).toEqual([
      init.id + 1,
      init.id + 2,
      init.id + 3,
      init.id + 4,
    ]);
    expect(added.docChanges).toEqual([
      expect.objectContaining({
        dataType: 'add',
        queueType: 'enqueue',
        docId: 'r1',
        doc: expect.objectContaining({ text: 'h' }),
      }),
    ]);
    expect(updated.docChanges).toEqual([
      expect.objectContaining({
        dataType: 'update',
        queueType: 'update',
        docId: 'r1',
        updatedFields: { text: 'hello', meta: { done: true } },
        removedFields: ['n'],
      }),
    ]);
    // The client rebuilt the document from the updated and removed fields.
    expect(updated.docs).toEqual([
      { _id: 'r1', _openid: ALICE, conversationId: 'c1', text: 'hello', meta: { done: true } },
    ]);
    expect(replaced.docChanges[0]).toMatchObject({ dataType: 'replace', queueType: 'update' });
    expect(replaced.docs).toEqual([{ _id: 'r1', _openid: ALICE, conversationId: 'c1', text: 'new' }]);
    expect(removed.docChanges[0]).toMatchObject({ dataType: 'remove', queueType: 'dequeue', docId: 'r1' });
    expect(removed.docs).toEqual([]);
  });

  it("another user's writes and other conversations never reach the watch", async () => {
    const feed = watch(ALICE, { collectionName: 'messages', query: mine('c1') });
    await waitFor(() => feed.snapshots.length === 1);
    await cloud.store.insert('messages', [
      { _id: 'x1', _openid: BOB, conversationId: 'c1', text: 'bob' },
      { _id: 'x2', _openid: ALICE, conversationId: 'c9', text: 'elsewhere' },
    ]);
    await cloud.store.insert('messages', [{ _id: 'x3', _openid: ALICE, conversationId: 'c1', text: 'mine' }]);
    await waitFor(() => feed.snapshots.length === 2);
    expect(feed.last('text')).toEqual(['mine']);
    expect(feed.snapshots[1].id).toBe(feed.snapshots[0].id + 1);
  });

  it('an update that makes a document match enqueues it; one that unmatches it dequeues it', async () => {
    await cloud.store.insert('messages', [{ _id: 'u1', _openid: ALICE, conversationId: 'c0', text: 'moving' }]);
    const feed = watch(ALICE, { collectionName: 'messages', query: mine('c1') });
    await waitFor(() => feed.snapshots.length === 1);
    await cloud.store.update('messages', { _id: 'u1' }, { $set: { conversationId: 'c1' } });
    await waitFor(() => feed.snapshots.length === 2);
    await cloud.store.update('messages', { _id: 'u1' }, { $set: { conversationId: 'c2' } });
    await waitFor(() => feed.snapshots.length === 3);
    expect(feed.snapshots[1].docChanges[0]).toMatchObject({ dataType: 'update', queueType: 'enqueue', docId: 'u1' });
    expect(feed.snapshots[2].docChanges[0]).toMatchObject({ dataType: 'update', queueType: 'dequeue', docId: 'u1' });
    expect(feed.snapshots[2].docChanges[0].doc).toMatchObject({ conversationId: 'c2' });
    expect(feed.snapshots[2].docs).toEqual([]);
  });
});
