/**
 * `npm run deploy`: makes the CloudBase environment match cloudbaserc.json (functions, their
 * configuration, triggers and HTTP paths; collections, indexes and rules), creating what is
 * missing and updating what differs. `-- --dry-run` prints the full plan offline, as for an
 * empty environment, and needs neither credentials nor network. `-- --config FILE` reads
 * another description (tests use it).
 */
import { existsSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { applyStep, connect, DeployError, readRemote } from './cloudbase';
import { CloudConfigError, CONFIG_FILE, readCloudConfig, REPO_ROOT } from './config';
import { deployValues, envId } from './env';
import { formatPlan } from './format';
import { EMPTY_ENVIRONMENT, planDeploy } from './plan';

const USAGE = `Usage: npm run deploy -- [--dry-run] [--config FILE]

  --dry-run      print every function, trigger, path, collection, index and rule; touch nothing
  --config FILE  the environment description (default ${CONFIG_FILE})

Environment: ENV_ID (or .env) names the CloudBase environment; TENCENTCLOUD_SECRETID and
TENCENTCLOUD_SECRETKEY (and TENCENTCLOUD_SESSIONTOKEN for temporary keys) authorise the deploy.`;

interface Options {
  dryRun: boolean;
  config: string;
  help: boolean;
}

export function parseDeployArgs(argv: readonly string[]): Options {
  const options: Options = { dryRun: false, config: CONFIG_FILE, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--dry-run') options.dryRun = true;
    else if (arg === '--help' || arg === '-h') options.help = true;
    else if (arg === '--config' && argv[i + 1] !== undefined) options.config = argv[++i];
    else throw new DeployError(`unknown option ${arg}\n\n${USAGE}`);
  }
  return options;
}

export async function runDeploy(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  out: (line: string) => void,
  root: string = REPO_ROOT,
): Promise<void> {
  const options = parseDeployArgs(argv);
  if (options.help) return out(USAGE);
  // Values come from the .env files beside the description, as CloudBase's CLI reads them.
  const file = resolve(root, options.config);
  const base = dirname(file);
  const config = readCloudConfig(base, basename(file));
  const values = deployValues(base, env);
  const target = envId(config, values);
  const where = target ?? `${config.envIdVariable} (unset)`;
  const shown = (path: string) => relative(base, path);

  if (options.dryRun) {
    out(`Dry run, offline: the plan for an empty environment ${where}, from ${shown(config.file)}.`);
    out('A deploy first reads the environment, then creates what is missing and updates what differs.');
    out(`functions (${shown(config.functionRoot)}/)`);
    const plan = planDeploy(config, values, EMPTY_ENVIRONMENT);
    const lines = formatPlan(plan, base);
    const collectionsAt = lines.findIndex((line) => line.startsWith('  + collection'));
    lines.splice(collectionsAt < 0 ? lines.length : collectionsAt, 0, `collections (${shown(config.collectionsFile)})`);
    for (const line of lines) out(line);
    return;
  }

  if (!target) {
    throw new DeployError(`${config.envIdVariable} is not set: put the CloudBase environment id in .env or the shell`);
  }
  const unbuilt = config.functions.filter((fn) => !existsSync(join(fn.dir, 'index.js')));
  if (unbuilt.length) throw new DeployError(`${unbuilt.map((fn) => fn.name).join(', ')} not built: run npm run build`);
  const app = connect(target, env);
  out(`Reading environment ${target} ...`);
  const plan = planDeploy(config, values, await readRemote(app, config));
  for (const line of formatPlan(plan, base)) out(line);
  if (plan.problems.length) throw new DeployError('nothing was changed: settle the problems above first');
  for (const step of plan.steps) {
    await applyStep(app, config, step);
    out(`done: ${formatPlan({ steps: [step], problems: [], notes: [] }, base)[0].trim()}`);
  }
  out(`Environment ${target} matches ${shown(config.file)}.`);
}

if (require.main === module) {
  runDeploy(process.argv.slice(2), process.env, (line) => console.log(line)).catch((error: unknown) => {
    const known = error instanceof DeployError || error instanceof CloudConfigError;
    console.error(known ? `deploy: ${(error as Error).message}` : error);
    process.exitCode = 1;
  });
}
