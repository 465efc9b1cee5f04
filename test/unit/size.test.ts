import { cpSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PackageWalker } from '../../scripts/size';

describe('main package size walk', () => {
  let root: string;

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'size-'));
    cpSync(join(__dirname, '../fixtures/size'), root, { recursive: true });
    // miniprogram_npm is generated (and ignored) in a real project; lay it out as the build does.
    renameSync(join(root, 'npm-packages'), join(root, 'miniprogram_npm'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('counts exactly what app.json reaches, as ignoreUploadUnusedFiles uploads it', () => {
    const entries = new PackageWalker(root).walk();
    expect(entries.map((e) => e.file).sort()).toEqual([
      'app.json',
      'app.ts',
      'components/used/index.js',
      'components/used/index.json',
      'components/used/index.wxml',
      'images/logo.png',
      'miniprogram_npm/kit/badge/index.js',
      'miniprogram_npm/kit/badge/index.json',
      'miniprogram_npm/kit/badge/index.wxml',
      'pages/home/fmt.wxs',
      'pages/home/index.json',
      'pages/home/index.ts',
      'pages/home/index.wxml',
      'pages/home/index.wxss',
      'pages/home/part.wxs',
      'sitemap.json',
      'utils/base.wxss',
      'utils/math.ts',
    ]);
  });

  it('counts TypeScript as the minified JavaScript that ships', () => {
    const entries = new PackageWalker(root).walk();
    const math = entries.find((e) => e.file === 'utils/math.ts');
    // `export const twice = (n: number): number => n * 2;` minus types, minified, as CommonJS.
    expect(math?.bytes).toBeGreaterThan(20);
    expect(math?.bytes).toBeLessThan(160);
  });

  it('fails loudly on a reference to a missing file', () => {
    expect(() => new PackageWalker(join(__dirname, '../fixtures')).walk()).toThrow(
      'app.json is referenced but missing',
    );
  });
});
