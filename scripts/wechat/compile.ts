/**
 * `npm run compile`: WeChat's own compilers over the whole mini-program, offline, so a page
 * DevTools would refuse fails CI. miniprogram-ci (DevTools' compile module) checks the JSON, the
 * TypeScript through the same typescript plugin DevTools uses, the JS and the WXSS, minifies the
 * WXML (refusing a broken tag) and produces the files an upload would send; wcc, WeChat's WXML
 * compiler, then compiles that output's WXML and WXS (miniprogram-ci leaves compiling them to
 * WeChat's servers). Fails when a component from another subpackage has no placeholder, when a
 * module the compiled code requires is not in the upload, or when a package is over its size
 * (./package). Prints the package sizes.
 *
 *   --project DIR   the folder holding project.config.json (default: this repository)
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import * as ci from 'miniprogram-ci';
import { wxmlToJs } from 'miniprogram-compiler';
import {
  byteLength,
  MAIN_BUDGET_BYTES,
  missingModules,
  packageLabel,
  packageSizes,
  placeholderProblems,
  sizeProblems,
  type CompiledFiles,
  type PackageSize,
} from './package';
import { guardOffline, OfflineProject, PACKAGE_LIMIT_BYTES } from './project';
import { describeCiError, inScratchDir, kb, miniprogramRoot, REPO_ROOT } from './report';

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
  /** Every file an upload would send, with its bytes. */
  files: Record<string, number>;
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
  let files: CompiledFiles;
  try {
    const project = new OfflineProject(projectPath);
    // The version only labels an upload; a compile sends nothing.
    files = await inScratchDir(() =>
      quietly(() => ci.getCompiledResult({ project, version: '0.0.0', setting: { useProjectConfig: true } }), log),
    );
  } catch (error) {
    throw new CompileError(`miniprogram-ci: ${describeCiError(error)}`, log);
  } finally {
    await guard.close();
  }
  const ciMs = Date.now() - started;

  // wcc reads files from disk: lay the compiled result out as WeChat's servers receive it, but with
  // each page's own WXML, since minifyWXML puts a page on one line and wcc's line:column would point there.
  const root = miniprogramRoot(projectPath);
  const out = mkdtempSync(join(tmpdir(), 'wechat-compiled-'));
  const wccStarted = Date.now();
  try {
    for (const [file, content] of Object.entries(files)) {
      mkdirSync(dirname(join(out, file)), { recursive: true });
      const source = join(root, file);
      writeFileSync(join(out, file), file.endsWith('.wxml') && existsSync(source) ? readFileSync(source) : content);
    }
    wxmlToJs(out, { maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    // wcc names the file, line and column: "pages/x/index.wxml:11:5: expect end-tag `view`."
    throw new CompileError(`wcc: ${(error as Error).message.replace(/^[^：]*：/, '').trim()}`);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  const wccMs = Date.now() - wccStarted;

  const appJson: unknown = JSON.parse(readFileSync(join(root, 'app.json'), 'utf8'));
  const placeholders = placeholderProblems(files, appJson);
  if (placeholders.length) throw new CompileError(`WeChat would not render: ${placeholders.join('; ')}`);
  const missing = missingModules(files);
  if (missing.length) {
    throw new CompileError(`required but not in the upload (name the file, not its folder): ${missing.join(', ')}`);
  }
  const bytes = Object.fromEntries(Object.entries(files).map(([file, content]) => [file, byteLength(content)]));
  return { files: bytes, sizes: packageSizes(files, appJson), ciMs, wccMs, refused: guard.attempts };
}

/** `--project DIR` from the command line, else this repository. */
export function projectArgument(argv: string[]): string {
  const at = argv.indexOf('--project');
  return at >= 0 && argv[at + 1] ? resolve(argv[at + 1]) : REPO_ROOT;
}

/**
 * Runs a command over the compile: a CompileError is printed as WeChat's refusal (with what
 * miniprogram-ci logged) and exits 1; miniprogram-ci's compiler process, kept alive for a next
 * build, ends with this one.
 */
export async function runCompileCommand(work: (argv: string[]) => Promise<void>): Promise<void> {
  try {
    await work(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof CompileError)) throw error;
    if (error.log.length) console.error(error.log.join('\n'));
    console.error(`WeChat compile failed: ${error.message}`);
    process.exitCode = 1;
  }
  process.exit();
}

if (require.main === module) {
  void runCompileCommand(async (argv) => {
    const report = await compileMiniprogram(projectArgument(argv));
    const total = report.sizes.reduce((sum, s) => sum + s.bytes, 0);
    console.log(
      `WeChat compile: ${Object.keys(report.files).length} files, miniprogram-ci ${(report.ciMs / 1000).toFixed(1)} s, ` +
        `wcc ${(report.wccMs / 1000).toFixed(1)} s, offline (refused: ${report.refused.join(', ') || 'nothing'})`,
    );
    for (const size of report.sizes) {
      console.log(`  ${packageLabel(size).padEnd(30)} ${kb(size.bytes).padStart(9)} in ${size.files} files`);
    }
    console.log(
      `  ${'total'.padEnd(30)} ${kb(total).padStart(9)} (budget ${kb(MAIN_BUDGET_BYTES)} for the main package; ` +
        `WeChat's limit ${kb(PACKAGE_LIMIT_BYTES)} per package)`,
    );
    const problems = sizeProblems(report.sizes, PACKAGE_LIMIT_BYTES);
    if (problems.length) throw new CompileError(problems.join('; '));
  });
}
