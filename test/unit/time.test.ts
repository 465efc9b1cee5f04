import { en } from '../../miniprogram/i18n/en';
import { zh } from '../../miniprogram/i18n/zh';
import { formatClock, formatRelative, msToNextMinute } from '../../miniprogram/utils/time';

const at = (iso: string) => Date.parse(iso);
const now = at('2026-05-01T10:30:00+08:00');

describe('times shown in China Standard Time', () => {
  it('formats the clock in Shanghai whatever the instant was written in', () => {
    expect(formatClock(at('2026-05-01T01:05:00Z'))).toBe('09:05');
  });

  it.each([
    ['2026-05-01T10:29:31+08:00', '刚刚'],
    ['2026-05-01T10:25:00+08:00', '5 分钟前'],
    ['2026-05-01T10:45:00+08:00', '15 分钟后'],
    ['2026-05-01T07:00:00+08:00', '3 小时前'],
    ['2026-05-01T23:59:00+08:00', '13 小时后'],
    ['2026-04-30T23:00:00+08:00', '昨天 23:00'],
    ['2026-05-02T00:10:00+08:00', '明天 00:10'],
    ['2026-05-09T09:00:00+08:00', '5月9日 09:00'],
    ['2027-01-02T09:00:00+08:00', '2027年1月2日 09:00'],
  ])('%s reads as %s', (iso, text) => {
    expect(formatRelative(at(iso), now, zh.time)).toBe(text);
  });

  it('uses the Shanghai calendar day at midnight UTC boundaries', () => {
    // 2026-05-01T16:30Z is 00:30 on 2 May in Shanghai: "tomorrow", though the same UTC date.
    expect(formatRelative(at('2026-05-01T16:30:00Z'), now, zh.time)).toBe('明天 00:30');
  });

  it.each([
    ['2026-05-01T10:29:31+08:00', 'just now'],
    ['2026-05-01T10:25:00+08:00', '5 min ago'],
    ['2026-05-01T10:45:00+08:00', 'in 15 min'],
    ['2026-05-01T07:00:00+08:00', '3 h ago'],
    ['2026-04-30T23:00:00+08:00', 'Yesterday 23:00'],
    ['2026-05-02T00:10:00+08:00', 'Tomorrow 00:10'],
    ['2026-05-09T09:00:00+08:00', 'May 9, 09:00'],
    ['2027-01-02T09:00:00+08:00', 'Jan 2, 2027, 09:00'],
  ])('in English, %s reads as %s', (iso, text) => {
    expect(formatRelative(at(iso), now, en.time)).toBe(text);
  });

  it('waits to the next whole minute', () => {
    expect(msToNextMinute(at('2026-05-01T10:30:45.500+08:00'))).toBe(14_500);
    expect(msToNextMinute(now)).toBe(60_000);
  });
});
