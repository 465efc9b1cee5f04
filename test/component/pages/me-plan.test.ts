/** The Me page's morning plan: a switch and a time saved with updateProfile, and why a subscription is needed without the Official Account. */
import type { EventOf } from '../../../typings/functions';
import type { UserProfile } from '../../../typings/login';
import { answering, loginOk } from '../helpers/answers';
import { eventually } from '../../helpers/eventually';
import { textOf, waitForText } from '../helpers/dom';
import { launchApp, resetMiniProgram, type Rendered } from '../helpers/miniprogram';
import { wxDouble } from '../helpers/wx';

jest.setTimeout(30_000);

type Update = EventOf<'login', 'updateProfile'>;

function serve(profile: Partial<UserProfile>, fail = false): Update[] {
  const updates: Update[] = [];
  const base = loginOk();
  let current: UserProfile = { ...base.data.profile, ...profile };
  wxDouble.cloudHandler = answering({
    login: {
      login: () => ({ ok: true, data: { ...base.data, profile: current } }),
      updateProfile: (event) => {
        updates.push(event);
        if (fail) return { ok: false, code: 'INTERNAL', message: 'test failure' };
        current = { ...current, ...(event.dailyPlan ? { dailyPlan: event.dailyPlan } : {}) };
        return { ok: true, data: { profile: current } };
      },
    },
    todo: { subscribe: ({ templateId }) => ({ ok: true, data: { templateId, credits: 1 } }) },
  });
  return updates;
}

async function openMe(): Promise<Rendered> {
  const { stack } = launchApp('pages/me/index');
  const page = stack.current!.component;
  await waitForText(page, '早间计划');
  return page;
}

describe('the morning plan on the Me page', () => {
  beforeEach(() => {
    resetMiniProgram();
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
    wxDouble.api.requestSubscribeMessage.mockImplementation(async ({ tmplIds }: { tmplIds: string[] }) => ({
      errMsg: 'requestSubscribeMessage:ok',
      ...Object.fromEntries(tmplIds.map((id) => [id, 'accept'])),
    }));
  });
  afterEach(() => jest.restoreAllMocks());

  it('turns on at 07:30, asks for one subscription without the Official Account, and says why', async () => {
    const updates = serve({ followsOfficialAccount: false });
    const page = await openMe();
    expect(textOf(page)).toContain('订阅消息是一次性的，每次允许只能收到一次推送');
    expect(page.querySelector('#follow-oa')).toBeTruthy();
    page.querySelector('#daily-switch')!.dispatchEvent('change', { detail: { value: true } });
    await eventually(() => updates.length === 1, 'the updateProfile call');
    expect(updates[0].dailyPlan).toEqual({ enabled: true, time: '07:30' });
    expect(wxDouble.api.requestSubscribeMessage).toHaveBeenCalledTimes(1);
    await waitForText(page, '推送时间');

    page.querySelector('#daily-time')!.dispatchEvent('change', { detail: { value: '06:45' } });
    await eventually(() => updates.length === 2, 'the second call');
    expect(updates[1].dailyPlan).toEqual({ enabled: true, time: '06:45' });
    await waitForText(page, '06:45');
  });

  it('a follower needs no subscription, and a refused save puts the plan back', async () => {
    serve({ followsOfficialAccount: true, dailyPlan: { enabled: true, time: '08:00' } }, true);
    const page = await openMe();
    expect(textOf(page)).toContain('由公众号推送');
    expect(page.querySelector('#follow-oa')).toBeFalsy();
    page.querySelector('#daily-switch')!.dispatchEvent('change', { detail: { value: false } });
    await eventually(() => wxDouble.api.showToast.mock.calls.length > 0, 'the error');
    expect(page.data.user.dailyPlan).toEqual({ enabled: true, time: '08:00' });
    expect(wxDouble.api.requestSubscribeMessage).not.toHaveBeenCalled();
  });
});
