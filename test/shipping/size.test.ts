import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { PackageSize } from '../../scripts/wechat/package';
import { cleanEnv, emptyDir, runScript, sizeFixtureProject } from './helpers';

// Each case runs miniprogram-ci over a small project in a child process (a few seconds alone).
jest.setTimeout(180_000);

interface SizeReport {
  packages: PackageSize[];
  files: Record<string, number>;
  problems: string[];
}

const scratch: string[] = [];
afterAll(() => scratch.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** `npm run size` over `project`, in an empty working directory it must leave empty. */
async function size(project: string) {
  const cwd = emptyDir();
  const out = mkdtempSync(join(tmpdir(), 'size-report-'));
  scratch.push(project, cwd, out);
  const run = await runScript(
    'scripts/size.ts',
    ['--project', project, '--json', join(out, 'report.json')],
    cleanEnv(),
    cwd,
  );
  if (!existsSync(join(out, 'report.json'))) throw new Error(`no report (exit ${run.code}): ${run.stderr}`);
  const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as SizeReport;
  return { run, report, leftBehind: readdirSync(cwd) };
}

/** A module of `kb` KB that no minifier can shrink, beside `from` and required by it. */
function addBigModule(project: string, from: string, kb: number): void {
  const file = join(project, 'miniprogram', from);
  writeFileSync(join(dirname(file), 'big.ts'), `export const big = '${randomBytes(kb * 512).toString('hex')}';\n`);
  writeFileSync(file, `import { big } from './big';\nconsole.log(big.length);\n${readFileSync(file, 'utf8')}`);
}

describe('npm run size (the package sizes as WeChat counts them)', () => {
  it("counts the files WeChat's compiler uploads: TypeScript as JavaScript with babel's helpers, code only when reached", async () => {
    const { run, report, leftBehind } = await size(sizeFixtureProject());

    expect(run.code).toBe(0);
    const inMain = Object.keys(report.files).filter((file) => !file.startsWith('sub/'));
    expect(inMain.sort()).toEqual([
      // The page's subpackage component has an async method: ES5 needs these, and they ship in the main package.
      '@babel/runtime/helpers/asyncToGenerator.js',
      '@babel/runtime/helpers/regeneratorRuntime.js',
      '@babel/runtime/helpers/typeof.js',
      'app.js',
      'app.json',
      'components/used/index.js',
      'components/used/index.json',
      'components/used/index.wxml',
      'images/logo.png',
      // Images are uploaded whether anything shows them or not; unused code is not.
      'images/unused.png',
      'miniprogram_npm/kit/badge/index.js',
      'miniprogram_npm/kit/badge/index.json',
      'miniprogram_npm/kit/badge/index.wxml',
      'pages/home/fmt.wxs',
      'pages/home/index.js',
      'pages/home/index.json',
      'pages/home/index.wxml',
      'pages/home/index.wxss',
      'pages/home/part.wxs',
      'project.config.json',
      'sitemap.json',
      'utils/base.wxss',
      'utils/math.js',
    ]);
    // `export const twice = (n: number): number => n * 2;` as it ships: CommonJS, ES5, minified.
    const shipped =
      '"use strict";Object.defineProperty(exports,"__esModule",{value:!0}),exports.twice=void 0;exports.twice=function(e){return 2*e};';
    expect(report.files['utils/math.js']).toBe(Buffer.byteLength(shipped));

    const [main, sub] = report.packages;
    expect(main.name).toBe('__APP__');
    expect(main.bytes).toBe(inMain.reduce((sum, file) => sum + report.files[file], 0));
    expect(main.parts.map((p) => p.part)).toContain('babel helpers');
    expect(sub).toMatchObject({ name: 'sub/', files: 3 });
    expect(
      Object.keys(report.files)
        .filter((file) => file.startsWith('sub/'))
        .sort(),
    ).toEqual(['sub/card/index.js', 'sub/card/index.json', 'sub/card/index.wxml']);
    expect(run.stdout).toContain(`main package: ${main.bytes} bytes`);
    expect(report.problems).toEqual([]);
    // miniprogram-ci leaves an md5-named folder where it runs unless it runs elsewhere.
    expect(leftBehind).toEqual([]);
  });

  it('fails past the main package budget, and counts a subpackage on its own', async () => {
    const over = sizeFixtureProject();
    addBigModule(over, 'app.ts', 221);
    const inSub = sizeFixtureProject();
    addBigModule(inSub, 'sub/card/index.ts', 221);

    const failed = await size(over);
    const passed = await size(inSub);

    expect(failed.run.code).toBe(1);
    expect(failed.report.problems).toEqual([
      expect.stringMatching(/^main package 2\d\d\.\d KB is over its 220\.0 KB budget$/),
    ]);
    expect(failed.run.stderr).toContain(`over: ${failed.report.problems[0]}`);
    expect(passed.run.code).toBe(0);
    expect(passed.report.packages.find((p) => p.name === 'sub/')?.bytes).toBeGreaterThan(221 * 1024);
    expect(passed.report.packages[0].bytes).toBeLessThan(20 * 1024);
    expect([...failed.leftBehind, ...passed.leftBehind]).toEqual([]);
  });
});
