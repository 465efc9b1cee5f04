import { createHash } from 'node:crypto';
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let cached: string | undefined;

/**
 * The worker script: workers are forked as bare `node` (a loader such as tsx would add its startup
 * to every cold start, and Jest's transform does not reach child processes). The built package
 * ships runner.js beside this file; from the TypeScript sources it is bundled once per process,
 * named by content hash so parallel Jest workers and several local clouds share one file safely.
 */
export function runnerPath(): string {
  if (cached && existsSync(cached)) return cached;
  const built = join(__dirname, 'runner.js');
  cached = existsSync(built) ? built : bundleRunner();
  return cached;
}

function bundleRunner(): string {
  // Only the sources need esbuild, so the built package does not depend on it.
  const { buildSync } = createRequire(__filename)('esbuild') as typeof import('esbuild');
  const output = buildSync({
    entryPoints: [join(__dirname, 'runner.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    write: false,
    logLevel: 'silent',
  });
  const code = output.outputFiles[0].text;
  const hash = createHash('sha256').update(code).digest('hex').slice(0, 16);
  const file = join(tmpdir(), `local-cloud-runner-${hash}.js`);
  if (!existsSync(file)) {
    const partial = `${file}.${process.pid}.tmp`;
    writeFileSync(partial, code);
    renameSync(partial, file);
  }
  return file;
}
