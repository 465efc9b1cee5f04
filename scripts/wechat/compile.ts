/**
 * `npm run compile`: WeChat's own compilers over the whole mini-program, offline, so a page
 * DevTools would refuse fails CI. miniprogram-ci (DevTools' compile module) checks the JSON, the
 * TypeScript through the same typescript plugin DevTools uses, the JS and the WXSS, and produces
 * the files an upload would send; wcc, WeChat's WXML compiler, then compiles that output's WXML
 * and WXS (miniprogram-ci leaves WXML to WeChat's servers). Prints the package sizes.
 *
 *   --project DIR   the folder holding project.config.json (default: this repository)
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import * as ci from 'miniprogram-ci';
import { wxmlToJs } from 'miniprogram-compiler';
import { guardOffline, LOCAL_ATTRIBUTES, OfflineProject } from './project';
import { describeCiError, kb, miniprogramRoot, packageSizes, REPO_ROOT, type PackageSize } from './report';

export class CompileError extends Error {
  constructor(
    message: string,
    /** What miniprogram-ci printed while it worked, for the failure report. */
    readonly log: string[] = [],
  ) {
    super(message);
    this.name = 'CompileError';
  }
}

export interface CompileReport {
  files: number;
  sizes: PackageSize[];
  ciMs: number;
  wccMs: number;
  /** Hosts miniprogram-ci tried to reach; each was refused on loopback. */
  refused: string[];
}

type ConsoleMethod = 'log' | 'info' | 'warn' | 'error';

/** miniprogram-ci reports progress on the console; keep it for a failure instead of printing it. */
async function quietly<T>(work: () => Promise<T>, log: string[]): Promise<T> {
  const methods: ConsoleMethod[] = ['log', 'info', 'warn', 'error'];
  const saved = methods.map((name) => console[name]);
  for (const name of methods) console[name] = (...args: unknown[]) => void log.push(args.map(String).join(' '));
  try {
    return await work();
  } finally {
    methods.forEach((name, i) => (console[name] = saved[i]));
  }
}

export async function compileMiniprogram(projectPath: string): Promise<CompileReport> {
  const guard = await guardOffline();
  const log: string[] = [];
  const started = Date.now();
  let files: Record<string, string | Buffer>;
  try {
    const project = new OfflineProject(projectPath);
    // The version only labels an upload; a compile sends nothing.
    files = await quietly(
      () => ci.getCompiledResult({ project, version: '0.0.0', setting: { useProjectConfig: true } }),
      log,
    );
  } catch (error) {
    throw new CompileError(`miniprogram-ci: ${describeCiError(error)}`, log);
  } finally {
    await guard.close();
  }
  const ciMs = Date.now() - started;

  // wcc reads files from disk: lay the compiled result out as WeChat's servers receive it.
  const out = mkdtempSync(join(tmpdir(), 'wechat-compiled-'));
  const wccStarted = Date.now();
  try {
    for (const [file, content] of Object.entries(files)) {
      mkdirSync(dirname(join(out, file)), { recursive: true });
      writeFileSync(join(out, file), content);
    }
    wxmlToJs(out, { maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    // wcc names the file, line and column: "pages/x/index.wxml:11:5: expect end-tag `view`."
    throw new CompileError(`wcc: ${(error as Error).message.replace(/^[^：]*：/, '').trim()}`);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }

  const appJson: unknown = JSON.parse(readFileSync(join(miniprogramRoot(projectPath), 'app.json'), 'utf8'));
  const sizes = packageSizes(files, appJson);
  const limit = LOCAL_ATTRIBUTES.setting.MaxCodeSize * 1024 * 1024;
  const over = sizes.filter((size) => size.bytes > limit);
  if (over.length) {
    throw new CompileError(
      `${over.map((s) => `${s.name} ${kb(s.bytes)}`).join(', ')} over WeChat's ${kb(limit)} limit`,
    );
  }
  return { files: Object.keys(files).length, sizes, ciMs, wccMs: Date.now() - wccStarted, refused: guard.attempts };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const at = argv.indexOf('--project');
  const projectPath = at >= 0 && argv[at + 1] ? resolve(argv[at + 1]) : REPO_ROOT;
  try {
    const report = await compileMiniprogram(projectPath);
    const total = report.sizes.reduce((sum, s) => sum + s.bytes, 0);
    console.log(
      `WeChat compile: ${report.files} files, miniprogram-ci ${(report.ciMs / 1000).toFixed(1)} s, ` +
        `wcc ${(report.wccMs / 1000).toFixed(1)} s, offline (refused: ${report.refused.join(', ') || 'nothing'})`,
    );
    for (const size of report.sizes) {
      const label = size.name === '__APP__' ? 'main package' : `subpackage ${size.name}`;
      console.log(`  ${label.padEnd(16)} ${kb(size.bytes)} in ${size.files} files`);
    }
    console.log(
      `  total            ${kb(total)} (WeChat's limit: ${LOCAL_ATTRIBUTES.setting.MaxCodeSize} MB per package)`,
    );
  } catch (error) {
    if (!(error instanceof CompileError)) throw error;
    if (error.log.length) console.error(error.log.join('\n'));
    console.error(`WeChat compile failed: ${error.message}`);
    process.exitCode = 1;
  }
  // miniprogram-ci keeps its compiler process alive for the next build; end it with this one.
  process.exit();
}

if (require.main === module) void main();
