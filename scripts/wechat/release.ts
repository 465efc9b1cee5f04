/**
 * `npm run upload` and `npm run preview`: the mini-program to WeChat through miniprogram-ci, as
 * DevTools' Upload and Preview buttons do. The AppID and the code-upload key come from the
 * environment (MP_APPID, MP_PRIVATE_KEY_PATH), never from the repository. Upload takes its version
 * from package.json and its description from git; preview saves the QR code and prints it.
 *
 *   npm run upload              a new development version (then 版本管理 → submit for review)
 *   npm run preview             a QR code for WeChat on a phone, valid for 25 minutes
 *   -- --project DIR            another folder holding project.config.json (tests use it)
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describeCiError, inScratchDir, kb, REPO_ROOT } from './report';

export type ReleaseKind = 'upload' | 'preview';

export interface ReleaseSettings {
  kind: ReleaseKind;
  appid: string;
  privateKeyPath: string;
  /** package.json's version (an upload's version number on mp.weixin.qq.com). */
  version: string;
  /** The commit it was built from, as shown beside the version. */
  desc: string;
  /** Which of the 30 CI robots uploads (each robot has its own development version). */
  robot: number;
  /** Where preview saves the QR code. */
  qrcodePath: string;
}

export class ReleaseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReleaseError';
  }
}

const WHERE = 'mp.weixin.qq.com → 开发 → 开发管理 → 开发设置';

/** The commit as `abc1234 subject` (plus `, uncommitted changes`); WeChat keeps 100 characters. */
export function gitDescription(repo: string): string {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' }).trim();
  try {
    const line = git('log', '-1', '--format=%h %s');
    const dirty = git('status', '--porcelain', '--untracked-files=no') !== '';
    return `${line}${dirty ? ', uncommitted changes' : ''}`.slice(0, 100);
  } catch {
    throw new ReleaseError(`${repo} is not a git checkout: the upload description names the commit`);
  }
}

/** Everything an upload or preview needs, checked before anything is compiled or sent. */
export function releaseSettings(kind: ReleaseKind, env: NodeJS.ProcessEnv, repo: string = REPO_ROOT): ReleaseSettings {
  const appid = env.MP_APPID?.trim();
  if (!appid) throw new ReleaseError(`MP_APPID is not set: export the mini-program's AppID (${WHERE})`);
  if (!/^wx[0-9a-f]{16}$/.test(appid))
    throw new ReleaseError(`MP_APPID "${appid}" is not an AppID (wx + 16 hex digits)`);
  const keyPath = env.MP_PRIVATE_KEY_PATH?.trim();
  if (!keyPath) {
    throw new ReleaseError(
      `MP_PRIVATE_KEY_PATH is not set: download the code-upload key (代码上传密钥, ${WHERE}), keep it outside ` +
        "the repository and export its path; also add this machine to the key's IP whitelist",
    );
  }
  const privateKeyPath = resolve(keyPath);
  if (!relative(repo, privateKeyPath).startsWith('..')) {
    throw new ReleaseError(
      `MP_PRIVATE_KEY_PATH points inside the repository (${privateKeyPath}): keep the key outside it`,
    );
  }
  if (!existsSync(privateKeyPath)) throw new ReleaseError(`MP_PRIVATE_KEY_PATH: no file at ${privateKeyPath}`);
  if (!/-----BEGIN (RSA )?PRIVATE KEY-----/.test(readFileSync(privateKeyPath, 'utf8'))) {
    throw new ReleaseError(`MP_PRIVATE_KEY_PATH: ${privateKeyPath} is not a PEM private key (private.<appid>.key)`);
  }
  const robot = env.MP_ROBOT ? Number(env.MP_ROBOT) : 1;
  if (!Number.isInteger(robot) || robot < 1 || robot > 30) throw new ReleaseError('MP_ROBOT must be 1 to 30');
  const { version } = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { version: string };
  return {
    kind,
    appid,
    privateKeyPath,
    version,
    desc: gitDescription(repo),
    robot,
    qrcodePath: join(repo, 'artifacts', 'preview-qrcode.jpg'),
  };
}

/** The options miniprogram-ci sends with; the project compiles with project.config.json's settings. */
async function releaseOptions(settings: ReleaseSettings, projectPath: string) {
  // Loaded only once the settings are good: miniprogram-ci prints as it loads.
  const ci = await import('miniprogram-ci');
  const project = new ci.Project({
    appid: settings.appid,
    type: 'miniProgram',
    projectPath,
    privateKeyPath: settings.privateKeyPath,
    ignores: ['node_modules/**/*'],
  });
  return {
    project,
    version: settings.version,
    desc: settings.desc,
    robot: settings.robot,
    setting: { useProjectConfig: true },
    onProgressUpdate: () => undefined,
  };
}

function printSizes(out: (line: string) => void, info: Array<{ name: string; size: number }> | undefined): void {
  for (const pkg of info ?? []) {
    const label = pkg.name === '__FULL__' ? 'all packages' : pkg.name === '__APP__' ? 'main package' : pkg.name;
    out(`  ${label.padEnd(16)} ${kb(pkg.size)} (as WeChat counts it)`);
  }
}

export async function runRelease(
  kind: ReleaseKind,
  env: NodeJS.ProcessEnv,
  out: (line: string) => void,
  projectPath: string = REPO_ROOT,
): Promise<void> {
  const settings = releaseSettings(kind, env);
  const options = await releaseOptions(settings, projectPath);
  const ci = await import('miniprogram-ci');
  const { generateTerminalQrcode } = await import('miniprogram-ci/dist/ci/utils/terminalQrcode');
  out(`${kind} ${settings.appid} version ${settings.version} "${settings.desc}" (robot ${settings.robot})`);
  try {
    if (kind === 'upload') {
      const result = await inScratchDir(() => ci.upload(options));
      out(`Uploaded: development version ${settings.version}. Submit it for review in 版本管理.`);
      printSizes(out, result.subPackageInfo);
      return;
    }
    mkdirSync(dirname(settings.qrcodePath), { recursive: true });
    const result = await inScratchDir(() =>
      ci.preview({ ...options, qrcodeFormat: 'image', qrcodeOutputDest: settings.qrcodePath }),
    );
    out(await generateTerminalQrcode(readFileSync(settings.qrcodePath).toString('base64')).catch(() => ''));
    out(
      `Preview QR code saved to ${relative(process.cwd(), settings.qrcodePath)}; scan it with WeChat within 25 minutes.`,
    );
    printSizes(out, result.subPackageInfo);
  } catch (error) {
    throw new ReleaseError(`${kind} failed: ${describeCiError(error)}`);
  }
}

if (require.main === module) {
  const [kind, flag, dir] = process.argv.slice(2);
  if ((kind !== 'upload' && kind !== 'preview') || (flag !== undefined && (flag !== '--project' || !dir))) {
    console.error('usage: tsx scripts/wechat/release.ts upload|preview [--project DIR]');
    process.exit(2);
  }
  runRelease(kind, process.env, (line) => console.log(line), dir ? resolve(dir) : REPO_ROOT).then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error instanceof ReleaseError ? error.message : error);
      // miniprogram-ci keeps a compiler process alive; exiting ends it.
      process.exit(1);
    },
  );
}
