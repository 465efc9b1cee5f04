/**
 * The client database in the preview, run by preview.test.ts in the same browser: a page's
 * `wx.cloud.database()` watch sees the todo a cloud function writes when the person adds one,
 * and get/add/remove obey the collection's security rules.
 */
import type { Page } from 'playwright-core';
import type { LocalCloud } from 'cloudbase-local';
import type { Preview } from '../../preview/server';
import type { Browser } from './helpers/browser';
import { gotoApp } from './helpers/app';

type Doc = Record<string, unknown>;

/** What the scenario uses of `wx.cloud.database()` in the page (typed here, run there). */
interface Query {
  where(condition: Doc): Query;
  get(): Promise<{ data: Doc[]; errMsg: string }>;
  watch(options: { onChange(snapshot: Snapshot): void; onError(error: unknown): void }): { close(): Promise<void> };
}
interface Snapshot {
  id: number;
  type?: string;
  docs: Doc[];
  docChanges: Array<{ dataType: string; queueType: string; doc: Doc }>;
}
interface Globals {
  wx: {
    cloud: {
      database(): {
        collection(name: string): Query & {
          add(o: { data: Doc }): Promise<{ _id: string; errMsg: string }>;
          doc(id: string): { remove(): Promise<{ stats: { removed: number }; errMsg: string }> };
        };
      };
    };
  };
  __watched?: { snapshots: Snapshot[]; errors: unknown[]; close(): Promise<void> };
}

export function databaseScenarios(ctx: () => { browser: Browser; cloud: LocalCloud; preview: Preview }): void {
  describe('the client database in the preview', () => {
    const user = 'e2e_watcher';
    let page: Page;

    beforeAll(async () => {
      page = await ctx().browser.context.newPage();
      await gotoApp(page, ctx().preview, '/pages/todos/index', user);
      await page.getByText('这里还没有待办').waitFor();
    });
    afterAll(() => page.close());

    it("a page's watch() sees the todo the todo function writes", async () => {
      await page.evaluate(() => {
        const g = globalThis as unknown as Globals;
        const snapshots: Snapshot[] = [];
        const errors: unknown[] = [];
        const watcher = g.wx.cloud
          .database()
          .collection('todos')
          .where({ _openid: '{openid}' })
          .watch({ onChange: (s) => snapshots.push(s), onError: (e) => errors.push(e) });
        g.__watched = { snapshots, errors, close: () => watcher.close() };
      });
      await page.waitForFunction(() => ((globalThis as unknown as Globals).__watched?.snapshots.length ?? 0) > 0);

      const field = page.locator('.todos__add input');
      await field.fill('看实时推送');
      await field.press('Enter');
      const added = await page.waitForFunction(() => {
        const watched = (globalThis as unknown as Globals).__watched;
        const last = watched?.snapshots[watched.snapshots.length - 1];
        return last?.docChanges.some((change) => change.doc?.title === '看实时推送') ? last : undefined;
      });
      const snapshot = (await added.jsonValue()) as Snapshot;
      expect(snapshot.docChanges[0]).toMatchObject({ dataType: 'add', queueType: 'enqueue' });
      expect(snapshot.docs.map((doc) => doc.title)).toEqual(['看实时推送']);
      const first = await page.evaluate(() => (globalThis as unknown as Globals).__watched?.snapshots[0]);
      expect(first).toMatchObject({ type: 'init', docs: [], docChanges: [] });
      expect(await page.evaluate(() => (globalThis as unknown as Globals).__watched?.errors.length)).toBe(0);
      await page.evaluate(() => (globalThis as unknown as Globals).__watched?.close());
    });

    it('get() and add() follow the rules: own documents only, _openid set by the database', async () => {
      const outcome = await page.evaluate(async () => {
        const todos = (globalThis as unknown as Globals).wx.cloud.database().collection('todos');
        const mine = await todos.where({ _openid: '{openid}' }).get();
        const refused = await todos.get().then(
          () => 'allowed',
          (error: { errCode?: number; errMsg?: string }) => `${error.errCode} ${error.errMsg}`,
        );
        const added = await todos.add({ data: { title: 'from the client' } });
        return { titles: mine.data.map((doc) => doc.title), errMsg: mine.errMsg, refused, added };
      });
      expect(outcome.titles).toEqual(['看实时推送']);
      expect(outcome.errMsg).toBe('collection.get:ok');
      expect(outcome.refused).toMatch(/^-502003 collection\.get:fail -502003 DATABASE_PERMISSION_DENIED/);
      expect(outcome.added.errMsg).toBe('collection.add:ok');
      const [stored] = await ctx().cloud.store.find('todos', { _id: outcome.added._id });
      expect(stored).toEqual({ _id: outcome.added._id, _openid: user, title: 'from the client' });

      const removed = await page.evaluate(
        (id) => (globalThis as unknown as Globals).wx.cloud.database().collection('todos').doc(id).remove(),
        outcome.added._id,
      );
      expect(removed).toEqual({ stats: { removed: 1 }, errMsg: 'document.remove:ok' });
      expect(await ctx().cloud.store.count('todos', { _id: outcome.added._id })).toBe(0);
    });
  });
}
