/**
 * Draws the tab bar icons: one SVG per tab and state below, coloured with theme.json's tab colours
 * for light and dark, rasterised at 81 x 81 (WeChat's recommended size) by headless Chromium and
 * written as palette PNGs (a third of Chromium's own RGBA files) into miniprogram/images/tab/.
 * theme.json names them, so app.json's tabBar follows the system theme. Run `npm run icons` after
 * changing a drawing or a tab colour; the PNGs are committed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { deflateSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { findChromium, LAUNCH_ARGS } from '../test/e2e/helpers/browser';

const ROOT = path.join(__dirname, '..', 'miniprogram');
const OUT_DIR = path.join(ROOT, 'images', 'tab');
const SIZE = 81;

type Theme = 'light' | 'dark';
type Palette = { tabColor: string; tabSelectedColor: string; tabBgColor: string };

/** 24 x 24 drawings; `c` is the icon's colour, `bg` the tab bar's (for cut-outs in filled icons). */
const DRAWINGS: Record<string, { idle(c: string): string; active(c: string, bg: string): string }> = {
  // The four quadrants.
  todos: {
    idle: (c) =>
      `<g fill="none" stroke="${c}" stroke-width="1.8">` +
      [3.5, 13.5]
        .flatMap((x) => [3.5, 13.5].map((y) => `<rect x="${x}" y="${y}" width="7" height="7" rx="2"/>`))
        .join('') +
      '</g>',
    active: (c) =>
      `<g fill="${c}">` +
      [2.6, 12.6]
        .flatMap((x) => [2.6, 12.6].map((y) => `<rect x="${x}" y="${y}" width="8.8" height="8.8" rx="2.4"/>`))
        .join('') +
      '</g>',
  },
  // A speech bubble with three dots: the assistant.
  chat: {
    idle: (c) =>
      `<path d="M6 4h12a3 3 0 0 1 3 3v8a3 3 0 0 1-3 3h-6l-4.6 3.4c-.4.3-.9 0-.9-.4V18H6a3 3 0 0 1-3-3V7a3 3 0 0 1 3-3z" fill="none" stroke="${c}" stroke-width="1.8" stroke-linejoin="round"/>` +
      [8, 12, 16].map((x) => `<circle cx="${x}" cy="11" r="1.3" fill="${c}"/>`).join(''),
    active: (c, bg) =>
      `<path d="M6 3.2h12a3.8 3.8 0 0 1 3.8 3.8v8a3.8 3.8 0 0 1-3.8 3.8h-5.7l-4.9 3.6c-.7.5-1.6 0-1.6-.8v-2.8H6A3.8 3.8 0 0 1 2.2 15V7A3.8 3.8 0 0 1 6 3.2z" fill="${c}"/>` +
      [8, 12, 16].map((x) => `<circle cx="${x}" cy="11" r="1.4" fill="${bg}"/>`).join(''),
  },
  // A person.
  me: {
    idle: (c) =>
      `<g fill="none" stroke="${c}" stroke-width="1.8" stroke-linecap="round">` +
      '<circle cx="12" cy="8" r="4"/><path d="M4.5 20.5c.6-3.8 3.7-6.3 7.5-6.3s6.9 2.5 7.5 6.3"/></g>',
    active: (c) =>
      `<g fill="${c}"><circle cx="12" cy="7.8" r="4.8"/>` +
      '<path d="M3.6 20.2c.7-4.3 4.1-7.2 8.4-7.2s7.7 2.9 8.4 7.2a1 1 0 0 1-1 1.2H4.6a1 1 0 0 1-1-1.2z"/></g>',
  },
};

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** RGBA pixels as an 8-bit palette PNG with per-entry alpha (PLTE + tRNS); icons use few colours. */
export function encodePalettePng(rgba: Uint8Array, width: number, height: number): Buffer {
  const palette: number[] = [];
  const index = new Map<number, number>();
  const rows = Buffer.alloc((width + 1) * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      // Fully transparent pixels are all one entry, whatever colour Chromium left in them.
      const key =
        rgba[i + 3] === 0 ? 0 : ((rgba[i] << 24) | (rgba[i + 1] << 16) | (rgba[i + 2] << 8) | rgba[i + 3]) >>> 0;
      let entry = index.get(key);
      if (entry === undefined) {
        entry = palette.length;
        if (entry > 255) throw new Error('more than 256 colours: not an icon this encoder can write');
        index.set(key, entry);
        palette.push(key);
      }
      rows[y * (width + 1) + 1 + x] = entry;
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 3, 0, 0, 0], 8);
  const plte = Buffer.from(palette.flatMap((k) => [k >>> 24, (k >>> 16) & 0xff, (k >>> 8) & 0xff]));
  const trns = Buffer.from(palette.map((k) => k & 0xff));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('PLTE', plte),
    chunk('tRNS', trns),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

export const iconFile = (tab: string, active: boolean, theme: Theme): string =>
  `images/tab/${tab}${active ? '-active' : ''}-${theme}.png`;

/** The theme.json variable naming a tab's icon, e.g. `tabTodosActiveIcon`. */
export const iconVariable = (tab: string, active: boolean): string =>
  `tab${tab[0].toUpperCase()}${tab.slice(1)}${active ? 'Active' : ''}Icon`;

async function main(): Promise<void> {
  const theme = JSON.parse(fs.readFileSync(path.join(ROOT, 'theme.json'), 'utf8')) as Record<Theme, Palette>;
  fs.mkdirSync(OUT_DIR, { recursive: true });
  const browser = await chromium.launch({ executablePath: findChromium(), args: LAUNCH_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: SIZE, height: SIZE }, deviceScaleFactor: 1 });
    await page.setContent('<html><body style="margin:0"><canvas width="81" height="81"></canvas></body></html>');
    for (const [tab, drawing] of Object.entries(DRAWINGS)) {
      for (const mode of ['light', 'dark'] as const) {
        const palette = theme[mode];
        for (const active of [false, true]) {
          const body = active
            ? drawing.active(palette.tabSelectedColor, palette.tabBgColor)
            : drawing.idle(palette.tabColor);
          const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="${SIZE}" height="${SIZE}">${body}</svg>`;
          // Drawn on a canvas, so the exact pixels (alpha included) come back to be encoded here.
          // A string, as it runs in the page (with the DOM), not in this Node program.
          const pixels = (await page.evaluate(`(async () => {
            const image = new Image();
            image.src = 'data:image/svg+xml;base64,' + btoa(${JSON.stringify(svg)});
            await image.decode();
            const canvas = document.querySelector('canvas');
            const context = canvas.getContext('2d');
            context.clearRect(0, 0, canvas.width, canvas.height);
            context.drawImage(image, 0, 0, canvas.width, canvas.height);
            return Array.from(context.getImageData(0, 0, canvas.width, canvas.height).data);
          })()`)) as number[];
          const file = path.join(ROOT, iconFile(tab, active, mode));
          fs.writeFileSync(file, encodePalettePng(Uint8Array.from(pixels), SIZE, SIZE));
          console.log(`${path.relative(ROOT, file)}  ${fs.statSync(file).size} bytes`);
        }
      }
    }
  } finally {
    await browser.close();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
