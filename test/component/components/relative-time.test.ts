import type { AppOption } from '../../../miniprogram/types';
import { launchApp, renderComponent, resetMiniProgram } from '../helpers/miniprogram';
import { answering, loginOk } from '../helpers/answers';
import { textOf } from '../helpers/dom';
import { wxDouble } from '../helpers/wx';

const NOW = Date.parse('2026-05-01T10:30:00+08:00');

describe('relative-time', () => {
  let app: AppOption;
  beforeEach(() => {
    resetMiniProgram();
    jest.useFakeTimers({ now: NOW });
    // The component reports its errors to the App; a login that succeeds leaves no retry timers.
    wxDouble.cloudHandler = answering({ login: { login: () => loginOk() } });
    app = launchApp<AppOption>().instance;
  });
  afterEach(() => jest.useRealTimers());

  it('renders on attach and marks a past time when asked', () => {
    const comp = renderComponent('components/relative-time/index', {
      time: '2026-05-01T10:25:00+08:00',
      highlightPast: true,
    });
    expect(textOf(comp)).toBe('5 分钟前');
    expect(comp.dom?.innerHTML).toContain('relative-time--past');
  });

  it('renders nothing for an empty or invalid time', () => {
    expect(textOf(renderComponent('components/relative-time/index', { time: '' }))).toBe('');
    expect(textOf(renderComponent('components/relative-time/index', { time: 'soon' }))).toBe('');
  });

  it('re-renders at each minute boundary once ready, and follows a changed time', () => {
    const comp = renderComponent('components/relative-time/index', { time: '2026-05-01T10:35:00+08:00' });
    expect(textOf(comp)).toBe('5 分钟后');
    jest.advanceTimersByTime(60_000);
    expect(textOf(comp)).toBe('4 分钟后');
    comp.setData({ time: '2026-05-02T09:00:00+08:00' });
    expect(textOf(comp)).toBe('明天 09:00');
  });

  it('stops ticking while its page is hidden and catches up when shown', () => {
    const comp = renderComponent('components/relative-time/index', { time: '2026-05-01T10:35:00+08:00' });
    comp.triggerPageLifeTime('hide');
    expect(jest.getTimerCount()).toBe(0);
    jest.advanceTimersByTime(3 * 60_000);
    expect(textOf(comp)).toBe('5 分钟后');
    comp.triggerPageLifeTime('show');
    expect(textOf(comp)).toBe('2 分钟后');
    expect(jest.getTimerCount()).toBe(1);
  });

  it('clears its timer when detached', () => {
    const comp = renderComponent('components/relative-time/index', { time: '2026-05-01T10:35:00+08:00' });
    expect(jest.getTimerCount()).toBe(1);
    comp.detach();
    expect(jest.getTimerCount()).toBe(0);
  });

  it('recomputes when moved within a keyed list', () => {
    const comp = renderComponent('components/relative-time/index', { time: '2026-05-01T10:35:00+08:00' });
    jest.setSystemTime(NOW + 2 * 60_000);
    comp.triggerLifeTime('moved');
    expect(textOf(comp)).toBe('3 分钟后');
  });

  it('reports an error thrown inside it to the App instead of losing it', () => {
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const comp = renderComponent('components/relative-time/index', { time: '2026-05-01T10:35:00+08:00' });
    (comp.triggerLifeTime as (name: string, error: Error) => void)('error', new Error('render blew up'));
    expect(app.globalData.errors.at(-1)).toMatchObject({ source: 'component', message: 'render blew up' });
  });
});
