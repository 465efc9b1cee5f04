/** Shared by compile, upload and preview: paths, the working folder and miniprogram-ci's errors. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REPO_ROOT = join(__dirname, '..', '..');

export const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;

/** project.config.json's miniprogramRoot, where app.json lives. */
export function miniprogramRoot(projectPath: string): string {
  const config = JSON.parse(readFileSync(join(projectPath, 'project.config.json'), 'utf8')) as {
    miniprogramRoot?: string;
  };
  return join(projectPath, config.miniprogramRoot ?? '');
}

/** miniprogram-ci's errors carry a numeric code and sometimes the file. */
export function describeCiError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const { code, path } = error as Error & { code?: unknown; path?: unknown };
  const where = typeof path === 'string' && !error.message.includes(path) ? ` (${path})` : '';
  return `${error.message}${where}${typeof code === 'number' ? ` [miniprogram-ci ${code}]` : ''}`;
}

/**
 * Runs miniprogram-ci in a throwaway working folder: every compile, upload and preview leaves an
 * empty md5-named folder in the working directory (the repository, under npm run).
 */
export async function inScratchDir<T>(work: () => Promise<T>): Promise<T> {
  const home = process.cwd();
  const scratch = mkdtempSync(join(tmpdir(), 'miniprogram-ci-'));
  process.chdir(scratch);
  try {
    return await work();
  } finally {
    process.chdir(home);
    rmSync(scratch, { recursive: true, force: true });
  }
}
