/**
 * Prints the quick-add table's results, and a few repeats across DST, as JSON: a test runs this
 * under several process zones and expects the same output from each.
 */
import { parseQuickAdd } from '../../server/todo/parse';
import { nextOccurrence } from '../../server/todo/repeat';
import { QUICK_ADD_CASES, QUICK_ADD_NOW } from './quick-add-table';

const now = new Date(QUICK_ADD_NOW);
const results = QUICK_ADD_CASES.map(({ text, zone }) => parseQuickAdd(text, { now, zone }));
const repeats = [
  ['FREQ=DAILY', '2027-03-13T09:00:00-08:00', 'America/Los_Angeles'],
  ['FREQ=DAILY', '2027-03-13T02:30:00-08:00', 'America/Los_Angeles'],
  ['FREQ=WEEKLY;INTERVAL=2;BYDAY=FR;COUNT=3', '2026-12-11T09:00:00+08:00', 'Asia/Shanghai'],
  ['FREQ=MONTHLY;BYMONTHDAY=-1', '2027-01-31T23:30:00+00:00', 'UTC'],
].map(([rule, due, zone]) => nextOccurrence({ rule, dueAt: new Date(due), zone }));
process.stdout.write(JSON.stringify({ zone: Intl.DateTimeFormat().resolvedOptions().timeZone, results, repeats }));
