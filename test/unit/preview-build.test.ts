import { transformWxs } from '../../preview/build';
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
