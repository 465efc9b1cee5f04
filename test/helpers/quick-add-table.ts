/**
 * The quick-add table: phrases with the fields they must give, at a fixed clock. Shared by the
 * unit test, the process-zone check (run in child processes) and `npm run bench`.
 */

/** A Monday: 10:00 in Shanghai, 18:00 on Sunday in Los Angeles, 02:00 in UTC. */
export const QUICK_ADD_NOW = '2026-12-07T02:00:00.000Z';

export interface QuickAddCase {
  zone: string | null;
  text: string;
  title: string;
  dueAt: string | null;
  repeat: string | null;
  remindAt: string | null;
}

type Row = [text: string, title: string, dueAt: string | null, repeat?: string | null, remindAt?: string | null];

const WORKDAYS = 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR';
const z = (hhmm: string, date = '2026-12-07') => `${date}T${hhmm}:00.000Z`;

const rows = (zone: string | null, table: Row[]): QuickAddCase[] =>
  table.map(([text, title, dueAt, repeat = null, remindAt = null]) => ({ zone, text, title, dueAt, repeat, remindAt }));

// Shanghai is UTC+8: 09:00 on 8 December is 2026-12-08T01:00Z.
const SHANGHAI: Row[] = [
  // The phrases of the planner issue.
  ['明天上午9点', '', z('01:00', '2026-12-08')],
  ['后天晚上8点', '', z('12:00', '2026-12-09')],
  ['今晚10点', '', z('14:00')],
  ['下周三下午3点半', '', z('07:30', '2026-12-16')],
  ['周六上午十点', '', z('02:00', '2026-12-12')],
  ['每天早上7点半', '', z('23:30'), 'FREQ=DAILY'],
  ['每周一', '', z('01:00', '2026-12-14'), 'FREQ=WEEKLY;BYDAY=MO'],
  // "weekly" before a noun names the thing, not the repeat.
  ['send the weekly report every Monday', 'send the weekly report', z('01:00', '2026-12-14'), 'FREQ=WEEKLY;BYDAY=MO'],
  ['water the plants weekly', 'water the plants', z('01:00', '2026-12-14'), 'FREQ=WEEKLY'],
  ['工作日每天9点', '', z('01:00', '2026-12-08'), WORKDAYS],
  ['每两周周五', '', z('01:00', '2026-12-11'), 'FREQ=WEEKLY;INTERVAL=2;BYDAY=FR'],
  ['每月1号', '', z('01:00', '2027-01-01'), 'FREQ=MONTHLY;BYMONTHDAY=1'],
  ['12月31日下午5点', '', z('09:00', '2026-12-31')],
  ['3天后', '', z('01:00', '2026-12-10')],
  ['半小时后', '', z('02:30')],
  ['tomorrow at 8pm', '', z('12:00', '2026-12-08')],
  ['every weekday at 9am', '', z('01:00', '2026-12-08'), WORKDAYS],
  ['on the 1st of every month', '', z('01:00', '2027-01-01'), 'FREQ=MONTHLY;BYMONTHDAY=1'],
  ['in 2 hours', '', z('04:00')],
  ['buy milk', 'buy milk', null],
  // Chinese, with titles.
  ['明天上午9点开会', '开会', z('01:00', '2026-12-08')],
  ['下周三下午3点半和老王开会', '和老王开会', z('07:30', '2026-12-16')],
  ['在明天上午开会', '开会', z('01:00', '2026-12-08')],
  ['大后天交报告', '交报告', z('01:00', '2026-12-10')],
  ['周五', '', z('01:00', '2026-12-11')],
  ['星期天去爬山', '去爬山', z('01:00', '2026-12-13')],
  ['礼拜三下午开会', '开会', z('07:00', '2026-12-09')],
  ['这周五交周报', '交周报', z('01:00', '2026-12-11')],
  ['本周日', '', z('01:00', '2026-12-13')],
  ['下下周一', '', z('01:00', '2026-12-21')],
  // Today is Monday: 09:00 has passed, 15:00 has not.
  ['周一上午9点', '', z('01:00', '2026-12-14')],
  ['周一下午3点', '', z('07:00')],
  ['下午3点开会', '开会', z('07:00')],
  ['早上8点跑步', '跑步', z('00:00', '2026-12-08')],
  ['3点', '', z('07:00')],
  ['10点', '', z('02:00', '2026-12-08')],
  ['9点半', '', z('01:30', '2026-12-08')],
  ['十一点一刻', '', z('03:15')],
  ['中午12点吃饭', '吃饭', z('04:00')],
  ['凌晨2点', '', z('18:00')],
  ['晚上12点', '', z('16:00')],
  ['今天交报告', '交报告', z('03:00')],
  ['明天', '', z('01:00', '2026-12-08')],
  ['12月25日', '', z('01:00', '2026-12-25')],
  ['1月1日', '', z('01:00', '2027-01-01')],
  ['2027年3月5日上午10点', '', z('02:00', '2027-03-05')],
  ['12月1日', '', z('01:00', '2027-12-01')],
  ['31号交房租', '交房租', z('01:00', '2026-12-31')],
  ['5号', '', z('01:00', '2027-01-05')],
  ['2小时后', '', z('04:00')],
  ['一个半小时后', '', z('03:30')],
  ['1周后', '', z('01:00', '2026-12-14')],
  // Reminders.
  ['提醒我明天交房租', '交房租', z('01:00', '2026-12-08'), null, z('01:00', '2026-12-08')],
  ['明天上午9点开会，提前10分钟提醒', '开会', z('01:00', '2026-12-08'), null, z('00:50', '2026-12-08')],
  ['10分钟后提醒我喝水', '喝水', z('02:10'), null, z('02:10')],
  ['提醒我买牛奶', '买牛奶', null],
  // Repeats.
  ['每天', '', z('01:00', '2026-12-08'), 'FREQ=DAILY'],
  ['每天晚上9点写日记', '写日记', z('13:00'), 'FREQ=DAILY'],
  ['每周一、三', '', z('01:00', '2026-12-09'), 'FREQ=WEEKLY;BYDAY=MO,WE'],
  ['每周一到周五早上8点', '', z('00:00', '2026-12-08'), WORKDAYS],
  ['每个周末', '', z('01:00', '2026-12-12'), 'FREQ=WEEKLY;BYDAY=SA,SU'],
  ['每隔一天', '', z('01:00', '2026-12-09'), 'FREQ=DAILY;INTERVAL=2'],
  ['每月15号交房租', '交房租', z('01:00', '2026-12-15'), 'FREQ=MONTHLY;BYMONTHDAY=15'],
  ['每月最后一天', '', z('01:00', '2026-12-31'), 'FREQ=MONTHLY;BYMONTHDAY=-1'],
  ['每年12月31日', '', z('01:00', '2026-12-31'), 'FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=31'],
  ['每两周周五下午4点开周会', '开周会', z('08:00', '2026-12-11'), 'FREQ=WEEKLY;INTERVAL=2;BYDAY=FR'],
  [
    '每周一上午10点例会，提前10分钟提醒',
    '例会',
    z('02:00', '2026-12-14'),
    'FREQ=WEEKLY;BYDAY=MO',
    z('01:50', '2026-12-14'),
  ],
  ['每周一次复盘', '复盘', z('01:00', '2026-12-14'), 'FREQ=WEEKLY'],
  // English.
  ['tomorrow', '', z('01:00', '2026-12-08')],
  ['buy milk tomorrow 9am', 'buy milk', z('01:00', '2026-12-08')],
  ['call mom tonight', 'call mom', z('12:00')],
  ['dentist next tue 2:30pm', 'dentist', z('06:30', '2026-12-15')],
  ['Review Q4 plan on Friday 3pm', 'Review Q4 plan', z('07:00', '2026-12-11')],
  ['submit report by Dec 31 5pm', 'submit report', z('09:00', '2026-12-31')],
  ['pay rent on the 5th', 'pay rent', z('01:00', '2027-01-05')],
  ['team sync every monday at 10am', 'team sync', z('02:00', '2026-12-14'), 'FREQ=WEEKLY;BYDAY=MO'],
  ['every 2 weeks on friday', '', z('01:00', '2026-12-11'), 'FREQ=WEEKLY;INTERVAL=2;BYDAY=FR'],
  ['every other week on Friday', '', z('01:00', '2026-12-11'), 'FREQ=WEEKLY;INTERVAL=2;BYDAY=FR'],
  ['monthly on the 15th', '', z('01:00', '2026-12-15'), 'FREQ=MONTHLY;BYMONTHDAY=15'],
  ['every year on Dec 31', '', z('01:00', '2026-12-31'), 'FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=31'],
  ['every day at 7:30am', '', z('23:30'), 'FREQ=DAILY'],
  ['water plants daily', 'water plants', z('01:00', '2026-12-08'), 'FREQ=DAILY'],
  ['stretch every morning', 'stretch', z('01:00', '2026-12-08'), 'FREQ=DAILY'],
  ['in 30 minutes', '', z('02:30')],
  ['in half an hour', '', z('02:30')],
  ['in 3 days', '', z('01:00', '2026-12-10')],
  ['standup at 9:15', 'standup', z('01:15', '2026-12-08')],
  ['lunch at noon', 'lunch', z('04:00')],
  ['remind me to stretch in 2 hours', 'stretch', z('04:00'), null, z('04:00')],
  [
    'meeting tomorrow at 3pm, remind me 15 minutes before',
    'meeting',
    z('07:00', '2026-12-08'),
    null,
    z('06:45', '2026-12-08'),
  ],
  ['明天 call Tom', 'call Tom', z('01:00', '2026-12-08')],
  // Titles that only look like dates.
  ['读《1984》', '读《1984》', null],
  ['读《明天会更好》', '读《明天会更好》', null],
  ['买3个苹果', '买3个苹果', null],
  ['第2章', '第2章', null],
  ['5号楼开会', '5号楼开会', null],
  ['快一点', '快一点', null],
  ['read 1984', 'read 1984', null],
  ['buy 3 apples', 'buy 3 apples', null],
  ['sat exam prep', 'sat exam prep', null],
  ['game night', 'game night', null],
  ['add 1/2 cup sugar', 'add 1/2 cup sugar', null],
];

// Los Angeles is UTC-8 in winter, UTC-7 from 14 March 2027 (02:00 PST becomes 03:00 PDT) to 7 November 2027.
const LOS_ANGELES: Row[] = [
  ['明天上午9点', '', z('17:00')],
  ['tomorrow at 8pm', '', z('04:00', '2026-12-08')],
  ['今晚10点', '', z('06:00')],
  ['in 2 hours', '', z('04:00')],
  ['every weekday at 9am', '', z('17:00'), WORKDAYS],
  ['每天早上7点半', '', z('15:30'), 'FREQ=DAILY'],
  ['周六上午十点', '', z('18:00', '2026-12-12')],
  ['3月13日上午9点', '', z('17:00', '2027-03-13')],
  ['Mar 14 2027 9am', '', z('16:00', '2027-03-14')],
  // 02:30 on 14 March 2027 does not exist: it is read as 03:30 PDT.
  ['3月14日凌晨2点半', '', z('10:30', '2027-03-14')],
  // 01:30 on 7 November 2027 happens twice: the first, PDT.
  ['2027年11月7日凌晨1点半', '', z('08:30', '2027-11-07')],
];

const UTC: Row[] = [
  ['明天上午9点', '', z('09:00', '2026-12-08')],
  ['今晚10点', '', z('22:00')],
  ['周一上午9点', '', z('09:00')],
  ['每周一', '', z('09:00'), 'FREQ=WEEKLY;BYDAY=MO'],
  ['tomorrow at 8pm', '', z('20:00', '2026-12-08')],
  ['3点', '', z('15:00')],
  ['今天交报告', '交报告', z('09:00')],
];

export const QUICK_ADD_CASES: QuickAddCase[] = [
  ...rows('Asia/Shanghai', SHANGHAI),
  ...rows('America/Los_Angeles', LOS_ANGELES),
  ...rows('UTC', UTC),
  // No zone, or one this runtime does not know: Shanghai.
  ...rows(null, [['明天上午9点', '', z('01:00', '2026-12-08')]]),
  ...rows('Mars/Olympus_Mons', [['今晚10点', '', z('14:00')]]),
];
