/** Shared by compile, upload and preview: paths, package sizes and miniprogram-ci's errors. */
import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';

export const REPO_ROOT = join(__dirname, '..', '..');

export interface PackageSize {
  /** `__APP__` for the main package, else the subpackage root, as WeChat names them. */
  name: string;
  bytes: number;
  files: number;
}

/** Bytes per package of a compiled result (the files an upload zips), main package first. */
export function packageSizes(files: Record<string, string | Buffer>, appJson: unknown): PackageSize[] {
  const app = appJson as { subpackages?: Array<{ root: string }>; subPackages?: Array<{ root: string }> };
  const roots = (app.subpackages ?? app.subPackages ?? []).map((p) => posix.normalize(`${p.root}/`));
  const sizes = new Map<string, PackageSize>([['__APP__', { name: '__APP__', bytes: 0, files: 0 }]]);
  for (const [file, content] of Object.entries(files)) {
    const name = roots.find((root) => file.startsWith(root)) ?? '__APP__';
    const size = sizes.get(name) ?? { name, bytes: 0, files: 0 };
    size.bytes += typeof content === 'string' ? Buffer.byteLength(content) : content.length;
    size.files += 1;
    sizes.set(name, size);
  }
  return [...sizes.values()];
}

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
