import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageSizes } from '../../scripts/wechat/report';
import { cleanEnv, REPO, runScript, scratchProject } from './helpers';

// miniprogram-ci compiles every page and Vant component (about 7 s alone, more on a shared machine).
jest.setTimeout(180_000);

describe('npm run compile (WeChat compiler check)', () => {
  it('fails on a broken WXML tag in a scratch copy, naming the file, line and tag', async () => {
    const project = scratchProject(join(REPO, 'miniprogram'));
    try {
      const page = join(project, 'miniprogram/pages/todos/index.wxml');
      const lines = readFileSync(page, 'utf8').split('\n');
      const broken = lines.findIndex((line) => line.trim() === '</view>');
      lines[broken] = lines[broken].replace('</view>', '</vew>');
      writeFileSync(page, lines.join('\n'));

      const run = await runScript('scripts/wechat/compile.ts', ['--project', project], cleanEnv());

      expect(run.code).toBe(1);
      // miniprogram-ci accepted the copy (it leaves WXML to WeChat's servers); wcc refused it,
      // pointing at the wrong tag's name.
      const column = lines[broken].indexOf('vew') + 1;
      expect(run.stderr).toContain(
        `WeChat compile failed: wcc: pages/todos/index.wxml:${broken + 1}:${column}: expect end-tag \`view\`., near \`vew\``,
      );
      expect(run.stdout).not.toContain('WeChat compile:');
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });
});

describe('package sizes', () => {
  it('counts each subpackage under its root and everything else in the main package', () => {
    const files = { 'app.js': 'a'.repeat(10), 'pages/x.wxml': Buffer.alloc(5), 'pkg/a/b.js': 'bb', 'pkgs/c.js': 'c' };
    const sizes = packageSizes(files, { subpackages: [{ root: 'pkg' }] });
    expect(sizes).toEqual([
      { name: '__APP__', bytes: 16, files: 3 },
      { name: 'pkg/', bytes: 2, files: 1 },
    ]);
  });
});
