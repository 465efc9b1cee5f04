import { EN_REPEAT_WORDS, repeatInWords, ZH_REPEAT_WORDS } from '../../shared/repeat-words';
import { wallOf } from '../../shared/time';

describe('a repeating rule in words', () => {
  it.each([
    ['FREQ=DAILY', '每天', 'every day'],
    ['FREQ=DAILY;INTERVAL=2', '每两天', 'every 2 days'],
    ['FREQ=DAILY;INTERVAL=3', '每3天', 'every 3 days'],
    ['FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR', '每个工作日', 'every weekday'],
    ['FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR', '每个工作日', 'every weekday'],
    ['FREQ=WEEKLY;BYDAY=SA,SU', '每个周末', 'every weekend'],
    ['FREQ=WEEKLY;BYDAY=MO', '每周一', 'every Monday'],
    ['FREQ=WEEKLY;BYDAY=SU', '每周日', 'every Sunday'],
    ['FREQ=WEEKLY;BYDAY=MO,WE', '每周一、三', 'every Monday and Wednesday'],
    ['FREQ=WEEKLY;BYDAY=MO,WE,FR', '每周一、三、五', 'every Monday, Wednesday and Friday'],
    ['FREQ=WEEKLY', '每周', 'every week'],
    ['FREQ=WEEKLY;INTERVAL=2;BYDAY=FR', '每两周周五', 'every 2 weeks on Friday'],
    ['FREQ=WEEKLY;INTERVAL=3;BYDAY=TU,TH', '每3周周二、四', 'every 3 weeks on Tuesday and Thursday'],
    [
      'FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TU,WE,TH,FR',
      '每两周周一、二、三、四、五',
      'every 2 weeks on Monday, Tuesday, Wednesday, Thursday and Friday',
    ],
    ['FREQ=WEEKLY;INTERVAL=2', '每两周', 'every 2 weeks'],
    ['FREQ=MONTHLY;BYMONTHDAY=1', '每月1号', 'monthly on the 1st'],
    ['FREQ=MONTHLY;BYMONTHDAY=2', '每月2号', 'monthly on the 2nd'],
    ['FREQ=MONTHLY;BYMONTHDAY=23', '每月23号', 'monthly on the 23rd'],
    ['FREQ=MONTHLY;BYMONTHDAY=11', '每月11号', 'monthly on the 11th'],
    ['FREQ=MONTHLY;BYMONTHDAY=1,15', '每月1号、15号', 'monthly on the 1st and 15th'],
    ['FREQ=MONTHLY;BYMONTHDAY=-1', '每月最后一天', 'monthly on the last day'],
    ['FREQ=MONTHLY;BYMONTHDAY=-2', '每月倒数第2天', 'monthly on the 2nd-to-last day'],
    ['FREQ=MONTHLY;BYMONTHDAY=-1,15', '每月15号、最后一天', 'monthly on the 15th and last day'],
    ['FREQ=MONTHLY', '每月', 'monthly'],
    ['FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=1', '每3个月的1号', 'every 3 months on the 1st'],
    ['FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=31', '每年12月31日', 'every year on Dec 31'],
    ['FREQ=YEARLY', '每年', 'every year'],
    ['FREQ=YEARLY;INTERVAL=2;BYMONTH=2;BYMONTHDAY=29', '每两年的2月29日', 'every 2 years on Feb 29'],
    ['FREQ=DAILY;COUNT=5', '每天，还剩5次', 'every day, 5 left'],
    ['FREQ=WEEKLY;BYDAY=MO;UNTIL=20270131', '每周一，到2027年1月31日', 'every Monday, until Jan 31, 2027'],
  ])('%s: %s / %s', (rule, zh, en) => {
    expect(repeatInWords(rule, ZH_REPEAT_WORDS)).toBe(zh);
    expect(repeatInWords(rule, EN_REPEAT_WORDS)).toBe(en);
  });

  it("shows an UNTIL written as a UTC time on the user's date when told how", () => {
    // 2027-01-31T16:00:00Z is 1 February in Shanghai.
    const rule = 'FREQ=DAILY;UNTIL=20270131T160000Z';
    expect(repeatInWords(rule, ZH_REPEAT_WORDS)).toBe('每天，到2027年1月31日');
    expect(repeatInWords(rule, ZH_REPEAT_WORDS, (ms) => wallOf(ms, 'Asia/Shanghai'))).toBe('每天，到2027年2月1日');
  });

  it('is empty for a rule outside the subset', () => {
    expect(repeatInWords('FREQ=HOURLY', ZH_REPEAT_WORDS)).toBe('');
  });
});
