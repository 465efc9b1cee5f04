import { requireTransaction, type Change, type DocumentStore } from '../../packages/cloudbase-local/src/database/store';
import { eventually } from '../helpers/eventually';
import { OPEN_TIMEOUT_MS, errorCode, freshName, openMemoryStore } from './helpers/db';

let store: DocumentStore;

beforeAll(async () => {
  store = await openMemoryStore({ transactionTimeoutMs: 60_000 });
}, OPEN_TIMEOUT_MS);

afterAll(() => store?.close());

async function seeded(docs: Array<Record<string, unknown>>): Promise<string> {
  const name = freshName('tx');
  await store.insert(name, docs);
  return name;
}

describe('optimistic transactions', () => {
  test('reads see the transaction’s own writes; others see them only after commit', async () => {
    const name = await seeded([{ _id: 'a', n: 1 }]);
    const tx = await store.startTransaction();
    await tx.insert(name, [{ _id: 'b', n: 2 }]);
    await tx.update(name, { _id: 'a' }, { $inc: { n: 10 } });
    expect(await tx.find(name, {}, { sort: [['n', 1]] })).toEqual([
      { _id: 'b', n: 2 },
      { _id: 'a', n: 11 },
    ]);
    expect(await store.find(name, {})).toEqual([{ _id: 'a', n: 1 }]);
    await tx.commit();
    expect(await store.find(name, {})).toEqual([
      { _id: 'a', n: 11 },
      { _id: 'b', n: 2 },
    ]);
  });

  test('reads see the snapshot of the transaction’s start, not commits made since', async () => {
    const name = await seeded([
      { _id: 'a', n: 1 },
      { _id: 'b', n: 1 },
    ]);
    const tx = await store.startTransaction();
    expect(await tx.find(name, {})).toEqual([
      { _id: 'a', n: 1 },
      { _id: 'b', n: 1 },
    ]);
    await store.update(name, { _id: 'a' }, { $set: { n: 2 } });
    await store.remove(name, { _id: 'b' });
    await store.insert(name, [{ _id: 'c', n: 1 }]);
    const other = await store.startTransaction();
    await other.update(name, { _id: 'a' }, { $set: { n: 3 } });
    await other.commit();
    expect(await tx.find(name, {})).toEqual([
      { _id: 'a', n: 1 },
      { _id: 'b', n: 1 },
    ]);
    expect(await tx.find(name, { n: 1 }, { sort: [['_id', -1]] })).toEqual([
      { _id: 'b', n: 1 },
      { _id: 'a', n: 1 },
    ]);
    await tx.abort();
  });

  test('a transaction that only read a document commits even though the document changed outside', async () => {
    const name = await seeded([
      { _id: 'a', n: 1 },
      { _id: 'b', n: 1 },
    ]);
    const tx = await store.startTransaction();
    expect(await tx.find(name, { _id: 'a' })).toEqual([{ _id: 'a', n: 1 }]);
    await tx.update(name, { _id: 'b' }, { $set: { n: 5 } });
    await store.update(name, { _id: 'a' }, { $set: { n: 2 } });
    await tx.commit();
    expect(await store.find(name, {})).toEqual([
      { _id: 'a', n: 2 },
      { _id: 'b', n: 5 },
    ]);
  });

  test('a write to a document changed since the start fails at once, ends the transaction, applies nothing', async () => {
    const name = await seeded([
      { _id: 'a', n: 0 },
      { _id: 'b', n: 0 },
    ]);
    const tx = await store.startTransaction();
    await tx.update(name, { _id: 'b' }, { $set: { n: 9 } });
    await store.update(name, { _id: 'a' }, { $inc: { n: 1 } });
    expect(await errorCode(tx.update(name, { _id: 'a' }, { $inc: { n: 10 } }))).toBe('DATABASE_TRANSACTION_CONFLICT');
    expect(store.getTransaction(tx.id)).toBeUndefined();
    expect(await errorCode(tx.find(name, {}))).toBe('DATABASE_TRANSACTION_FAIL');
    expect(await store.find(name, {})).toEqual([
      { _id: 'a', n: 1 },
      { _id: 'b', n: 0 },
    ]);
  });

  test('two transactions writing one document: the second writer conflicts at write time', async () => {
    const name = await seeded([{ _id: 'a', n: 0 }]);
    const first = await store.startTransaction();
    const second = await store.startTransaction();
    await first.update(name, { _id: 'a' }, { $inc: { n: 1 } });
    expect(await errorCode(second.update(name, { _id: 'a' }, { $inc: { n: 100 } }))).toBe(
      'DATABASE_TRANSACTION_CONFLICT',
    );
    expect(await errorCode(second.remove(name, { _id: 'a' }))).toBe('DATABASE_TRANSACTION_FAIL');
    await first.commit();
    expect(await store.find(name, {})).toEqual([{ _id: 'a', n: 1 }]);
  });

  test('inserting an _id another open transaction inserted conflicts; one inserted since the snapshot conflicts too', async () => {
    const name = await seeded([{ _id: 'seed' }]);
    const first = await store.startTransaction();
    const second = await store.startTransaction();
    await first.insert(name, [{ _id: 'x' }]);
    expect(await errorCode(second.insert(name, [{ _id: 'x' }]))).toBe('DATABASE_TRANSACTION_CONFLICT');
    const third = await store.startTransaction();
    expect(await third.find(name, { _id: 'seed' })).toEqual([{ _id: 'seed' }]);
    await store.insert(name, [{ _id: 'y' }]);
    expect(await third.find(name, { _id: 'y' })).toEqual([]);
    expect(await errorCode(third.insert(name, [{ _id: 'y' }]))).toBe('DATABASE_TRANSACTION_CONFLICT');
    expect(await errorCode(first.insert(name, [{ _id: 'seed' }]))).toBe('DATABASE_DUPLICATE_WRITE');
    await first.abort();
  });

  test('the snapshot is taken at the first read or write, not at startTransaction', async () => {
    const name = await seeded([{ _id: 'a', n: 0 }]);
    const tx = await store.startTransaction();
    // Written after startTransaction but before the transaction's first operation: visible to it.
    await store.insert(name, [{ _id: 'early' }]);
    await store.update(name, { _id: 'a' }, { $set: { n: 1 } });
    expect(await tx.find(name, {})).toEqual([{ _id: 'a', n: 1 }, { _id: 'early' }]);
    // Written after the first operation: not visible, and writing it conflicts.
    await store.insert(name, [{ _id: 'late' }]);
    await store.update(name, { _id: 'a' }, { $set: { n: 2 } });
    expect(await tx.find(name, {})).toEqual([{ _id: 'a', n: 1 }, { _id: 'early' }]);
    expect(await errorCode(tx.update(name, { _id: 'a' }, { $inc: { n: 1 } }))).toBe('DATABASE_TRANSACTION_CONFLICT');
  });

  test('a first write takes the snapshot too', async () => {
    const name = await seeded([{ _id: 'a', n: 0 }]);
    const tx = await store.startTransaction();
    await store.update(name, { _id: 'a' }, { $set: { n: 1 } });
    expect(await tx.update(name, { _id: 'a' }, { $inc: { n: 1 } })).toEqual({ matched: 1, modified: 1 });
    await store.insert(name, [{ _id: 'late' }]);
    expect(await tx.find(name, {})).toEqual([{ _id: 'a', n: 2 }]);
    await tx.commit();
    expect(await store.find(name, { _id: 'a' })).toEqual([{ _id: 'a', n: 2 }]);
  });

  test('a document deleted and re-inserted meanwhile is a conflict', async () => {
    const name = await seeded([{ _id: 'a', n: 0 }]);
    const tx = await store.startTransaction();
    await tx.find(name, { _id: 'a' });
    await store.remove(name, { _id: 'a' });
    await store.insert(name, [{ _id: 'a', n: 0 }]);
    expect(await errorCode(tx.update(name, { _id: 'a' }, { $inc: { n: 1 } }))).toBe('DATABASE_TRANSACTION_CONFLICT');
  });

  test('documents with custom _id types, inside and outside a transaction', async () => {
    const name = freshName('ids');
    const when = new Date('2026-01-01T00:00:00Z');
    expect(
      await store.insert(name, [
        { _id: 7, v: 'number' },
        { _id: { k: 1 }, v: 'object' },
        { _id: when, v: 'date' },
      ]),
    ).toEqual([7, { k: 1 }, when]);
    const tx = await store.startTransaction();
    expect(await tx.insert(name, [{ _id: 8, v: 'in tx' }])).toEqual([8]);
    expect(await tx.update(name, { _id: 7 }, { $set: { seen: true } })).toEqual({ matched: 1, modified: 1 });
    expect(await errorCode(tx.insert(name, [{ _id: { k: 1 } }]))).toBe('DATABASE_DUPLICATE_WRITE');
    await tx.commit();
    expect(await store.find(name, { _id: { $in: [7, 8] } })).toEqual([
      { _id: 7, v: 'number', seen: true },
      { _id: 8, v: 'in tx' },
    ]);
    expect(await store.find(name, { _id: { k: 1 } })).toEqual([{ _id: { k: 1 }, v: 'object' }]);
    expect(await store.find(name, { _id: when })).toEqual([{ _id: when, v: 'date' }]);
    expect(await errorCode(store.insert(name, [{ _id: 7 }]))).toBe('DATABASE_DUPLICATE_WRITE');
  });

  test('an insert racing a committed insert of the same _id conflicts', async () => {
    const name = await seeded([{ _id: 'seed' }]);
    const tx = await store.startTransaction();
    await tx.insert(name, [{ _id: 'dup', from: 'tx' }]);
    await store.insert(name, [{ _id: 'dup', from: 'outside' }]);
    expect(await errorCode(tx.commit())).toBe('DATABASE_TRANSACTION_CONFLICT');
    expect(await store.find(name, { _id: 'dup' })).toEqual([{ _id: 'dup', from: 'outside' }]);
  });

  test('abort discards the buffered writes and closes the transaction', async () => {
    const name = await seeded([{ _id: 'a', n: 1 }]);
    const tx = await store.startTransaction();
    expect(store.getTransaction(tx.id)).toBe(tx);
    await tx.remove(name, { _id: 'a' });
    expect(await tx.find(name, {})).toEqual([]);
    await tx.abort();
    expect(store.getTransaction(tx.id)).toBeUndefined();
    expect(await errorCode(tx.find(name, {}))).toBe('DATABASE_TRANSACTION_FAIL');
    expect(await errorCode(tx.commit())).toBe('DATABASE_TRANSACTION_FAIL');
    expect(await store.find(name, {})).toEqual([{ _id: 'a', n: 1 }]);
  });

  test('unknown and finished ids are not found', async () => {
    expect(store.getTransaction('no-such-transaction')).toBeUndefined();
    expect(await errorCode(async () => requireTransaction(store, 'no-such-transaction'))).toBe(
      'DATABASE_TRANSACTION_FAIL',
    );
    const tx = await store.startTransaction();
    await tx.commit();
    expect(await errorCode(async () => requireTransaction(store, tx.id))).toBe('DATABASE_TRANSACTION_FAIL');
    expect(await errorCode(tx.commit())).toBe('DATABASE_TRANSACTION_FAIL');
  });

  test('remove, upsert and a new collection commit together, in buffer order on the change feed', async () => {
    const name = await seeded([
      { _id: 'a', n: 1 },
      { _id: 'b', n: 2 },
    ]);
    const created = freshName('txnew');
    const changes: Change[] = [];
    const stop = store.onChange((change) => changes.push(change));
    const tx = await store.startTransaction();
    expect(await errorCode(tx.find(created, {}))).toBe('DATABASE_COLLECTION_NOT_EXIST');
    expect(await tx.remove(name, { n: { $gte: 2 } })).toBe(1);
    expect(await tx.update(name, { _id: 'c' }, { $set: { n: 3 } }, { upsert: true })).toEqual({
      matched: 0,
      modified: 0,
      upsertedId: 'c',
    });
    await tx.insert(created, [{ _id: 'x' }]);
    expect(await tx.find(created, {})).toEqual([{ _id: 'x' }]);
    await tx.commit();
    stop();
    expect(changes).toEqual([
      { collection: name, type: 'remove', id: 'b' },
      { collection: name, type: 'insert', id: 'c', doc: { _id: 'c', n: 3 } },
      { collection: created, type: 'insert', id: 'x', doc: { _id: 'x' } },
    ]);
    expect(await store.find(name, {})).toEqual([
      { _id: 'a', n: 1 },
      { _id: 'c', n: 3 },
    ]);
  });

  test('a failing write inside a transaction buffers nothing', async () => {
    const name = await seeded([
      { _id: 'a', n: 1 },
      { _id: 'b', n: 'text' },
    ]);
    const tx = await store.startTransaction();
    expect(await errorCode(tx.update(name, {}, { $inc: { n: 1 } }))).toBe('INVALID_PARAM');
    expect(await tx.find(name, {})).toEqual([
      { _id: 'a', n: 1 },
      { _id: 'b', n: 'text' },
    ]);
    await tx.abort();
  });

  test(
    'transactions open longer than the timeout are aborted',
    async () => {
      const short = await openMemoryStore({ transactionTimeoutMs: 50 });
      try {
        await short.insert('t', [{ _id: 'a' }]);
        const tx = await short.startTransaction();
        await tx.update('t', { _id: 'a' }, { $set: { late: true } });
        await eventually(() => short.getTransaction(tx.id) === undefined);
        expect(await errorCode(tx.commit())).toBe('DATABASE_TRANSACTION_FAIL');
        expect(await short.find('t', {})).toEqual([{ _id: 'a' }]);
      } finally {
        await short.close();
      }
    },
    OPEN_TIMEOUT_MS,
  );
});

describe('atomic writes', () => {
  test('an insert batch with a duplicate writes nothing', async () => {
    const name = await seeded([{ _id: 'taken' }]);
    expect(await errorCode(store.insert(name, [{ _id: 'new1' }, { _id: 'taken' }, { _id: 'new2' }]))).toBe(
      'DATABASE_DUPLICATE_WRITE',
    );
    expect(await errorCode(store.insert(name, [{ _id: 'twice' }, { _id: 'twice' }]))).toBe('DATABASE_DUPLICATE_WRITE');
    expect(await store.find(name, {})).toEqual([{ _id: 'taken' }]);
  });

  test('a multi update failing on one document modifies none', async () => {
    const name = await seeded([
      { _id: 'a', n: 1 },
      { _id: 'b', n: 'text' },
      { _id: 'c', n: 3 },
    ]);
    expect(await errorCode(store.update(name, {}, { $inc: { n: 1 } }))).toBe('INVALID_PARAM');
    expect(await store.find(name, {})).toEqual([
      { _id: 'a', n: 1 },
      { _id: 'b', n: 'text' },
      { _id: 'c', n: 3 },
    ]);
  });

  test('concurrent read-modify-write updates are not lost', async () => {
    const name = await seeded([{ _id: 'counter', n: 0, log: [] }]);
    await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        store.update(name, { _id: 'counter' }, { $inc: { n: 1 }, $push: { log: i } }),
      ),
    );
    const [doc] = await store.find(name, {});
    expect(doc.n).toBe(25);
    expect([...(doc.log as number[])].sort((x, y) => x - y)).toEqual(Array.from({ length: 25 }, (_, i) => i));
  });
});

describe('change feed', () => {
  test('listeners get every committed change in commit order, and can unsubscribe', async () => {
    const name = freshName('feed');
    const seen: Change[] = [];
    const stop = store.onChange((change) => {
      if (change.collection === name) seen.push(change);
    });
    const broken = store.onChange(() => {
      throw new Error('a broken listener');
    });
    const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      await Promise.all([
        store.insert(name, [{ _id: 'a', n: 1 }]),
        store.insert(name, [{ _id: 'b', n: 1 }]),
        store.update(name, { _id: 'a' }, { $set: { n: 2 } }),
        store.update(name, { _id: 'b' }, { n: 9 }, { replace: true }),
        store.remove(name, { _id: 'a' }),
      ]);
      await store.update(name, { _id: 'b' }, { $set: { n: 9 } });
      expect(await errorCode(store.insert(name, [{ _id: 'b' }]))).toBe('DATABASE_DUPLICATE_WRITE');
    } finally {
      broken();
      errors.mockRestore();
    }
    stop();
    await store.insert(name, [{ _id: 'after' }]);
    expect(seen).toEqual([
      { collection: name, type: 'insert', id: 'a', doc: { _id: 'a', n: 1 } },
      { collection: name, type: 'insert', id: 'b', doc: { _id: 'b', n: 1 } },
      { collection: name, type: 'update', id: 'a', doc: { _id: 'a', n: 2 } },
      { collection: name, type: 'replace', id: 'b', doc: { _id: 'b', n: 9 } },
      { collection: name, type: 'remove', id: 'a' },
    ]);
  });
});

describe('export and import', () => {
  test('round trip keeps dates, regexes, nesting and field order; import replaces contents', async () => {
    const name = freshName('export');
    const docs = [
      { _id: 'a', when: new Date('2026-03-04T05:06:07.089Z'), list: [new Date(0), { deep: [1.5, null] }], re: /x+/gm },
      { _id: 'b', z: 1, a: { y: true, b: 'str' }, n: -42, big: 1e300, tiny: 5e-324, inf: Infinity },
    ];
    await store.insert(name, docs);
    const exported = await store.exportAll();
    expect(exported[name]).toEqual(docs);
    expect(exported[name][0].when).toBeInstanceOf(Date);
    expect(Object.keys(exported[name][1])).toEqual(['_id', 'z', 'a', 'n', 'big', 'tiny', 'inf']);

    const target = freshName('import');
    await store.insert(target, [{ _id: 'old' }]);
    await store.importAll({ [target]: exported[name] });
    expect(await store.find(target, {})).toEqual(docs);
    expect(await store.find(target, { when: { $gt: new Date('2026-01-01') } })).toEqual([docs[0]]);
  });

  test('export lists empty collections', async () => {
    const name = freshName('emptyexport');
    await store.createCollection(name);
    expect((await store.exportAll())[name]).toEqual([]);
  });
});
