import { createHash } from 'node:crypto';
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';

let cached: string | undefined;

/**
 * The runner is TypeScript like the rest of the emulator, but workers are forked as bare `node`
 * (no tsx loader: it would add its startup to every cold start, and Jest's transform does not reach
 * child processes). So it is bundled once per process, named by content hash so parallel Jest
 * workers and several local clouds share one file safely.
 */
export function runnerPath(): string {
  if (cached && existsSync(cached)) return cached;
  const built = buildSync({
    entryPoints: [join(__dirname, 'runner.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    write: false,
    logLevel: 'silent',
  });
  const code = built.outputFiles[0].text;
  const hash = createHash('sha256').update(code).digest('hex').slice(0, 16);
  const file = join(tmpdir(), `local-cloud-runner-${hash}.js`);
  if (!existsSync(file)) {
    const partial = `${file}.${process.pid}.tmp`;
    writeFileSync(partial, code);
    renameSync(partial, file);
  }
  cached = file;
  return file;
}
