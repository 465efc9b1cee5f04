/** Small helpers for driving the preview in the e2e tests. */
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import type { Preview } from '../../../preview/server';

export const SCREENSHOTS = path.join(__dirname, '../../../artifacts/screenshots');

/** A 2x2 red PNG (what a person would pick as an avatar). */
export const TINY_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP4z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==',
  'base64',
);

/** The browser's globals as the tests use them (evaluated in the page, typed here). */
export interface PreviewGlobals {
  __mpPreview?: { log: string[]; user: string };
  getApp(): { globalData: { log: string[] } };
  getCurrentPages(): Array<{ route: string; options: Record<string, string> }>;
  wx: {
    navigateTo(o: { url: string }): Promise<unknown>;
    redirectTo(o: { url: string }): Promise<unknown>;
    switchTab(o: { url: string }): Promise<unknown>;
    reLaunch(o: { url: string }): Promise<unknown>;
    navigateBack(o: { delta: number }): Promise<unknown>;
    requestSubscribeMessage(o: { tmplIds: string[] }): Promise<Record<string, string>>;
    getLocation(o: object): void;
  };
  location: { hash: string };
  document: { querySelector(selector: string): unknown };
}

export const inPage = (): PreviewGlobals => globalThis as unknown as PreviewGlobals;

/** Opens `route` as dev user `user` and waits until the first page has rendered. */
export async function gotoApp(page: Page, preview: Pick<Preview, 'url'>, route: string, user: string): Promise<void> {
  // Through a blank page, so that a URL differing only in its hash still starts the app afresh.
  await page.goto('about:blank');
  await page.goto(`${preview.url}?user=${encodeURIComponent(user)}#${route}`);
  await page.waitForFunction(
    () => (globalThis as unknown as PreviewGlobals).document.querySelector('.pv-page--active') !== null,
  );
}

export const hash = (page: Page): string => new URL(page.url()).hash;

/** The lifecycle calls the preview made, as `App.onShow` / `pages/x/index.onLoad`. */
export async function previewLog(page: Page): Promise<string[]> {
  return page.evaluate(() => (globalThis as unknown as PreviewGlobals).__mpPreview?.log.slice() ?? []);
}
