/**
 * `npm run size`: the package sizes as WeChat counts them (./wechat/package), part by part, from
 * WeChat's own compiler over the project (offline, as `npm run compile` runs it). Exits non-zero
 * past the main package's budget or WeChat's limit.
 *
 *   --project DIR   the folder holding project.config.json (default: this repository)
 *   --json FILE     also writes the report there as JSON: packages with their parts, every file's
 *                   bytes (stdout is not clean JSON: miniprogram-ci prints as it loads)
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { compileMiniprogram, projectArgument, runCompileCommand } from './wechat/compile';
import { MAIN_BUDGET_BYTES, packageLabel, sizeProblems } from './wechat/package';
import { PACKAGE_LIMIT_BYTES } from './wechat/project';
import { kb } from './wechat/report';

void runCompileCommand(async (argv) => {
  const report = await compileMiniprogram(projectArgument(argv));
  const problems = sizeProblems(report.sizes, PACKAGE_LIMIT_BYTES);
  const json = argv.indexOf('--json');
  if (json >= 0 && argv[json + 1]) {
    const file = resolve(argv[json + 1]);
    writeFileSync(file, JSON.stringify({ packages: report.sizes, files: report.files, problems }, null, 2));
  }
  for (const size of report.sizes) {
    console.log(`${packageLabel(size)}: ${size.bytes} bytes (${kb(size.bytes)}) in ${size.files} files`);
    for (const p of size.parts) console.log(`  ${p.part.padEnd(14)} ${kb(p.bytes).padStart(9)} ${p.files} files`);
  }
  console.log(
    `budget ${kb(MAIN_BUDGET_BYTES)} for the main package; WeChat's limit ${kb(PACKAGE_LIMIT_BYTES)} per package`,
  );
  if (problems.length) {
    console.error(`over: ${problems.join('; ')}`);
    process.exitCode = 1;
  }
});
