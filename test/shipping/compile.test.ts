import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanEnv, emptyDir, REPO, runScript, scratchProject, sizeFixtureProject } from './helpers';

// miniprogram-ci compiles every page and Vant component (about 7 s alone, more on a shared machine).
jest.setTimeout(180_000);

describe('npm run compile (WeChat compiler check)', () => {
  it("fails on a WXML expression wcc refuses, naming the page's own line and column", async () => {
    const project = scratchProject(join(REPO, 'miniprogram'));
    const cwd = emptyDir();
    try {
      const page = join(project, 'miniprogram/pages/todos/index.wxml');
      const lines = readFileSync(page, 'utf8').split('\n');
      const title = lines.findIndex((line) => line.includes('{{item.title}}'));
      lines[title] = lines[title].replace('{{item.title}}', '{{item.title +}}');
      writeFileSync(page, lines.join('\n'));

      const run = await runScript('scripts/wechat/compile.ts', ['--project', project], cleanEnv(), cwd);

      expect(run.code).toBe(1);
      // miniprogram-ci minified the page without reading expressions; wcc refused it, at the line
      // and column of the page as written (not of its minified one-line form).
      const column = lines[title].indexOf('{{item.title +}}') + 1;
      expect(run.stderr).toContain(
        `WeChat compile failed: wcc: pages/todos/index.wxml:${title + 1}:${column}: Bad value`,
      );
      expect(run.stdout).not.toContain('WeChat compile:');
      // miniprogram-ci leaves an md5-named folder where it runs unless it runs elsewhere.
      expect(readdirSync(cwd)).toEqual([]);
    } finally {
      rmSync(project, { recursive: true, force: true });
      rmSync(cwd, { recursive: true, force: true });
    }
  });

  it('fails on a broken WXML tag, naming the file, line and tag', async () => {
    const project = sizeFixtureProject();
    try {
      // Line 3, column 3: the name in the end tag.
      writeFileSync(join(project, 'miniprogram/pages/home/index.wxml'), '<view>\n  <used />\n</vew>\n');

      const run = await runScript('scripts/wechat/compile.ts', ['--project', project], cleanEnv());

      expect(run.code).toBe(1);
      expect(run.stderr).toContain(
        'WeChat compile failed: miniprogram-ci: 3:3:unexpected end tag: vew (pages/home/index.wxml)',
      );
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });

  it('fails on a module required through its folder, which the upload would leave out', async () => {
    const project = sizeFixtureProject();
    const cwd = emptyDir();
    try {
      const miniprogram = join(project, 'miniprogram');
      mkdirSync(join(miniprogram, 'utils/lib'));
      writeFileSync(join(miniprogram, 'utils/lib/index.ts'), 'export const one = 1;\n');
      writeFileSync(join(miniprogram, 'app.ts'), "import { one } from './utils/lib';\n\nApp({ one });\n");

      const run = await runScript('scripts/wechat/compile.ts', ['--project', project], cleanEnv(), cwd);

      expect(run.code).toBe(1);
      expect(run.stderr).toContain(
        'WeChat compile failed: required but not in the upload (name the file, not its folder): app.js -> ./utils/lib',
      );
      expect(readdirSync(cwd)).toEqual([]);
    } finally {
      rmSync(project, { recursive: true, force: true });
      rmSync(cwd, { recursive: true, force: true });
    }
  });

  it('prints each package against its limit and passes the size fixture', async () => {
    const project = sizeFixtureProject();
    try {
      const run = await runScript('scripts/wechat/compile.ts', ['--project', project], cleanEnv());

      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/main package\s+\d+\.\d KB in 23 files/);
      expect(run.stdout).toMatch(/subpackage sub\/\s+0\.4 KB in 3 files/);
      expect(run.stdout).toContain("budget 220.0 KB for the main package; WeChat's limit 2048.0 KB per package");
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });
});
