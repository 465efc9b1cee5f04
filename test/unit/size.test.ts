import {
  MAIN_BUDGET_BYTES,
  missingModules,
  packageSizes,
  placeholderProblems,
  sizeProblems,
} from '../../scripts/wechat/package';

const KB = 1024;
const LIMIT = 2048 * KB;

describe('package sizes of a compiled result', () => {
  it('counts each subpackage under its root and everything else in the main package, part by part', () => {
    const files = {
      'app.js': 'a'.repeat(10),
      'pages/x.wxml': Buffer.alloc(5),
      'i18n/zh.js': '待办', // 6 bytes of UTF-8, not 2 characters
      '@babel/runtime/helpers/typeof.js': 'ttt',
      'miniprogram_npm/@vant/weapp/button/index.js': 'b'.repeat(7),
      'pkg/a/b.js': 'bb',
      'pkg/miniprogram_npm/@vant/weapp/switch/index.wxss': 'sss',
      'pkgs/c.js': 'c',
    };
    const sizes = packageSizes(files, { subPackages: [{ root: 'pkg' }] });
    expect(sizes).toEqual([
      {
        name: '__APP__',
        bytes: 32,
        files: 6,
        parts: [
          { part: 'js', bytes: 11, files: 2 },
          { part: 'Vant', bytes: 7, files: 1 },
          { part: 'catalogues', bytes: 6, files: 1 },
          { part: 'wxml', bytes: 5, files: 1 },
          { part: 'babel helpers', bytes: 3, files: 1 },
        ],
      },
      {
        name: 'pkg/',
        bytes: 5,
        files: 2,
        parts: [
          { part: 'Vant', bytes: 3, files: 1 },
          { part: 'js', bytes: 2, files: 1 },
        ],
      },
    ]);
  });

  it('reads app.json written either way (subpackages, subPackages)', () => {
    const files = { 'a/x.js': 'x', 'b/y.js': 'yy' };
    expect(packageSizes(files, { subpackages: [{ root: 'a/' }] }).map((s) => s.name)).toEqual(['__APP__', 'a/']);
    expect(packageSizes(files, {}).map((s) => [s.name, s.bytes])).toEqual([['__APP__', 3]]);
  });
});

describe('the size gate', () => {
  const main = (bytes: number) => ({ name: '__APP__', bytes, files: 1, parts: [] });
  const sub = (bytes: number) => ({ name: 'pkg/', bytes, files: 1, parts: [] });

  it('passes the main package at its budget and fails it one byte past', () => {
    expect(MAIN_BUDGET_BYTES).toBe(220 * KB);
    expect(sizeProblems([main(MAIN_BUDGET_BYTES)], LIMIT)).toEqual([]);
    expect(sizeProblems([main(MAIN_BUDGET_BYTES + 1)], LIMIT)).toEqual([
      'main package 220.0 KB is over its 220.0 KB budget',
    ]);
  });

  it("holds subpackages to WeChat's limit only, and names every package over", () => {
    expect(sizeProblems([main(100 * KB), sub(1500 * KB)], LIMIT)).toEqual([]);
    expect(sizeProblems([main(LIMIT + KB), sub(LIMIT + 1)], LIMIT)).toEqual([
      "main package 2049.0 KB is over WeChat's 2048.0 KB limit",
      "subpackage pkg/ 2048.0 KB is over WeChat's 2048.0 KB limit",
    ]);
  });
});

describe('requires an upload cannot satisfy', () => {
  it('names a module reached through its folder, which WeChat neither resolves nor uploads', () => {
    const files = {
      'pages/a/index.js': 'var i=require("../../i18n"),h=require("../../@babel/runtime/helpers/typeof");',
      'pages/a/rows.js': 'require("./index");require("../../i18n/index.js")',
      'i18n/index.js': '',
      '@babel/runtime/helpers/typeof.js': 'module.exports=require("./missing")',
      'pages/a/index.wxml': 'require("./nothing")',
      'sub/b/format.wxs': 'var a=require("../../utils/i18n.wxs");var b=require("../utils/i18n.wxs")',
      'utils/i18n.wxs': '',
    };
    expect(missingModules(files)).toEqual([
      'pages/a/index.js -> ../../i18n',
      '@babel/runtime/helpers/typeof.js -> ./missing',
      'sub/b/format.wxs -> ../utils/i18n.wxs',
    ]);
  });
});

describe('components from another subpackage', () => {
  const app = { subPackages: [{ root: 'chat' }, { root: 'todos' }] };
  const json = (value: unknown) => JSON.stringify(value);

  it('need a placeholder WeChat can render at once: a built-in, or a component of the main package or their own', () => {
    const files = {
      'pages/chat/index.json': json({
        usingComponents: {
          reply: '/chat/reply/index',
          card: '/chat/card/index',
          simple: '../../components/simple/index',
          editor: '/todos/editor/index',
          badge: '../../miniprogram_npm/kit/badge/index',
        },
        componentPlaceholder: { reply: 'view', card: 'simple', editor: 'reply' },
      }),
      // Its own package's card may stand in: it arrived with the reply.
      'chat/reply/index.json': json({
        usingComponents: { card: '../card/index', time: '/components/time/index', editor: '../../todos/editor/index' },
        componentPlaceholder: { editor: 'card' },
      }),
      'chat/card/index.json': json({ usingComponents: { editor: '/todos/editor/index' } }),
      'chat/reply/index.js': 'not json',
    };
    expect(placeholderProblems(files, app)).toEqual([
      "pages/chat/index: <editor>'s placeholder <reply> is in another subpackage too",
      'chat/card/index: <editor> -> /todos/editor/index has no componentPlaceholder',
    ]);
  });

  it('are no concern of an app without subpackages', () => {
    const files = { 'pages/a/index.json': json({ usingComponents: { x: '/anything/index' } }) };
    expect(placeholderProblems(files, {})).toEqual([]);
  });
});
