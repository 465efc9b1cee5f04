import { Pool } from 'pg';
import { openStore, type DocumentStore } from '../../packages/cloudbase-local/src/database/store';
import { defineConformanceSuite } from './helpers/conformance';
import { OPEN_TIMEOUT_MS, errorCode } from './helpers/db';
import { definePushdownAgreement, definePushdownPlans } from './helpers/pushdown';

const databaseUrl = process.env.TEST_DATABASE_URL;
// Each run gets its own schema, dropped afterwards, so runs can share one server.
const schema = `store_test_${process.pid}_${Date.now()}`;

if (!databaseUrl) {
  describe('document store on PostgreSQL', () => {
    test.skip('skipped: set TEST_DATABASE_URL=postgres://... to run the suite against a PostgreSQL server', () => {});
  });
} else {
  const open = () => openStore({ databaseUrl, schema });

  afterAll(async () => {
    const pool = new Pool({ connectionString: databaseUrl });
    await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await pool.end();
  });

  defineConformanceSuite('PostgreSQL server', open);
  definePushdownAgreement('PostgreSQL server', open);
  definePushdownPlans('PostgreSQL server', open);

  describe('PostgreSQL concurrency', () => {
    let a: DocumentStore;
    let b: DocumentStore;
    beforeAll(async () => {
      [a, b] = await Promise.all([open(), open()]);
    }, OPEN_TIMEOUT_MS);
    afterAll(async () => {
      await a?.close();
      await b?.close();
    });

    test('two stores updating one document through separate connections lose no update', async () => {
      await a.insert('counters', [{ _id: 'n', n: 0 }]);
      await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).update('counters', { _id: 'n' }, { $inc: { n: 1 } })),
      );
      expect(await a.find('counters', {})).toEqual([{ _id: 'n', n: 20 }]);
    });

    test('a transaction conflicts with a commit made by another store', async () => {
      await a.insert('accounts', [{ _id: 'x', balance: 10 }]);
      const tx = await a.startTransaction();
      await tx.update('accounts', { _id: 'x' }, { $inc: { balance: -5 } });
      await b.update('accounts', { _id: 'x' }, { $inc: { balance: 100 } });
      expect(await errorCode(tx.commit())).toBe('DATABASE_TRANSACTION_CONFLICT');
      expect(await a.find('accounts', {})).toEqual([{ _id: 'x', balance: 110 }]);
    });
  });
}
