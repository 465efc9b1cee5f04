import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeWechatCi, type FakeWechatCi } from '../helpers/fake-wechat-ci';
import { releaseSettings } from '../../scripts/wechat/release';
import { cleanEnv, emptyDir, REPO, runScript, scratchProject } from './helpers';

const QRCODE = readFileSync(join(__dirname, '../fixtures/wechat/preview-qrcode.jpg'));
const SCRIPT = 'scripts/wechat/release.ts';
// Each case starts tsx and miniprogram-ci in a child process; the machine may be shared.
jest.setTimeout(120_000);

describe('npm run upload / preview, against WeChat CI on loopback', () => {
  let fake: FakeWechatCi;
  let project: string;
  const { version } = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string };
  const commit = execFileSync('git', ['log', '-1', '--format=%h'], { cwd: REPO, encoding: 'utf8' }).trim();

  beforeAll(async () => {
    fake = await startFakeWechatCi(QRCODE);
    // A small mini-program keeps these tests quick; the real one is compiled by `npm run compile`.
    project = scratchProject(join(__dirname, '../fixtures/lifecycle'));
  });
  afterAll(async () => {
    await fake.close();
    rmSync(project, { recursive: true, force: true });
  });

  const env = () => cleanEnv({ ...fake.env, MP_APPID: fake.appid, MP_PRIVATE_KEY_PATH: fake.privateKeyPath });

  it('upload: signs with the key, sends the compiled package with the version from package.json and the commit', async () => {
    const cwd = emptyDir();
    const run = await runScript(SCRIPT, ['upload', '--project', project], env(), cwd);

    expect(run.stderr).not.toContain('failed');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Uploaded: development version ${version}.`);
    expect(run.stdout).toMatch(/main package\s+[\d.]+ KB \(as WeChat counts it\)/);
    const sent = fake.uploads.at(-1);
    expect(sent?.query).toMatchObject({ appid: fake.appid, version, robot: '1', type: 'miniProgram' });
    expect(sent?.query.desc.startsWith(`${commit} `)).toBe(true);
    const files = [...(sent?.files.keys() ?? [])];
    // TypeScript went through the compiler: pages arrive as JS beside their WXML, never as .ts.
    expect(files).toEqual(expect.arrayContaining(['/app.json', '/app.js', '/pages/a/index.js', '/pages/a/index.wxml']));
    expect(files.filter((f) => f.endsWith('.ts'))).toEqual([]);
    // The project attributes and the package were both signed with the upload key.
    expect(fake.validSignatures).toBeGreaterThanOrEqual(2);
    expect(fake.refused).toEqual([]);
    // Nothing left where it ran (miniprogram-ci would leave an md5-named folder there).
    expect(readdirSync(cwd)).toEqual([]);
    rmSync(cwd, { recursive: true, force: true });
  });

  it('preview: saves the QR code WeChat returns and prints it in the terminal', async () => {
    const run = await runScript(SCRIPT, ['preview', '--project', project], env());

    expect(run.code).toBe(0);
    expect(fake.requests.map((r) => r.path)).toContain('/wxa/ci/testSourceURL');
    const saved = join(REPO, 'artifacts', 'preview-qrcode.jpg');
    expect(readFileSync(saved).equals(QRCODE)).toBe(true);
    expect(run.stdout).toContain('Preview QR code saved to artifacts/preview-qrcode.jpg');
    // qrcode-terminal draws the decoded code as rows of black and white ANSI background cells.
    const ESC = String.fromCharCode(27);
    const rows = run.stdout
      .split('\n')
      .filter((line) => line.includes(`${ESC}[40m  `) && line.includes(`${ESC}[47m  `));
    expect(rows.length).toBeGreaterThanOrEqual(25);
  });

  it('refuses before any network call when the environment is incomplete', async () => {
    const before = fake.requests.length;
    const run = await runScript(SCRIPT, ['upload', '--project', project], cleanEnv(fake.env));

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('MP_APPID is not set');
    expect(fake.requests.length).toBe(before);
  });

  it.each([
    [{}, 'MP_APPID is not set'],
    [{ MP_APPID: 'touristappid' }, 'MP_APPID "touristappid" is not an AppID'],
    [{ MP_APPID: 'wx0123456789abcdef' }, 'MP_PRIVATE_KEY_PATH is not set'],
    [{ MP_APPID: 'wx0123456789abcdef', MP_PRIVATE_KEY_PATH: '/nonexistent/private.key' }, 'no file at'],
    [{ MP_APPID: 'wx0123456789abcdef', MP_PRIVATE_KEY_PATH: join(REPO, 'package.json') }, 'inside the repository'],
  ])('names what is missing or wrong (%o)', (vars, message) => {
    expect(() => releaseSettings('upload', vars)).toThrow(message);
  });

  it('takes the key only from a PEM file outside the repository, and the robot from MP_ROBOT', () => {
    const vars = { MP_APPID: fake.appid, MP_PRIVATE_KEY_PATH: fake.privateKeyPath };
    expect(releaseSettings('preview', { ...vars, MP_ROBOT: '7' })).toMatchObject({ robot: 7, version });
    expect(() => releaseSettings('preview', { ...vars, MP_ROBOT: '31' })).toThrow('MP_ROBOT must be 1 to 30');
    expect(() =>
      releaseSettings('upload', { ...vars, MP_PRIVATE_KEY_PATH: join(project, 'project.config.json') }),
    ).toThrow('is not a PEM private key');
  });
});
