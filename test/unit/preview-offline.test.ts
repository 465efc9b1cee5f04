/**
 * The preview needs no internet: Vant Weapp's icon font (at.alicdn.com) is replaced by the one npm's
 * @vant/icons ships, which must draw every Vant Weapp icon at the same code point.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { transformWxml } from '../../preview/build';
import { ICON_FONT_URL, localIconFont, vantIconFont } from '../../preview/offline';

const ROOT = path.join(__dirname, '../..');
const read = (file: string): string => fs.readFileSync(path.join(ROOT, 'node_modules', file), 'utf8');

function codePoints(css: string): Map<string, string> {
  return new Map(
    [...css.matchAll(/\.van-icon-([\w-]+):before\s*\{\s*content:\s*["']\\(\w+)["']/g)].map((m) => [m[1], m[2]]),
  );
}

describe('the preview offline', () => {
  it('@vant/icons draws every Vant Weapp icon at the same code point', () => {
    const weapp = codePoints(read('@vant/weapp/lib/icon/index.wxss'));
    const icons = codePoints(read('@vant/icons/src/common.less'));
    expect(weapp.size).toBeGreaterThan(200);
    expect(weapp.get('plus')).toBe('e6fa');
    for (const [name, point] of weapp) expect([name, icons.get(name)]).toEqual([name, point]);
  });

  it('serves the font itself, a woff2', () => {
    const font = vantIconFont();
    expect(font.subarray(0, 4).toString('latin1')).toBe('wOF2');
    expect(font.length).toBeGreaterThan(20_000);
  });

  it("points Vant's @font-face at it, and no other", () => {
    const vant = read('@vant/weapp/lib/icon/index.wxss');
    expect(vant).toContain('at.alicdn.com');
    const local = localIconFont(`${vant}\n@font-face{font-family:other;src:url(https://x.example/o.woff2)}`);
    expect(local).not.toContain('at.alicdn.com');
    expect(local).toContain(`src:url(${ICON_FONT_URL}) format("woff2")`);
    expect(local).toContain('src:url(https://x.example/o.woff2)');
  });

  it("gives WeChat's aria-role to the browser as role", () => {
    expect(transformWxml('<view aria-role="button" aria-label="关闭" data-aria-role="x">')).toBe(
      '<view role="button" aria-label="关闭" data-aria-role="x">',
    );
  });
});
