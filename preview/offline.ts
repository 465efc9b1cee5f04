/**
 * What Vant Weapp loads from the internet, served from this machine instead: its icon font comes
 * from at.alicdn.com, which the preview cannot rely on. npm's @vant/icons ships the same font
 * (family `vant-icon`, every code point equal: test/unit/preview-offline.test.ts) as a base64 woff2.
 */
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';

/** Where the preview server answers with the font. */
export const ICON_FONT_URL = '/__preview/fonts/vant-icon.woff2';

const ICONS_LESS = path.join(
  path.dirname(createRequire(__filename).resolve('@vant/icons/package.json')),
  'src',
  'encode-woff2.less',
);

/** The woff2 bytes inside @vant/icons' stylesheet. */
export function vantIconFont(): Buffer {
  const less = fs.readFileSync(ICONS_LESS, 'utf8');
  const match = /url\(['"]?data:font\/woff2;charset=utf-8;base64,([A-Za-z0-9+/=]+)['"]?\)/.exec(less);
  if (!match) throw new Error(`${ICONS_LESS} no longer holds a base64 woff2`);
  return Buffer.from(match[1], 'base64');
}

/** CSS with every `vant-icon` @font-face pointed at the local font. */
export function localIconFont(css: string): string {
  return css.replace(/@font-face\s*\{[^}]*\}/g, (face) =>
    /font-family:\s*["']?vant-icon["']?/.test(face)
      ? face.replace(/src:[^;}]*/, `src:url(${ICON_FONT_URL}) format("woff2")`)
      : face,
  );
}
