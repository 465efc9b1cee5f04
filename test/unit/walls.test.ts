/**
 * The walls between districts are checked by `npm run lint`: these scratch sources, linted with the
 * repository's own ESLint config, must fail exactly where they cross a wall.
 */
import { join } from 'node:path';
import { ESLint } from 'eslint';

const REPO = join(__dirname, '..', '..');
const eslint = new ESLint({ cwd: REPO });

async function wallErrors(file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: join(REPO, file) });
  return result.messages.filter((m) => m.ruleId === 'walls/imports').map((m) => m.message);
}

describe('the walls between shipped and local-only code', () => {
  jest.setTimeout(30_000);

  it('refuses an import of the local cloud from shared server code, by its name or its path', async () => {
    const errors = await wallErrors(
      'server/scratch.ts',
      "import { startLocalCloud } from 'cloudbase-local';\nimport '../packages/cloudbase-local/src/cloud';\nvoid startLocalCloud;\n",
    );
    expect(errors).toEqual([
      "server/ cannot import packages/cloudbase-local/ ('cloudbase-local'): code that ships cannot import local-only code.",
      "server/ cannot import packages/cloudbase-local/ ('../packages/cloudbase-local/src/cloud'): code that ships cannot import local-only code.",
    ]);
  });

  it('refuses local-only code in the mini-program, a cloud function and the contracts, whatever the import form', async () => {
    expect(await wallErrors('miniprogram/pages/x/index.ts', "import '../../../preview/server';\n")).toHaveLength(1);
    expect(
      await wallErrors('cloudfunctions/x/index.ts', "export * from '../../test/helpers/local-cloud';\n"),
    ).toHaveLength(1);
    expect(await wallErrors('typings/x.ts', "export const x = import('../dev/app');\n")).toHaveLength(1);
  });

  it('keeps the local cloud from importing the app, shared/ or the preview, and shared/ self-contained', async () => {
    const cloud = 'packages/cloudbase-local/src';
    expect(
      await wallErrors(
        `${cloud}/x.ts`,
        "import '../../../preview/server';\nimport '../../../server/todos';\nimport '../../../shared/time';\n",
      ),
    ).toHaveLength(3);
    // From the package's functions/, ../server is the local cloud's own server.ts: no wall crossed.
    expect(await wallErrors(`${cloud}/functions/x.ts`, "import '../server';\n")).toEqual([]);
    expect(await wallErrors('shared/x.ts', "import '../typings/todo';\n")).toHaveLength(1);
  });

  it('lets local-only code import anything', async () => {
    expect(
      await wallErrors(
        'dev/x.ts',
        "import 'cloudbase-local';\nimport '../preview/server';\nimport '../server/todos';\n",
      ),
    ).toEqual([]);
  });
});
