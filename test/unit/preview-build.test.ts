import { cpSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildPreview, transformWxs } from '../../preview/build';
import { pageRoutes } from '../../preview/runtime/pages';
import { convertUnits, inlineImports, scopeSelectors } from '../../preview/wxss';

describe('WXSS for the browser preview', () => {
  it('turns rpx, vh and vw into the phone frame units, leaving strings and urls alone', () => {
    expect(convertUnits('a{margin:-10rpx 1.5rpx;height:100vh;content:"2rpx";background:url(x-3rpx.png)}')).toBe(
      'a{margin:calc(-10 * var(--rpx)) calc(1.5 * var(--rpx));height:calc(100 * var(--vh));content:"2rpx";background:url(x-3rpx.png)}',
    );
  });

  it('prefixes class selectors of an isolated component, not declarations or keyframes', () => {
    const css =
      ':host{display:block}.a .b:not(.c)>view{transition:all .3s}@media (min-width:1px){.d{x:1}}@keyframes k{0%{opacity:.5}}';
    expect(scopeSelectors(css, 'c7')).toBe(
      '[wx-host="c7"]{display:block}.c7--a .c7--b:not(.c7--c)>view{transition:all .3s}@media (min-width:1px){.c7--d{x:1}}@keyframes k{0%{opacity:.5}}',
    );
  });

  it('inlines @import once, relative to the importing file', () => {
    const files: Record<string, string> = { '/mp/common/index.wxss': '.base{}', '/mp/a/index.wxss': '' };
    const read = (file: string): string | undefined => files[file];
    expect(
      inlineImports(
        '@import \'../common/index.wxss\';@import "/common/index.wxss";.a{}',
        '/mp/a/index.wxss',
        '/mp',
        read,
      ),
    ).toBe('.base{}.a{}');
  });
});

describe('WXS for glass-easel', () => {
  it('keeps WXS string escapes, drops .wxs from requires and makes constructor a type name', () => {
    expect(
      transformWxs("var r = getRegExp('^\\d+$'); var u = require('./add-unit.wxs'); x.y[0].constructor === 'Array'"),
    ).toBe("var r = getRegExp('^\\\\d+$'); var u = require('./add-unit'); __wxsType(x.y[0]) === 'Array'");
  });
});

describe('subpackages in the preview', () => {
  it('lists the pages of every package, under their roots', () => {
    expect(
      pageRoutes({
        pages: ['pages/a/index'],
        subPackages: [{ root: 'sub/', pages: ['b/index'] }],
        subpackages: [{ root: 'more', pages: ['c/index'] }],
      }),
    ).toEqual(['pages/a/index', 'sub/b/index', 'more/c/index']);
  });

  it('builds a subpackage component used with a componentPlaceholder as the component itself', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'preview-build-'));
    try {
      const root = join(dir, 'miniprogram');
      cpSync(join(__dirname, '../fixtures/size'), root, { recursive: true });
      renameSync(join(root, 'npm-packages'), join(root, 'miniprogram_npm'));

      const result = await buildPreview({ root, outDir: join(dir, 'out'), force: true, warn: () => undefined });

      expect(result.warnings).toEqual([]);
      expect(result.components).toEqual(
        expect.arrayContaining(['pages/home/index', 'sub/card/index', 'miniprogram_npm/kit/badge/index']),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
