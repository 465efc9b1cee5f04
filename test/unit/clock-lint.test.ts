/**
 * One clock: `npm run lint` refuses time-zone arithmetic outside the clock module. These scratch
 * sources, linted with the repository's own ESLint config, must fail exactly where they convert by hand.
 */
import { join } from 'node:path';
import { ESLint } from 'eslint';

const REPO = join(__dirname, '..', '..');
const eslint = new ESLint({ cwd: REPO });

async function clockErrors(file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: join(REPO, file) });
  return result.messages.filter((m) => m.ruleId === 'clock/one-clock').map((m) => m.message);
}

describe('the one-clock rule', () => {
  jest.setTimeout(30_000);

  it('refuses an 8-hour offset however it is written', async () => {
    const errors = await clockErrors(
      'server/scratch.ts',
      [
        'export const a = 8 * 3600_000;',
        'export const b = 8 * 60 * 60 * 1000;',
        'export const c = 28_800_000;',
        'export const d = 28800;',
        'export const e = -8 * 3600 * 1000;',
      ].join('\n'),
    );
    expect(errors).toHaveLength(5);
    expect(errors[0]).toBe('An 8-hour offset written by hand: convert with the clock module (shared/time.ts) instead.');
  });

  it("refuses a UTC+8 offset written out, and Date's local-time methods, in shipped and local code alike", async () => {
    expect(
      await clockErrors('miniprogram/pages/x/index.ts', "export const t = (iso: string) => iso + '+08:00';\n"),
    ).toEqual(['A UTC+8 offset written out ("+08:00"): format with the clock module (shared/time.ts) instead.']);
    expect(await clockErrors('dev/x.ts', 'export const z = `${1}GMT+8`;\n')).toHaveLength(1);
    expect(
      await clockErrors(
        'packages/cloudbase-local/src/x.ts',
        'const d = new Date();\nexport const h = [d.getHours(), d.getDate(), d.getTimezoneOffset()];\n',
      ),
    ).toEqual([
      "Date's getHours() answers in the process's or phone's own zone: use the clock module (packages/cloudbase-local/src/clock.ts).",
      "Date's getDate() answers in the process's or phone's own zone: use the clock module (packages/cloudbase-local/src/clock.ts).",
      "Date's getTimezoneOffset() answers in the process's or phone's own zone: use the clock module (packages/cloudbase-local/src/clock.ts).",
    ]);
  });

  it('lets the clock module convert, UTC methods and other numbers through, and examples of a format stand', async () => {
    expect(await clockErrors('shared/time.ts', 'export const OFFSET = 8 * 60 * 60 * 1000;\n')).toEqual([]);
    expect(
      await clockErrors(
        'server/scratch.ts',
        [
          'const d = new Date();',
          'export const h = [d.getUTCHours(), d.getUTCDate(), 7 * 3600_000, 9 * 3600];',
          "export const hint = 'e.g. 2026-05-01T09:00:00+08:00';",
        ].join('\n'),
      ),
    ).toEqual([]);
  });

  it('leaves tests free to build instants in any zone', async () => {
    expect(
      await clockErrors('test/unit/x.test.ts', "export const at = Date.parse('2026-05-01T09:00' + '+08:00');\n"),
    ).toEqual([]);
  });
});
