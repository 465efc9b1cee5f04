import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REPO = join(__dirname, '..', '..');
const TSX = join(REPO, 'node_modules', '.bin', 'tsx');

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a repository script with tsx in a child process, as `npm run` would (there the working
 * directory is the repository; an empty one shows what a script leaves behind).
 */
export function runScript(script: string, args: string[], env: NodeJS.ProcessEnv, cwd: string = REPO): Promise<Run> {
  return new Promise((resolve) => {
    execFile(TSX, [join(REPO, script), ...args], { cwd, env, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** The environment of this process less anything the scripts under test read. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of [
    'MP_APPID',
    'MP_PRIVATE_KEY_PATH',
    'MP_ROBOT',
    'HTTPS_PROXY',
    'https_proxy',
    'HTTP_PROXY',
    'http_proxy',
  ]) {
    delete env[name];
  }
  return { ...env, ...extra };
}

/** A scratch WeChat project: this repository's project.config.json over a copy of `miniprogram`. */
export function scratchProject(miniprogram: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'wechat-project-'));
  writeFileSync(join(dir, 'project.config.json'), readFileSync(join(REPO, 'project.config.json')));
  cpSync(miniprogram, join(dir, 'miniprogram'), { recursive: true });
  return dir;
}

/** The size fixture as a project: its `npm-packages` laid out as miniprogram_npm, as the build does. */
export function sizeFixtureProject(): string {
  const dir = scratchProject(join(__dirname, '../fixtures/size'));
  renameSync(join(dir, 'miniprogram/npm-packages'), join(dir, 'miniprogram/miniprogram_npm'));
  return dir;
}

/** An empty working directory for a script, to see what it leaves there. */
export const emptyDir = (): string => mkdtempSync(join(tmpdir(), 'wechat-cwd-'));
